"""Issue 25: each of the seven businesses walked at the glass by taps alone, from the home
screen to its end, as the end-to-end flow tests walk them (test_flows.py, test_flows_key.py,
test_flows_revoke_redirect.py) against the reference backend over real HTTP on 127.0.0.1 and
SoftHSM keys its CA issued. Nothing the subscriber (or hall staff) enters is set or sent as a
key press: every field is tapped and typed on the keys the kiosk draws, Chinese by its pinyin
and a tap on the candidate (support/touch.py); every radio button, tile and list entry is
tapped where it is drawn; every button by at.press, which asserts the finger came down on it.
What happens behind the glass stays as it is: the reviewer approves, the payment is made from
the subscriber's phone, the SMS code is read from the hub. Each test ends where its business
ends and reads the backend's copy of the order for what was typed."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from support.backend import Hub
from support.flow import (
    PHONE,
    PROJECT_TILES,
    AtKiosk,
    fill_form_by_taps,
    import_each_by_taps,
    kiosk_at_hall,
    open_orders,
    orders_listed,
    picture_stick,
    print_everything,
    sign_in,
    start_business,
)
from support.key_flow import (
    at_hall,
    download_with,
    key_read,
    key_slot,
    pay_in_sandbox,
    registered_key,
    submitted_with_receipt,
)
from support.softhsm import (
    NEW_USER_PIN,
    SELF_SERVICE_SERIAL,
    SELF_SERVICE_SERIAL_56,
    assert_usable,
    needs_softhsm,
)
from support.touch import tap_widget
from textual.widget import Widget

from kiosk.core.domain.businesses import BusinessCode
from kiosk.core.domain.forms import DELIVERY_PICKUP
from kiosk.core.domain.samples import SAMPLE_UNIT, sample_form
from kiosk.core.domain.status import OrderStatus
from kiosk.devices.printer.runtime import spool_folder
from kiosk.screens.choose import ChooseScreen
from kiosk.screens.info_entry import InfoEntryScreen
from kiosk.screens.messages import KeyWorkDone, PaymentAnswered
from kiosk.screens.orders import OrdersScreen
from kiosk.screens.payment import PaymentScreen
from kiosk.screens.project import ProjectScreen
from kiosk.screens.review import ReviewScreen
from kiosk.screens.unlock import UnlockScreen
from kiosk.screens.widgets.tile import Tile
from kiosk.store import Store

NEW_NAME = "东方中讯数字科技有限公司"
NEW_ADDRESS = {
    "method": "mail",
    "recipient": "王五",
    "phone": "13700000000",
    "address": "四川省成都市高新区天府大道2号",
}
Form = dict[str, dict[str, str]]


# --- the steps, at the glass -------------------------------------------------------------------------
async def tap(at: AtKiosk, widget: Widget) -> None:
    """A tap that must come down on `widget`, where it is drawn."""
    landed = await tap_widget(at.pilot, widget)
    assert landed, f"a tap on {widget!r} at {widget.region} lands on another widget"


async def choose_project_by_taps(at: AtKiosk) -> None:
    """重庆 → 公共资源交易 → 重庆市公共资源交易中心 → 投标人, each tile tapped where it is drawn."""
    project: ProjectScreen = await at.on_screen(ProjectScreen)
    for tile in PROJECT_TILES:
        await at.until(lambda tile=tile: bool(project.query(tile)))  # type: ignore[misc]
        await tap(at, project.query_one(tile, Tile))


async def enter_info(at: AtKiosk, form: Form) -> InfoEntryScreen:
    """The information step typed by taps (once what the kiosk reads for it has come), then 下一步."""
    info: InfoEntryScreen = await at.on_screen(InfoEntryScreen)
    await at.until(lambda: all(worker.is_finished for worker in at.app.workers if worker.node is info))
    await at.pilot.pause()
    await fill_form_by_taps(at, form)
    await at.press("#next")
    return info


async def from_review(at: AtKiosk) -> str:
    """From the review to the printed receipt, the documents imported by taps; the order's number."""
    await at.on_screen(ReviewScreen)
    await at.press("#next")
    await print_everything(at)
    await import_each_by_taps(at)
    return await submitted_with_receipt(at)


async def choices(at: AtKiosk) -> ChooseScreen:
    """The choose page, once its list was read."""
    await at.until(lambda: isinstance(at.app.screen, ChooseScreen) and at.app.screen.loaded)
    await at.pilot.pause()
    screen: ChooseScreen = at.app.screen  # type: ignore[assignment]
    return screen


async def choose(at: AtKiosk, screen: ChooseScreen, key: str) -> None:
    index = [choice.key for choice in screen.choices].index(key)
    await tap(at, screen.query_one(f"#choice-{index}", Tile))
    await at.until(lambda: screen.chosen == key and not screen.query_one("#next").disabled)
    await at.pilot.pause()


async def select_order(at: AtKiosk, listing: OrdersScreen, order_id: str) -> None:
    await tap(at, listing.query_one(f"#order-{order_id}", Tile))
    await at.until(lambda: listing.selected == order_id and bool(listing.query(f"#order-{order_id}")))
    await at.pilot.pause()


def reached(hub: Hub, order_id: str, typed: Mapping[str, Mapping[str, str]]) -> None:
    """Every value typed is the backend's, as typed."""
    held = hub.backend.orders.form_of(order_id)
    for section, values in typed.items():
        for key, value in values.items():
            assert held.get(section, {}).get(key) == value, (section, key, held.get(section))


# --- 证书新办 ------------------------------------------------------------------------------------------
async def test_new_certificate_by_taps_from_home_to_tracking_number(
    where, store: Store, clock, hub_for_kiosk: Hub, tmp_path: Path
) -> None:
    hub = hub_for_kiosk
    stick = picture_stick(tmp_path / "stick")
    form = sample_form(BusinessCode.NEW)
    async with kiosk_at_hall(where, store, clock, hub.server.base_url, camera="", stick=stick) as at:
        await start_business(at, BusinessCode.NEW)
        await sign_in(at, hub)
        await choose_project_by_taps(at)
        await at.press("#next")
        await enter_info(at, form)
        order_id = await from_review(at)
        await at.until(lambda: len(at.app.screen_stack) == 1)  # home again
        assert at.app.session.is_empty
        assert len(sorted(spool_folder(where).glob("*.pdf"))) == 3  # two forms and the receipt

        held = hub.backend.orders.view_of(order_id)
        assert held.status is OrderStatus.AWAITING_REVIEW and held.fee_fen == 134_000
        reached(hub, order_id, form)

        hub.backend.review.approve(order_id, "王审核")
        await open_orders(at, hub)
        assert "待付款" in at.text
        await at.press("#pay")
        await at.on_screen(PaymentScreen)
        await at.press("#channel-wechat")
        shown = await at.messages.wait(PaymentAnswered, lambda answer: answer.payment is not None)
        assert shown.payment is not None
        hub.backend.payments.sandbox_pay(shown.payment.payment_id)  # the subscriber's phone pays
        await at.messages.wait(
            PaymentAnswered, lambda answer: answer.payment is not None and answer.payment.status == "paid"
        )
        await at.pilot.pause()
        assert "付款成功" in at.text
        await at.press("#done")
        await orders_listed(at)
        assert "待发货" in at.text and "寄往：重庆市渝北区" in at.text

        hub.backend.fulfilment.ship(order_id, "顺丰速运", "SF1234567890")
        await at.press("#refresh")
        await orders_listed(at)
        assert "状态：完成" in at.text and "快递：顺丰速运，运单号：SF1234567890" in at.text
        await at.press("#leave")
        await at.until(lambda: len(at.app.screen_stack) == 1)
    assert store.orders.get(order_id).status is OrderStatus.COMPLETED


# --- 证书补办 ------------------------------------------------------------------------------------------
async def test_reissue_by_taps_to_the_receipt_at_the_media_fee(
    where, store: Store, clock, hub_for_kiosk: Hub, tmp_path: Path
) -> None:
    hub = hub_for_kiosk
    stick = picture_stick(tmp_path / "stick")
    form = sample_form(BusinessCode.REISSUE, delivery={"method": DELIVERY_PICKUP})
    for mail_only in ("recipient", "phone", "address"):
        form["delivery"].pop(mail_only)
    async with kiosk_at_hall(where, store, clock, hub.server.base_url, camera="", stick=stick) as at:
        await start_business(at, BusinessCode.REISSUE)
        await sign_in(at, hub)
        await choose_project_by_taps(at)
        assert "费用合计：¥240（审核通过后付款）" in at.text
        await at.press("#next")
        await enter_info(at, form)
        await at.on_screen(ReviewScreen)
        assert "证书补办 · 第4步/共8步 · 核对信息" in at.text and "自提" in at.text
        order_id = await from_review(at)
        await at.until(lambda: len(at.app.screen_stack) == 1)  # home again

    held = hub.backend.orders.view_of(order_id)
    assert held.business == BusinessCode.REISSUE and held.fee_fen == 24_000
    assert held.status is OrderStatus.AWAITING_REVIEW
    reached(hub, order_id, form)
    assert hub.backend.orders.form_of(order_id)["delivery"] == {"method": DELIVERY_PICKUP}


# --- 证书更新 ------------------------------------------------------------------------------------------
@needs_softhsm
async def test_renewal_by_taps_to_the_new_certificate_on_the_key(
    where, store: Store, clock, hub_for_kiosk: Hub, tmp_path: Path
) -> None:
    hub = hub_for_kiosk
    slot = registered_key(hub, tmp_path, SELF_SERVICE_SERIAL, days=20)
    old = slot.read(SELF_SERVICE_SERIAL).current
    assert old is not None
    form = sample_form(BusinessCode.RENEWAL)

    async with at_hall(where, store, clock, hub, tmp_path, slot) as at:
        await start_business(at, BusinessCode.RENEWAL)
        await sign_in(at, hub)
        key = await key_read(at)
        assert key.check is not None and key.check.usable and "到期（还剩19天）" in at.text
        await at.press("#next")
        await enter_info(at, form)
        order_id = await from_review(at)
        assert hub.backend.orders.view_of(order_id).token_serial == SELF_SERVICE_SERIAL
        reached(hub, order_id, form)

        hub.backend.review.approve(order_id, "王审核")
        await open_orders(at, hub)
        assert "待付款" in at.text and "费用：¥380" in at.text
        await pay_in_sandbox(at, hub)
        assert "待下载" in at.text
        download = await download_with(at)  # the key's PIN typed on the key-PIN keys, both cases
        assert at.messages.of(KeyWorkDone)[-1].error is None
        assert "新证书已安装到证书盘" in at.text and download.done
        await at.press("#done")
        await orders_listed(at)
        assert "状态：完成" in at.text

    new = slot.read(SELF_SERVICE_SERIAL).current
    assert new is not None and new.serial_hex != old.serial_hex and new.not_after > old.not_after
    assert_usable(slot, SELF_SERVICE_SERIAL)
    assert hub.backend.orders.view_of(order_id).status is OrderStatus.COMPLETED


# --- 证书变更 ------------------------------------------------------------------------------------------
@needs_softhsm
async def test_change_by_taps_to_the_new_subject_on_the_key(
    where, store: Store, clock, hub_for_kiosk: Hub, tmp_path: Path
) -> None:
    hub = hub_for_kiosk
    slot = registered_key(hub, tmp_path, SELF_SERVICE_SERIAL_56, days=200)
    old = slot.read(SELF_SERVICE_SERIAL_56).current
    assert old is not None
    # The new name, typed once into 企业名称, is in 单位名称 and 发票抬头 as it is typed: those two
    # already show it when their turn comes, and are left as they are (fill_form_by_taps).
    form = sample_form(
        BusinessCode.CHANGE,
        certificate={"company_name": NEW_NAME},
        unit={"unit_name": NEW_NAME},
        invoice={"title": NEW_NAME},
    )

    async with at_hall(where, store, clock, hub, tmp_path, slot) as at:
        await start_business(at, BusinessCode.CHANGE)
        await sign_in(at, hub)
        await key_read(at)
        await at.press("#next")
        await enter_info(at, form)
        await at.on_screen(ReviewScreen)
        assert f"变更：单位名称：{SAMPLE_UNIT['unit_name']} → {NEW_NAME}" in at.text
        order_id = await from_review(at)
        assert store.orders.get(order_id).business == BusinessCode.CHANGE
        reached(hub, order_id, form)

        hub.backend.review.approve(order_id, "王审核")  # free: straight to 待下载
        await open_orders(at, hub)
        assert "待下载" in at.text
        await download_with(at)
        assert at.messages.of(KeyWorkDone)[-1].error is None and f"O={NEW_NAME}" in at.text
        await at.press("#done")
        await orders_listed(at)
        assert "状态：完成" in at.text

    new = slot.read(SELF_SERVICE_SERIAL_56).current
    assert new is not None and f"O={NEW_NAME}" in new.subject and new.not_after == old.not_after
    assert_usable(slot, SELF_SERVICE_SERIAL_56)


# --- 在线解锁 ------------------------------------------------------------------------------------------
@needs_softhsm
async def test_unlock_by_taps_with_a_new_pin(
    where, store: Store, clock, hub_for_kiosk: Hub, tmp_path: Path
) -> None:
    hub = hub_for_kiosk
    slot = registered_key(hub, tmp_path, SELF_SERVICE_SERIAL)
    form = sample_form(BusinessCode.UNLOCK)

    async with at_hall(where, store, clock, hub, tmp_path, slot) as at:
        await start_business(at, BusinessCode.UNLOCK)
        await sign_in(at, hub)
        await key_read(at)
        await at.press("#next")
        await enter_info(at, form)
        order_id = await from_review(at)
        reached(hub, order_id, form)

        hub.backend.review.approve(order_id, "王审核")
        await open_orders(at, hub)
        assert "费用：¥50" in at.text
        await pay_in_sandbox(at, hub)
        assert "待解锁" in at.text
        await at.press("#unlock")
        await at.on_screen(UnlockScreen)
        await at.type_into("#pin-new", NEW_USER_PIN)
        await at.type_into("#pin-again", NEW_USER_PIN)
        await at.press("#start")
        done = await at.messages.wait(KeyWorkDone)
        await at.pilot.pause()
        assert done.error is None and "解锁成功" in at.text
        await at.press("#done")
        await orders_listed(at)
        assert "状态：完成" in at.text

    assert_usable(slot, SELF_SERVICE_SERIAL, NEW_USER_PIN)
    assert hub.backend.orders.view_of(order_id).status is OrderStatus.COMPLETED


# --- 证书注销 ------------------------------------------------------------------------------------------
@needs_softhsm
async def test_revoke_by_taps_of_the_lost_key_picked_from_the_units_keys(
    where, store: Store, clock, hub_for_kiosk: Hub, tmp_path: Path
) -> None:
    hub = hub_for_kiosk
    slot = registered_key(hub, tmp_path, SELF_SERVICE_SERIAL)
    registered_key(hub, tmp_path, SELF_SERVICE_SERIAL_56, slot=slot)  # the unit's other key, kept
    slot.hsm.pull_out(SELF_SERVICE_SERIAL)  # lost: it is not at the kiosk
    form = sample_form(BusinessCode.REVOKE)

    async with at_hall(where, store, clock, hub, tmp_path, slot) as at:
        await start_business(at, BusinessCode.REVOKE)
        await sign_in(at, hub)
        await enter_info(at, form)
        keys = await choices(at)
        assert {choice.key for choice in keys.choices} == {SELF_SERVICE_SERIAL, SELF_SERVICE_SERIAL_56}
        await choose(at, keys, SELF_SERVICE_SERIAL)
        assert f"▶ 芯片号：{SELF_SERVICE_SERIAL}" in at.text
        await at.press("#next")
        await at.on_screen(ReviewScreen)
        assert f"证书盘芯片号：{SELF_SERVICE_SERIAL}" in at.text and "费用合计：免费" in at.text
        order_id = await from_review(at)
        assert store.orders.get(order_id).token_serial == SELF_SERVICE_SERIAL
        reached(hub, order_id, form)

        hub.backend.review.approve(order_id, "王审核")  # free: revoked that moment
        view = hub.backend.orders.view_of(order_id)
        assert view.status is OrderStatus.COMPLETED and view.revoked_at is not None
        await open_orders(at, hub)
        assert "（已列入证书吊销列表）" in at.text and "状态：完成" in at.text


# --- 改派 ----------------------------------------------------------------------------------------------
def _waiting_at_the_hall(hub: Hub) -> str:
    """A NEW order the subscriber made and paid in an earlier visit, to collect at the hall."""
    pickup = sample_form(BusinessCode.NEW, delivery={"method": DELIVERY_PICKUP})
    with hub.client(subscriber=hub.sign_in(PHONE)) as client:
        order_id = hub.submitted_order(client, BusinessCode.NEW, form=pickup)
        hub.backend.review.approve(order_id, "王审核")
        payment = client.post(f"/v1/orders/{order_id}/payments", json={"channel": "alipay"}).json()
        hub.backend.payments.sandbox_pay(payment["payment_id"])
    assert hub.backend.orders.view_of(order_id).status is OrderStatus.AWAITING_SHIPMENT
    return order_id


@needs_softhsm
async def test_redirect_by_taps_of_a_self_pickup_order_to_mail(
    where, store: Store, clock, hub_quick_sms: Hub, tmp_path: Path
) -> None:
    hub = hub_quick_sms
    waiting = _waiting_at_the_hall(hub)
    slot = key_slot(tmp_path, hub.backend.ca)
    form = sample_form(
        BusinessCode.REDIRECT,
        redirect_reason={"reason": "pickup_to_mail", "detail": "单位在外地，无法到大厅领取"},
        delivery=NEW_ADDRESS,
    )

    async with at_hall(where, store, clock, hub, tmp_path, slot) as at:
        await start_business(at, BusinessCode.REDIRECT)
        await sign_in(at, hub)
        orders = await choices(at)
        assert [choice.key for choice in orders.choices] == [waiting]
        await choose(at, orders, waiting)
        await at.press("#next")
        await enter_info(at, form)
        await at.on_screen(ReviewScreen)
        assert f"改派订单：{waiting}" in at.text and "自提改邮寄" in at.text
        redirect_id = await from_review(at)
        assert store.orders.get(redirect_id).redirect_of == waiting
        reached(hub, redirect_id, form)

        hub.backend.review.approve(redirect_id, "王审核")
        assert hub.backend.orders.view_of(redirect_id).status is OrderStatus.COMPLETED
        listing = await open_orders(at, hub)
        await select_order(at, listing, waiting)
        assert "寄往：四川省成都市****" in at.text and "领取方式：到服务大厅自提" not in at.text
        await select_order(at, listing, redirect_id)
        assert f"改派订单：{waiting}" in at.text and "状态：完成" in at.text

    assert hub.backend.orders.form_of(waiting)["delivery"]["address"] == NEW_ADDRESS["address"]
