"""The invented sample order as printed forms see it: the staff test page, the pictures in
docs/forms/ and bench/forms.py all print it (no one's real data)."""

from __future__ import annotations

from datetime import date

from kiosk.core.domain.businesses import ActsOn, BusinessCode, FeeRule, business
from kiosk.core.domain.catalog import load_catalog
from kiosk.core.domain.samples import SAMPLE_PROJECT_PATH, sample_form
from kiosk.core.domain.status import OrderStatus
from kiosk.devices.forms.content import FormContent, project_titles

SAMPLE_REDIRECTED_ORDER = "0a1b2c3d-1111-2222-3333-444455556666"


def sample_content(
    order_id: str,
    follow_url_template: str = "https://www.exca.org/kiosk/order/{order_id}",
    code: str = BusinessCode.NEW,
    day: date | None = None,
) -> FormContent:
    catalog = load_catalog()
    chosen = business(code)
    return FormContent(
        order_id=order_id,
        business=chosen,
        status=OrderStatus.AWAITING_REVIEW,
        form=sample_form(code),
        project=project_titles(catalog, catalog.default_selection(SAMPLE_PROJECT_PATH)),
        fee_fen=58000 if chosen.fee_rule is not FeeRule.FREE else 0,
        follow_url=follow_url_template.replace("{order_id}", order_id),
        day=day or date.today(),
        queued_here=True,
        redirect_of=SAMPLE_REDIRECTED_ORDER if chosen.acts_on is ActsOn.ORDER else None,
        token_serial="5500000000000001" if chosen.needs_token else None,
    )
