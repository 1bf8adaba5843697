"""The kiosk's local store: orders, attachments, outbox, staff accounts, the kiosk's own state
and the audit trail in one SQLite database (WAL), personal data sealed with AES-GCM under a key
kept outside the database. `Store` holds the parts (kiosk/store/store.py)."""

from kiosk.core.sealing import KeyFileError, Sealer
from kiosk.store.attachments import AttachmentRecord
from kiosk.store.database import OrderNotFound, StorageFull, StoreError
from kiosk.store.orders import OrderRecord, Owner
from kiosk.store.outbox import OutboxItem, SyncSummary
from kiosk.store.store import Store

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
