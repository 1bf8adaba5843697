"""The orders as the backend keeps them, shared by every stage: reading an order and its view,
its events and notifications, sealing its form, and moving its status.

Statuses move only by kiosk.core.domain.status.transition: the kiosk's machine is the backend's.
`OrderLedger.move` is the one way, and when an order reaches its fulfilment it hands the order to
the fulfil function it was built with (ca_backend/orders/fulfilment.py)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from ca_backend.database import Database, now_iso
from ca_backend.errors import ApiError, not_found
from ca_backend.subscribers import Subscriber, Subscribers
from kiosk.core.contract import AttachmentInfo, OrderEvent, OrderView, Rejection, Shipment
from kiosk.core.domain.businesses import BUSINESSES, Section
from kiosk.core.domain.documents import DocumentKind
from kiosk.core.domain.forms import Masking
from kiosk.core.domain.masking import mask
from kiosk.core.domain.status import IllegalTransition, OrderStatus, transition
from kiosk.core.sealing import Sealer


@dataclass(frozen=True)
class Caller:
    """Who asks: always a device; a subscriber when signed in at it."""

    device_id: str
    subscriber: Subscriber | None = None


# What happens the moment an order reaches its fulfilment: fulfilment.fulfil.
Fulfil = Callable[["OrderLedger", sqlite3.Connection, sqlite3.Row], None]


class OrderLedger:
    def __init__(self, db: Database, sealer: Sealer, subscribers: Subscribers, fulfil: Fulfil) -> None:
        self.db = db
        self.sealer = sealer
        self.subscribers = subscribers
        self.fulfil = fulfil

    # --- reading --------------------------------------------------------------------------------
    def get(self, caller: Caller, order_id: UUID | str) -> OrderView:
        with self.db.connect() as conn:
            return self.view(conn, self.row_for(conn, caller, str(order_id)))

    def view_of(self, order_id: str) -> OrderView:
        """Any order, for reviewers and staff (never on a subscriber's behalf)."""
        with self.db.connect() as conn:
            return self.view(conn, self.row(conn, order_id))

    def listing(self, caller: Caller) -> list[OrderView]:
        with self.db.connect() as conn:
            if caller.subscriber is not None:
                rows = conn.execute(
                    "select * from orders where subscriber_id = ? order by created_at desc",
                    (caller.subscriber.id,),
                )
            else:
                rows = conn.execute(
                    "select * from orders where device_id = ? order by created_at desc", (caller.device_id,)
                )
            return [self.view(conn, row) for row in rows.fetchall()]

    def events(self, caller: Caller, order_id: UUID | str) -> list[OrderEvent]:
        with self.db.connect() as conn:
            self.row_for(conn, caller, str(order_id))
            rows = conn.execute(
                "select * from events where order_id = ? order by id", (str(order_id),)
            ).fetchall()
        return [
            OrderEvent(at=row["at"], status=OrderStatus(row["status"]), actor=row["actor"], note=row["note"])
            for row in rows
        ]

    def form_of(self, order_id: str) -> dict[str, dict[str, str]]:
        with self.db.connect() as conn:
            row = conn.execute("select form_sealed from orders where order_id = ?", (order_id,)).fetchone()
        if row is None:
            raise not_found()
        return self.open_form(order_id, row["form_sealed"])

    def notifications(self, limit: int = 50) -> list[sqlite3.Row]:
        with self.db.connect() as conn:
            return conn.execute("select * from notifications order by id desc limit ?", (limit,)).fetchall()[
                ::-1
            ]

    # --- moving ---------------------------------------------------------------------------------
    def move(
        self,
        conn: sqlite3.Connection,
        row: sqlite3.Row,
        target: OrderStatus,
        actor: str,
        note: str,
        **columns: Any,
    ) -> None:
        """The one way an order's status changes: checked by the kiosk's machine, recorded as an
        event and a notification, and the business's fulfilment done when it is reached."""
        try:
            transition(OrderStatus(row["status"]), target)
        except IllegalTransition as error:
            raise ApiError(409, "illegal_transition", error.message) from None
        assignments = ", ".join(f"{name} = ?" for name in ("status", "updated_at", *columns))
        conn.execute(
            f"update orders set {assignments} where order_id = ?",  # noqa: S608 (column names are ours)
            (target.value, now_iso(), *columns.values(), row["order_id"]),
        )
        self.record_event(conn, row["order_id"], target, actor, note)
        self._notify(conn, row, target, note)
        if target is BUSINESSES[row["business"]].fulfilled_as:
            self.fulfil(self, conn, self.row(conn, row["order_id"]))

    @staticmethod
    def record_event(
        conn: sqlite3.Connection, order_id: str, status: OrderStatus, actor: str, note: str
    ) -> None:
        conn.execute(
            "insert into events (order_id, at, status, actor, note) values (?, ?, ?, ?, ?)",
            (order_id, now_iso(), status.value, actor, note),
        )

    def _notify(self, conn: sqlite3.Connection, row: sqlite3.Row, status: OrderStatus, note: str) -> None:
        """The message that would reach the subscriber, by SMS (and e-mail when the form has one)."""
        order_id = row["order_id"]
        text = f"【数字证书】您的订单{order_id[:8]}状态：{status.label}。{note}"
        phone = (
            self.sealer.open(row["phone_sealed"], f"order-phone:{order_id}").decode()
            if row["phone_sealed"]
            else None
        )
        handler = self.open_form(order_id, row["form_sealed"]).get(Section.HANDLER.value, {})
        phone = phone or handler.get("mobile")
        now = now_iso()
        if phone:
            conn.execute(
                "insert into notifications (order_id, channel, recipient, text, at) values (?,"
                " 'sms', ?, ?, ?)",
                (order_id, mask(phone, Masking.PHONE), text, now),
            )
            self.subscribers.record_sms(conn, phone, text)
        if handler.get("email"):
            conn.execute(
                "insert into notifications (order_id, channel, recipient, text, at) values (?,"
                " 'email', ?, ?, ?)",
                (order_id, mask(handler["email"], Masking.EMAIL), text, now),
            )

    # --- rows, forms and views ------------------------------------------------------------------
    @staticmethod
    def visible(row: sqlite3.Row, caller: Caller) -> bool:
        if caller.subscriber is not None:
            return bool(row["subscriber_id"] == caller.subscriber.id)
        # The kiosk itself (its sync, with nobody's session) follows the orders it took; what a
        # subscriber at it may see is decided with their session, above.
        return bool(row["device_id"] == caller.device_id)

    def row_for(self, conn: sqlite3.Connection, caller: Caller, order_id: str) -> sqlite3.Row:
        row: sqlite3.Row | None = conn.execute(
            "select * from orders where order_id = ?", (order_id,)
        ).fetchone()
        if row is None or not self.visible(row, caller):
            raise not_found()  # another's order is indistinguishable from none
        return row

    @staticmethod
    def row(conn: sqlite3.Connection, order_id: str) -> sqlite3.Row:
        row: sqlite3.Row | None = conn.execute(
            "select * from orders where order_id = ?", (order_id,)
        ).fetchone()
        if row is None:
            raise not_found()
        return row

    def seal_form(self, order_id: str, form: Mapping[str, Mapping[str, str]]) -> bytes:
        return self.sealer.seal(json.dumps(form, ensure_ascii=False).encode(), f"order-form:{order_id}")

    def open_form(self, order_id: str, sealed: bytes) -> dict[str, dict[str, str]]:
        form: dict[str, dict[str, str]] = json.loads(self.sealer.open(sealed, f"order-form:{order_id}"))
        return form

    def view(self, conn: sqlite3.Connection, row: sqlite3.Row) -> OrderView:
        status = OrderStatus(row["status"])
        attachments = [
            AttachmentInfo(
                document=DocumentKind(r["document"]),
                sha256=r["sha256"],
                size=r["size"],
                media_type=r["media_type"],
            )
            for r in conn.execute(
                "select * from attachments where order_id = ? order by document", (row["order_id"],)
            )
        ]
        return OrderView(
            order_id=row["order_id"],
            business=row["business"],
            status=status,
            status_label=str(status.label),
            status_label_en=status.label.say("en"),
            fee_fen=row["fee_fen"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            submitted_at=row["submitted_at"],
            token_serial=row["token_serial"],
            redirect_of=row["redirect_of"],
            attachments=attachments,
            rejection=Rejection.model_validate_json(row["rejection"]) if row["rejection"] else None,
            shipment=Shipment.model_validate_json(row["shipment"]) if row["shipment"] else None,
            certificate_serial=row["certificate_serial"],
            revoked_at=row["revoked_at"],
            payment_id=row["payment_id"],
        )
