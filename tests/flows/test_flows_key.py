"""End to end, the businesses that start from the key in the slot (flows II): 证书更新, 证书变更
and 在线解锁, each from the home screen through the paperwork, approval, payment where it costs,
and the work at the slot, against SoftHSM keys (chip serials 55…, 56…, 11…) whose certificates
the reference backend's CA issued, over real HTTP on 127.0.0.1. Every wait is for a worker's
message or the next screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.backend import Hub
from support.clear_text import assert_nothing_in_clear, personal_values
from support.flow import PHONE, AtKiosk, fill_form, open_orders, orders_listed, sign_in, start_business
from support.key_flow import (
    at_hall,
    download_with,
    from_review,
    key_read,
    key_slot,
    paperwork,
    pay_in_sandbox,
    registered_key,
)
from support.softhsm import (
    ASSISTED_SERIAL,
    NEW_USER_PIN,
    NEXT_SO_PIN,
    SELF_SERVICE_SERIAL,
    SELF_SERVICE_SERIAL_56,
    SO_PIN,
    USER_PIN,
    assert_usable,
    needs_softhsm,
    subject_for,
)
from textual.widgets import Input

from ca_backend.pki import CertificateAuthority
from kiosk.core.domain.businesses import BusinessCode
from kiosk.core.domain.samples import SAMPLE_UNIT, sample_form
from kiosk.core.domain.status import OrderStatus
from kiosk.screens.info_entry import InfoEntryScreen
from kiosk.screens.insert_key import InsertKeyScreen
from kiosk.screens.messages import KeyWorkDone
from kiosk.screens.review import ReviewScreen
from kiosk.screens.step import ConfirmScreen
from kiosk.screens.unlock import UnlockScreen
from kiosk.store import Store

pytestmark = needs_softhsm

NEW_NAME = "东方中讯数字科技有限公司"
OTHER_PHONE = "13900000002"


async def test_renewal_from_an_expiring_key_to_the_new_certificate_on_it(
    where, store: Store, clock, hub_for_kiosk: Hub, tmp_path: Path, everything_logged: list[str]
) -> None:
    hub = hub_for_kiosk
    slot = registered_key(hub, tmp_path, SELF_SERVICE_SERIAL, days=20)  # expiring soon
    old = slot.read(SELF_SERVICE_SERIAL).current
    assert old is not None

    async with at_hall(where, store, clock, hub, tmp_path, slot) as at:
        await start_business(at, BusinessCode.RENEWAL)
        await sign_in(at, hub)
        key = await key_read(at)
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
        order_id = await paperwork(at, sample_form(BusinessCode.RENEWAL))
        assert store.orders.get(order_id).token_serial == SELF_SERVICE_SERIAL
        assert hub.backend.orders.view_of(order_id).token_serial == SELF_SERVICE_SERIAL

        assert hub.backend.orders.view_of(order_id).fee_fen == 38_000  # the renewal price
        hub.backend.review.approve(order_id, "王审核")
        await open_orders(at, hub)
        assert "待付款" in at.text and "费用：¥380" in at.text
        await pay_in_sandbox(at, hub)
        assert "待下载" in at.text and f"证书盘芯片号：{SELF_SERVICE_SERIAL}" in at.text  # the key to bring
        download = await download_with(at, "Wr0ngPin9")  # a wrong PIN: said, nothing on the key changes
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
    # The audit trail has the key's events: read at the slot, the wrong PIN, the download.
    work = [row["detail"] for row in store.database.tables["audit"].rows_where("action = 'key_work'")]
    assert [SELF_SERVICE_SERIAL in detail for detail in work] == [True, True]
    assert ['"ok": false' in work[0], '"ok": true' in work[1]] == [True, True]
    assert store.database.tables["audit"].count_where("action = 'key_read'") >= 1
    # A wrong PIN and the right one were typed: neither is on disk or logged, nor the form.
    typed = [USER_PIN, *personal_values(sample_form(BusinessCode.RENEWAL)), PHONE]
    assert_nothing_in_clear(where, typed, everything_logged)
    assert store.audit_trail.problem() is None


async def _retry(at: AtKiosk) -> KeyWorkDone:
    """重试 on the key-work page, and the worker's report of it."""
    before = len(at.messages.of(KeyWorkDone))
    await at.press("#start")
    await at.messages.wait(KeyWorkDone, lambda _: len(at.messages.of(KeyWorkDone)) > before)
    await at.pilot.pause()
    return at.messages.of(KeyWorkDone)[before]


def _renewal_awaiting_download(hub: Hub, serial: str) -> str:
    """A renewal the subscriber applied for and paid in an earlier visit: 待下载."""
    with hub.client(subscriber=hub.sign_in(PHONE)) as client:
        order_id = hub.submitted_order(
            client, BusinessCode.RENEWAL, form=sample_form(BusinessCode.RENEWAL), token_serial=serial
        )
        hub.backend.review.approve(order_id, "王审核")
        payment = client.post(f"/v1/orders/{order_id}/payments", json={"channel": "alipay"}).json()
        hub.backend.payments.sandbox_pay(payment["payment_id"])
    assert hub.backend.orders.view_of(order_id).status is OrderStatus.AWAITING_DOWNLOAD
    return order_id


async def test_a_key_pulled_out_while_its_certificate_is_issued_gets_it_on_the_retry(
    where, store: Store, clock, hub_quick_sms: Hub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hub = hub_quick_sms
    slot = registered_key(hub, tmp_path, SELF_SERVICE_SERIAL, days=20)
    old = slot.read(SELF_SERVICE_SERIAL).current
    assert old is not None
    order_id = _renewal_awaiting_download(hub, SELF_SERVICE_SERIAL)

    # The subscriber pulls the key out while the CA is issuing: the new pair and request are on
    # it, the certificate comes back to a slot that is empty (a real pull: SoftHSM's files go).
    download = hub.backend.certificates.download
    pulls: list[bool] = []

    def pulled_while_issuing(*args, **kwargs):
        issued = download(*args, **kwargs)
        if not pulls:
            pulls.append(True)
            slot.hsm.pull_out(SELF_SERVICE_SERIAL)
        return issued

    monkeypatch.setattr(hub.backend.certificates, "download", pulled_while_issuing)

    async with at_hall(where, store, clock, hub, tmp_path, slot) as at:
        await open_orders(at, hub)
        assert "待下载" in at.text
        screen = await download_with(at, USER_PIN)
        assert pulls and "证书盘操作失败，请重新插入证书盘后再试" in at.text and not screen.done
        assert at.app.screen.query_one("#start").label.plain == "重试"

        again = await _retry(at)  # with the key still out: asked for, by its chip number
        assert again.error is not None and f"请插入芯片号为{SELF_SERVICE_SERIAL}的证书盘" in at.text

        slot.hsm.insert(SELF_SERVICE_SERIAL)  # put back: the retry finishes what was begun
        assert (await _retry(at)).error is None
        assert "新证书已安装到证书盘" in at.text and screen.done
        await at.press("#done")
        await orders_listed(at)
        assert "状态：完成" in at.text

    new = slot.read(SELF_SERVICE_SERIAL).current
    assert new is not None and new.serial_hex != old.serial_hex
    issued = hub.backend.orders.view_of(order_id).certificate_serial
    assert new.serial_hex == issued  # the one certificate the CA issued, not a second one
    assert_usable(slot, SELF_SERVICE_SERIAL)


async def test_a_renewal_whose_unit_changed_becomes_a_change_and_the_new_subject_comes(
    where, store: Store, clock, hub_for_kiosk: Hub, tmp_path: Path
) -> None:
    hub = hub_for_kiosk
    slot = registered_key(hub, tmp_path, SELF_SERVICE_SERIAL_56)

    async with at_hall(where, store, clock, hub, tmp_path, slot) as at:
        await start_business(at, BusinessCode.RENEWAL)
        await sign_in(at, hub)
        await key_read(at)
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
        order_id = await paperwork(at, changed)
        held = store.orders.get(order_id)
        assert held.business == BusinessCode.CHANGE and held.token_serial == SELF_SERVICE_SERIAL_56

        hub.backend.review.approve(order_id, "王审核")  # free: straight to 待下载
        await open_orders(at, hub)
        assert "待下载" in at.text and "#pay" not in [
            b.id for b in at.app.screen.query("Button") if b.display
        ]
        await download_with(at)
        assert f"O={NEW_NAME}" in at.text
        await at.press("#done")

    new = slot.read(SELF_SERVICE_SERIAL_56).current
    assert new is not None and f"O={NEW_NAME}" in new.subject
    assert_usable(slot, SELF_SERVICE_SERIAL_56)


async def test_a_change_prefilled_from_the_last_order_keeps_the_key_type_and_expiry(
    where, store: Store, clock, hub_quick_sms: Hub, tmp_path: Path
) -> None:
    hub = hub_quick_sms
    slot = registered_key(hub, tmp_path, SELF_SERVICE_SERIAL_56, days=200)
    old = slot.read(SELF_SERVICE_SERIAL_56).current
    assert old is not None and "OU=投标证书" in old.subject
    # The subscriber's own earlier order for the unit, and a newer one of another subscriber's
    # for the same unit: only their own is offered.
    for phone, legal_rep in ((PHONE, "赵六"), (OTHER_PHONE, "钱七")):
        with hub.client(subscriber=hub.sign_in(phone)) as client:
            earlier = sample_form(
                BusinessCode.NEW,
                unit={"legal_rep_name": legal_rep},
                handler={"name": "孙八", "mobile": phone},
            )
            hub.submitted_order(client, BusinessCode.NEW, form=earlier)

    async with at_hall(where, store, clock, hub, tmp_path, slot) as at:
        await start_business(at, BusinessCode.CHANGE)
        await sign_in(at, hub)
        await key_read(at)
        await at.press("#next")
        info: InfoEntryScreen = await at.on_screen(InfoEntryScreen)
        await at.until(lambda: info.filled_from_earlier)
        await at.pilot.pause()
        assert "已按您上次为该单位填写的信息预先填好" in at.text
        assert f"请填写变更后的信息，新证书将按此签发。原证书：{SAMPLE_UNIT['unit_name']}" in at.text
        assert info.query_one("#field-unit-legal_rep_name", Input).value == "赵六"  # theirs, not 钱七
        assert info.query_one("#field-handler-name", Input).value == "孙八"
        assert info.query_one("#field-handler-mobile", Input).value == PHONE  # the signed-in phone

        # The new name typed once, into 企业名称, reaches the unit and the invoice title too.
        await at.type_into("#field-certificate-company_name", NEW_NAME)
        assert info.query_one("#field-unit-unit_name", Input).value == NEW_NAME
        assert info.query_one("#field-invoice-title", Input).value == NEW_NAME
        await at.press("#next")
        await at.on_screen(ReviewScreen)
        assert f"变更：单位名称：{SAMPLE_UNIT['unit_name']} → {NEW_NAME}" in at.text
        order_id = await from_review(at)

        hub.backend.review.approve(order_id, "王审核")
        await open_orders(at, hub)
        await download_with(at)
        assert f"O={NEW_NAME}" in at.text and "OU=投标证书" in at.text

    new = slot.read(SELF_SERVICE_SERIAL_56).current
    assert new is not None and f"O={NEW_NAME}" in new.subject and "OU=投标证书" in new.subject
    assert new.not_after == old.not_after  # a change is free: it does not extend the certificate


async def _apply_for_unlock(at: AtKiosk, hub: Hub) -> str:
    await start_business(at, BusinessCode.UNLOCK)
    await sign_in(at, hub)
    await key_read(at)
    await at.press("#next")
    return await paperwork(at, sample_form(BusinessCode.UNLOCK))


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
    where,
    store: Store,
    clock,
    hub_for_kiosk: Hub,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    everything_logged: list[str],
) -> None:
    hub = hub_for_kiosk
    slot = registered_key(hub, tmp_path, SELF_SERVICE_SERIAL)

    async with at_hall(where, store, clock, hub, tmp_path, slot) as at:
        order_id = await _apply_for_unlock(at, hub)
        hub.backend.review.approve(order_id, "王审核")
        await open_orders(at, hub)
        assert "费用：¥50" in at.text  # the catalog's service fee
        await pay_in_sandbox(at, hub)
        assert "待解锁" in at.text

        # The rules are checked before the key is touched
        await at.press("#unlock")
        await at.on_screen(UnlockScreen)
        await at.type_into("#pin-new", "123456")
        await at.type_into("#pin-again", "123456")
        await at.press("#start")
        assert "PIN码不能是连续的数字或字母" in at.text
        unlock = at.app.screen  # both entries cleared, to type again from the first
        assert [unlock.query_one(f, Input).value for f in ("#pin-new", "#pin-again")] == ["", ""]
        assert unlock.query_one("#pin-new", Input).has_focus
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
    # The new PINs typed and the SO PINs the grants carried: none on disk or logged.
    pins = ["Lk2948sPin", NEW_USER_PIN, SO_PIN, NEXT_SO_PIN]
    assert_nothing_in_clear(
        where, [*pins, *personal_values(sample_form(BusinessCode.UNLOCK))], everything_logged
    )


async def test_an_assisted_key_unlocks_only_when_staff_authorise_at_the_kiosk(
    where, store: Store, clock, hub_for_kiosk: Hub, tmp_path: Path
) -> None:
    hub = hub_for_kiosk
    slot = registered_key(hub, tmp_path, ASSISTED_SERIAL)
    hub.backend.tokens.add_staff("S001", "赵工作", "864213")

    async with at_hall(where, store, clock, hub, tmp_path, slot) as at:
        order_id = await _apply_for_unlock(at, hub)
        hub.backend.review.approve(order_id, "王审核")
        await open_orders(at, hub)
        await pay_in_sandbox(at, hub)
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

    async with at_hall(where, store, clock, hub, tmp_path, foreign) as at:
        await start_business(at, BusinessCode.RENEWAL)
        await sign_in(at, hub)
        screen: InsertKeyScreen = await at.on_screen(InsertKeyScreen)
        assert "请将证书盘插入读卡口" in at.text
        assert screen.query_one("#next").disabled
        # Put in while the page waits. The test's own module shares the loaded library with the
        # kiosk's, so it works under the kiosk's lock, as every kiosk call on the key does.
        with at.app.runtime.key_slot().module().lock:
            foreign.make_key(SELF_SERVICE_SERIAL)
        await at.until(lambda: screen.check is not None)
        await at.pilot.pause()
        assert "不是本CA签发的" in at.text and "本机只能办理本CA签发的证书" in at.text
        assert screen.query_one("#next").disabled
        assert subject_for().organization in at.text
