"""The orders: drafts, whose they are, their way along the status machine, and what the backend
says of them once it holds them.

- an order's status change and the outbox items that carry it to the backend are written in one
  transaction (the outbox pattern), so a crash never leaves one without the other;
- every status change goes through the domain's status machine;
- the form (names, ID numbers, phones, addresses ...) and the owner's phone are sealed (AES-GCM);
  once the backend has the order, they leave the kiosk after the retention time.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from kiosk.core.domain.businesses import Section, business
from kiosk.core.domain.catalog import ProjectSelection
from kiosk.core.domain.forms import SECTION_FIELDS, FormValues
from kiosk.core.domain.status import OrderStatus, transition
from kiosk.core.sealing import Sealer
from kiosk.store.attachments import Attachments
from kiosk.store.database import Database, OrderNotFound, StoreError, order_status, utc_now
from kiosk.store.outbox import Outbox


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
class Owner:
    """Whose order it is, as the kiosk verified them: SMS sign-in, or staff in person (offline)."""

    phone: str
    verified_by: Literal["sms", "staff"]
    staff_id: str | None = None


class Orders:
    def __init__(self, database: Database, sealer: Sealer, attachments: Attachments, outbox: Outbox) -> None:
        self._db, self._sealer = database, sealer
        self._attachments, self._outbox = attachments, outbox  # an order's rows in its transactions

    # --- drafts ---------------------------------------------------------------------------------
    def create(
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
        with self._db.write() as db:
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
        return self.get(order_id)

    def set_owner(self, order_id: str, owner: Owner) -> None:
        """Record whose order it is (sealed: the phone is personal data)."""
        plain = json.dumps(
            {"phone": owner.phone, "verified_by": owner.verified_by, "staff_id": owner.staff_id}
        )
        with self._db.write() as db:
            order_status(db, order_id)
            db.table("orders").update(
                order_id, {"subscriber_sealed": self._sealer.seal(plain.encode(), f"order:{order_id}:owner")}
            )

    def owner(self, order_id: str) -> Owner | None:
        with self._db.read() as db:
            row = db.execute("select subscriber_sealed from orders where id = ?", [order_id]).fetchone()
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
        with self._db.write() as db:
            status = order_status(db, order_id)
            if status not in (OrderStatus.DRAFT, OrderStatus.REJECTED):
                raise StoreError(f"order {order_id} is {status.value}: only a draft can change")
            db.table("orders").update(order_id, changes)

    def discard_draft(self, order_id: str) -> bool:
        """Delete an unsubmitted order and its images (the idle wipe); False if not a draft."""
        with self._db.write() as db:
            try:
                status = order_status(db, order_id)
            except OrderNotFound:
                return False
            if status is not OrderStatus.DRAFT:
                return False
            hashes = self._attachments.forget(db, order_id)
            db.table("orders").delete(order_id)
        self._attachments.delete_unreferenced_files(hashes)
        return True

    # --- reading ----------------------------------------------------------------------------------
    def get(self, order_id: str) -> OrderRecord:
        """The order (OrderNotFound if this kiosk does not hold it)."""
        with self._db.read() as db:
            rows = list(db.table("orders").rows_where("id = ?", [order_id]))
        if not rows:
            raise OrderNotFound(order_id)
        return self._order_from_row(rows[0])

    def all(self, statuses: Sequence[OrderStatus] | None = None) -> list[OrderRecord]:
        """The orders this kiosk holds (of these statuses), the newest first."""
        where, args = None, None
        if statuses:
            where = f"status in ({', '.join('?' * len(statuses))})"
            args = [status.value for status in statuses]
        with self._db.read() as db:
            rows = list(db.table("orders").rows_where(where, args, order_by="created_at desc"))
        return [self._order_from_row(row) for row in rows]

    def latest_submitted(self) -> str | None:
        """The order submitted last at this kiosk (staff reprint its receipt)."""
        with self._db.read() as db:
            row = db.execute(
                "select id from orders where status != ? order by created_at desc limit 1",
                [OrderStatus.DRAFT.value],
            ).fetchone()
        return None if row is None else str(row[0])

    # --- the status machine -------------------------------------------------------------------------
    def set_status(self, order_id: str, target: OrderStatus, **details: Any) -> None:
        """Move the order along the status machine (IllegalTransition if not allowed)."""
        with self._db.write() as db:
            transition(order_status(db, order_id), target)
            changes: dict[str, Any] = {"status": target.value, "updated_at": utc_now()}
            if "rejections" in details:
                changes["rejections"] = json.dumps(details["rejections"], ensure_ascii=False)
            db.table("orders").update(order_id, changes)

    def submit(self, order_id: str) -> None:
        """Queue the order for the backend: its status and its outbox items in one transaction."""
        with self._db.write() as db:
            current = order_status(db, order_id)
            transition(current, OrderStatus.AWAITING_REVIEW)
            now = utc_now()
            db.table("orders").update(
                order_id,
                {"status": OrderStatus.AWAITING_REVIEW.value, "updated_at": now, "submitted_at": now},
            )
            self._outbox.queue_submission(db, order_id, first=current is OrderStatus.DRAFT, now=now)

    # --- what the backend says about orders -------------------------------------------------------
    def to_follow(self) -> list[str]:
        """Orders the backend holds whose state may still change, with nothing of ours in flight."""
        query = (
            "select id from orders where acknowledged_at is not null"
            " and status not in (select value from json_each(?))"
            " and not exists (select 1 from outbox where outbox.order_id = orders.id and done_at is null)"
            " order by updated_at"
        )
        finals = json.dumps([status.value for status in OrderStatus if status.is_final])
        with self._db.read() as db:
            return [row[0] for row in db.execute(query, [finals]).fetchall()]

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
        with self._db.write() as db:
            row = db.execute(
                "select status, remote_updated_at from orders where id = ?", [order_id]
            ).fetchone()
            if row is None:
                raise OrderNotFound(order_id)
            in_flight = db.execute(
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

    # --- personal data leaves the kiosk once the backend has it ----------------------------------
    def purge_personal_data(self, order_id: str) -> None:
        """Remove the order's personal fields and images from this kiosk, keeping what staff
        and the sync still need (business, status, unit name and code, project)."""
        order = self.get(order_id)
        kept: FormValues = {}
        for section, values in order.form.items():
            specs = {spec.key: spec for spec in SECTION_FIELDS.get(Section(section), ())}
            kept[section] = {
                key: value for key, value in values.items() if key in specs and not specs[key].personal
            }
        with self._db.write() as db:
            hashes = self._attachments.hashes(db, order_id)
            db.table("orders").update(
                order_id,
                {
                    "form_sealed": self._seal_form(order_id, kept),
                    "subscriber_sealed": None,
                    "purged_at": utc_now(),
                },
            )
        self._attachments.delete_unreferenced_files(hashes)

    def purge_due(self, retention_s: float, now: datetime | None = None) -> list[str]:
        """Purge the personal data of orders the backend acknowledged more than `retention_s` ago."""
        cutoff = ((now or datetime.now(UTC)) - timedelta(seconds=retention_s)).isoformat(
            timespec="milliseconds"
        )
        with self._db.read() as db:
            due = [
                row[0]
                for row in db.execute(
                    "select id from orders where acknowledged_at is not null and acknowledged_at <= ?"
                    " and purged_at is null",
                    [cutoff],
                ).fetchall()
            ]
        for order_id in due:
            self.purge_personal_data(order_id)
        return due

    # --- internals ---------------------------------------------------------------------------------
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
