"""The on-screen keyboards, tapped as at the glass (tests/support/touch.py): each kind of field
opens its own keys, a key tapped again at once types again, a character the field cannot hold
is refused with a sentence (in both languages) and the field keeps what it had, the keyboard
follows the focus and leaves the field in sight, a physical keyboard still works, and staff sign
in by the same keys."""

from __future__ import annotations

from pathlib import Path

from support.flow import AtKiosk, kiosk_at_hall
from support.pilot import SIZE, make_app, ready
from support.touch import key_for, keyboard_of, tap_field, tap_in, tap_key, tap_keys, tap_text, tap_widget
from textual.widgets import Input

from kiosk.config.settings import KioskSettings
from kiosk.core.domain.businesses import BUSINESSES, BusinessCode
from kiosk.core.domain.keyboards import Keyboard
from kiosk.core.i18n import Text
from kiosk.screens.info_entry import InfoEntryScreen
from kiosk.screens.sign_in import SignInScreen
from kiosk.screens.staff import StaffScreen
from kiosk.screens.widgets.keyboard import Key, KeyedInput
from kiosk.screens.widgets.plain import Static
from kiosk.store import Store

OFFLINE = "http://127.0.0.1:9"
NEW = BUSINESSES[BusinessCode.NEW]
USCC = "#field-unit-uscc"
LEGAL_REP_ID = "#field-unit-legal_rep_id"


def hint(at: AtKiosk) -> str:
    return str(keyboard_of(at.pilot).query_one("#keyboard-hint", Static).render())


def value(at: AtKiosk, selector: str) -> str:
    return at.app.screen.query_one(selector, Input).value


async def information_step(at: AtKiosk) -> InfoEntryScreen:
    screen = InfoEntryScreen(Text("证书新办"), NEW.sections, {})
    await at.app.push_screen(screen)
    await at.pilot.pause()
    return screen


async def test_sign_in_is_typed_on_digit_keys_and_a_key_tapped_again_types_again(
    where, store: Store, clock, tmp_path: Path
) -> None:
    async with kiosk_at_hall(where, store, clock, OFFLINE, camera="", stick=tmp_path) as at:
        await at.app.push_screen(SignInScreen(NEW.title))
        await at.pilot.pause()
        # The phone field has the focus: its digit keys are open at once.
        assert keyboard_of(at.pilot).has_class("-open")
        assert sorted(key.value for key in keyboard_of(at.pilot).query(Key) if not key.control) == sorted(
            "1234567890"
        )
        assert hint(at) == "手机号码 · 还差11位"
        await tap_keys(at.pilot, "1360000")  # the same key four times in a row: four zeros
        assert value(at, "#phone") == "1360000"
        assert hint(at) == "手机号码 · 还差4位"
        await tap_keys(at.pilot, "0001")
        assert hint(at) == "手机号码已满11位"
        await tap_key(at.pilot, "5")  # a twelfth digit
        assert value(at, "#phone") == "13600000001"
        assert hint(at) == "手机号码已满11位，如需修改请先退格"
        await tap_key(at.pilot, "backspace")
        assert value(at, "#phone") == "1360000000"

        await tap_in(at.pilot, "#code", "123456")
        assert value(at, "#code") == "123456"
        assert value(at, "#phone") == "1360000000"  # the other field kept


async def test_a_credit_code_refuses_the_letters_it_never_uses_and_keeps_what_was_typed(
    where, store: Store, clock, tmp_path: Path
) -> None:
    async with kiosk_at_hall(where, store, clock, OFFLINE, camera="", stick=tmp_path) as at:
        await information_step(at)
        await tap_field(at.pilot, USCC)
        assert hint(at) == "统一社会信用代码 · 还差18位"
        await tap_keys(at.pilot, "91350100M")
        await tap_key(at.pilot, "I")  # drawn, dimmed, and answered
        assert value(at, USCC) == "91350100M"
        assert hint(at) == "“I”不能输入：统一社会信用代码不用字母I、O、S、V、Z"
        assert key_for(at.pilot, "I") is not None and key_for(at.pilot, "I").has_class("-refused")  # type: ignore[union-attr]
        await tap_keys(at.pilot, "000100Y43")
        assert value(at, USCC) == "91350100M000100Y43"
        assert hint(at) == "统一社会信用代码已满18位"

        # In English, the same refusal in English; a physical keyboard meets the same rule.
        at.app.toggle_language()
        await at.pilot.pause()
        await tap_field(at.pilot, LEGAL_REP_ID)
        await tap_keys(at.pilot, "11010519491231002")
        await at.pilot.press("x")  # a USB keyboard: x is the check character X
        assert value(at, LEGAL_REP_ID) == "11010519491231002X"
        await tap_key(at.pilot, "clear")
        await at.pilot.press("a")
        assert value(at, LEGAL_REP_ID) == ""
        assert hint(at) == "“A” cannot be typed here: an ID number has only digits and X"


async def test_the_keys_follow_the_field_and_leave_it_in_sight(
    where, store: Store, clock, tmp_path: Path
) -> None:
    async with kiosk_at_hall(where, store, clock, OFFLINE, camera="", stick=tmp_path) as at:
        screen = await information_step(at)
        keyboard = keyboard_of(at.pilot)
        for selector, kind in (
            ("#field-invoice-email", Keyboard.EMAIL),
            ("#field-invoice-account", Keyboard.DIGITS),
            ("#field-handler-id_number", Keyboard.ID_NUMBER),
            ("#field-delivery-phone", Keyboard.PHONE),
            ("#field-unit-unit_name", Keyboard.TEXT),
        ):
            await tap_field(at.pilot, selector)
            field = screen.query_one(selector, KeyedInput)
            assert keyboard.target is field and field.keyboard is kind
            # The field being typed is drawn above the keys, not under them.
            assert field.region.bottom <= keyboard.region.y, selector

        await tap_field(at.pilot, "#field-invoice-email")
        await tap_keys(at.pilot, "zhangsan")
        await tap_key(at.pilot, "@qq.com")
        assert value(at, "#field-invoice-email") == "zhangsan@qq.com"

        await tap_key(at.pilot, "done")
        assert not keyboard.has_class("-open") and screen.focused is None
        assert value(at, "#field-invoice-email") == "zhangsan@qq.com"


async def test_at_80x24_the_keys_are_one_line_and_the_step_buttons_give_way(
    where, store: Store, clock, tmp_path: Path
) -> None:
    app = make_app(where, KioskSettings(backend_url=OFFLINE), store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        screen = InfoEntryScreen(Text("证书新办"), NEW.sections, {})
        await app.push_screen(screen)
        await pilot.pause()
        await tap_field(pilot, USCC)
        keyboard = keyboard_of(pilot)
        assert keyboard.has_class("-compact")
        assert not screen.query_one("#actions").display or screen.query_one("#actions").region.height == 0
        field = screen.query_one(USCC, KeyedInput)
        assert field.region.height > 0 and field.region.bottom <= keyboard.region.y
        assert keyboard.region.bottom <= 24
        await tap_keys(pilot, "91350100M000100Y43")
        assert field.value == "91350100M000100Y43"
        await tap_key(pilot, "done")
        assert screen.query_one("#actions").region.height > 0


async def test_staff_sign_in_by_the_keys(where, settings, store: Store, clock) -> None:
    app = make_app(where, settings, store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.click("#staff-entry")
        await pilot.pause()
        assert hint_of(pilot) == "工号"  # the ID is focused: capitals and digits
        await tap_key(pilot, "done")
        await tap_field(pilot, "#pin")
        assert hint_of(pilot) == "PIN码"
        await tap_keys(pilot, "246810")  # the demo's maintenance PIN, with no ID
        assert pilot.app.screen.query_one("#pin", Input).value == "246810"
        confirm = pilot.app.screen.query_one("#confirm")
        await tap_widget(pilot, confirm)
        assert isinstance(app.screen, StaffScreen)


def hint_of(pilot) -> str:
    return str(keyboard_of(pilot).query_one("#keyboard-hint", Static).render())


def candidates(at: AtKiosk) -> list[str]:
    keyboard = keyboard_of(at.pilot)
    return [key.candidate.text for key in keyboard.query(Key) if key.candidate is not None and key.display]


async def test_chinese_is_typed_by_pinyin_and_a_tap_on_the_word(
    where, store: Store, clock, tmp_path: Path
) -> None:
    async with kiosk_at_hall(where, store, clock, OFFLINE, camera="", stick=tmp_path) as at:
        await information_step(at)
        await tap_field(at.pilot, "#field-delivery-address")
        await tap_keys(at.pilot, "chongqingshi")
        assert value(at, "#field-delivery-address") == ""  # letters are composed, not typed
        assert hint(at) == "拼音：chongqingshi"
        assert candidates(at)[0] == "重庆市"
        # A word for the beginning: 重庆 uses up chongqing, shi goes on being composed.
        chongqing = next(
            key for key in keyboard_of(at.pilot).query(Key) if key.candidate and key.candidate.text == "重庆"
        )
        await tap_widget(at.pilot, chongqing)
        assert value(at, "#field-delivery-address") == "重庆"
        assert hint(at) == "拼音：shi"
        await tap_key(at.pilot, "backspace")
        await tap_key(at.pilot, "backspace")
        await tap_key(at.pilot, "backspace")
        assert value(at, "#field-delivery-address") == "重庆"  # the letters went first
        # Initials as a shortcut, digits as they are, then Latin letters in English mode.
        await tap_keys(at.pilot, "ybq")
        assert "渝北区" in candidates(at)
        while keyboard_of(at.pilot).composer.letters:  # type: ignore[union-attr]
            await tap_key(at.pilot, "backspace")
        await tap_text(at.pilot, "渝北区金开大道88号A座")
        assert value(at, "#field-delivery-address") == "重庆渝北区金开大道88号A座"


async def test_a_spelling_with_no_word_is_said_and_its_letters_kept(
    where, store: Store, clock, tmp_path: Path
) -> None:
    async with kiosk_at_hall(where, store, clock, OFFLINE, camera="", stick=tmp_path) as at:
        await information_step(at)
        await tap_field(at.pilot, "#field-unit-unit_name")
        await tap_keys(at.pilot, "vvvv")
        assert hint(at) == "没有与“vvvv”对应的汉字，请检查拼音"
        assert candidates(at) == []
        await tap_key(at.pilot, "1")  # a digit while letters wait for a word
        assert hint(at) == "请先选择候选字，或点“退格”删去拼音"
        assert value(at, "#field-unit-unit_name") == ""
        at.app.toggle_language()
        await at.pilot.pause()
        await tap_field(at.pilot, "#field-unit-unit_name")
        await tap_keys(at.pilot, "vv")
        assert hint(at) == "No Chinese character is spelled “vv”; please check the pinyin"
        await tap_key(at.pilot, "done")  # the letters go into the field rather than be lost
        assert value(at, "#field-unit-unit_name") == "vv"


async def test_a_persons_name_offers_surnames_first(where, store: Store, clock, tmp_path: Path) -> None:
    async with kiosk_at_hall(where, store, clock, OFFLINE, camera="", stick=tmp_path) as at:
        await information_step(at)
        await tap_field(at.pilot, "#field-unit-legal_rep_name")
        assert keyboard_of(at.pilot).target.keyboard is Keyboard.NAME  # type: ignore[union-attr]
        await tap_keys(at.pilot, "wangfang")
        assert "王芳" in candidates(at)[:5]
        await tap_key(at.pilot, "clear")
        await tap_text(at.pilot, "张伟")
        assert value(at, "#field-unit-legal_rep_name") == "张伟"


async def test_the_idle_wipe_ends_what_was_being_composed(where, settings, store: Store, clock) -> None:
    import asyncio
    import contextlib
    import gc
    import weakref

    app = make_app(where, settings, store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await app.push_screen(InfoEntryScreen(Text("证书新办"), NEW.sections, {}))
        await pilot.pause()
        await tap_field(pilot, "#field-handler-name")
        await tap_keys(pilot, "zhang")
        composer = keyboard_of(pilot).composer
        assert composer is not None and composer.letters == "zhang"
        left = weakref.ref(composer)
        del composer

        clock.advance(settings.idle_timeout_s + settings.idle_countdown_s)
        app.tick_idle()  # the countdown
        app.tick_idle()  # the wipe
        await pilot.pause()
        assert len(app.screen_stack) == 1

        async def collected() -> None:  # a popped screen closes in its own task: let it
            while gc.collect() is not None and left() is not None:
                await pilot.pause()

        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(collected(), 20)
        assert left() is None, "the letters of the last subscriber's name outlived the wipe"
