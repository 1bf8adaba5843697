"""Hall staff (issue 10): accounts from the backend kept sealed for signing in offline, the
kiosk-wide lockout that outlasts a restart, and the dashboard's actions, through Textual's pilot
against the real store, the reference backend over HTTP on 127.0.0.1 and the PDF printer."""

from __future__ import annotations

from pathlib import Path

from support.backend import Hub
from support.pilot import SIZE, Messages, make_app, ready, screen_text, tap
from support.sync import engine_for, kiosk_client, queue_order
from textual.widgets import Button, Input

from kiosk.config.settings import KioskSettings
from kiosk.core.domain.businesses import BusinessCode
from kiosk.core.i18n import Text
from kiosk.core.staff_pins import StaffAccount, hash_pin
from kiosk.screens.home import HomeScreen
from kiosk.screens.messages import HealthChecked
from kiosk.screens.out_of_service import OutOfServiceScreen
from kiosk.screens.printing import PrintFormsScreen
from kiosk.screens.sign_in import SignInScreen
from kiosk.screens.staff import StaffPinScreen, StaffScreen
from kiosk.screens.step import ConfirmScreen
from kiosk.services.journey import SignedIn
from kiosk.services.staff_auth import StaffGate, StoredLockout
from kiosk.store import Store
from kiosk.ui.app import KioskApp

STAFF_ID, STAFF_NAME, STAFF_PIN = "S007", "王五", "135790"


async def sign_in_as(pilot, staff_id: str, pin: str) -> None:
    await pilot.click("#staff-entry")
    await type_staff(pilot, staff_id, pin)


async def type_staff(pilot, staff_id: str, pin: str) -> None:
    """ID and PIN, then Enter in the PIN field (a second tap on 确定 within Textual's 0.2 s
    press effect would be ignored, as a double tap should be)."""
    assert isinstance(pilot.app.screen, StaffPinScreen)
    pilot.app.screen.query_one("#staff-id", Input).value = staff_id
    pilot.app.screen.query_one("#pin", Input).value = pin
    pilot.app.screen.query_one("#pin", Input).focus()
    await pilot.press("enter")
    await pilot.pause()


def test_staff_accounts_come_from_the_backend_and_are_kept_sealed(hub: Hub, store: Store) -> None:
    hub.backend.tokens.add_staff(STAFF_ID, STAFF_NAME, STAFF_PIN)
    with kiosk_client(hub.server.base_url, hub.credentials) as client:
        assert engine_for(store, client).follow_and_beat()
    account = store.staff.accounts()[STAFF_ID]
    assert account.name == STAFF_NAME and account.pin_hash.startswith("scrypt$")
    raw = store.path.read_bytes() + Path(f"{store.path}-wal").read_bytes()
    assert STAFF_NAME.encode() not in raw and account.pin_hash.encode() not in raw  # sealed at rest

    # One who left is gone at the next refresh.
    with hub.backend.db.write() as conn:
        conn.execute("delete from staff where staff_id = ?", (STAFF_ID,))
    with kiosk_client(hub.server.base_url, hub.credentials) as client:
        engine_for(store, client).follow_and_beat()
    assert STAFF_ID not in store.staff.accounts()


async def test_a_staff_member_signs_in_offline_with_the_kept_account(where, store: Store, clock) -> None:
    """The backend is not reachable (the settings' default port has nothing): the account kept
    from the last refresh still signs them in, by ID and PIN; a wrong ID costs a try."""
    store.staff.replace([StaffAccount(STAFF_ID, STAFF_NAME, hash_pin(STAFF_PIN))])
    app = make_app(where, KioskSettings(backend_url="http://127.0.0.1:9"), store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await sign_in_as(pilot, "S999", STAFF_PIN)
        assert str(app.screen.query_one("#pin-message").render()) == "工号或PIN不正确，还可尝试4次"
        await type_staff(pilot, STAFF_ID.lower(), STAFF_PIN)  # the ID as it comes, lower case
        assert isinstance(app.screen, StaffScreen)
        assert f"工作人员 · {STAFF_ID} {STAFF_NAME}" in screen_text(app)
    details = [row["detail"] for row in store.database.tables["audit"].rows_where("action = 'sign_in'")]
    assert details and STAFF_ID in details[-1] and STAFF_PIN not in "".join(details)


def test_the_lockout_outlasts_a_restart(store: Store, where, clock) -> None:
    """Five wrong tries lock staff entry for five minutes; a new gate on the same store (the
    kiosk restarted) is still locked, and a right PIN waits too."""

    def gate(backing: Store) -> StaffGate:
        return StaffGate(
            hash_pin("246810"), backing.staff.accounts, StoredLockout(backing.state), clock=clock
        )

    first = gate(store)
    for _ in range(5):
        attempt = first.try_pin("000000")
    assert attempt.locked_for == 300
    store.close()
    reopened = Store.open(where.data_dir, where.key_file)
    try:
        again = gate(reopened).try_pin("246810")
        assert not again.accepted and again.locked_for == 300
        clock.advance(301)
        assert gate(reopened).try_pin("246810").accepted
    finally:
        reopened.close()


async def test_the_dashboard_shows_health_queue_and_the_day(
    where, store: Store, clock, demo_video: Path
) -> None:
    messages = Messages()
    blocked = queue_order(store, BusinessCode.NEW)
    head = store.outbox.head(blocked)
    assert head is not None
    store.outbox.mark_blocked(head.id, "Rejected 422 bad_form: refused by the backend")
    settings = KioskSettings(backend_url="http://127.0.0.1:9", camera_source=str(demo_video))
    app = KioskApp(where=where, settings=settings, store=store, clock=clock, wall_clock=clock)
    async with app.run_test(size=SIZE, message_hook=messages.hook) as pilot:
        await ready(pilot)
        await tap(pilot, "business-new")  # a visit begins: counted, nothing about who
        await pilot.click("#start")
        await pilot.pause()
        app.wipe_session()
        await pilot.pause()
        await sign_in_as(pilot, "", "246810")
        assert isinstance(app.screen, StaffScreen)
        report = (await messages.wait(HealthChecked)).report
        await pilot.pause()
        text = screen_text(app)
        assert "画面正常（1920×1080）" in text and "打印机就绪" in text
        assert next(p for p in report.parts if p.part == "CA服务器").state.value == "failed"
        assert "被拒需处理：1" in text and "Rejected 422 bad_form" in text and blocked[:8] in text
        assert "证书新办：1" in text

        await pilot.click("#retry-sync")  # 立即同步: the refused order may go again
        assert store.outbox.summary().blocked_orders == 0
        assert "已让" in screen_text(app)
    actions = [row["action"] for row in store.database.tables["audit"].rows]
    assert "sync_retry" in actions


async def test_out_of_service_is_what_subscribers_see_until_staff_resume(where, store: Store, clock) -> None:
    app = make_app(where, KioskSettings(backend_url="http://127.0.0.1:9"), store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await sign_in_as(pilot, "", "246810")
        await pilot.click("#toggle-service")
        await pilot.pause()
        assert isinstance(app.screen, OutOfServiceScreen) and "暂停服务" in screen_text(app)
    # A restart keeps it so.
    app = make_app(where, KioskSettings(backend_url="http://127.0.0.1:9"), store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.pause()
        assert isinstance(app.screen, OutOfServiceScreen)
        await sign_in_as(pilot, "", "246810")
        assert str(app.screen.query_one("#toggle-service", Button).label) == "恢复服务"
        await pilot.click("#toggle-service")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    actions = [row["action"] for row in store.database.tables["audit"].rows]
    assert actions.count("out_of_service") == 1 and actions.count("back_in_service") == 1


async def test_staff_end_a_stuck_session_and_reprint_the_last_receipt(where, store: Store, clock) -> None:
    order_id = queue_order(store, BusinessCode.NEW)
    messages = Messages()
    app = make_app(where, KioskSettings(backend_url="http://127.0.0.1:9"), store, clock)
    async with app.run_test(size=SIZE, message_hook=messages.hook) as pilot:
        await ready(pilot)
        await tap(pilot, "business-new")
        await pilot.click("#start")
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)  # a subscriber mid-way, then gone
        await sign_in_as(pilot, "", "246810")
        report = (await messages.wait(HealthChecked)).report  # their visit's devices are left alone
        camera = next(part for part in report.parts if part.part == "文件拍摄仪")
        assert camera.state.value == "not_checked" and camera.summary == "顾客正在办理业务，暂不检查"
        await pilot.click("#reprint-receipt")
        await pilot.pause()
        printing = app.screen
        assert isinstance(printing, PrintFormsScreen)
        while len(printing.printed) < 1:
            await pilot.pause()
        spool = where.data_dir / "print-spool"
        assert [path.name for path in spool.iterdir() if order_id in path.name and "receipt" in path.name]
        await pilot.click("#done")
        await pilot.pause()
        assert isinstance(app.screen, StaffScreen)
        await pilot.click("#end-session")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen) and app.session.is_empty
    actions = [row["action"] for row in store.database.tables["audit"].rows]
    assert "receipt_reprinted" in actions and "session_ended" in actions


async def test_leaving_with_orders_unsent_asks_first(where, store: Store, clock) -> None:
    queue_order(store, BusinessCode.NEW)
    app = make_app(where, KioskSettings(backend_url="http://127.0.0.1:9"), store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await sign_in_as(pilot, "", "246810")
        await pilot.click("#exit-app")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "还有1个订单未发送到后台" in screen_text(app)
        await pilot.click("#no")
        await pilot.pause()
        assert isinstance(app.screen, StaffScreen) and app.is_running
        await pilot.click("#exit-app")
        await pilot.pause()
        await pilot.click("#yes")
    assert not app.is_running
    assert store.outbox.summary().pending_orders == 1  # kept, for the next start


async def test_staff_confirm_a_subscriber_offline_under_their_own_id(where, store: Store, clock) -> None:
    """No network: the staff member who checks the ID card signs with their own account, and the
    order carries their ID (the backend records who vouched)."""
    from kiosk.screens.sign_in import SignInScreen

    store.staff.replace([StaffAccount(STAFF_ID, STAFF_NAME, hash_pin(STAFF_PIN))])
    app = make_app(where, KioskSettings(backend_url="http://127.0.0.1:9"), store, clock)
    results: list[SignedIn | None] = []
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        app.push_screen(SignInScreen(Text("证书新办")), results.append)
        await pilot.pause()
        app.screen.query_one("#phone", Input).value = "13800138000"
        app.screen.query_one("#phone", Input).focus()
        await pilot.press("enter")  # asks for an SMS code: the network is down
        while not app.screen.query_one("#staff-confirm").display:
            await pilot.pause()
        await pilot.click("#staff-confirm")
        await pilot.pause()
        await type_staff(pilot, STAFF_ID, STAFF_PIN)
    (signed,) = results
    assert signed is not None and signed.owner.verified_by == "staff" and signed.owner.staff_id == STAFF_ID


async def test_the_kiosk_follows_a_pause_set_from_the_remote_view(where, store: Store, clock) -> None:
    """The remote view is another process on the same store: the kiosk shows 暂停服务 when the
    flag is set and nobody is at it, and home again when it is cleared."""
    from kiosk.ui.console import StaffConsoleApp

    console = StaffConsoleApp(
        where=where, settings=KioskSettings(backend_url="http://127.0.0.1:9"), store=store, clock=clock
    )
    async with console.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.pause()
        await type_staff(pilot, "", "246810")
        dashboard = console.screen
        assert isinstance(dashboard, StaffScreen) and dashboard.remote
        shown = {button.id for button in dashboard.query("Button")}
        assert not shown & {"print-test", "reprint-receipt", "camera-test", "end-session", "exit-app"}
        await pilot.click("#toggle-service")
        await pilot.pause()
        assert console.screen is dashboard and "本机已暂停服务" in screen_text(console)
    assert store.state.get("out_of_service") == "1"

    kiosk = make_app(where, KioskSettings(backend_url="http://127.0.0.1:9"), store, clock)
    async with kiosk.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.pause()
        assert isinstance(kiosk.screen, OutOfServiceScreen)
        store.state.set(out_of_service="0")  # resumed from the browser
        kiosk.tick_idle()
        await pilot.pause()
        assert isinstance(kiosk.screen, HomeScreen)
        store.state.set(out_of_service="1")
        kiosk.tick_idle()
        await pilot.pause()
        assert isinstance(kiosk.screen, OutOfServiceScreen)
