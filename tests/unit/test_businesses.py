"""The seven businesses as data, the status machine, and fees from the catalog."""

from __future__ import annotations

import itertools

import pytest

from kiosk.core.domain.businesses import BUSINESSES, BusinessCode, FeeRule, OperationType, business
from kiosk.core.domain.catalog import load_catalog
from kiosk.core.domain.documents import DocumentKind
from kiosk.core.domain.fees import format_yuan, quote
from kiosk.core.domain.status import (
    ALLOWED_TRANSITIONS,
    IllegalTransition,
    OrderStatus,
    can_transition,
    transition,
)
from kiosk.core.domain.steps import STEPS, Connectivity, Step

FIVE = {
    DocumentKind.APPLICATION_FORM,
    DocumentKind.SEAL_SAMPLE_FORM,
    DocumentKind.BUSINESS_LICENCE,
    DocumentKind.LEGAL_REP_ID,
    DocumentKind.HANDLER_ID,
}
CQ_BIDDER = ("cq", "cq-ggzy", "cq-ggzy-web", "cq-ggzy-center", "bidder")


def test_the_seven_businesses_of_the_manual() -> None:
    assert [b.title for b in BUSINESSES.values()] == [
        "证书新办",
        "证书更新",
        "证书变更",
        "证书补办",
        "在线解锁",
        "证书注销",
        "改派",
    ]


@pytest.mark.parametrize(
    ("code", "token", "documents", "fee_rule", "ends_in"),
    [
        ("new", False, FIVE, FeeRule.CERTIFICATE_PRICE, OrderStatus.AWAITING_SHIPMENT),
        ("renewal", True, FIVE, FeeRule.RENEWAL_PRICE, OrderStatus.AWAITING_DOWNLOAD),
        ("change", True, FIVE, FeeRule.FREE, OrderStatus.AWAITING_DOWNLOAD),
        ("reissue", False, FIVE, FeeRule.MEDIA_FEE, OrderStatus.AWAITING_SHIPMENT),
        (
            "unlock",
            True,
            {DocumentKind.APPLICATION_FORM, DocumentKind.HANDLER_ID},
            FeeRule.SERVICE_FEE,
            OrderStatus.AWAITING_UNLOCK,
        ),
        (
            "revoke",
            False,
            {DocumentKind.APPLICATION_FORM, DocumentKind.HANDLER_ID},
            FeeRule.FREE,
            OrderStatus.COMPLETED,
        ),
        (
            "redirect",
            False,
            {DocumentKind.SITUATION_STATEMENT, DocumentKind.HANDLER_ID},
            FeeRule.FREE,
            OrderStatus.COMPLETED,
        ),
    ],
)
def test_business_table(code, token, documents, fee_rule, ends_in) -> None:
    b = business(code)
    assert b.needs_token is token
    assert set(b.documents) == documents
    assert b.fee_rule is fee_rule
    assert b.fulfilled_as is ends_in
    assert (Step.INSERT_TOKEN in b.steps) is token
    # Every business signs in first, and ends its visit with a submitted order and a receipt.
    assert b.steps[0] is Step.SIGN_IN
    assert b.steps[-2:] == (Step.SUBMIT, Step.RECEIPT)
    assert b.steps.index(Step.PRINT_FORMS) < b.steps.index(Step.CAPTURE_DOCUMENTS)


def test_operation_type_boxes() -> None:
    assert business("new").operation_type is OperationType.APPLY
    assert business("renewal").operation_type is OperationType.RENEW
    assert business("unlock").operation_type is OperationType.PIN_UNLOCK
    assert business("change").operation_type is OperationType.CHANGE


def test_renewal_says_change_comes_first() -> None:
    note = business("renewal").prerequisite_note
    assert note is not None and "先办理证书变更" in note


def test_which_steps_need_the_backend() -> None:
    online = {step for step, spec in STEPS.items() if spec.needs_backend}
    assert online == {
        Step.SELECT_ORDER,
        Step.SELECT_CERTIFICATE,
        Step.PAY,
        Step.DOWNLOAD_CERT,
        Step.UNLOCK_TOKEN,
    }
    assert STEPS[Step.SUBMIT].connectivity is Connectivity.QUEUED
    assert STEPS[Step.SIGN_IN].connectivity is Connectivity.STAFF_FALLBACK
    for spec in STEPS.values():
        if spec.connectivity is not Connectivity.LOCAL:
            assert spec.offline_note, f"{spec.step} must tell the subscriber what happens offline"


def test_free_businesses_skip_payment() -> None:
    change = business("change")
    assert change.status_after_approval(costs_money=False) is OrderStatus.AWAITING_DOWNLOAD
    assert Step.PAY not in change.steps_after(costs_money=False)
    unlock = business("unlock")
    assert unlock.steps_after(costs_money=True) == (Step.PAY, Step.UNLOCK_TOKEN)
    assert unlock.steps_after(costs_money=False) == (Step.UNLOCK_TOKEN,)
    assert unlock.status_after_approval(costs_money=True) is OrderStatus.AWAITING_PAYMENT


# --- status machine ------------------------------------------------------------------------------
def test_happy_paths_of_the_manual() -> None:
    path = [
        OrderStatus.DRAFT,
        OrderStatus.AWAITING_REVIEW,
        OrderStatus.REJECTED,
        OrderStatus.AWAITING_REVIEW,
        OrderStatus.AWAITING_PAYMENT,
        OrderStatus.AWAITING_SHIPMENT,
        OrderStatus.COMPLETED,
    ]
    for current, target in itertools.pairwise(path):
        assert transition(current, target) is target


def test_illegal_transition_raises_a_clear_error() -> None:
    with pytest.raises(IllegalTransition) as caught:
        transition(OrderStatus.COMPLETED, OrderStatus.AWAITING_PAYMENT)
    assert caught.value.message == "订单状态不能从“完成”变为“待付款”"
    assert caught.value.message.say("en") == ('An order cannot go from "Completed" to "Awaiting payment"')


def test_final_states_and_no_skipping_review() -> None:
    assert OrderStatus.COMPLETED.is_final and OrderStatus.CANCELLED.is_final
    assert not can_transition(OrderStatus.DRAFT, OrderStatus.AWAITING_PAYMENT)
    assert not can_transition(OrderStatus.AWAITING_PAYMENT, OrderStatus.REJECTED)
    assert not can_transition(OrderStatus.AWAITING_SHIPMENT, OrderStatus.CANCELLED)
    # Every state's transitions stay inside the machine.
    for targets in ALLOWED_TRANSITIONS.values():
        assert targets <= set(OrderStatus)


def test_every_business_can_reach_completion_from_approval() -> None:
    for b in BUSINESSES.values():
        for costs_money in (True, False):
            state = transition(OrderStatus.AWAITING_REVIEW, b.status_after_approval(costs_money=costs_money))
            if state is OrderStatus.AWAITING_PAYMENT:
                state = transition(state, b.fulfilled_as)
            if state is not OrderStatus.COMPLETED:
                transition(state, OrderStatus.COMPLETED)


# --- fees ---------------------------------------------------------------------------------------
def test_fee_of_each_rule() -> None:
    catalog = load_catalog()
    bidder = catalog.default_selection(CQ_BIDDER).certificate_types
    assert quote(business("new"), catalog, ["unit_seal"]).total_fen == 58000  # the manual's ¥580
    assert quote(business("new"), catalog, bidder).total_fen == 58000 + 38000 + 38000
    assert quote(business("renewal"), catalog, ["unit_seal"]).total_fen == 38000
    assert quote(business("reissue"), catalog, ["unit_seal", "legal_rep_seal"]).total_fen == 2 * 8000
    assert quote(business("unlock"), catalog, []).total_fen == 5000
    assert not quote(business("change"), catalog, bidder).costs_money
    assert not quote(business("revoke"), catalog, bidder).costs_money
    with pytest.raises(KeyError):
        quote(business("new"), catalog, ["no_such_type"])


def test_yuan_format() -> None:
    assert format_yuan(58000) == "¥580"
    assert format_yuan(1250) == "¥12.50"
    assert format_yuan(0) == "¥0"


def test_every_business_code_has_a_row() -> None:
    assert set(BUSINESSES) == set(BusinessCode)
