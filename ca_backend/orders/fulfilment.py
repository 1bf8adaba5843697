"""An order's fulfilment, once approved and (if it costs) paid: what the business's fulfilment
does the moment the order reaches it (`fulfil`: plan the shipment, redirect another order's
shipment, revoke a lost key's certificates; a download or an unlock is done at a kiosk, later),
and the hall's work after: shipping, or the hand-over of a key collected at the hall."""

from __future__ import annotations

import json
import secrets
import sqlite3
from datetime import UTC, datetime, timedelta

from ca_backend.database import now_iso
from ca_backend.errors import conflict
from ca_backend.orders.ledger import OrderLedger
from kiosk.core.contract import OrderView, Shipment
from kiosk.core.domain.businesses import BUSINESSES, Section
from kiosk.core.domain.businesses import Fulfilment as FulfilmentKind
from kiosk.core.domain.forms import DELIVERY_PICKUP, Masking
from kiosk.core.domain.masking import mask
from kiosk.core.domain.status import OrderStatus
from kiosk.core.i18n import Text


def fulfil(orders: OrderLedger, conn: sqlite3.Connection, row: sqlite3.Row) -> None:
    """What happens the moment an order reaches its fulfilment (approved and, if it costs, paid)."""
    action = {
        FulfilmentKind.SHIP: _plan_shipment,
        FulfilmentKind.REVOKE: _revoke,
        FulfilmentKind.REDIRECT: _redirect,
    }.get(BUSINESSES[row["business"]].fulfilment)
    if action is not None:  # a download or an unlock is done at a kiosk, later
        action(orders, conn, row)


def _plan_shipment(orders: OrderLedger, conn: sqlite3.Connection, row: sqlite3.Row) -> None:
    """Paid and waiting: record how the key will reach the subscriber, so 订单查询 can say
    "到服务大厅自提" or where it will be mailed before anything has gone out."""
    delivery = orders.open_form(row["order_id"], row["form_sealed"]).get(Section.DELIVERY.value, {})
    if delivery.get("method") == DELIVERY_PICKUP:
        shipment = Shipment(method="pickup")
    else:
        address = mask(delivery.get("address", ""), Masking.ADDRESS) or None
        shipment = Shipment(method="mail", address_masked=address)
    conn.execute(
        "update orders set shipment = ? where order_id = ?",
        (shipment.model_dump_json(), row["order_id"]),
    )


def _redirect(orders: OrderLedger, conn: sqlite3.Connection, row: sqlite3.Row) -> None:
    """改派: the order it names is mailed to this order's address instead."""
    target_id = row["redirect_of"]
    target = orders.row(conn, target_id)
    form = orders.open_form(row["order_id"], row["form_sealed"])
    delivery = form.get(Section.DELIVERY.value, {})
    reason = form.get(Section.REDIRECT_REASON.value, {}).get("reason", "")
    target_form = orders.open_form(target_id, target["form_sealed"])
    target_form[Section.DELIVERY.value] = {**delivery, "method": "mail"}
    shipment = Shipment(
        method="mail", address_masked=mask(delivery.get("address", ""), Masking.ADDRESS) or None
    )
    conn.execute(
        "update orders set form_sealed = ?, shipment = ?, updated_at = ? where order_id = ?",
        (orders.seal_form(target_id, target_form), shipment.model_dump_json(), now_iso(), target_id),
    )
    orders.record_event(
        conn,
        target_id,
        OrderStatus(target["status"]),
        f"order:{row['order_id']}",
        f"改派（{reason}）：改寄新地址",
    )


def _revoke(orders: OrderLedger, conn: sqlite3.Connection, row: sqlite3.Row) -> None:
    """Revoke the certificates of the key the order names (never a whole unit's)."""
    now = now_iso()
    revoked = conn.execute(
        "update certificates set revoked_at = ?, revocation_reason = 'key_compromise'"
        " where token_serial = ? and revoked_at is null",
        (now, row["token_serial"]),
    ).rowcount
    conn.execute("update orders set revoked_at = ? where order_id = ?", (now, row["order_id"]))
    orders.record_event(conn, row["order_id"], OrderStatus(row["status"]), "ca", f"已注销证书{revoked}张")


class Fulfilment:
    """The hall's work on paid orders that wait for their key: shipping and hand-over."""

    def __init__(self, orders: OrderLedger) -> None:
        self.orders = orders

    def awaiting_shipment(self, older_than: timedelta) -> list[sqlite3.Row]:
        cutoff = (datetime.now(UTC) - older_than).isoformat()
        with self.orders.db.connect() as conn:
            return conn.execute(
                "select * from orders where status = ? and updated_at <= ? order by updated_at",
                (OrderStatus.AWAITING_SHIPMENT.value, cutoff),
            ).fetchall()

    def ship(self, order_id: str, carrier: str, tracking_number: str, actor: str = "staff") -> OrderView:
        with self.orders.db.write() as conn:
            row = self.orders.row(conn, order_id)
            form = self.orders.open_form(order_id, row["form_sealed"])
            delivery = form.get(Section.DELIVERY.value, {})
            shipment = Shipment(
                method="mail",
                carrier=carrier,
                tracking_number=tracking_number,
                shipped_at=datetime.now(UTC),
                address_masked=mask(delivery.get("address", ""), Masking.ADDRESS) or None,
            )
            note = f"已发货：{carrier} {tracking_number}"
            status = OrderStatus(row["status"])
            if (
                status is OrderStatus.COMPLETED
                and row["shipment"]
                and not json.loads(row["shipment"]).get("tracking_number")
            ):
                # A redirected order that had completed (a returned parcel) goes out again.
                conn.execute(
                    "update orders set shipment = ?, updated_at = ? where order_id = ?",
                    (shipment.model_dump_json(), now_iso(), order_id),
                )
                self.orders.record_event(conn, order_id, status, actor, note)
            else:
                self.orders.move(
                    conn, row, OrderStatus.COMPLETED, actor, note, shipment=shipment.model_dump_json()
                )
            return self.orders.view(conn, self.orders.row(conn, order_id))

    def hand_over(self, order_id: str, actor: str = "staff") -> OrderView:
        """Self-pickup at the hall: the subscriber collected the key."""
        with self.orders.db.write() as conn:
            row = self.orders.row(conn, order_id)
            form = self.orders.open_form(order_id, row["form_sealed"])
            if form.get(Section.DELIVERY.value, {}).get("method") != DELIVERY_PICKUP:
                raise conflict("not_pickup", Text("该订单不是自提订单"))
            shipment = Shipment(method="pickup", shipped_at=datetime.now(UTC))
            self.orders.move(
                conn,
                row,
                OrderStatus.COMPLETED,
                actor,
                "已在服务大厅自提",
                shipment=shipment.model_dump_json(),
            )
            return self.orders.view(conn, self.orders.row(conn, order_id))

    def deliver_for_demo(self, order_id: str) -> OrderView:
        """The demo's hall: a mailed order goes out with an invented tracking number, a
        self-pickup is collected."""
        form = self.orders.form_of(order_id)
        if form.get(Section.DELIVERY.value, {}).get("method") == DELIVERY_PICKUP:
            return self.hand_over(order_id, actor="demo")
        number = "SF" + "".join(secrets.choice("0123456789") for _ in range(12))
        return self.ship(order_id, "顺丰速运", number, actor="demo")
