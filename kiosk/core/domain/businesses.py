"""The seven businesses of the CA's self-service manual, as data.

A business is its ordered steps, the information sections it asks for, the documents it
needs, whether the token must be in the slot, how its fee is found, and how it ends.
Adding an eighth business is a row in BUSINESSES (plus any new step it needs).
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
    code: BusinessCode
    title: Text
    summary: Text  # when a subscriber chooses it, in the manual's words
    steps: tuple[Step, ...]  # at the kiosk, up to the receipt
    steps_after_approval: tuple[Step, ...]  # resumed from 订单查询; PAY only when not free
    sections: tuple[Section, ...]
    documents: tuple[DocumentKind, ...]
    needs_token: bool
    fee_rule: FeeRule
    operation_type: OperationType
    fulfilled_as: OrderStatus  # the state an approved, paid order waits in
    next_steps: Text  # after submission, on the receipt: what the subscriber does next
    prerequisite_note: Text | None = None

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


BUSINESSES: dict[BusinessCode, Business] = {
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
            needs_token=False,
            fee_rule=FeeRule.CERTIFICATE_PRICE,
            operation_type=OperationType.APPLY,
            fulfilled_as=OrderStatus.AWAITING_SHIPMENT,
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
            needs_token=True,
            fee_rule=FeeRule.RENEWAL_PRICE,
            operation_type=OperationType.RENEW,
            fulfilled_as=OrderStatus.AWAITING_DOWNLOAD,
            next_steps=Text("审核通过并付款后，请携带证书盘到任一自助终端，在“订单查询”中下载更新后的证书"),
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
            needs_token=True,
            fee_rule=FeeRule.FREE,
            operation_type=OperationType.CHANGE,
            fulfilled_as=OrderStatus.AWAITING_DOWNLOAD,
            next_steps=Text("审核通过后，请携带证书盘到任一自助终端，在“订单查询”中下载变更后的证书"),
        ),
        Business(
            code=BusinessCode.REISSUE,
            title=Text("证书补办"),
            summary=Text("证书盘损坏、丢失后补办"),
            steps=(Step.SIGN_IN, Step.SELECT_PROJECT, Step.ENTER_INFO, *_PAPERWORK),
            steps_after_approval=(Step.PAY,),
            sections=(*_FULL_INFO, Section.DELIVERY),
            documents=_FIVE_DOCUMENTS,
            needs_token=False,
            fee_rule=FeeRule.MEDIA_FEE,
            operation_type=OperationType.REISSUE,
            fulfilled_as=OrderStatus.AWAITING_SHIPMENT,
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
            needs_token=True,
            fee_rule=FeeRule.SERVICE_FEE,
            operation_type=OperationType.PIN_UNLOCK,
            fulfilled_as=OrderStatus.AWAITING_UNLOCK,
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
            needs_token=False,
            fee_rule=FeeRule.FREE,
            operation_type=OperationType.OTHER,
            fulfilled_as=OrderStatus.COMPLETED,
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
            needs_token=False,
            fee_rule=FeeRule.FREE,
            operation_type=OperationType.OTHER,
            fulfilled_as=OrderStatus.COMPLETED,
            next_steps=Text("审核通过后，证书按新的领取方式重新寄出或在大厅备好自提，结果以短信通知经办人"),
        ),
    )
}


def business(code: BusinessCode | str) -> Business:
    return BUSINESSES[BusinessCode(code)]
