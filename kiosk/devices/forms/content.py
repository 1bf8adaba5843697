"""What a printed form says, gathered from an order in one place: the renderers only lay it out.

Built from anything shaped like the store's OrderRecord (a Protocol, so this package does not
depend on the store), the catalog for the project's titles, and the address a phone opens to
follow the order."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from kiosk.core.domain.businesses import Business, Section, business
from kiosk.core.domain.catalog import Catalog, ProjectSelection
from kiosk.core.domain.forms import DELIVERY_PICKUP, field_spec
from kiosk.core.domain.status import OrderStatus

NOT_APPLICABLE = "/"  # what the manual's own sample writes in an empty cell


class PrintableOrder(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def business(self) -> str: ...
    @property
    def status(self) -> OrderStatus: ...
    @property
    def form(self) -> Mapping[str, Mapping[str, str]]: ...
    @property
    def project(self) -> ProjectSelection | None: ...
    @property
    def fee_fen(self) -> int: ...
    @property
    def submitted_at(self) -> str | None: ...
    @property
    def acknowledged_at(self) -> str | None: ...
    @property
    def redirect_of(self) -> str | None: ...
    @property
    def token_serial(self) -> str | None: ...


@dataclass(frozen=True)
class ProjectTitles:
    region: str
    platform: str
    category: str
    project: str
    role: str
    certificates: tuple[str, ...]


@dataclass(frozen=True)
class FormContent:
    order_id: str
    business: Business
    status: OrderStatus
    form: Mapping[str, Mapping[str, str]]
    project: ProjectTitles | None
    fee_fen: int
    follow_url: str
    day: date
    # Submitted and waiting on this kiosk for the backend (offline): the receipt says so.
    queued_here: bool = False
    redirect_of: str | None = None
    token_serial: str | None = None

    def value(self, section: Section, key: str) -> str:
        """The field as entered, or "/" when empty, as the manual's form shows it."""
        return self.form.get(section.value, {}).get(key, "").strip() or NOT_APPLICABLE

    def choice(self, section: Section, key: str) -> str:
        """A choice field's title (邮寄, 增值税专用发票), or "/"."""
        raw = self.form.get(section.value, {}).get(key, "")
        return str(dict(field_spec(section, key).choices).get(raw, raw)) or NOT_APPLICABLE

    @property
    def self_pickup(self) -> bool:
        return self.form.get(Section.DELIVERY.value, {}).get("method") == DELIVERY_PICKUP

    @property
    def unit_name(self) -> str:
        """The unit, from whichever section this business asks for it in."""
        unit = self.form.get(Section.UNIT.value, {}).get("unit_name", "")
        return unit or self.form.get(Section.CERTIFICATE.value, {}).get("company_name", "") or NOT_APPLICABLE

    @property
    def uscc(self) -> str:
        unit = self.form.get(Section.UNIT.value, {}).get("uscc", "")
        return unit or self.form.get(Section.CERTIFICATE.value, {}).get("uscc", "") or NOT_APPLICABLE

    @classmethod
    def of(
        cls, order: PrintableOrder, catalog: Catalog, follow_url: str, day: date | None = None
    ) -> FormContent:
        return cls(
            order_id=order.id,
            business=business(order.business),
            status=order.status,
            form=order.form,
            project=project_titles(catalog, order.project) if order.project else None,
            fee_fen=order.fee_fen,
            follow_url=follow_url,
            day=day or _day_of(order.submitted_at),
            queued_here=order.submitted_at is not None and order.acknowledged_at is None,
            redirect_of=order.redirect_of,
            token_serial=order.token_serial,
        )


def project_titles(catalog: Catalog, selection: ProjectSelection) -> ProjectTitles | None:
    """The titles along the selection's path, or None if the catalog no longer has it."""
    try:
        nodes = catalog.walk(selection.path)
    except KeyError:
        return None
    titles = [node.title for node in nodes] + [NOT_APPLICABLE] * (5 - len(nodes))
    certificates = tuple(
        catalog.certificate_types[code].title
        for code in selection.certificate_types
        if code in catalog.certificate_types
    )
    region, platform, category, project, role = titles[:5]
    return ProjectTitles(region, platform, category, project, role, certificates)


def _day_of(timestamp: str | None) -> date:
    """The local day an ISO timestamp falls on (today for a draft)."""
    if timestamp is None:
        return date.today()
    return datetime.fromisoformat(timestamp).astimezone().date()
