"""Versioned schema: migration N brings a database from user_version N-1 to N.

Append new migrations; never edit one that has shipped.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

import sqlite_utils


def _v1_initial(db: sqlite_utils.Database) -> None:
    db.table("orders").create(
        {
            "id": str,  # permanent client-generated UUID; the backend deduplicates on it
            "business": str,
            "status": str,
            "created_at": str,
            "updated_at": str,
            "submitted_at": str,
            "fee_fen": int,
            "project": str,  # JSON of the project selection: codes only, nothing personal
            "form_sealed": bytes,  # the whole form, AES-GCM sealed (names, IDs, phones ...)
            "rejections": str,  # JSON: the backend's reasons per field / document
            "acknowledged_at": str,  # when the backend confirmed it holds the order's data
            "purged_at": str,  # when personal data left this kiosk
        },
        pk="id",
        not_null={"business", "status", "created_at", "updated_at"},
    )
    db.table("orders").create_index(["status"])
    db.table("attachments").create(
        {
            "order_id": str,
            "document": str,
            "sha256": str,  # of the plain image; names the sealed file on disk
            "size": int,
            "media_type": str,
            "captured_at": str,
            "uploaded_at": str,
        },
        pk=("order_id", "document"),
        foreign_keys=[("order_id", "orders", "id")],
        not_null={"sha256", "size", "media_type", "captured_at"},
    )
    db.table("attachments").create_index(["sha256"])
    db.table("outbox").create(
        {
            "id": int,
            "order_id": str,
            "kind": str,  # create_order | resubmit_order | upload_attachment | submit_order
            "payload": str,  # JSON of references only; personal data stays sealed in orders
            "created_at": str,
            "attempts": int,
            "next_attempt_at": str,
            "last_error": str,
            "done_at": str,
        },
        pk="id",
        foreign_keys=[("order_id", "orders", "id")],
        not_null={"order_id", "kind", "payload", "created_at", "attempts"},
        defaults={"attempts": 0},
    )
    db.table("outbox").create_index(["done_at", "order_id", "id"])
    db.table("audit").create(
        {
            "seq": int,
            "at": str,
            "actor": str,
            "action": str,
            "detail": str,
            "prev_hash": str,
            "hash": str,
        },
        pk="seq",
        not_null={"at", "actor", "action", "detail", "prev_hash", "hash"},
    )


def _v2_sync(db: sqlite_utils.Database) -> None:
    """What the sync worker needs: the order's owner and token, the backend's view of it, a
    way to park an item the backend refuses for good, and the link state for the status line."""
    orders = db.table("orders")
    orders.add_column("subscriber_sealed", bytes)  # whose order: phone and how it was verified
    orders.add_column("token_serial", str)  # renewal, change, unlock: the key in the slot
    orders.add_column("redirect_of", str)  # 改派: the order whose shipment changes
    orders.add_column("shipment", str)  # JSON from the backend: carrier, tracking number
    orders.add_column("remote_updated_at", str)  # the backend's updated_at last recorded
    db.table("outbox").add_column("blocked_at", str)  # refused for good: waits for staff
    db.table("outbox").create_index(["order_id", "done_at"])
    db.table("sync_state").create({"key": str, "value": str}, pk="key")
    # The first undone item of each order: items of one order go strictly in turn, so only
    # these may be sent (or waited for).
    db.create_view(
        "outbox_heads",
        "select * from outbox where id in"
        " (select min(id) from outbox where done_at is null group by order_id)",
    )


def _v3_staff(db: sqlite_utils.Database) -> None:
    """Hall staff: their accounts as the backend gives them (sealed: the PIN hashes are worth
    guarding too), and the kiosk's own small state that must outlive a restart (the staff
    entry's lockout, out of service, the day's visits per business)."""
    db.table("staff_accounts").create(
        {"staff_id": str, "sealed": bytes, "refreshed_at": str},
        pk="staff_id",
        not_null={"sealed", "refreshed_at"},
    )
    db.table("kiosk_state").create({"key": str, "value": str}, pk="key")


MIGRATIONS: tuple[Callable[[sqlite_utils.Database], None], ...] = (_v1_initial, _v2_sync, _v3_staff)
SCHEMA_VERSION = len(MIGRATIONS)


class SchemaTooNew(RuntimeError):
    """The database was written by a newer kiosk than this one."""


def migrate(conn: sqlite3.Connection) -> int:
    """Apply the missing migrations, each in its own transaction; return the version reached."""
    db = sqlite_utils.Database(conn)
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise SchemaTooNew(
            f"the store has schema version {version}, this kiosk knows up to {SCHEMA_VERSION}: "
            "update the kiosk software"
        )
    for number in range(version + 1, SCHEMA_VERSION + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            MIGRATIONS[number - 1](db)
            conn.execute(f"PRAGMA user_version = {number}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    return SCHEMA_VERSION
