"""The kiosk's store. One `Store` per process, shared by the UI and its worker threads.

Guarantees the rest of the kiosk relies on:
- an order's status change and the outbox rows that carry it to the backend are written in
  one transaction (the outbox pattern), so a crash never leaves one without the other;
- every status change goes through the domain's status machine;
- the form (names, ID numbers, phones, addresses ...) and the document images are sealed
  (AES-GCM) at rest; the database and the attachment folder hold none of them in clear;
- attachment files are named by the sha256 of their plain bytes and written atomically.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import sqlite3
import threading
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import sqlite_utils

from kiosk.core.domain.businesses import Section, business
from kiosk.core.domain.catalog import ProjectSelection
from kiosk.core.domain.documents import DocumentKind
from kiosk.core.domain.forms import SECTION_FIELDS, FormValues
from kiosk.core.domain.status import OrderStatus, transition
from kiosk.core.sealing import Sealer
from kiosk.core.staff_pins import StaffAccount
from kiosk.store.audit import KEY_PURPOSE, AuditTrail
from kiosk.store.schema import migrate

SEALED_SUFFIX = ".sealed"


class StoreError(RuntimeError):
    pass


class StorageFull(StoreError):
    """The disk (or the folder's quota) has no room left: nothing of the write was kept, and
    everything written before it is intact. Room made by staff lets the same write succeed."""

    def __init__(self) -> None:
        super().__init__("no space left for the kiosk's store")


_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})


@contextlib.contextmanager
def _full_is_said() -> Iterator[None]:
    """A full disk raised as `StorageFull`, however the write found it: SQLite's SQLITE_FULL
    (13) or the file system's ENOSPC/EDQUOT."""
    try:
        yield
    except sqlite3.OperationalError as error:
        if getattr(error, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL:
            raise StorageFull() from error
        raise
    except OSError as error:
        if error.errno in _FULL_ERRNOS:
            raise StorageFull() from error
        raise


class OrderNotFound(StoreError):
    def __init__(self, order_id: str) -> None:
        super().__init__(f"no order {order_id} in this kiosk's store")
        self.order_id = order_id


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class AttachmentRecord:
    order_id: str
    document: DocumentKind
    sha256: str
    size: int
    media_type: str
    captured_at: str
    uploaded_at: str | None


@dataclass(frozen=True)
class OrderRecord:
    id: str
    business: str  # its code
    status: OrderStatus
    form: FormValues
    project: ProjectSelection | None
    fee_fen: int
    created_at: str
    updated_at: str
    submitted_at: str | None
    acknowledged_at: str | None
    purged_at: str | None
    rejections: Mapping[str, Any]
    token_serial: str | None = None
    redirect_of: str | None = None
    shipment: Mapping[str, Any] | None = None
    remote_updated_at: str | None = None


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
class Owner:
    """Whose order it is, as the kiosk verified them: SMS sign-in, or staff in person (offline)."""

    phone: str
    verified_by: Literal["sms", "staff"]
    staff_id: str | None = None


@dataclass(frozen=True)
class SyncSummary:
    """What the status line and the staff dashboard show about the link and the queue."""

    pending_orders: int
    blocked_orders: int
    oldest_pending_at: str | None
    online: bool | None  # None: the sync has not tried yet
    last_contact_at: str | None
    last_error: str | None


class Store:
    def __init__(self, database: Path, attachments_dir: Path, sealer: Sealer) -> None:
        database.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        attachments_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.path = database
        self.attachments_dir = attachments_dir
        self._sealer = sealer
        self._lock = threading.RLock()
        conn = sqlite3.connect(database, check_same_thread=False, timeout=10)
        os.chmod(database, 0o600)
        conn.execute("PRAGMA journal_mode=WAL")
        # FULL: a committed order survives a power cut, not only a crash of the process.
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        self._conn = conn
        self.db = sqlite_utils.Database(conn)
        migrate(conn)
        self.audit_trail = AuditTrail(
            conn,
            self._lock,
            self._write,
            sealer.derive_key(KEY_PURPOSE),
            database.with_suffix(".audit-anchor"),
        )
        self.audit_trail.adopt_legacy_chain()

    @classmethod
    def open(cls, data_dir: Path, key_file: Path) -> Store:
        """The store in `data_dir` with its key; a new key is made only for a new store."""
        database = data_dir / "kiosk.db"
        sealer = Sealer.from_key_file(key_file, create=not database.exists())
        return cls(database, data_dir / "attachments", sealer)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite_utils.Database]:
        """One write transaction, taken up front (IMMEDIATE) so another process's writer
        makes this one wait rather than fail half-way."""
        with self._lock, _full_is_said():
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
                self._conn.execute("COMMIT")
            except BaseException:
                # A COMMIT that failed (the disk filled) may leave the transaction open.
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise

    # --- orders ---------------------------------------------------------------------------
    def create_order(
        self,
        code: str,
        form: FormValues | None = None,
        project: ProjectSelection | None = None,
        fee_fen: int = 0,
        order_id: str | None = None,
        *,
        token_serial: str | None = None,
        redirect_of: str | None = None,
    ) -> OrderRecord:
        """A new draft with a permanent UUID (the backend deduplicates on it forever)."""
        order_id = order_id or str(uuid.uuid4())
        now = utc_now()
        with self._write() as db:
            db.table("orders").insert(
                {
                    "id": order_id,
                    "business": business(code).code,
                    "status": OrderStatus.DRAFT.value,
                    "created_at": now,
                    "updated_at": now,
                    "fee_fen": fee_fen,
                    "project": json.dumps(project.to_json()) if project else None,
                    "form_sealed": self._seal_form(order_id, form or {}),
                    "rejections": "{}",
                    "token_serial": token_serial,
                    "redirect_of": redirect_of,
                }
            )
        return self.order(order_id)

    def set_owner(self, order_id: str, owner: Owner) -> None:
        """Record whose order it is (sealed: the phone is personal data)."""
        plain = json.dumps(
            {"phone": owner.phone, "verified_by": owner.verified_by, "staff_id": owner.staff_id}
        )
        with self._write() as db:
            self._status(order_id)
            db.table("orders").update(
                order_id, {"subscriber_sealed": self._sealer.seal(plain.encode(), f"order:{order_id}:owner")}
            )

    def owner(self, order_id: str) -> Owner | None:
        with self._lock:
            row = self._conn.execute(
                "select subscriber_sealed from orders where id = ?", [order_id]
            ).fetchone()
        if row is None:
            raise OrderNotFound(order_id)
        if row[0] is None:
            return None
        data = json.loads(self._sealer.open(row[0], f"order:{order_id}:owner"))
        return Owner(phone=data["phone"], verified_by=data["verified_by"], staff_id=data.get("staff_id"))

    def update_draft(
        self,
        order_id: str,
        *,
        form: FormValues | None = None,
        project: ProjectSelection | None = None,
        fee_fen: int | None = None,
        token_serial: str | None = None,
        redirect_of: str | None = None,
    ) -> None:
        changes: dict[str, Any] = {"updated_at": utc_now()}
        if token_serial is not None:
            changes["token_serial"] = token_serial
        if redirect_of is not None:
            changes["redirect_of"] = redirect_of
        if form is not None:
            changes["form_sealed"] = self._seal_form(order_id, form)
        if project is not None:
            changes["project"] = json.dumps(project.to_json())
        if fee_fen is not None:
            changes["fee_fen"] = fee_fen
        with self._write() as db:
            status = self._status(order_id)
            if status not in (OrderStatus.DRAFT, OrderStatus.REJECTED):
                raise StoreError(f"order {order_id} is {status.value}: only a draft can change")
            db.table("orders").update(order_id, changes)

    def order(self, order_id: str) -> OrderRecord:
        with self._lock:
            rows = list(self.db.table("orders").rows_where("id = ?", [order_id]))
        if not rows:
            raise OrderNotFound(order_id)
        return self._order_from_row(rows[0])

    def orders(self, statuses: Sequence[OrderStatus] | None = None) -> list[OrderRecord]:
        where, args = None, None
        if statuses:
            where = f"status in ({', '.join('?' * len(statuses))})"
            args = [status.value for status in statuses]
        with self._lock:
            rows = list(self.db.table("orders").rows_where(where, args, order_by="created_at desc"))
        return [self._order_from_row(row) for row in rows]

    def set_status(self, order_id: str, target: OrderStatus, **details: Any) -> None:
        """Move the order along the status machine (IllegalTransition if not allowed)."""
        with self._write() as db:
            transition(self._status(order_id), target)
            changes: dict[str, Any] = {"status": target.value, "updated_at": utc_now()}
            if "rejections" in details:
                changes["rejections"] = json.dumps(details["rejections"], ensure_ascii=False)
            db.table("orders").update(order_id, changes)

    def submit(self, order_id: str) -> None:
        """Queue the order for the backend: status and outbox rows in one transaction."""
        with self._write() as db:
            current = self._status(order_id)
            transition(current, OrderStatus.AWAITING_REVIEW)
            now = utc_now()
            db.table("orders").update(
                order_id,
                {"status": OrderStatus.AWAITING_REVIEW.value, "updated_at": now, "submitted_at": now},
            )
            kind = "create_order" if current is OrderStatus.DRAFT else "resubmit_order"
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
                + self._conn.execute(
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

    def discard_draft(self, order_id: str) -> bool:
        """Delete an unsubmitted order and its images (the idle wipe); False if not a draft."""
        with self._write() as db:
            try:
                status = self._status(order_id)
            except OrderNotFound:
                return False
            if status is not OrderStatus.DRAFT:
                return False
            hashes = [row["sha256"] for row in db.table("attachments").rows_where("order_id = ?", [order_id])]
            db.table("attachments").delete_where("order_id = ?", [order_id])
            db.table("orders").delete(order_id)
        self._delete_unreferenced_files(hashes)
        return True

    def purge_personal_data(self, order_id: str) -> None:
        """Remove the order's personal fields and images from this kiosk, keeping what staff
        and the sync still need (business, status, unit name and code, project)."""
        order = self.order(order_id)
        kept: FormValues = {}
        for section, values in order.form.items():
            specs = {spec.key: spec for spec in SECTION_FIELDS.get(Section(section), ())}
            kept[section] = {
                key: value for key, value in values.items() if key in specs and not specs[key].personal
            }
        with self._write() as db:
            hashes = [row["sha256"] for row in db.table("attachments").rows_where("order_id = ?", [order_id])]
            db.table("orders").update(
                order_id,
                {
                    "form_sealed": self._seal_form(order_id, kept),
                    "subscriber_sealed": None,
                    "purged_at": utc_now(),
                },
            )
        self._delete_unreferenced_files(hashes)

    # --- attachments ------------------------------------------------------------------------
    def add_attachment(
        self, order_id: str, document: DocumentKind, data: bytes, media_type: str
    ) -> AttachmentRecord:
        """Keep a captured image for the order (replacing an earlier capture of the document)."""
        sha256 = hashlib.sha256(data).hexdigest()
        self._write_sealed_file(sha256, data)
        now = utc_now()
        with self._write() as db:
            self._status(order_id)
            old = list(
                db.table("attachments").rows_where(
                    "order_id = ? and document = ?", [order_id, document.value]
                )
            )
            db.table("attachments").upsert(
                {
                    "order_id": order_id,
                    "document": DocumentKind(document).value,
                    "sha256": sha256,
                    "size": len(data),
                    "media_type": media_type,
                    "captured_at": now,
                    "uploaded_at": None,
                },
                pk=("order_id", "document"),
            )
        self._delete_unreferenced_files([row["sha256"] for row in old if row["sha256"] != sha256])
        return self.attachments(order_id)[DocumentKind(document)]

    def attachments(self, order_id: str) -> dict[DocumentKind, AttachmentRecord]:
        with self._lock:
            rows = list(self.db.table("attachments").rows_where("order_id = ?", [order_id]))
        return {
            DocumentKind(row["document"]): AttachmentRecord(
                order_id=row["order_id"],
                document=DocumentKind(row["document"]),
                sha256=row["sha256"],
                size=row["size"],
                media_type=row["media_type"],
                captured_at=row["captured_at"],
                uploaded_at=row["uploaded_at"],
            )
            for row in rows
        }

    def read_attachment(self, sha256: str) -> bytes:
        sealed = (self.attachments_dir / f"{sha256}{SEALED_SUFFIX}").read_bytes()
        data = self._sealer.open(sealed, f"attachment:{sha256}")
        if hashlib.sha256(data).hexdigest() != sha256:
            raise StoreError(f"attachment {sha256} does not match its name")
        return data

    # --- outbox ------------------------------------------------------------------------------
    def pending_outbox(self, limit: int = 100) -> list[OutboxItem]:
        """Undone items, oldest first, with the order of items within an order kept."""
        with self._lock:
            rows = list(self.db.table("outbox").rows_where("done_at is null", order_by="id", limit=limit))
        return [_outbox_item(row) for row in rows]

    def outbox_head(self, order_id: str) -> OutboxItem | None:
        """The order's first undone item: within an order, items go strictly in turn."""
        with self._lock:
            rows = list(
                self.db.table("outbox").rows_where(
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
        with self._lock:
            rows = self._conn.execute(query, [now or utc_now(), limit]).fetchall()
        return [row[0] for row in rows]

    def next_attempt_at(self) -> str | None:
        """When the earliest waiting (not blocked) order may be tried again; None if none waits."""
        query = "select min(coalesce(next_attempt_at, '')) from outbox_heads where blocked_at is null"
        with self._lock:
            row = self._conn.execute(query).fetchone()
        return None if row[0] is None else str(row[0])

    def mark_outbox_blocked(self, item_id: int, error: str) -> None:
        """The backend refused the item for good: park it (and its order) for staff."""
        with self._write() as db:
            db.execute(
                "update outbox set attempts = attempts + 1, last_error = ?, blocked_at = ? where id = ?",
                [error, utc_now(), item_id],
            )

    def retry_outbox_now(self) -> int:
        """Staff's 'retry now': every waiting or blocked item may be tried at once."""
        with self._write() as db:
            cursor = db.execute(
                "update outbox set next_attempt_at = null, blocked_at = null where done_at is null"
            )
        return int(cursor.rowcount)

    def finish_outbox_item(
        self, item_id: int, *, uploaded: DocumentKind | None = None, acknowledged: bool = False
    ) -> None:
        """The backend confirmed the item: mark it done, with what it proves about the order
        (an attachment the backend holds; the whole order received), in one transaction."""
        now = utc_now()
        with self._write() as db:
            row = self._conn.execute("select order_id from outbox where id = ?", [item_id]).fetchone()
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

    def mark_outbox_failed(self, item_id: int, error: str, next_attempt_at: str) -> None:
        with self._write() as db:
            db.execute(
                "update outbox set attempts = attempts + 1, last_error = ?, next_attempt_at = ? where id = ?",
                [error, next_attempt_at, item_id],
            )

    def sync_summary(self) -> SyncSummary:
        """The link and the queue in two indexed queries: cheap enough for every refresh."""
        with self._lock:
            pending, blocked, oldest = self._conn.execute(
                "select count(distinct order_id), count(distinct case when blocked_at is not null"
                " then order_id end), min(created_at) from outbox where done_at is null"
            ).fetchone()
            state = dict(self._conn.execute("select key, value from sync_state").fetchall())
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
        with self._write() as db:
            db.table("sync_state").upsert_all(
                [{"key": key, "value": value} for key, value in values.items()], pk="key"
            )

    # --- what the backend says about orders -------------------------------------------------------
    def orders_to_follow(self) -> list[str]:
        """Orders the backend holds whose state may still change, with nothing of ours in flight."""
        query = (
            "select id from orders where acknowledged_at is not null"
            " and status not in (select value from json_each(?))"
            " and not exists (select 1 from outbox where outbox.order_id = orders.id and done_at is null)"
            " order by updated_at"
        )
        finals = json.dumps([status.value for status in OrderStatus if status.is_final])
        with self._lock:
            return [row[0] for row in self._conn.execute(query, [finals]).fetchall()]

    def record_remote(
        self,
        order_id: str,
        status: OrderStatus,
        updated_at: str,
        rejections: Mapping[str, Any] | None = None,
        shipment: Mapping[str, Any] | None = None,
    ) -> bool:
        """Take the backend's state of the order; True if it changed. The backend moved it by
        the same status machine, and the kiosk may have missed steps in between, so the state
        is copied, not re-checked. Skipped while the kiosk still has a change of its own to send
        (that change is newer than what the backend could know)."""
        with self._write() as db:
            row = self._conn.execute(
                "select status, remote_updated_at from orders where id = ?", [order_id]
            ).fetchone()
            if row is None:
                raise OrderNotFound(order_id)
            in_flight = self._conn.execute(
                "select 1 from outbox where order_id = ? and done_at is null limit 1", [order_id]
            ).fetchone()
            if in_flight or row[1] == updated_at:
                return False
            db.table("orders").update(
                order_id,
                {
                    "status": OrderStatus(status).value,
                    "rejections": json.dumps(rejections or {}, ensure_ascii=False),
                    "shipment": json.dumps(shipment, ensure_ascii=False) if shipment else None,
                    "remote_updated_at": updated_at,
                    "updated_at": utc_now(),
                },
            )
        return True

    def purge_due(self, retention_s: float, now: datetime | None = None) -> list[str]:
        """Purge the personal data of orders the backend acknowledged more than `retention_s` ago."""
        cutoff = ((now or datetime.now(UTC)) - timedelta(seconds=retention_s)).isoformat(
            timespec="milliseconds"
        )
        with self._lock:
            due = [
                row[0]
                for row in self._conn.execute(
                    "select id from orders where acknowledged_at is not null and acknowledged_at <= ?"
                    " and purged_at is null",
                    [cutoff],
                ).fetchall()
            ]
        for order_id in due:
            self.purge_personal_data(order_id)
        return due

    # --- hall staff and the kiosk's own state ------------------------------------------------------
    def replace_staff_accounts(self, accounts: Sequence[StaffAccount]) -> None:
        """The backend's staff accounts, as they are now (one that left is gone here too)."""
        now = utc_now()
        rows = [
            {
                "staff_id": account.staff_id,
                "sealed": self._sealer.seal(
                    json.dumps({"name": account.name, "pin_hash": account.pin_hash}).encode(),
                    f"staff:{account.staff_id}",
                ),
                "refreshed_at": now,
            }
            for account in accounts
        ]
        with self._write() as db:
            db.execute("delete from staff_accounts")
            if rows:
                db.table("staff_accounts").insert_all(rows)

    def staff_accounts(self) -> dict[str, StaffAccount]:
        with self._lock:
            rows = self._conn.execute("select staff_id, sealed from staff_accounts").fetchall()
        accounts = {}
        for staff_id, sealed in rows:
            values = json.loads(self._sealer.open(sealed, f"staff:{staff_id}"))
            accounts[staff_id] = StaffAccount(staff_id, values["name"], values["pin_hash"])
        return accounts

    def latest_submitted_order(self) -> str | None:
        """The order submitted last at this kiosk (staff reprint its receipt)."""
        with self._lock:
            row = self._conn.execute(
                "select id from orders where status != ? order by created_at desc limit 1",
                [OrderStatus.DRAFT.value],
            ).fetchone()
        return None if row is None else str(row[0])

    def state(self, key: str, default: str = "") -> str:
        with self._lock:
            row = self._conn.execute("select value from kiosk_state where key = ?", [key]).fetchone()
        return default if row is None else str(row[0])

    def set_state(self, **values: str) -> None:
        with self._write() as db:
            db.table("kiosk_state").upsert_all([{"key": k, "value": v} for k, v in values.items()], pk="key")

    def count_visit(self, business: str, day: str) -> None:
        """One more subscriber began `business` today (a count, nothing about who)."""
        key = f"visits:{day}:{business}"
        with self._write() as db:
            db.execute(
                "insert into kiosk_state (key, value) values (?, '1')"
                " on conflict (key) do update set value = cast(value as integer) + 1",
                [key],
            )

    def visits(self, day: str) -> dict[str, int]:
        prefix = f"visits:{day}:"
        with self._lock:
            rows = self._conn.execute(
                "select key, value from kiosk_state where key like ?", [prefix + "%"]
            ).fetchall()
        return {key.removeprefix(prefix): int(value) for key, value in rows}

    # --- audit (kiosk/store/audit.py) ----------------------------------------------------------
    def audit(self, actor: str, action: str, **detail: Any) -> None:
        """Append a chained record. Never pass personal data or PINs in `detail`."""
        self.audit_trail.append(actor, action, utc_now(), **detail)

    def verify_audit(self) -> int | None:
        """The seq of the first record that does not match the chain, or None if all do."""
        return self.audit_trail.first_changed()

    def integrity_problem(self) -> str | None:
        """SQLite's own check of the database file (pages, indexes); None when it is sound."""
        with self._lock:
            rows = [row[0] for row in self._conn.execute("PRAGMA quick_check").fetchall()]
        return None if rows == ["ok"] else "; ".join(rows[:5])

    # --- internals ---------------------------------------------------------------------------
    def _status(self, order_id: str) -> OrderStatus:
        row = self._conn.execute("select status from orders where id = ?", [order_id]).fetchone()
        if row is None:
            raise OrderNotFound(order_id)
        return OrderStatus(row[0])

    def _seal_form(self, order_id: str, form: Mapping[str, Mapping[str, str]]) -> bytes:
        plain = json.dumps({str(k): dict(v) for k, v in form.items()}, ensure_ascii=False)
        return self._sealer.seal(plain.encode(), f"order:{order_id}:form")

    def _order_from_row(self, row: Mapping[str, Any]) -> OrderRecord:
        form = json.loads(self._sealer.open(row["form_sealed"], f"order:{row['id']}:form"))
        return OrderRecord(
            id=row["id"],
            business=row["business"],
            status=OrderStatus(row["status"]),
            form=form,
            project=ProjectSelection.from_json(json.loads(row["project"])) if row["project"] else None,
            fee_fen=row["fee_fen"] or 0,
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            submitted_at=row["submitted_at"],
            acknowledged_at=row["acknowledged_at"],
            purged_at=row["purged_at"],
            rejections=json.loads(row["rejections"] or "{}"),
            token_serial=row["token_serial"],
            redirect_of=row["redirect_of"],
            shipment=json.loads(row["shipment"]) if row["shipment"] else None,
            remote_updated_at=row["remote_updated_at"],
        )

    def _write_sealed_file(self, sha256: str, data: bytes) -> None:
        final = self.attachments_dir / f"{sha256}{SEALED_SUFFIX}"
        if final.exists():
            return  # content-addressed: the same bytes are already here
        temporary = final.with_suffix(f".{uuid.uuid4().hex}.tmp")
        with _full_is_said():
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                with os.fdopen(fd, "wb") as out:
                    out.write(self._sealer.seal(data, f"attachment:{sha256}"))
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(temporary, final)
            except BaseException:
                temporary.unlink(missing_ok=True)
                raise
        directory = os.open(self.attachments_dir, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)

    def _delete_unreferenced_files(self, hashes: Sequence[str]) -> None:
        """Delete image files no order still needs. A purged order no longer needs its own."""
        for sha256 in set(hashes):
            with self._lock:
                query = (
                    "select count(*) from attachments a join orders o on o.id = a.order_id "
                    "where a.sha256 = ? and o.purged_at is null"
                )
                still_used = self._conn.execute(query, [sha256]).fetchone()[0]
            if not still_used:
                (self.attachments_dir / f"{sha256}{SEALED_SUFFIX}").unlink(missing_ok=True)


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
