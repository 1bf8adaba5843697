"""订单查询's list, as plain data: the subscriber's orders as the backend has them, joined with
the ones this kiosk holds (a queued order the backend has not seen yet; the form and pictures a
resubmission needs). Plain Python, so a test or a script can ask it without a screen."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from kiosk.backend_client.sync import record_view
from kiosk.core.contract import OrderView
from kiosk.core.domain.redirect import can_redirect
from kiosk.core.domain.status import OrderStatus
from kiosk.core.i18n import Text
from kiosk.services.journey import SignedIn
from kiosk.store import OrderRecord, Store

if TYPE_CHECKING:
    from kiosk.backend_client.client import BackendClient


@dataclass(frozen=True)
class OrderEntry:
    order_id: str
    business: str  # its code
    status: OrderStatus
    fee_fen: int
    created_at: str
    rejection: Mapping[str, Any] = field(default_factory=dict)  # reason, fields, documents
    shipment: Mapping[str, Any] = field(default_factory=dict)  # method, carrier, tracking_number, ...
    held_here: bool = False  # this kiosk holds its form and pictures (a rejection can be fixed here)
    queued_here: bool = False  # submitted here, not yet received by the backend
    token_serial: str | None = None  # renewal, change, unlock, revoke: the key the order is for
    redirect_of: str | None = None  # 改派: the order it redirected
    revoked_at: str | None = None  # 注销: when the CA revoked the key's certificates

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
    def can_redirect(self) -> bool:
        """改派 can be asked for (the backend has the order; see kiosk.core.domain.redirect)."""
        return not self.queued_here and can_redirect(
            self.business, self.status, self.shipment.get("method"), self.shipment.get("tracking_number")
        )

    @property
    def can_fix(self) -> bool:
        return self.status is OrderStatus.REJECTED and self.held_here


def orders_of(store: Store, phone: str) -> list[OrderRecord]:
    """The submitted orders this kiosk holds for `phone`, newest first (drafts are nobody's yet)."""
    mine = []
    for order in store.orders.all():
        if order.status is OrderStatus.DRAFT or order.purged_at is not None:
            continue
        owner = store.orders.owner(order.id)
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
            redirect_of=str(view.redirect_of) if view.redirect_of else None,
            revoked_at=view.revoked_at.isoformat() if view.revoked_at else None,
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
                redirect_of=order.redirect_of,
            )
    return sorted(entries.values(), key=lambda entry: entry.created_at, reverse=True)


def fetch_orders(client: BackendClient, store: Store, signed: SignedIn) -> list[OrderView]:
    """The backend's list of the subscriber's orders (with their session), or, signed in by
    staff while offline, this kiosk's orders of that phone, each asked after by the kiosk. What
    the backend says is recorded in the store. Raises BackendError."""
    if signed.session_token is not None:
        views = client.list_orders(signed.session_token)
    else:
        held = [order for order in orders_of(store, signed.owner.phone) if order.acknowledged_at]
        views = [client.get_order(order.id) for order in held]
    for view in views:
        record_view(store, view)
    return views


def entries_of(store: Store, phone: str, views: Iterable[OrderView]) -> list[OrderEntry]:
    """订单查询's entries: the backend's views joined with what this kiosk holds for `phone`."""
    local = orders_of(store, phone)
    queued = [order.id for order in local if store.outbox.head(order.id) is not None]
    return merge(views, local, queued)


def shipment_lines(entry: OrderEntry) -> list[Text | str]:
    """How the key goes (or went): to be collected, collected, the parcel and where to."""
    shipment = entry.shipment
    if not shipment:
        return []
    if shipment.get("method") == "pickup":
        if entry.status is OrderStatus.COMPLETED:
            return [Text("已在服务大厅自提")]
        return [Text("领取方式：到服务大厅自提")]
    lines: list[Text | str] = []
    if shipment.get("tracking_number"):
        lines.append(
            Text(
                "快递：{carrier}，运单号：{number}",
                carrier=shipment.get("carrier") or "",
                number=shipment["tracking_number"],
            )
        )
    elif entry.status is OrderStatus.COMPLETED:
        lines.append(Text("改派已受理，等待重新寄出"))  # a returned parcel, redirected
    if shipment.get("address_masked"):
        lines.append(Text("寄往：{address}", address=shipment["address_masked"]))
    return lines


def local_day(timestamp: str) -> str:
    """An ISO timestamp as the kiosk's local date."""
    try:
        return datetime.fromisoformat(timestamp).astimezone().strftime("%Y-%m-%d")
    except ValueError:
        return timestamp[:10]
