"""The seven businesses of the CA's self-service manual, as data.

A business is its ordered steps, the information sections it asks for, the documents it
needs, what it acts on (a key in the slot, a lost key, another order, nothing), how its fee is
found, and how it is fulfilled. The kiosk's journey, the key check, the printed forms and the
reference backend read these; none of them asks which business it is. Adding an eighth business
is a row in BUSINESSES (plus any new step it needs): a business's code is any key of the table,
and BusinessCode names the manual's seven.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kiosk.core.domain.documents import DocumentKind
from kiosk.core.domain.status import OrderStatus
from kiosk.core.domain.steps import Step
from kiosk.core.i18n import Text


class BusinessCode(StrEnum):
    NEW = "new"
    RENEWAL = "renewal"
    CHANGE = "change"
    REISSUE = "reissue"
    UNLOCK = "unlock"
    REVOKE = "revoke"
    REDIRECT = "redirect"


class ActsOn(StrEnum):
    """What an order is for, besides its form."""

    NOTHING = "nothing"  # a key the CA makes and sends (新办, 补办)
    KEY_IN_SLOT = "key_in_slot"  # the subscriber's key, read in the slot (更新, 变更, 解锁)
    NAMED_KEY = "named_key"  # a key named by its chip number, not at hand (注销: it was lost)
    ORDER = "order"  # another of the subscriber's orders (改派)


class Fulfilment(StrEnum):
    """How an approved (and, if it costs, paid) order is carried out."""

    SHIP = "ship"  # a key made and mailed, or kept at the hall for pick-up
    DOWNLOAD = "download"  # a new certificate onto the subscriber's key, at any kiosk
    UNLOCK = "unlock"  # a new user PIN on the subscriber's key, at any kiosk
    REVOKE = "revoke"  # the named key's certificates revoked, at once
    REDIRECT = "redirect"  # the other order's shipment changed, at once


# The state an order waits in once approved and paid, until its fulfilment is done.
FULFILMENT_STATUS: dict[Fulfilment, OrderStatus] = {
    Fulfilment.SHIP: OrderStatus.AWAITING_SHIPMENT,
    Fulfilment.DOWNLOAD: OrderStatus.AWAITING_DOWNLOAD,
    Fulfilment.UNLOCK: OrderStatus.AWAITING_UNLOCK,
    Fulfilment.REVOKE: OrderStatus.COMPLETED,
    Fulfilment.REDIRECT: OrderStatus.COMPLETED,
}


class NewCertificate(StrEnum):
    """What a downloaded certificate is."""

    RENEWED = "renewed"  # the unit as typed, for a new term of its type's validity
    CHANGED = "changed"  # the new information, ending when the replaced one did (free: no renewal)


class KeyCondition(StrEnum):
    """What the key check can find that another business answers better (kiosk/services/key_check.py)."""

    NO_CERTIFICATE = "no_certificate"
    EXPIRING = "expiring"  # expired, or within 30 days of it
    PIN_LOCKED = "pin_locked"


class FeeRule(StrEnum):
    """How the catalog prices a business (see kiosk.core.domain.fees)."""

    CERTIFICATE_PRICE = "certificate_price"  # full price of each certificate type
    RENEWAL_PRICE = "renewal_price"  # renewal price of each certificate type
    MEDIA_FEE = "media_fee"  # only the USB media, once per certificate
    SERVICE_FEE = "service_fee"  # a flat fee the catalog sets per business
    FREE = "free"


class Section(StrEnum):
    """Groups of fields on the information step, in the manual's order."""

    CERTIFICATE = "certificate"
    UNIT = "unit"
    INVOICE = "invoice"
    HANDLER = "handler"
    DELIVERY = "delivery"
    REDIRECT_REASON = "redirect_reason"


class OperationType(StrEnum):
    """The 操作类型 boxes of the printed application form."""

    APPLY = "apply"  # 证书申请
    RENEW = "renew"  # 证书更新
    REISSUE = "reissue"  # 证书补办
    PIN_UNLOCK = "pin_unlock"  # PIN码解锁
    OTHER = "other"  # 其它
    CHANGE = "change"  # 证书信息变更


OPERATION_TYPE_TITLES: dict[OperationType, Text] = {
    OperationType.APPLY: Text("证书申请"),
    OperationType.RENEW: Text("证书更新"),
    OperationType.REISSUE: Text("证书补办"),
    OperationType.PIN_UNLOCK: Text("PIN码解锁"),
    OperationType.OTHER: Text("其它"),
    OperationType.CHANGE: Text("证书信息变更"),
}


@dataclass(frozen=True)
class Business:
    code: str  # a BusinessCode for the manual's seven
    title: Text
    summary: Text  # when a subscriber chooses it, in the manual's words
    steps: tuple[Step, ...]  # at the kiosk, up to the receipt
    steps_after_approval: tuple[Step, ...]  # resumed from 订单查询; PAY only when not free
    sections: tuple[Section, ...]
    documents: tuple[DocumentKind, ...]
    acts_on: ActsOn
    fee_rule: FeeRule
    operation_type: OperationType
    fulfilment: Fulfilment
    next_steps: Text  # after submission, on the receipt: what the subscriber does next
    downloads: NewCertificate | None = None  # for a DOWNLOAD: the certificate it puts on the key
    # The business to do first when the unit's information is no longer the certificate's
    # (the manual: 证书变更 before 证书更新).
    unit_changed_first: str | None = None
    prerequisite_note: Text | None = None

    @property
    def needs_token(self) -> bool:
        """The subscriber's key goes in the slot."""
        return self.acts_on is ActsOn.KEY_IN_SLOT

    @property
    def fulfilled_as(self) -> OrderStatus:
        """The state an approved, paid order waits in."""
        return FULFILMENT_STATUS[self.fulfilment]

    def steps_after(self, *, costs_money: bool) -> tuple[Step, ...]:
        """The steps left once the backend approved the order."""
        if costs_money:
            return self.steps_after_approval
        return tuple(step for step in self.steps_after_approval if step is not Step.PAY)

    def status_after_approval(self, *, costs_money: bool) -> OrderStatus:
        return OrderStatus.AWAITING_PAYMENT if costs_money else self.fulfilled_as

    def has_step(self, step: Step) -> bool:
        return step in self.steps or step in self.steps_after_approval


_FIVE_DOCUMENTS = (
    DocumentKind.APPLICATION_FORM,
    DocumentKind.SEAL_SAMPLE_FORM,
    DocumentKind.BUSINESS_LICENCE,
    DocumentKind.LEGAL_REP_ID,
    DocumentKind.HANDLER_ID,
)
_PAPERWORK = (Step.REVIEW, Step.PRINT_FORMS, Step.CAPTURE_DOCUMENTS, Step.SUBMIT, Step.RECEIPT)
_FULL_INFO = (Section.CERTIFICATE, Section.UNIT, Section.INVOICE, Section.HANDLER)


BUSINESSES: dict[str, Business] = {
    business.code: business
    for business in (
        Business(
            code=BusinessCode.NEW,
            title=Text("证书新办"),
            summary=Text("首次办理证书的新用户"),
            steps=(Step.SIGN_IN, Step.SELECT_PROJECT, Step.ENTER_INFO, *_PAPERWORK),
            steps_after_approval=(Step.PAY,),
            sections=(*_FULL_INFO, Section.DELIVERY),
            documents=_FIVE_DOCUMENTS,
            acts_on=ActsOn.NOTHING,
            fee_rule=FeeRule.CERTIFICATE_PRICE,
            operation_type=OperationType.APPLY,
            fulfilment=Fulfilment.SHIP,
            next_steps=Text(
                "审核通过后请在“订单查询”中付款；付款后3个工作日内制作证书，按您选择的方式邮寄或到大厅自提"
            ),
        ),
        Business(
            code=BusinessCode.RENEWAL,
            title=Text("证书更新"),
            summary=Text("延长证书有效期"),
            steps=(Step.SIGN_IN, Step.INSERT_TOKEN, Step.ENTER_INFO, *_PAPERWORK),
            steps_after_approval=(Step.PAY, Step.DOWNLOAD_CERT),
            sections=(Section.UNIT, Section.INVOICE, Section.HANDLER),
            documents=_FIVE_DOCUMENTS,
            acts_on=ActsOn.KEY_IN_SLOT,
            fee_rule=FeeRule.RENEWAL_PRICE,
            operation_type=OperationType.RENEW,
            fulfilment=Fulfilment.DOWNLOAD,
            next_steps=Text("审核通过并付款后，请携带证书盘到任一自助终端，在“订单查询”中下载更新后的证书"),
            downloads=NewCertificate.RENEWED,
            unit_changed_first=BusinessCode.CHANGE,
            prerequisite_note=Text("如单位信息已发生变化，请先办理证书变更，再办理证书更新"),
        ),
        Business(
            code=BusinessCode.CHANGE,
            title=Text("证书变更"),
            summary=Text("证书或单位信息发生变更"),
            steps=(Step.SIGN_IN, Step.INSERT_TOKEN, Step.ENTER_INFO, *_PAPERWORK),
            steps_after_approval=(Step.DOWNLOAD_CERT,),
            sections=_FULL_INFO,
            documents=_FIVE_DOCUMENTS,
            acts_on=ActsOn.KEY_IN_SLOT,
            fee_rule=FeeRule.FREE,
            operation_type=OperationType.CHANGE,
            fulfilment=Fulfilment.DOWNLOAD,
            next_steps=Text("审核通过后，请携带证书盘到任一自助终端，在“订单查询”中下载变更后的证书"),
            downloads=NewCertificate.CHANGED,
        ),
        Business(
            code=BusinessCode.REISSUE,
            title=Text("证书补办"),
            summary=Text("证书盘损坏、丢失后补办"),
            steps=(Step.SIGN_IN, Step.SELECT_PROJECT, Step.ENTER_INFO, *_PAPERWORK),
            steps_after_approval=(Step.PAY,),
            sections=(*_FULL_INFO, Section.DELIVERY),
            documents=_FIVE_DOCUMENTS,
            acts_on=ActsOn.NOTHING,
            fee_rule=FeeRule.MEDIA_FEE,
            operation_type=OperationType.REISSUE,
            fulfilment=Fulfilment.SHIP,
            next_steps=Text(
                "审核通过后请在“订单查询”中付款；付款后3个工作日内制作证书，按您选择的方式邮寄或到大厅自提"
            ),
        ),
        Business(
            code=BusinessCode.UNLOCK,
            title=Text("在线解锁"),
            summary=Text("证书盘密码遗忘或被锁定"),
            steps=(Step.SIGN_IN, Step.INSERT_TOKEN, Step.ENTER_INFO, *_PAPERWORK),
            steps_after_approval=(Step.PAY, Step.UNLOCK_TOKEN),
            sections=(Section.UNIT, Section.INVOICE, Section.HANDLER),
            documents=(DocumentKind.APPLICATION_FORM, DocumentKind.HANDLER_ID),
            acts_on=ActsOn.KEY_IN_SLOT,
            fee_rule=FeeRule.SERVICE_FEE,
            operation_type=OperationType.PIN_UNLOCK,
            fulfilment=Fulfilment.UNLOCK,
            next_steps=Text("审核通过并付款后，请携带证书盘到任一自助终端，在“订单查询”中设置新密码完成解锁"),
        ),
        Business(
            code=BusinessCode.REVOKE,
            title=Text("证书注销"),
            summary=Text("证书盘丢失，注销防冒用"),
            steps=(Step.SIGN_IN, Step.ENTER_INFO, Step.SELECT_CERTIFICATE, *_PAPERWORK),
            steps_after_approval=(),
            sections=(Section.CERTIFICATE, Section.UNIT, Section.HANDLER),
            documents=(DocumentKind.APPLICATION_FORM, DocumentKind.HANDLER_ID),
            acts_on=ActsOn.NAMED_KEY,
            fee_rule=FeeRule.FREE,
            operation_type=OperationType.OTHER,
            fulfilment=Fulfilment.REVOKE,
            next_steps=Text("审核通过后证书立即注销并列入证书吊销列表，结果以短信通知经办人"),
        ),
        Business(
            code=BusinessCode.REDIRECT,
            title=Text("改派"),
            summary=Text("改址、自提改邮寄、重寄"),
            steps=(Step.SIGN_IN, Step.SELECT_ORDER, Step.ENTER_INFO, *_PAPERWORK),
            steps_after_approval=(),
            sections=(Section.UNIT, Section.REDIRECT_REASON, Section.DELIVERY),
            documents=(DocumentKind.SITUATION_STATEMENT, DocumentKind.HANDLER_ID),
            acts_on=ActsOn.ORDER,
            fee_rule=FeeRule.FREE,
            operation_type=OperationType.OTHER,
            fulfilment=Fulfilment.REDIRECT,
            next_steps=Text("审核通过后，证书按新的领取方式重新寄出或在大厅备好自提，结果以短信通知经办人"),
        ),
    )
}


# The business the key check offers for what it found on a key.
SUGGESTED_FOR: dict[KeyCondition, str] = {
    KeyCondition.NO_CERTIFICATE: BusinessCode.NEW,
    KeyCondition.EXPIRING: BusinessCode.RENEWAL,
    KeyCondition.PIN_LOCKED: BusinessCode.UNLOCK,
}


class UnknownBusiness(KeyError):
    """A code that is no row of BUSINESSES (a catalog, a request or a stored order naming one)."""


def business(code: str) -> Business:
    try:
        return BUSINESSES[code]
    except KeyError:
        raise UnknownBusiness(code) from None


def is_business(code: str) -> bool:
    return code in BUSINESSES
