"""End to end, the two businesses that act on something the CA already has (flows II):
证书注销 revokes the certificate of a lost key the subscriber picks from their unit's keys, and
改派 changes how an existing order's key reaches them. From the home screen (or 订单查询)
through the paperwork and the reviewer's approval, against the reference backend over real HTTP
on 127.0.0.1, SoftHSM keys whose certificates its CA issued, the PDF spool and pictures
imported with OpenCV. Every wait is for a worker's message or the next screen."""

from __future__ import annotations

from pathlib import Path

from cryptography import x509
from support.backend import Hub, new_order_body
from support.flow import PHONE, AtKiosk, fill_form, open_orders, orders_listed, sign_in, start_business
from support.key_flow import at_hall, enter_info, from_review, key_slot, registered_key
from support.softhsm import SELF_SERVICE_SERIAL, SELF_SERVICE_SERIAL_56, needs_softhsm
from textual.widgets import Button, Input

from kiosk.core.contract import OrderCreate
from kiosk.core.domain.businesses import BusinessCode
from kiosk.core.domain.forms import DELIVERY_PICKUP
from kiosk.core.domain.samples import SAMPLE_UNIT, sample_form
from kiosk.core.domain.status import OrderStatus
from kiosk.screens.choose import ChooseScreen
from kiosk.screens.info_entry import InfoEntryScreen
from kiosk.screens.review import ReviewScreen
from kiosk.screens.widgets.tile import Tile
from kiosk.store import Store

pytestmark = needs_softhsm

OTHER_USCC = "91500000MA5U00000W"  # a valid code, of a unit with no certificate here
NEW_ADDRESS = {
    "method": "mail",
    "recipient": "王五",
    "phone": "13700000000",
    "address": "四川省成都市高新区天府大道2号",
}


async def _choices(at: AtKiosk, after: ChooseScreen | None = None) -> ChooseScreen:
    """The choose page (a new one when `after` is the last), once its list was read."""

    def shown() -> bool:
        screen = at.app.screen
        return isinstance(screen, ChooseScreen) and screen is not after and screen.loaded

    await at.until(shown)
    await at.pilot.pause()
    screen: ChooseScreen = at.app.screen  # type: ignore[assignment]
    return screen


async def _choose(at: AtKiosk, screen: ChooseScreen, key: str) -> None:
    index = [choice.key for choice in screen.choices].index(key)
    screen.query_one(f"#choice-{index}", Tile).press()
    await at.until(lambda: screen.chosen == key and not screen.query_one("#next", Button).disabled)
    await at.pilot.pause()


# --- 证书注销 -------------------------------------------------------------------------------------------
async def test_a_lost_key_is_revoked_at_once_and_listed_in_the_crl(
    where, store: Store, clock, hub_for_kiosk: Hub, tmp_path: Path
) -> None:
    hub = hub_for_kiosk
    slot = registered_key(hub, tmp_path, SELF_SERVICE_SERIAL)
    registered_key(hub, tmp_path, SELF_SERVICE_SERIAL_56, slot=slot)  # the unit's other key, kept
    lost, kept = slot.read(SELF_SERVICE_SERIAL).current, slot.read(SELF_SERVICE_SERIAL_56).current
    assert lost is not None and kept is not None
    slot.hsm.pull_out(SELF_SERVICE_SERIAL)  # lost: it is not at the kiosk

    async with at_hall(where, store, clock, hub, tmp_path, slot) as at:
        await start_business(at, BusinessCode.REVOKE)
        await sign_in(at, hub)
        # A unit code with no certificate: said on the choose page; back, and nothing typed is lost.
        wrong = {"uscc": OTHER_USCC}
        await enter_info(at, sample_form(BusinessCode.REVOKE, certificate=wrong, unit=wrong))
        empty = await _choices(at)
        assert f"没有找到统一社会信用代码为{OTHER_USCC}的有效证书，请返回上一步核对" in at.text
        assert empty.query_one("#next", Button).disabled
        await at.press("#back")
        info: InfoEntryScreen = await at.on_screen(InfoEntryScreen)
        assert info.query_one("#field-handler-name", Input).value == "李四"
        assert info.query_one("#field-certificate-uscc", Input).value == OTHER_USCC

        right = {"uscc": SAMPLE_UNIT["uscc"]}
        fill_form(at, {"certificate": right, "unit": right})
        await at.pilot.pause()
        await at.press("#next")
        keys = await _choices(at, after=empty)
        assert {choice.key for choice in keys.choices} == {SELF_SERVICE_SERIAL, SELF_SERVICE_SERIAL_56}
        assert f"芯片号：{SELF_SERVICE_SERIAL}" in at.text and f"O={SAMPLE_UNIT['unit_name']}" in at.text
        assert keys.query_one("#next", Button).disabled  # nothing is revoked by default
        await _choose(at, keys, SELF_SERVICE_SERIAL)
        assert f"▶ 芯片号：{SELF_SERVICE_SERIAL}" in at.text
        await at.press("#next")

        await at.on_screen(ReviewScreen)
        assert f"证书盘芯片号：{SELF_SERVICE_SERIAL}" in at.text and "费用合计：免费" in at.text
        order_id = await from_review(at)
        assert store.orders.get(order_id).token_serial == SELF_SERVICE_SERIAL

        # The reviewer approves: free, so the certificate is revoked that moment.
        hub.backend.review.approve(order_id, "王审核")
        view = hub.backend.orders.view_of(order_id)
        assert view.status is OrderStatus.COMPLETED and view.revoked_at is not None
        await open_orders(at, hub)
        shown_time = view.revoked_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        assert f"注销时间：{shown_time}（已列入证书吊销列表）" in at.text
        assert f"证书盘芯片号：{SELF_SERVICE_SERIAL}" in at.text and "状态：完成" in at.text

        # The CRL, as anyone fetches it (here through the kiosk's own client), lists the lost key's
        # certificate, signed by the issuing CA; the unit's other key is untouched.
        crl = x509.load_der_x509_crl(at.app.runtime.backend_client().crl())
    issuing = x509.load_pem_x509_certificate(hub.backend.ca.chain_pem[0].encode())
    assert crl.is_signature_valid(issuing.public_key())  # type: ignore[arg-type]
    assert crl.get_revoked_certificate_by_serial_number(int(lost.serial_hex, 16)) is not None
    assert crl.get_revoked_certificate_by_serial_number(int(kept.serial_hex, 16)) is None
    with hub.client(subscriber=hub.sign_in("13911112222")) as client:
        listed = client.get(f"/v1/units/{SAMPLE_UNIT['uscc']}/certificates").json()["certificates"]
    assert [key["token_serial"] for key in listed] == [SELF_SERVICE_SERIAL_56]
    with hub.client() as device_only:  # the list is for a signed-in subscriber
        answer = device_only.get(f"/v1/units/{SAMPLE_UNIT['uscc']}/certificates")
    assert answer.status_code == 401 and answer.json()["message"] == "请先登录"


# --- 改派 ---------------------------------------------------------------------------------------------
def _earlier_orders(hub: Hub) -> tuple[str, str]:
    """Two NEW orders the subscriber made in an earlier visit, both paid: one to collect at the
    hall (still waiting), one already collected (nothing left to redirect)."""
    session = hub.sign_in(PHONE)
    pickup = sample_form(BusinessCode.NEW, delivery={"method": DELIVERY_PICKUP})
    made = []
    with hub.client(subscriber=session) as client:
        for _ in range(2):
            order_id = hub.submitted_order(client, BusinessCode.NEW, form=pickup)
            hub.backend.review.approve(order_id, "王审核")
            payment = client.post(f"/v1/orders/{order_id}/payments", json={"channel": "alipay"}).json()
            hub.backend.payments.sandbox_pay(payment["payment_id"])
            made.append(order_id)
    waiting, collected = made
    hub.backend.fulfilment.hand_over(collected)
    assert hub.backend.orders.view_of(waiting).status is OrderStatus.AWAITING_SHIPMENT
    return waiting, collected


async def test_a_self_pickup_order_is_redirected_to_mail_from_the_home_screen(
    where, store: Store, clock, hub_quick_sms: Hub, tmp_path: Path
) -> None:
    hub = hub_quick_sms
    waiting, _collected = _earlier_orders(hub)
    slot = key_slot(tmp_path, hub.backend.ca)

    async with at_hall(where, store, clock, hub, tmp_path, slot) as at:
        await start_business(at, BusinessCode.REDIRECT)
        await sign_in(at, hub)
        orders = await _choices(at)
        assert [choice.key for choice in orders.choices] == [waiting]  # the collected one is done
        assert "领取方式：到服务大厅自提" in at.text and f"订单号{waiting[:8]}" in at.text
        await _choose(at, orders, waiting)
        await at.press("#next")

        # 改派 is by mail: choosing self-pickup again is said at the field; nothing typed is lost.
        form = sample_form(
            BusinessCode.REDIRECT,
            redirect_reason={"reason": "pickup_to_mail", "detail": "单位在外地，无法到大厅领取"},
            delivery={**NEW_ADDRESS, "method": DELIVERY_PICKUP},
        )
        info = await enter_info(at, form)
        await at.pilot.pause()
        assert at.app.screen is info and "改派须选择邮寄，并填写新的邮寄地址" in at.text
        assert info.query_one("#field-delivery-address", Input).value == NEW_ADDRESS["address"]
        fill_form(at, {"delivery": {"method": "mail"}})
        await at.pilot.pause()
        await at.press("#next")

        await at.on_screen(ReviewScreen)
        assert f"改派订单：{waiting}" in at.text and "自提改邮寄" in at.text
        assert "四川省成都市****" in at.text  # the new address, masked on screen
        redirect_id = await from_review(at)
        assert store.orders.get(redirect_id).redirect_of == waiting
        assert hub.backend.orders.view_of(redirect_id).redirect_of is not None

        hub.backend.review.approve(redirect_id, "王审核")
        assert hub.backend.orders.view_of(redirect_id).status is OrderStatus.COMPLETED
        listing = await open_orders(at, hub)
        await _select(at, listing, waiting)
        assert "寄往：四川省成都市****" in at.text and "领取方式：到服务大厅自提" not in at.text
        await _select(at, listing, redirect_id)
        assert f"改派订单：{waiting}" in at.text and "状态：完成" in at.text

    assert hub.backend.orders.form_of(waiting)["delivery"]["address"] == NEW_ADDRESS["address"]


async def _select(at: AtKiosk, listing, order_id: str) -> None:
    listing.query_one(f"#order-{order_id}", Tile).press()
    await at.until(lambda: listing.selected == order_id and bool(listing.query(f"#order-{order_id}")))
    await at.pilot.pause()


async def test_a_returned_parcel_is_sent_again_from_the_order_query(
    where, store: Store, clock, hub_quick_sms: Hub, tmp_path: Path
) -> None:
    hub = hub_quick_sms
    session = hub.sign_in(PHONE)
    with hub.client(subscriber=session) as client:
        mailed = hub.submitted_order(client, BusinessCode.NEW, form=sample_form(BusinessCode.NEW))
        hub.backend.review.approve(mailed, "王审核")
        payment = client.post(f"/v1/orders/{mailed}/payments", json={"channel": "wechat"}).json()
        hub.backend.payments.sandbox_pay(payment["payment_id"])
    hub.backend.fulfilment.ship(mailed, "顺丰速运", "SF100000000001")  # ... and it came back
    slot = key_slot(tmp_path, hub.backend.ca)

    async with at_hall(where, store, clock, hub, tmp_path, slot) as at:
        listing = await open_orders(at, hub)
        assert "运单号：SF100000000001" in at.text
        assert listing.query_one("#redirect", Button).display
        await at.press("#redirect")
        info: InfoEntryScreen = await at.on_screen(InfoEntryScreen)
        assert "改派 · 第1步/共6步 · 录入信息" in at.text  # signed in, the order chosen already
        form = sample_form(
            BusinessCode.REDIRECT,
            redirect_reason={"reason": "returned", "detail": "原地址无人签收，快递退回"},
            delivery=NEW_ADDRESS,
        )
        await enter_info(at, form)
        assert info is not None
        await at.on_screen(ReviewScreen)
        assert f"改派订单：{mailed}" in at.text and "退回件重新邮寄" in at.text
        redirect_id = await from_review(at)
        listing = await orders_listed(at)  # back on the list the journey started from
        hub.backend.review.approve(redirect_id, "王审核")
        await at.press("#refresh")
        listing = await orders_listed(at)
        await _select(at, listing, mailed)
        assert "改派已受理，等待重新寄出" in at.text and "寄往：四川省成都市****" in at.text
        # The hall sends it again: a new tracking number to the new address.
        hub.backend.fulfilment.ship(mailed, "顺丰速运", "SF100000000002")
        await at.press("#refresh")
        listing = await orders_listed(at)
        await _select(at, listing, mailed)
        assert "运单号：SF100000000002" in at.text and "寄往：四川省成都市****" in at.text


def test_the_backend_refuses_a_redirect_of_an_order_it_cannot_redirect(hub: Hub) -> None:
    """The one rule (kiosk.core.domain.redirect) holds at the backend too: a key collected at the
    hall is done, and a 改派 must name its order."""
    session = hub.sign_in(PHONE)
    with hub.client(subscriber=session) as client:
        order_id = hub.submitted_order(
            client, BusinessCode.NEW, form=sample_form(BusinessCode.NEW, delivery={"method": DELIVERY_PICKUP})
        )
        hub.backend.review.approve(order_id, "王审核")
        payment = client.post(f"/v1/orders/{order_id}/payments", json={"channel": "alipay"}).json()
        hub.backend.payments.sandbox_pay(payment["payment_id"])
        hub.backend.fulfilment.hand_over(order_id)
        body = OrderCreate.model_validate(
            {
                "order_id": "7d3a5c1e-0000-4000-8000-000000000001",
                "business": "redirect",
                "form": sample_form(BusinessCode.REDIRECT),
                "created_at": "2026-11-24T08:00:00+00:00",
                "redirect_of": order_id,
            }
        ).model_dump(mode="json")
        answer = client.post("/v1/orders", json=body)
        assert answer.status_code == 409 and answer.json()["message"] == "该订单当前不能改派"
        answer = client.post("/v1/orders", json={**body, "redirect_of": None})
        assert answer.status_code == 422 and answer.json()["message"] == "改派须指明要改派的订单"


def test_the_backend_refuses_a_revocation_that_names_no_key(hub: Hub) -> None:
    """Naming the unit alone would revoke every key it holds, those still in use too."""
    with hub.client(subscriber=hub.sign_in(PHONE)) as client:
        body = new_order_body(BusinessCode.REVOKE, token_serial=None)
        answer = client.post("/v1/orders", json=body)
    assert answer.status_code == 422, answer.text
    assert answer.json()["message"] == "证书注销须指明要注销的证书盘"
    assert answer.json()["message_en"] == "A revocation must name the key to revoke"
