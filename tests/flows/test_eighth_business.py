"""A business is a row of the business table, not code: an eighth one, added as a row at run
time (an express renewal that asks for no documents), is offered on the home screen, walked at
the kiosk from sign-in to the receipt, taken by the reference backend, approved, paid, and its
new certificate downloaded onto the key, with no code anywhere knowing it exists."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.backend import Hub
from support.flow import open_orders, sign_in, start_business
from support.key_flow import (
    at_hall,
    download_with,
    enter_info,
    key_read,
    pay_in_sandbox,
    registered_key,
    submitted_with_receipt,
)
from support.softhsm import SELF_SERVICE_SERIAL, needs_softhsm

from kiosk.core.domain.businesses import (
    BUSINESSES,
    ActsOn,
    Business,
    FeeRule,
    Fulfilment,
    NewCertificate,
    OperationType,
    Section,
)
from kiosk.core.domain.samples import sample_form
from kiosk.core.domain.status import OrderStatus
from kiosk.core.domain.steps import Step
from kiosk.core.i18n import Bilingual
from kiosk.screens.messages import KeyWorkDone
from kiosk.screens.review import ReviewScreen
from kiosk.screens.widgets.tile_board import TileBoard
from kiosk.store import Store
from kiosk.ui.journey_runner import can_start

pytestmark = needs_softhsm

EXPRESS = Business(
    code="renewal_express",
    title=Bilingual("证书快速更新", "Express renewal"),
    summary=Bilingual("单位信息未变，无需拍摄资料", "Nothing changed: no documents to capture"),
    steps=(Step.SIGN_IN, Step.INSERT_TOKEN, Step.ENTER_INFO, Step.REVIEW, Step.SUBMIT, Step.RECEIPT),
    steps_after_approval=(Step.PAY, Step.DOWNLOAD_CERT),
    sections=(Section.UNIT, Section.INVOICE, Section.HANDLER),
    documents=(),
    acts_on=ActsOn.KEY_IN_SLOT,
    fee_rule=FeeRule.RENEWAL_PRICE,
    operation_type=OperationType.RENEW,
    fulfilment=Fulfilment.DOWNLOAD,
    next_steps=Bilingual("审核通过并付款后下载新证书", "Once approved and paid, download it"),
    downloads=NewCertificate.RENEWED,
)


@pytest.fixture
def express(monkeypatch: pytest.MonkeyPatch) -> Business:
    monkeypatch.setitem(BUSINESSES, EXPRESS.code, EXPRESS)
    return EXPRESS


def test_the_row_is_all_the_kiosk_needs_to_offer_it(express: Business) -> None:
    assert can_start(express)


async def test_an_eighth_business_added_as_a_row_is_walked_from_home_to_the_key(
    express: Business, where, store: Store, clock, hub_for_kiosk: Hub, tmp_path: Path
) -> None:
    hub = hub_for_kiosk
    slot = registered_key(hub, tmp_path, SELF_SERVICE_SERIAL, days=20)
    old = slot.read(SELF_SERVICE_SERIAL).current
    assert old is not None

    async with at_hall(where, store, clock, hub, tmp_path, slot) as at:
        board = at.app.screen.query_one(TileBoard)  # its tile, after the manual's seven
        assert board.label_of(f"business-{express.code}").startswith("证书快速更新")
        await start_business(at, express.code)
        await sign_in(at, hub)
        key = await key_read(at)
        assert key.check is not None and key.check.usable
        await at.press("#next")
        await enter_info(at, sample_form(express.code))

        await at.on_screen(ReviewScreen)  # no forms to print, no pictures to take
        await at.press("#next")
        order_id = await submitted_with_receipt(at)

        view = hub.backend.orders.view_of(order_id)
        assert view.business == express.code and view.token_serial == SELF_SERVICE_SERIAL
        assert view.fee_fen == 38_000  # priced by its fee rule: the renewal price
        assert hub.backend.intake.required_documents(express.code) == ()
        hub.backend.review.approve(order_id, "王审核")
        await open_orders(at, hub)
        assert "证书快速更新" in at.text and "待付款" in at.text
        await pay_in_sandbox(at, hub)
        assert "待下载" in at.text  # fulfilled as its row says: a download onto the key
        await download_with(at)
        done = at.messages.of(KeyWorkDone)[-1]
        assert done.error is None, done.error

    new = slot.read(SELF_SERVICE_SERIAL).current
    assert new is not None and new.serial_hex != old.serial_hex and new.not_after > old.not_after
    assert hub.backend.orders.view_of(order_id).status is OrderStatus.COMPLETED
