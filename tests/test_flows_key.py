"""End to end, the businesses that start from the key in the slot (flows II): 证书更新, 证书变更
and 在线解锁, each from the home screen through the paperwork, approval, payment where it costs,
and the work at the slot, against SoftHSM keys (chip serials 55…, 56…, 11…) whose certificates
the reference backend's CA issued, over real HTTP on 127.0.0.1. Every wait is for a worker's
message or the next screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from backend_support import Hub, running_hub
from flow_support import (
    PHONE,
    AtKiosk,
    fill_form,
    import_each,
    kiosk_at_hall,
    open_orders,
    orders_listed,
    picture_stick,
    print_everything,
    sign_in,
    start_business,
)
from textual.widgets import Input
from token_support import (
    ASSISTED_SERIAL,
    NEW_USER_PIN,
    SELF_SERVICE_SERIAL,
    SELF_SERVICE_SERIAL_56,
    SO_PIN,
    USER_PIN,
    Slot,
    assert_usable,
    needs_softhsm,
    subject_for,
)

from ca_backend.pki import CertificateAuthority
from kiosk.devices.token.softhsm import SoftHsm
from kiosk.domain.businesses import BusinessCode
from kiosk.domain.samples import SAMPLE_UNIT, sample_form
from kiosk.domain.status import OrderStatus
from kiosk.screens.download import DownloadScreen
from kiosk.screens.info_entry import InfoEntryScreen
from kiosk.screens.insert_key import InsertKeyScreen
from kiosk.screens.messages import KeyWorkDone, OrderSubmitted, PaymentAnswered
from kiosk.screens.payment import PaymentScreen
from kiosk.screens.review import ReviewScreen
from kiosk.screens.step import ConfirmScreen
from kiosk.screens.submit import Delivery, SubmitScreen
from kiosk.screens.unlock import UnlockScreen
from kiosk.store import Store

pytestmark = needs_softhsm

NEW_NAME = "东方中讯数字科技有限公司"


@pytest.fixture
def hub_for_kiosk(tmp_path: Path, where) -> Hub:  # type: ignore[no-untyped-def]
    with running_hub(tmp_path / "backend") as hub:
        hub.credentials.save(where.device_credentials)
        yield hub


def key_slot(tmp_path: Path, ca: CertificateAuthority) -> Slot:
    hsm = SoftHsm(tmp_path / "softhsm").ensure()
    return Slot(hsm, hsm.module(), ca)


def registered_key(hub: Hub, tmp_path: Path, serial: str, days: int = 365) -> Slot:
    """A key with a certificate from the hub's CA, its SO PIN in the hub's registry."""
    slot = key_slot(tmp_path, hub.backend.ca)
    slot.make_key(serial, days=days)
    hub.backend.tokens.register(serial, SO_PIN)
    return slot


def _at_hall(where, store: Store, clock, hub: Hub, tmp_path: Path, slot: Slot):  # type: ignore[no-untyped-def]
    stick = picture_stick(tmp_path / "stick")
    return kiosk_at_hall(
        where,
        store,
        clock,
        hub.server.base_url,
        camera="",
        stick=stick,
        token_softhsm_conf=slot.hsm.conf,
        token_poll_s=0.05,
    )


async def _key_read(at: AtKiosk) -> InsertKeyScreen:
    screen: InsertKeyScreen = await at.on_screen(InsertKeyScreen)
    await at.until(lambda: screen.check is not None)
    await at.pilot.pause()
    return screen


async def _paperwork(at: AtKiosk, form: dict[str, dict[str, str]]) -> str:
    """From the information step to the printed receipt; returns the order's number."""
    info: InfoEntryScreen = await at.on_screen(InfoEntryScreen)
    fill_form(at, form)
    await at.pilot.pause()
    await at.press("#next")
    await at.on_screen(ReviewScreen)
    await at.press("#next")
    await print_everything(at)
    await import_each(at)
    submit: SubmitScreen = await at.on_screen(SubmitScreen)
    await at.press("#next")
    await at.messages.wait(OrderSubmitted)
    await at.until(lambda: submit.delivery is Delivery.RECEIVED)
    order_id = submit.order_id
    await at.press("#next")
    await print_everything(at)
    await at.until(lambda: len(at.app.screen_stack) == 1)
    assert info is not None
    return order_id


async def _pay_in_sandbox(at: AtKiosk, hub: Hub) -> None:
    await at.press("#pay")
    await at.on_screen(PaymentScreen)
    await at.press("#channel-alipay")
    shown = await at.messages.wait(PaymentAnswered, lambda answer: answer.payment is not None)
    assert shown.payment is not None
    hub.backend.payments.sandbox_pay(shown.payment.payment_id)
    await at.messages.wait(
        PaymentAnswered, lambda answer: answer.payment is not None and answer.payment.status == "paid"
    )
    await at.pilot.pause()
    await at.press("#done")
    await orders_listed(at)


async def _download(at: AtKiosk, pin: str = USER_PIN) -> DownloadScreen:
    await at.press("#download")
    screen: DownloadScreen = await at.on_screen(DownloadScreen)
    await at.type_into("#pin", pin)
    await at.press("#start")
    await at.messages.wait(KeyWorkDone)
    await at.pilot.pause()
    return screen


async def test_renewal_from_an_expiring_key_to_the_new_certificate_on_it(
    where, store: Store, clock, hub_for_kiosk: Hub, tmp_path: Path
) -> None:
    hub = hub_for_kiosk
    slot = registered_key(hub, tmp_path, SELF_SERVICE_SERIAL, days=20)  # expiring soon
    old = slot.read(SELF_SERVICE_SERIAL).current
    assert old is not None

    async with _at_hall(where, store, clock, hub, tmp_path, slot) as at:
        await start_business(at, BusinessCode.RENEWAL)
        await sign_in(at, hub)
        key = await _key_read(at)
        assert f"芯片号：{SELF_SERVICE_SERIAL}" in at.text
        assert f"O={SAMPLE_UNIT['unit_name']}" in at.text  # the subject, as the manual shows it
        assert "到期（还剩19天），建议办理“证书更新”" in at.text
        assert key.check is not None and key.check.usable
        await at.press("#next")

        info: InfoEntryScreen = await at.on_screen(InfoEntryScreen)
        # known from the certificate: the unit; from the sign-in: the handler's mobile
        assert info.query_one("#field-unit-unit_name", Input).value == SAMPLE_UNIT["unit_name"]
        assert info.query_one("#field-unit-uscc", Input).value == SAMPLE_UNIT["uscc"]
        assert info.query_one("#field-handler-mobile", Input).value == PHONE
        order_id = await _paperwork(at, sample_form(BusinessCode.RENEWAL))
        assert store.order(order_id).token_serial == SELF_SERVICE_SERIAL
        assert hub.backend.orders.view_of(order_id).token_serial == SELF_SERVICE_SERIAL

        assert hub.backend.orders.view_of(order_id).fee_fen == 38_000  # the renewal price
        hub.backend.orders.approve(order_id, "王审核")
        await open_orders(at, hub)
        assert "待付款" in at.text and "费用：¥380" in at.text
        await _pay_in_sandbox(at, hub)
        assert "待下载" in at.text
        download = await _download(at, "Wr0ngPin9")  # a wrong PIN: said, nothing on the key changes
        assert "PIN码错误" in at.text and not download.done
        await at.type_into("#pin", USER_PIN)
        await at.press("#start")  # 重试
        await at.messages.wait(KeyWorkDone, lambda done: done.error is None)
        await at.pilot.pause()
        assert "新证书已安装到证书盘" in at.text
        assert f"芯片号：{SELF_SERVICE_SERIAL}" in at.text
        assert "证书主题：" in at.text and SAMPLE_UNIT["unit_name"] in at.text
        assert not download.query_one("#pin", Input).value  # the PIN is not kept on the page
        await at.press("#done")
        await orders_listed(at)
        assert "状态：完成" in at.text

    new = slot.read(SELF_SERVICE_SERIAL).current
    assert new is not None and new.serial_hex != old.serial_hex and new.not_after > old.not_after
    assert_usable(slot, SELF_SERVICE_SERIAL)
    assert hub.backend.orders.view_of(order_id).status is OrderStatus.COMPLETED


async def test_a_renewal_whose_unit_changed_becomes_a_change_and_the_new_subject_comes(
    where, store: Store, clock, hub_for_kiosk: Hub, tmp_path: Path
) -> None:
    hub = hub_for_kiosk
    slot = registered_key(hub, tmp_path, SELF_SERVICE_SERIAL_56)

    async with _at_hall(where, store, clock, hub, tmp_path, slot) as at:
        await start_business(at, BusinessCode.RENEWAL)
        await sign_in(at, hub)
        await _key_read(at)
        await at.press("#next")
        await at.on_screen(InfoEntryScreen)
        renamed = sample_form(BusinessCode.RENEWAL, unit={"unit_name": NEW_NAME}, invoice={"title": NEW_NAME})
        fill_form(at, renamed)
        await at.pilot.pause()
        await at.press("#next")
        await at.on_screen(ConfirmScreen)
        assert "须先办理“证书变更”" in at.text
        await at.press("#yes")

        info: InfoEntryScreen = await at.on_screen(InfoEntryScreen)
        assert "证书变更" in at.text  # the masthead says the business now
        assert info.query_one("#field-unit-unit_name", Input).value == NEW_NAME  # typed once, kept
        changed = sample_form(
            BusinessCode.CHANGE,
            certificate={"company_name": NEW_NAME},
            unit={"unit_name": NEW_NAME},
            invoice={"title": NEW_NAME},
        )
        order_id = await _paperwork(at, changed)
        held = store.order(order_id)
        assert held.business is BusinessCode.CHANGE and held.token_serial == SELF_SERVICE_SERIAL_56

        hub.backend.orders.approve(order_id, "王审核")  # free: straight to 待下载
        await open_orders(at, hub)
        assert "待下载" in at.text and "#pay" not in [
            b.id for b in at.app.screen.query("Button") if b.display
        ]
        await _download(at)
        assert f"O={NEW_NAME}" in at.text
        await at.press("#done")

    new = slot.read(SELF_SERVICE_SERIAL_56).current
    assert new is not None and f"O={NEW_NAME}" in new.subject
    assert_usable(slot, SELF_SERVICE_SERIAL_56)


async def _apply_for_unlock(at: AtKiosk, hub: Hub) -> str:
    await start_business(at, BusinessCode.UNLOCK)
    await sign_in(at, hub)
    await _key_read(at)
    await at.press("#next")
    return await _paperwork(at, sample_form(BusinessCode.UNLOCK))


async def _unlock(at: AtKiosk, pin: str, staff: tuple[str, str] | None = None) -> UnlockScreen:
    await at.press("#unlock")
    screen: UnlockScreen = await at.on_screen(UnlockScreen)
    await at.type_into("#pin-new", pin)
    await at.type_into("#pin-again", pin)
    if staff is not None:
        await at.type_into("#staff-id", staff[0])
        await at.type_into("#staff-pin", staff[1])
    await at.press("#start")
    await at.messages.wait(KeyWorkDone)
    await at.pilot.pause()
    return screen


async def test_a_self_service_key_is_unlocked_with_a_new_pin_even_when_the_report_was_lost(
    where, store: Store, clock, hub_for_kiosk: Hub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hub = hub_for_kiosk
    slot = registered_key(hub, tmp_path, SELF_SERVICE_SERIAL)

    async with _at_hall(where, store, clock, hub, tmp_path, slot) as at:
        order_id = await _apply_for_unlock(at, hub)
        hub.backend.orders.approve(order_id, "王审核")
        await open_orders(at, hub)
        assert "费用：¥50" in at.text  # the catalog's service fee
        await _pay_in_sandbox(at, hub)
        assert "待解锁" in at.text

        # The rules are checked before the key is touched
        await at.press("#unlock")
        await at.on_screen(UnlockScreen)
        await at.type_into("#pin-new", "123456")
        await at.type_into("#pin-again", "123456")
        await at.press("#start")
        assert "PIN码不能是连续的数字或字母" in at.text
        await at.press("#back")
        await orders_listed(at)

        # The result's report does not reach the backend's books (it fails there: the one fault
        # injected into the reference backend in this file)
        real_report = hub.backend.tokens.report

        def lost(*_: object, **__: object) -> None:
            raise ConnectionResetError("report lost")

        monkeypatch.setattr(hub.backend.tokens, "report", lost)
        await _unlock(at, "Lk2948sPin")
        assert "解锁成功" in at.text
        await at.press("#done")
        monkeypatch.setattr(hub.backend.tokens, "report", real_report)
        await orders_listed(at)
        assert "待解锁" in at.text  # the backend never heard: the order still offers 解锁

        # The next unlock works: the grant offers the SO PIN the key may now hold, too
        await _unlock(at, NEW_USER_PIN)
        assert "解锁成功" in at.text
        await at.press("#done")
        await orders_listed(at)
        assert "状态：完成" in at.text
    assert_usable(slot, SELF_SERVICE_SERIAL, NEW_USER_PIN)


async def test_an_assisted_key_unlocks_only_when_staff_authorise_at_the_kiosk(
    where, store: Store, clock, hub_for_kiosk: Hub, tmp_path: Path
) -> None:
    hub = hub_for_kiosk
    slot = registered_key(hub, tmp_path, ASSISTED_SERIAL)
    hub.backend.tokens.add_staff("S001", "赵工作", "864213")

    async with _at_hall(where, store, clock, hub, tmp_path, slot) as at:
        order_id = await _apply_for_unlock(at, hub)
        hub.backend.orders.approve(order_id, "王审核")
        await open_orders(at, hub)
        await _pay_in_sandbox(at, hub)
        await at.press("#unlock")
        await at.on_screen(UnlockScreen)
        assert "须由大厅工作人员在本机授权后解锁" in at.text
        assert "远程协助" in at.text
        await at.type_into("#pin-new", NEW_USER_PIN)
        await at.type_into("#pin-again", NEW_USER_PIN)
        await at.press("#start")
        assert "须由大厅工作人员输入工号和PIN授权" in at.text  # no staff yet: nothing touched
        await at.press("#back")
        await orders_listed(at)

        await _unlock(at, NEW_USER_PIN, staff=("S001", "000000"))
        assert "工作人员工号或PIN不正确" in at.text
        await at.press("#back")
        await orders_listed(at)
        await _unlock(at, NEW_USER_PIN, staff=("S001", "864213"))
        assert "解锁成功" in at.text
        await at.press("#done")
    assert_usable(slot, ASSISTED_SERIAL, NEW_USER_PIN)


async def test_a_key_from_another_ca_is_refused_and_no_key_is_waited_for(
    where, store: Store, clock, hub_for_kiosk: Hub, tmp_path: Path
) -> None:
    hub = hub_for_kiosk
    foreign = key_slot(tmp_path, CertificateAuthority(tmp_path / "other-ca"))

    async with _at_hall(where, store, clock, hub, tmp_path, foreign) as at:
        await start_business(at, BusinessCode.RENEWAL)
        await sign_in(at, hub)
        screen: InsertKeyScreen = await at.on_screen(InsertKeyScreen)
        assert "请将证书盘插入读卡口" in at.text
        assert screen.query_one("#next").disabled
        # Put in while the page waits. The test's own module shares the loaded library with the
        # kiosk's, so it works under the kiosk's lock, as every kiosk call on the key does.
        with at.app.key_slot().module().lock:
            foreign.make_key(SELF_SERVICE_SERIAL)
        await at.until(lambda: screen.check is not None)
        await at.pilot.pause()
        assert "不是本CA签发的" in at.text and "本机只能办理本CA签发的证书" in at.text
        assert screen.query_one("#next").disabled
        assert subject_for().organization in at.text
