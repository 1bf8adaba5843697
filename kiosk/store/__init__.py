"""The kiosk's local store: orders, attachments, outbox and audit log in SQLite (WAL),
personal data sealed with AES-GCM under a key kept outside the database."""

from kiosk.core.sealing import KeyFileError, Sealer
from kiosk.store.store import (
    AttachmentRecord,
    OrderNotFound,
    OrderRecord,
    OutboxItem,
    Owner,
    StorageFull,
    Store,
    StoreError,
    SyncSummary,
)

__all__ = [
    "AttachmentRecord",
    "KeyFileError",
    "OrderNotFound",
    "OrderRecord",
    "OutboxItem",
    "Owner",
    "Sealer",
    "StorageFull",
    "Store",
    "StoreError",
    "SyncSummary",
]
