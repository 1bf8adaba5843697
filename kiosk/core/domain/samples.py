"""A complete, valid sample order: the demo's prefill, the benches' load, the tests' fixture.
The unit, names and numbers are invented; the ID numbers and credit code carry valid check
characters so every validator accepts them."""

from __future__ import annotations

from collections.abc import Mapping

from kiosk.core.domain.businesses import Section, business
from kiosk.core.domain.forms import DELIVERY_MAIL, INVOICE_ORDINARY

SAMPLE_PROJECT_PATH = ("cq", "cq-ggzy", "cq-ggzy-web", "cq-ggzy-center", "bidder")  # 重庆 公共资源 投标人
SAMPLE_UNIT = {
    "unit_name": "东方中讯数字证书认证有限公司",
    "uscc": "91350100M000100Y43",
    "legal_rep_name": "张三",
    "legal_rep_id": "11010519491231002X",
    "legal_rep_mobile": "13500000000",
}
SAMPLE_FORM: dict[Section, dict[str, str]] = {
    Section.CERTIFICATE: {"company_name": SAMPLE_UNIT["unit_name"], "uscc": SAMPLE_UNIT["uscc"]},
    Section.UNIT: SAMPLE_UNIT,
    Section.INVOICE: {
        "invoice_type": INVOICE_ORDINARY,
        "title": SAMPLE_UNIT["unit_name"],
        "taxpayer_id": SAMPLE_UNIT["uscc"],
    },
    Section.HANDLER: {
        "name": "李四",
        "id_number": "11010519491231002X",
        "mobile": "13600000000",
        "email": "li@example.cn",
    },
    Section.DELIVERY: {
        "method": DELIVERY_MAIL,
        "recipient": "李四",
        "phone": "13600000000",
        "address": "重庆市渝北区金开大道1号",
    },
    Section.REDIRECT_REASON: {"reason": "wrong_address", "detail": "地址写错了"},
}


def sample_form(code: str, **changes: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """The sample's sections that `code` asks for, with `changes` merged per section."""
    form = {section.value: dict(SAMPLE_FORM[section]) for section in business(code).sections}
    for section, values in changes.items():
        form[section] = {**form.get(section, {}), **values}
    return form
