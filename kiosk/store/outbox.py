"""The outbox: what the sync (kiosk/backend_client/sync.py) is to carry to the backend, item by
item, and what it last saw of the link. Items are queued in the order's own transaction
(`Orders.submit`); an item is done only once the backend has confirmed it."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from kiosk.core.domain.documents import DocumentKind
from kiosk.store.database import Database, StoreError, utc_now


@dataclass(frozen=True)
class OutboxItem:
    id: int
    order_id: str
    kind: str
    payload: Mapping[str, Any]
    attempts: int
    next_attempt_at: str | None
    last_error: str | None
    blocked_at: str | None = None


@dataclass(frozen=True)
class SyncSummary:
    """What the status line and the staff dashboard show about the link and the queue."""

    pending_orders: int
    blocked_orders: int
    oldest_pending_at: str | None
    online: bool | None  # None: the sync has not tried yet
    last_contact_at: str | None
    last_error: str | None


class Outbox:
    def __init__(self, database: Database) -> None:
        self._db = database

    def queue_submission(self, db: sqlite_utils.Database, order_id: str, *, first: bool, now: str) -> None:
        """Inside the caller's `write()` (the order's move to review): the items that carry the
        order to the backend, the order itself (created the first time, its form again after a
        rejection), each image not yet uploaded, and the submission."""
        kind = "create_order" if first else "resubmit_order"
        items = [{"kind": kind, "payload": {}}]
        for row in db.table("attachments").rows_where(
            "order_id = ? and uploaded_at is null", [order_id], order_by="document"
        ):
            items.append(
                {
                    "kind": "upload_attachment",
                    "payload": {"document": row["document"], "sha256": row["sha256"]},
                }
            )
        # The backend takes each revision once: a retry after a lost answer is harmless.
        revision = (
            1
            + db.execute(
                "select count(*) from outbox where order_id = ? and kind = 'submit_order'", [order_id]
            ).fetchone()[0]
        )
        items.append({"kind": "submit_order", "payload": {"revision": revision}})
        db.table("outbox").insert_all(
            {
                "order_id": order_id,
                "kind": item["kind"],
                "payload": json.dumps(item["payload"]),
                "created_at": now,
                "attempts": 0,
            }
            for item in items
        )

    # --- what is to be sent -----------------------------------------------------------------------
    def pending(self, limit: int = 100) -> list[OutboxItem]:
        """Undone items, oldest first, with the order of items within an order kept."""
        with self._db.read() as db:
            rows = list(db.table("outbox").rows_where("done_at is null", order_by="id", limit=limit))
        return [_outbox_item(row) for row in rows]

    def head(self, order_id: str) -> OutboxItem | None:
        """The order's first undone item: within an order, items go strictly in turn."""
        with self._db.read() as db:
            rows = list(
                db.table("outbox").rows_where(
                    "order_id = ? and done_at is null", [order_id], order_by="id", limit=1
                )
            )
        return _outbox_item(rows[0]) if rows else None

    def due_orders(self, limit: int, now: str | None = None) -> list[str]:
        """Orders whose next item may be tried now, the longest waiting first. An order whose
        head is blocked waits for staff: its later items must not overtake it."""
        query = (
            "select order_id from outbox_heads"
            " where blocked_at is null and (next_attempt_at is null or next_attempt_at <= ?)"
            " order by id limit ?"
        )
        with self._db.read() as db:
            rows = db.execute(query, [now or utc_now(), limit]).fetchall()
        return [row[0] for row in rows]

    def next_attempt_at(self) -> str | None:
        """When the earliest waiting (not blocked) order may be tried again; None if none waits."""
        query = "select min(coalesce(next_attempt_at, '')) from outbox_heads where blocked_at is null"
        with self._db.read() as db:
            row = db.execute(query).fetchone()
        return None if row[0] is None else str(row[0])

    # --- what became of an item --------------------------------------------------------------------
    def finish(
        self, item_id: int, *, uploaded: DocumentKind | None = None, acknowledged: bool = False
    ) -> None:
        """The backend confirmed the item: mark it done, with what it proves about the order
        (an attachment the backend holds; the whole order received), in one transaction."""
        now = utc_now()
        with self._db.write() as db:
            row = db.execute("select order_id from outbox where id = ?", [item_id]).fetchone()
            if row is None:
                raise StoreError(f"no outbox item {item_id}")
            db.table("outbox").update(item_id, {"done_at": now})
            if uploaded is not None:
                db.execute(
                    "update attachments set uploaded_at = ? where order_id = ? and document = ?",
                    [now, row[0], DocumentKind(uploaded).value],
                )
            if acknowledged:
                db.table("orders").update(row[0], {"acknowledged_at": now})

    def mark_failed(self, item_id: int, error: str, next_attempt_at: str) -> None:
        """The item failed and may be tried again at `next_attempt_at` (the sync's backoff)."""
        with self._db.write() as db:
            db.execute(
                "update outbox set attempts = attempts + 1, last_error = ?, next_attempt_at = ? where id = ?",
                [error, next_attempt_at, item_id],
            )

    def mark_blocked(self, item_id: int, error: str) -> None:
        """The backend refused the item for good: park it (and its order) for staff."""
        with self._db.write() as db:
            db.execute(
                "update outbox set attempts = attempts + 1, last_error = ?, blocked_at = ? where id = ?",
                [error, utc_now(), item_id],
            )

    def retry_now(self) -> int:
        """Staff's 'retry now': every waiting or blocked item may be tried at once."""
        with self._db.write() as db:
            cursor = db.execute(
                "update outbox set next_attempt_at = null, blocked_at = null where done_at is null"
            )
        return int(cursor.rowcount)

    # --- the queue and the link, for the status line -----------------------------------------------
    def summary(self) -> SyncSummary:
        """The link and the queue in two indexed queries: cheap enough for every refresh."""
        with self._db.read() as db:
            pending, blocked, oldest = db.execute(
                "select count(distinct order_id), count(distinct case when blocked_at is not null"
                " then order_id end), min(created_at) from outbox where done_at is null"
            ).fetchone()
            state = dict(db.execute("select key, value from sync_state").fetchall())
        online = state.get("online")
        return SyncSummary(
            pending_orders=int(pending),
            blocked_orders=int(blocked),
            oldest_pending_at=oldest,
            online=None if online is None else online == "1",
            last_contact_at=state.get("last_contact_at"),
            last_error=state.get("last_error"),
        )

    def note_link(self, online: bool, error: str | None = None) -> None:
        """What the last exchange with the backend showed (never personal data in `error`)."""
        values = {"online": "1" if online else "0", "last_error": error or ""}
        if online:
            values["last_contact_at"] = utc_now()
        with self._db.write() as db:
            db.table("sync_state").upsert_all(
                [{"key": key, "value": value} for key, value in values.items()], pk="key"
            )


def _outbox_item(row: Mapping[str, Any]) -> OutboxItem:
    return OutboxItem(
        id=row["id"],
        order_id=row["order_id"],
        kind=row["kind"],
        payload=json.loads(row["payload"]),
        attempts=row["attempts"],
        next_attempt_at=row["next_attempt_at"],
        last_error=row["last_error"],
        blocked_at=row["blocked_at"],
    )
