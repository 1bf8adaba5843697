"""改派: which orders may have their shipment changed. One rule, used by the kiosk to list the
orders a subscriber can pick and by the backend to refuse any other."""

from __future__ import annotations

from kiosk.core.domain.businesses import Fulfilment, business
from kiosk.core.domain.status import OrderStatus

# Before the key has gone out, the way it goes can still change.
NOT_YET_SHIPPED = frozenset(
    {OrderStatus.AWAITING_REVIEW, OrderStatus.AWAITING_PAYMENT, OrderStatus.AWAITING_SHIPMENT}
)


def can_redirect(
    code: str, status: OrderStatus, shipment_method: str | None, tracking_number: str | None
) -> bool:
    """An order that delivers a key, not yet shipped (a wrong address, self-pickup to mail), or
    mailed already (a returned parcel is sent again). A key collected at the hall is done."""
    if business(code).fulfilment is not Fulfilment.SHIP:
        return False
    if status in NOT_YET_SHIPPED:
        return True
    return status is OrderStatus.COMPLETED and shipment_method == "mail" and bool(tracking_number)
