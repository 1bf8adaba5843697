"""Form sections, cross-field rules and masking."""

from __future__ import annotations

from support.backend import UNIT

from kiosk.core.domain.businesses import Section, business
from kiosk.core.domain.forms import (
    DELIVERY_MAIL,
    DELIVERY_PICKUP,
    INVOICE_ORDINARY,
    INVOICE_VAT_SPECIAL,
    SECTION_FIELDS,
    Masking,
    check_form,
    check_section,
    cross_field_problems,
)
from kiosk.core.domain.masking import mask


def test_personal_fields_are_marked() -> None:
    personal = {
        (section, spec.key) for section, specs in SECTION_FIELDS.items() for spec in specs if spec.personal
    }
    for expected in [
        (Section.UNIT, "legal_rep_id"),
        (Section.UNIT, "legal_rep_mobile"),
        (Section.UNIT, "legal_rep_name"),
        (Section.HANDLER, "id_number"),
        (Section.HANDLER, "mobile"),
        (Section.DELIVERY, "address"),
    ]:
        assert expected in personal
    assert (Section.UNIT, "unit_name") not in personal


def test_section_messages_name_the_field() -> None:
    problems = check_section(
        Section.UNIT, {**UNIT, "legal_rep_id": "110105194912310021", "legal_rep_mobile": ""}
    )
    assert problems == {
        "legal_rep_id": "法人身份证号码校验位不符，请逐位核对",
        "legal_rep_mobile": "请填写法人移动电话",
    }
    assert check_section(Section.UNIT, UNIT) == {}


def test_choice_fields_refuse_unknown_values() -> None:
    problems = check_section(
        Section.INVOICE, {"invoice_type": "paper", "title": "某公司", "taxpayer_id": "91350100M000100Y43"}
    )
    assert problems == {"invoice_type": "请选择发票类型"}


def test_invoice_title_must_equal_unit_name() -> None:
    form: dict[str, dict[str, str]] = {
        Section.UNIT: UNIT,
        Section.INVOICE: {"invoice_type": INVOICE_ORDINARY, "title": "别的公司", "taxpayer_id": UNIT["uscc"]},
    }
    assert cross_field_problems(form) == {
        (Section.INVOICE, "title"): "发票抬头应与单位名称“东方中讯数字证书认证有限公司”一致"
    }


def test_vat_special_invoice_needs_bank_account_phone_address() -> None:
    invoice = {"invoice_type": INVOICE_VAT_SPECIAL, "title": UNIT["unit_name"], "taxpayer_id": UNIT["uscc"]}
    problems = cross_field_problems({Section.UNIT: UNIT, Section.INVOICE: invoice})
    assert problems == {
        (Section.INVOICE, "bank"): "增值税专用发票须填写开户银行",
        (Section.INVOICE, "account"): "增值税专用发票须填写银行账号",
        (Section.INVOICE, "phone"): "增值税专用发票须填写购买方开票信息电话",
        (Section.INVOICE, "address"): "增值税专用发票须填写注册地址",
    }
    complete = {
        **invoice,
        "bank": "中国银行重庆分行",
        "account": "6222021234567890123",
        "phone": "023-63211234",
        "address": "重庆市渝北区金开大道100号",
    }
    assert cross_field_problems({Section.UNIT: UNIT, Section.INVOICE: complete}) == {}


def test_mail_needs_an_address_and_pickup_does_not() -> None:
    assert cross_field_problems({Section.DELIVERY: {"method": DELIVERY_PICKUP}}) == {}
    problems = cross_field_problems({Section.DELIVERY: {"method": DELIVERY_MAIL}})
    assert problems[(Section.DELIVERY, "address")] == "邮寄须填写邮寄地址"


def test_check_form_for_a_whole_business() -> None:
    problems = check_form(business("revoke").sections, {Section.UNIT: UNIT})
    assert (Section.HANDLER, "name") in problems
    assert (Section.CERTIFICATE, "uscc") in problems
    assert not any(section is Section.INVOICE for section, _ in problems)


def test_masking() -> None:
    assert mask("11010519491231002X", Masking.ID) == "1101**********002X"
    assert mask("13500000000", Masking.PHONE) == "135****0000"
    assert mask("阿依古丽·买买提", Masking.NAME) == "阿*******"
    assert mask("li.ming@example.com", Masking.EMAIL) == "l***@example.com"
    assert mask("6222021234567890123", Masking.ACCOUNT).endswith("0123")
    assert "金开大道" not in mask("重庆市渝北区金开大道100号", Masking.ADDRESS)
    assert mask("东方中讯", Masking.NONE) == "东方中讯"
