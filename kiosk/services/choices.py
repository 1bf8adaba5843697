"""The things a business asks the subscriber to pick from what the backend knows (改派: the
order whose shipment changes; 证书注销: the lost key), each as the journey keeps it and as the
subscriber reads it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiosk.core.domain.businesses import BUSINESSES
from kiosk.core.domain.status import STATUS_TITLES
from kiosk.core.i18n import Text
from kiosk.services.key_check import certificate_lines
from kiosk.services.order_list import OrderEntry, local_day, shipment_lines

if TYPE_CHECKING:
    from kiosk.core.contract import CertificateSummary


@dataclass(frozen=True)
class Choice:
    key: str  # what the journey keeps: an order id, a chip number
    lines: Sequence[Text | str]  # what the subscriber reads, first line first


def order_choice(entry: OrderEntry) -> Choice:
    """An order as 改派 lists it: what, when, its state, and how its key goes now."""
    line = Text(
        "{business} · {day} · {status} · 订单号{order}",
        business=BUSINESSES[entry.business].title,
        day=local_day(entry.created_at),
        status=STATUS_TITLES[entry.status],
        order=entry.order_id[:8],
    )
    return Choice(entry.order_id, [line, *shipment_lines(entry)])


def certificate_choice(key: CertificateSummary) -> Choice:
    return Choice(key.token_serial, certificate_lines(key.token_serial, key))
