"""订单查询's list, as plain data: the subscriber's orders as the backend has them, joined with
the ones this kiosk holds (a queued order the backend has not seen yet; the form and pictures a
resubmission needs). Plain Python, so a test or a script can ask it without a screen."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kiosk.contract import OrderView
from kiosk.domain.businesses import BusinessCode
from kiosk.domain.status import OrderStatus
from kiosk.store import OrderRecord, Store


@dataclass(frozen=True)
class OrderEntry:
    order_id: str
    business: BusinessCode
    status: OrderStatus
    fee_fen: int
    created_at: str
    rejection: Mapping[str, Any] = field(default_factory=dict)  # reason, fields, documents
    shipment: Mapping[str, Any] = field(default_factory=dict)  # method, carrier, tracking_number, ...
    held_here: bool = False  # this kiosk holds its form and pictures (a rejection can be fixed here)
    queued_here: bool = False  # submitted here, not yet received by the backend
    token_serial: str | None = None  # renewal, change, unlock: the key the order is for

    @property
    def can_pay(self) -> bool:
        return self.status is OrderStatus.AWAITING_PAYMENT and self.fee_fen > 0

    @property
    def can_download(self) -> bool:
        return self.status is OrderStatus.AWAITING_DOWNLOAD and self.token_serial is not None

    @property
    def can_unlock(self) -> bool:
        return self.status is OrderStatus.AWAITING_UNLOCK and self.token_serial is not None

    @property
    def can_fix(self) -> bool:
        return self.status is OrderStatus.REJECTED and self.held_here


def orders_of(store: Store, phone: str) -> list[OrderRecord]:
    """The submitted orders this kiosk holds for `phone`, newest first (drafts are nobody's yet)."""
    mine = []
    for order in store.orders():
        if order.status is OrderStatus.DRAFT or order.purged_at is not None:
            continue
        owner = store.owner(order.id)
        if owner is not None and owner.phone == phone:
            mine.append(order)
    return mine


def merge(
    views: Iterable[OrderView], local: Sequence[OrderRecord], queued: Iterable[str] = ()
) -> list[OrderEntry]:
    """One entry per order, newest first: the backend's word where it has the order, this kiosk's
    for what it has not received yet."""
    held = {order.id: order for order in local}
    waiting = set(queued)
    entries = {
        str(view.order_id): OrderEntry(
            order_id=str(view.order_id),
            business=view.business,
            status=view.status,
            fee_fen=view.fee_fen,
            created_at=view.created_at.isoformat(),
            rejection=view.rejection.model_dump(mode="json") if view.rejection else {},
            shipment=view.shipment.model_dump(mode="json") if view.shipment else {},
            held_here=str(view.order_id) in held,
            queued_here=str(view.order_id) in waiting,
            token_serial=view.token_serial,
        )
        for view in views
    }
    for order in local:
        if order.id not in entries:
            entries[order.id] = OrderEntry(
                order_id=order.id,
                business=order.business,
                status=order.status,
                fee_fen=order.fee_fen,
                created_at=order.created_at,
                rejection=dict(order.rejections),
                shipment=dict(order.shipment or {}),
                held_here=True,
                queued_here=order.id in waiting or order.acknowledged_at is None,
                token_serial=order.token_serial,
            )
    return sorted(entries.values(), key=lambda entry: entry.created_at, reverse=True)
