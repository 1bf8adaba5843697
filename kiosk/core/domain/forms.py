"""The information a subscriber enters, section by section, as data: each field's label,
whether the manual marks it required (*), its validator, and whether it is personal data
(masked on screen, encrypted at rest, purged after the backend has it).

A filled form is plain `dict[section, dict[field, str]]`, so the store, the sync and the
screens pass it around without a class per business.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import partial

from kiosk.core.domain import validators as v
from kiosk.core.domain.businesses import Section
from kiosk.core.domain.keyboards import Keyboard
from kiosk.core.i18n import Text

FormValues = dict[str, dict[str, str]]


class Masking(StrEnum):
    NONE = "none"
    ID = "id"
    PHONE = "phone"
    NAME = "name"
    ADDRESS = "address"
    EMAIL = "email"
    ACCOUNT = "account"


@dataclass(frozen=True)
class FieldSpec:
    key: str
    label: Text
    required: bool
    validate: Callable[[str], Text | None] | None = None
    masking: Masking = Masking.NONE
    choices: tuple[tuple[str, Text], ...] = ()
    keyboard: Keyboard = Keyboard.TEXT  # the keys it is typed with at the glass

    @property
    def personal(self) -> bool:
        return self.masking is not Masking.NONE

    def check(self, value: str) -> Text | None:
        """The message for this value, or None. Empty optional fields are fine."""
        if not value.strip():
            if not self.required:
                return None
            if self.choices:
                return Text("请选择{field}", field=self.label)
            return Text("请填写{field}", field=self.label)
        if self.choices and value not in dict(self.choices):
            return Text("请选择{field}", field=self.label)
        return self.validate(value) if self.validate else None


INVOICE_ORDINARY = "ordinary"
INVOICE_VAT_SPECIAL = "vat_special"
DELIVERY_MAIL = "mail"
DELIVERY_PICKUP = "pickup"

SECTION_TITLES: dict[Section, Text] = {
    Section.CERTIFICATE: Text("证书信息"),
    Section.UNIT: Text("单位信息"),
    Section.INVOICE: Text("发票信息"),
    Section.HANDLER: Text("经办人信息"),
    Section.DELIVERY: Text("领取方式"),
    Section.REDIRECT_REASON: Text("改派原因"),
}


def _f(
    key: str,
    label: Text,
    required: bool,
    validate: Callable[..., Text | None] | None = None,
    masking: Masking = Masking.NONE,
    choices: tuple[tuple[str, Text], ...] = (),
    keyboard: Keyboard | None = None,
) -> FieldSpec:
    checker = partial(validate, field=label) if validate and _takes_field(validate) else validate
    keys = keyboard or KEYBOARD_FOR.get(validate, Keyboard.TEXT)
    return FieldSpec(key, label, required, checker, masking, choices, keys)


def _takes_field(validate: Callable[..., object]) -> bool:
    return "field" in (getattr(validate, "__kwdefaults__", None) or {})


# The keyboard follows from what the field holds, so each validator names its keys once.
KEYBOARD_FOR: dict[Callable[..., Text | None] | None, Keyboard] = {
    v.validate_uscc: Keyboard.CREDIT_CODE,
    v.validate_taxpayer_id: Keyboard.TAXPAYER_ID,
    v.validate_id_number: Keyboard.ID_NUMBER,
    v.validate_mobile: Keyboard.MOBILE,
    v.validate_phone: Keyboard.PHONE,
    v.validate_email: Keyboard.EMAIL,
    v.validate_bank_account: Keyboard.DIGITS,
    v.validate_person_name: Keyboard.NAME,
}

SECTION_FIELDS: dict[Section, tuple[FieldSpec, ...]] = {
    Section.CERTIFICATE: (
        _f("company_name", Text("企业名称"), True, v.validate_unit_name),
        _f("uscc", Text("统一社会信用代码"), True, v.validate_uscc),
    ),
    Section.UNIT: (
        _f("unit_name", Text("单位名称"), True, v.validate_unit_name),
        _f("uscc", Text("统一社会信用代码"), True, v.validate_uscc),
        _f("legal_rep_name", Text("法人姓名"), True, v.validate_person_name, Masking.NAME),
        _f("legal_rep_id", Text("法人身份证号码"), True, v.validate_id_number, Masking.ID),
        _f("legal_rep_mobile", Text("法人移动电话"), True, v.validate_mobile, Masking.PHONE),
    ),
    Section.INVOICE: (
        _f(
            "invoice_type",
            Text("发票类型"),
            True,
            choices=(
                (INVOICE_ORDINARY, Text("普通电子发票")),
                (INVOICE_VAT_SPECIAL, Text("增值税专用发票")),
            ),
        ),
        _f("title", Text("发票抬头"), True, v.validate_unit_name),
        _f("taxpayer_id", Text("纳税人识别号"), True, v.validate_taxpayer_id),
        _f("email", Text("电子邮箱"), False, v.validate_email, Masking.EMAIL),
        _f("bank", Text("开户银行"), False, v.validate_unit_name),
        _f("account", Text("银行账号"), False, v.validate_bank_account, Masking.ACCOUNT),
        _f("phone", Text("购买方开票信息电话"), False, v.validate_phone, Masking.PHONE),
        _f("address", Text("注册地址"), False, v.validate_address, Masking.ADDRESS),
    ),
    Section.HANDLER: (
        _f("name", Text("经办人姓名"), True, v.validate_person_name, Masking.NAME),
        _f("id_number", Text("经办人身份证号码"), True, v.validate_id_number, Masking.ID),
        _f("mobile", Text("经办人移动电话"), True, v.validate_mobile, Masking.PHONE),
        _f("email", Text("经办人电子邮箱"), True, v.validate_email, Masking.EMAIL),
    ),
    Section.DELIVERY: (
        _f(
            "method",
            Text("领取方式"),
            True,
            choices=(
                (DELIVERY_MAIL, Text("邮寄")),
                (DELIVERY_PICKUP, Text("自提")),
            ),
        ),
        _f("recipient", Text("收件人"), False, v.validate_person_name, Masking.NAME),
        _f("phone", Text("收件人电话"), False, v.validate_phone, Masking.PHONE),
        _f("address", Text("邮寄地址"), False, v.validate_address, Masking.ADDRESS),
    ),
    Section.REDIRECT_REASON: (
        _f(
            "reason",
            Text("改派原因"),
            True,
            choices=(
                ("wrong_address", Text("邮寄地址填写错误")),
                ("pickup_to_mail", Text("自提改邮寄")),
                ("returned", Text("退回件重新邮寄")),
            ),
        ),
        _f("detail", Text("情况说明"), False, partial(v.validate_free_text, field=Text("情况说明"))),
    ),
}


def field_spec(section: Section, key: str) -> FieldSpec:
    return next(spec for spec in SECTION_FIELDS[section] if spec.key == key)


def check_section(section: Section, values: Mapping[str, str]) -> dict[str, Text]:
    """Every field's own problem in one section: {field key: message}."""
    problems = {}
    for spec in SECTION_FIELDS[section]:
        message = spec.check(values.get(spec.key, ""))
        if message is not None:
            problems[spec.key] = message
    return problems


def cross_field_problems(form: Mapping[str, Mapping[str, str]]) -> dict[tuple[Section, str], Text]:
    """Rules between fields: the invoice title is the unit name; a VAT special invoice needs
    the bank, account, phone and address; mail delivery needs a recipient, phone and address;
    改派 is by mail."""
    problems: dict[tuple[Section, str], Text] = {}
    invoice = form.get(Section.INVOICE, {})
    unit_name = v.normalize_text(form.get(Section.UNIT, {}).get("unit_name", ""))
    if invoice:
        title = v.normalize_text(invoice.get("title", ""))
        if title and unit_name and title != unit_name:
            # The name is quoted back only when it is a name: not a paste with control characters.
            problems[(Section.INVOICE, "title")] = (
                Text("发票抬头应与单位名称“{unit}”一致", unit=unit_name)
                if v.validate_unit_name(unit_name) is None
                else Text("发票抬头应与单位名称一致")
            )
        if invoice.get("invoice_type") == INVOICE_VAT_SPECIAL:
            for key in ("bank", "account", "phone", "address"):
                if not invoice.get(key, "").strip():
                    problems[(Section.INVOICE, key)] = Text(
                        "增值税专用发票须填写{field}", field=field_spec(Section.INVOICE, key).label
                    )
    delivery = form.get(Section.DELIVERY, {})
    if Section.REDIRECT_REASON in form and delivery.get("method") == DELIVERY_PICKUP:
        # 改派 sends the key out again; a parcel already waiting at the hall needs no order.
        problems[(Section.DELIVERY, "method")] = Text("改派须选择邮寄，并填写新的邮寄地址")
    if delivery.get("method") == DELIVERY_MAIL:
        for key in ("recipient", "phone", "address"):
            if not delivery.get(key, "").strip():
                problems[(Section.DELIVERY, key)] = Text(
                    "邮寄须填写{field}", field=field_spec(Section.DELIVERY, key).label
                )
    return problems


def check_form(
    sections: tuple[Section, ...], form: Mapping[str, Mapping[str, str]]
) -> dict[tuple[Section, str], Text]:
    """All problems of a business's form, field by field, then between fields."""
    problems: dict[tuple[Section, str], Text] = {}
    for section in sections:
        for key, message in check_section(section, form.get(section, {})).items():
            problems[(section, key)] = message
    for place, message in cross_field_problems(form).items():
        problems.setdefault(place, message)
    return problems


# What one field's value is usually also the value of, so the subscriber types it once: the
# unit's name is the invoice's title, the handler usually receives the parcel. A copy goes
# only into a field left empty (or still holding the last copy), never over what was typed.
ECHOES: dict[tuple[Section, str], tuple[tuple[Section, str], ...]] = {
    (Section.CERTIFICATE, "company_name"): ((Section.UNIT, "unit_name"), (Section.INVOICE, "title")),
    (Section.CERTIFICATE, "uscc"): ((Section.UNIT, "uscc"), (Section.INVOICE, "taxpayer_id")),
    (Section.UNIT, "unit_name"): ((Section.INVOICE, "title"),),
    (Section.UNIT, "uscc"): ((Section.INVOICE, "taxpayer_id"),),
    (Section.HANDLER, "name"): ((Section.DELIVERY, "recipient"),),
    (Section.HANDLER, "mobile"): ((Section.DELIVERY, "phone"),),
}
