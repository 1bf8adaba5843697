"""The app shell, driven through Textual's pilot: home, quit keys, idle wipe, language,
staff entry and exit, and the out-of-service screen."""

from __future__ import annotations

from support.pilot import SIZE, make_app, ready, screen_text, tap
from textual.widgets import Input, Static

from kiosk.core.domain.businesses import BUSINESSES, BusinessCode, Section
from kiosk.core.domain.documents import DocumentKind
from kiosk.screens.guides import BusinessGuideScreen
from kiosk.screens.home import HomeScreen
from kiosk.screens.idle_countdown import IdleCountdownScreen
from kiosk.screens.out_of_service import OutOfServiceScreen
from kiosk.screens.staff import StaffPinScreen, StaffScreen
from kiosk.screens.widgets.tile import Tile
from kiosk.screens.widgets.tile_board import TileBoard
from kiosk.store import OrderNotFound, Store
from kiosk.ui.app import KioskApp


async def test_tiles_answer_the_keyboard(where, settings, store, clock) -> None:
    app = make_app(where, settings, store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        board = app.screen.query_one(TileBoard)
        assert board.has_focus, "the tiles take the keyboard from the start"
        await pilot.press("down", "right", "left", "right", "enter")  # row 2, column 2: 证书注销
        assert isinstance(app.screen, BusinessGuideScreen)
        assert app.screen.business.code is BusinessCode.REVOKE


async def test_home_shows_every_business_and_order_query(where, settings, store, clock) -> None:
    app = make_app(where, settings, store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert isinstance(app.screen, HomeScreen)
        board = app.screen.query_one(TileBoard)
        for code, business in BUSINESSES.items():
            assert board.label_of(f"business-{code}").startswith(business.title)
        assert board.label_of("order-query").startswith("订单查询")
        assert app.screen.query_one("#staff-entry", Tile)
        assert "无待同步订单" in screen_text(app)


async def test_quit_and_suspend_keys_do_nothing(where, settings, store, clock) -> None:
    app = make_app(where, settings, store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        for key in ("ctrl+c", "ctrl+q", "ctrl+z", "ctrl+backslash", "ctrl+p", "escape"):
            await pilot.press(key)
            assert app.is_running, f"{key} stopped the kiosk"
            assert isinstance(app.screen, HomeScreen), f"{key} left the home screen"
    assert app.return_code in (0, None)


async def test_a_business_opens_its_guide_once_even_on_a_double_tap(where, settings, store, clock) -> None:
    app = make_app(where, settings, store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        board = app.screen.query_one(TileBoard)
        board.press("business-renewal")
        board.press("business-renewal")  # a touch screen delivers a double tap as two presses
        await pilot.pause()
        assert isinstance(app.screen, BusinessGuideScreen)
        assert sum(isinstance(s, BusinessGuideScreen) for s in app.screen_stack) == 1
        text = screen_text(app)
        assert "证书更新" in text and "请先办理证书变更" in text
        assert "数字证书申请表" in text and "经办人身份证复印件" in text
        assert "插入读卡口" in text  # renewal needs the key in the slot
        await pilot.click("#back")
        assert isinstance(app.screen, HomeScreen)


async def test_idle_countdown_then_wipe_and_home(where, settings, store: Store, clock) -> None:
    app = make_app(where, settings, store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await tap(pilot, "business-new")
        draft = store.orders.create(BusinessCode.NEW, {Section.HANDLER: {"id_number": "11010519491231002X"}})
        store.attachments.add(draft.id, DocumentKind.HANDLER_ID, b"image", "image/png")
        app.session.order_id = draft.id
        app.session.subscriber_phone = "13500000000"

        clock.advance(settings.idle_timeout_s - 1)
        app.tick_idle()
        await pilot.pause()
        assert isinstance(app.screen, BusinessGuideScreen), "no countdown before the timeout"

        clock.advance(1)
        app.tick_idle()
        await pilot.pause()
        assert isinstance(app.screen, IdleCountdownScreen)
        assert "15秒后将返回首页" in screen_text(app)
        clock.advance(5)
        app.tick_idle()
        await pilot.pause()
        assert "10秒后将返回首页" in screen_text(app)

        clock.advance(10)
        app.tick_idle()
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert len(app.screen_stack) == 1
        assert app.session.is_empty
        try:
            store.orders.get(draft.id)
            raise AssertionError("the draft survived the wipe")
        except OrderNotFound:
            pass
        assert list(store.attachments.folder.iterdir()) == []


async def test_a_touch_during_the_countdown_keeps_the_session(where, settings, store, clock) -> None:
    app = make_app(where, settings, store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await tap(pilot, "business-unlock")
        app.session.subscriber_phone = "13500000000"
        clock.advance(settings.idle_timeout_s + 3)
        app.tick_idle()
        await pilot.pause()
        assert isinstance(app.screen, IdleCountdownScreen)
        await pilot.click("#stay")
        assert isinstance(app.screen, BusinessGuideScreen)
        clock.advance(settings.idle_countdown_s + 1)  # the countdown started over
        app.tick_idle()
        await pilot.pause()
        assert isinstance(app.screen, BusinessGuideScreen)
        assert app.session.subscriber_phone == "13500000000"


async def test_a_key_during_the_countdown_keeps_the_session(where, settings, store, clock) -> None:
    app = make_app(where, settings, store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await tap(pilot, "business-new")
        clock.advance(settings.idle_timeout_s + 1)
        app.tick_idle()
        await pilot.pause()
        assert isinstance(app.screen, IdleCountdownScreen)
        await pilot.press("space")
        assert isinstance(app.screen, BusinessGuideScreen)


async def test_home_at_rest_has_no_countdown(where, settings, store, clock) -> None:
    app = make_app(where, settings, store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        clock.advance(10_000)
        app.tick_idle()
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_language_switch_and_idle_resets_it(where, settings, store, clock) -> None:
    app = make_app(where, settings, store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.click("#language")
        await pilot.pause()
        assert app.language == "en"
        assert app.screen.query_one(TileBoard).label_of("business-new").startswith("New certificate")
        assert str(app.screen.query_one("#language", Tile).render()) == "中文"
        assert "Please choose a service" in screen_text(app)
        clock.advance(settings.idle_timeout_s + settings.idle_countdown_s)
        app.tick_idle()  # countdown
        app.tick_idle()  # expired
        await pilot.pause()
        assert app.language == "zh"
        assert "请选择要办理的业务" in screen_text(app)


async def _type_pin(pilot, pin: str) -> None:
    pilot.app.screen.query_one("#pin", Input).value = pin
    pilot.app.screen.query_one("#pin", Input).focus()
    await pilot.press("enter")


async def _sign_in_as_staff(pilot, pin: str) -> None:
    await pilot.click("#staff-entry")
    assert isinstance(pilot.app.screen, StaffPinScreen)
    await _type_pin(pilot, pin)


async def test_staff_wrong_pin_then_lockout(where, settings, store: Store, clock) -> None:
    app = make_app(where, settings, store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await _sign_in_as_staff(pilot, "")
        message = app.screen.query_one("#pin-message", Static)
        assert str(message.render()) == "请输入工作人员PIN"  # costs no try
        await _type_pin(pilot, "111111")
        assert str(message.render()) == "工号或PIN不正确，还可尝试4次"
        assert app.screen.query_one("#pin", Input).value == ""  # the PIN does not linger
        for _ in range(4):
            await _type_pin(pilot, "111111")
        assert str(message.render()) == "错误次数过多，已锁定，请5分0秒后再试"
        await _type_pin(pilot, "246810")  # even the right PIN waits out the lock
        assert isinstance(app.screen, StaffPinScreen)
        assert str(message.render()) == "错误次数过多，已锁定，请5分0秒后再试"
        clock.advance(301)
        await _type_pin(pilot, "246810")
        assert isinstance(app.screen, StaffScreen)
    actions = [row["action"] for row in store.database.tables["audit"].rows_where(order_by="seq")]
    assert actions.count("pin_refused") == 6 and actions[-1] == "sign_in"
    assert all("111111" not in row["detail"] for row in store.database.tables["audit"].rows)


async def test_only_staff_can_exit(where, settings, store, clock) -> None:
    app = make_app(where, settings, store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await _sign_in_as_staff(pilot, "246810")
        assert isinstance(app.screen, StaffScreen)
        await app.workers.wait_for_complete()  # the health check
        await pilot.pause()
        assert "数据库完好，审计记录完整" in screen_text(app)
        await pilot.click("#exit-app")
    assert not app.is_running
    assert [row["action"] for row in store.database.tables["audit"].rows][-1] == "exit"


async def test_broken_store_key_shows_out_of_service(where, settings, store: Store, clock) -> None:
    store.orders.create(BusinessCode.NEW, {})
    store.close()
    where.key_file.unlink()
    app = KioskApp(where=where, settings=settings, clock=clock)  # the app opens the store itself
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        while app.serving_error is None:
            await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, OutOfServiceScreen)
        text = screen_text(app)
        assert "暂停服务" in text and "is missing" in text
        await _sign_in_as_staff(pilot, "246810")  # staff can still get in to exit
        assert isinstance(app.screen, StaffScreen)


async def test_app_loads_its_own_settings_and_store(where, clock) -> None:
    app = KioskApp(where=where, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert app.settings is not None and app.store is not None
        assert app.store.path == where.database
        assert where.key_file.exists()


async def test_confirm_button_checks_the_pin(where, settings, store, clock) -> None:
    app = make_app(where, settings, store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.click("#staff-entry")
        app.screen.query_one("#pin", Input).value = "246810"
        await pilot.click("#confirm")
        assert isinstance(app.screen, StaffScreen)
        await pilot.click("#back")
        assert isinstance(app.screen, HomeScreen)


async def test_a_tap_on_each_tile_opens_that_business(where, settings, store, clock) -> None:
    app = make_app(where, settings, store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        for code in BUSINESSES:
            await tap(pilot, f"business-{code}")
            assert isinstance(app.screen, BusinessGuideScreen)
            assert app.screen.business.code is code
            await pilot.click("#back")
        await tap(pilot, "order-query")
        assert app.screen.id == "order-query-guide"
        await pilot.click("#back")
        await pilot.click(TileBoard, offset=(1, 1))  # the margin beside the tiles
        assert isinstance(app.screen, HomeScreen)


async def test_a_language_switch_keeps_the_keyboard_focus(where, settings, store, clock) -> None:
    """Every screen is composed anew in the other language; the focused control stays focused
    (a keyboard user toggling with Enter on the language tile stays on it)."""
    app = make_app(where, settings, store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert app.focused is not None and app.focused.id == "businesses"
        app.toggle_language()
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "businesses"
        app.screen.query_one("#language").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.language == "zh"  # back from English
        assert app.focused is not None and app.focused.id == "language"


async def test_a_guide_says_the_catalogs_documents_and_fee(where, settings, store, clock) -> None:
    """The guide reads the catalog: 证书注销 asks for the business licence too (the catalog's
    extra document), and the unlock fee is the catalog's amount, not a rule to look up."""
    app = make_app(where, settings, store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await tap(pilot, "business-revoke")
        await pilot.pause()
        assert "3. 营业执照复印件" in screen_text(app) and "费用：免费" in screen_text(app)
        await pilot.click("#back")
        await tap(pilot, "business-unlock")
        await pilot.pause()
        assert "费用：¥50（服务费）" in screen_text(app)
        await pilot.click("#back")
        await tap(pilot, "business-reissue")
        await pilot.pause()
        assert "费用：每张证书¥80（只收取USB介质费用）" in screen_text(app)
