"""The hall's touch screen (issue 25): `kiosk serve-screen` serves `kiosk run` to Chromium, as
cage shows it on the kiosk; here Debian's Chromium, headless, in a touch context (Playwright,
no browser download), at the screen size and font size docs/INSTALL.md gives for a 1920x1080
panel. Everything is done by touch taps alone, where the text is drawn: home, 证书新办, its guide,
开始办理, the sign-in screen, and a phone number typed on the kiosk's own digit keys. The page
keeps its lockdown (no context menu, no new window, no request leaving the machine), a second
connection gets no second kiosk app, and a killed app ends only its session."""

from __future__ import annotations

import os
import re
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.backend import Hub
from support.browser import (
    CAPTURE_OUTPUT,
    CHROMIUM,
    LAUNCH_ARGS,
    SHOWS,
    Cell,
    ScreenServer,
    TerminalScreen,
    read_screen,
    serving_screen,
    tap_cell,
    tap_text,
    wait_for_screen,
    wait_for_text,
)

from kiosk.config.locations import Locations

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")

VIEWPORT = {"width": 1920, "height": 1080}
FONT_SIZE = 24  # docs/INSTALL.md: a 1920x1080 panel, 137x38 cells
PHONE = "13800138000"
HOME = "证书新办"


@pytest.fixture
def screen_server(where: Locations, hub_for_kiosk: Hub, tmp_path: Path) -> Iterator[ScreenServer]:
    where.config_file.parent.mkdir(parents=True, exist_ok=True)
    where.config_file.write_text(f'backend_url = "{hub_for_kiosk.server.base_url}"\n')
    with serving_screen(where.config_file.parent, tmp_path / "serve-screen.log") as server:
        yield server


@pytest.fixture
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def _touch_page(browser, url: str):
    context = browser.new_context(has_touch=True, viewport=VIEWPORT)
    page = context.new_page()
    page.add_init_script(CAPTURE_OUTPUT)
    page.goto(url)
    return page


def _digit_keys(screen: TerminalScreen) -> dict[str, Cell] | None:
    """The on-screen keyboard's digit keys: the lowest line that reads 1 2 3 … 9 0, each digit a
    key of its own."""
    rows: dict[int, list[tuple[Cell, str]]] = {}
    for cell, digit in screen.search(re.compile(r"(?<!\d)\d(?!\d)")):
        rows.setdefault(cell.row, []).append((cell, digit))
    for row in sorted(rows, reverse=True):
        if "".join(digit for _, digit in rows[row]) == "1234567890":
            return {digit: cell for cell, digit in rows[row]}
    return None


def test_a_phone_number_typed_by_touch_alone(screen_server: ScreenServer, browser) -> None:
    # The sign-in screen's digit keys are the on-screen keyboard's: a tree without it (it was
    # written alongside this test) has nothing to tap.
    pytest.importorskip("kiosk.screens.widgets.keyboard", reason="the on-screen keyboard is not here yet")
    page = _touch_page(browser, screen_server.url(FONT_SIZE))
    wait_for_text(page, "无待同步订单")  # the status line: the kiosk's parts are open, a visit may start
    assert page.evaluate("window.__size") == {"width": 137, "height": 38}  # docs/INSTALL.md

    tap_text(page, HOME)
    tap_text(page, "开始办理")  # on the business's guide
    screen = wait_for_screen(page, lambda screen: _digit_keys(screen) is not None, what="the digit keys")
    assert screen.find("手机号码") and screen.find("1xxxxxxxxxx")  # the empty phone field, focused
    keys = _digit_keys(screen)
    assert keys is not None
    for digit in PHONE:
        tap_cell(page, keys[digit])
    wait_for_text(page, PHONE)
    screen = wait_for_screen(page, lambda screen: bool(screen.find("手机号码已满11位")), what="the hint")
    assert not screen.find("1xxxxxxxxxx")
    assert len(screen_server.kiosk_apps()) == 1


def _letter_keys(screen: TerminalScreen) -> dict[str, Cell] | None:
    """The pinyin keyboard's letter keys: the rows that read q…p, a…l and z…m, a key a letter."""
    found: dict[str, Cell] = {}
    rows: dict[int, list[tuple[Cell, str]]] = {}
    for cell, letter in screen.search(re.compile(r"(?<![A-Za-z])[a-z](?![A-Za-z])")):
        rows.setdefault(cell.row, []).append((cell, letter))
    for keys in rows.values():
        letters = "".join(letter for _, letter in keys)
        if letters.startswith(("qwertyuiop", "asdfghjkl", "zxcvbnm")):
            found.update({letter: cell for cell, letter in keys})
    return found if len(found) >= 26 else None


def test_a_business_by_touch_alone_to_a_field_typed_in_chinese(
    screen_server: ScreenServer, hub_for_kiosk: Hub, browser
) -> None:
    """Home → 证书新办 → signed in by SMS → the project → 企业名称 typed by pinyin → 下一步, all
    by touch taps on what the kiosk draws."""
    pytest.importorskip("kiosk.screens.widgets.keyboard", reason="the on-screen keyboard is not here yet")
    page = _touch_page(browser, screen_server.url(FONT_SIZE))
    wait_for_text(page, "无待同步订单")
    tap_text(page, HOME)
    tap_text(page, "开始办理")
    screen = wait_for_screen(page, lambda screen: _digit_keys(screen) is not None, what="the digit keys")
    keys = _digit_keys(screen)
    assert keys is not None
    for digit in PHONE:
        tap_cell(page, keys[digit])
    wait_for_text(page, "手机号码已满11位")
    tap_text(page, "获取验证码")
    wait_for_text(page, "验证码 · 还差6位")  # sent: the code field has the focus and its keys
    for digit in hub_for_kiosk.last_code(PHONE):
        tap_cell(page, keys[digit])
    wait_for_text(page, "验证码已满6位")
    tap_cell(page, read_screen(page).find("登录")[-1])  # the button, not the title above
    for choice in ("重庆", "公共资源交易", "重庆市公共资源交易中心", "投标人"):
        tap_text(page, choice)
    wait_for_text(page, "费用合计")
    tap_text(page, "下一步")
    # The information step: 企业名称 has the focus and the Chinese keyboard is open.
    screen = wait_for_screen(page, lambda screen: _letter_keys(screen) is not None, what="the letter keys")
    letters = _letter_keys(screen)
    assert letters is not None
    for letter in "chongqing":
        tap_cell(page, letters[letter])
    wait_for_text(page, "拼音：chongqing")
    tap_text(page, "重庆")  # the first candidate, in the bar above the keys
    screen = wait_for_screen(page, lambda screen: not screen.find("拼音："), what="the word typed")
    assert screen.find("重庆")  # in the field
    tap_text(page, "下一步")
    screen = wait_for_screen(page, lambda screen: bool(screen.find("需要填写或修改")), what="the summary")
    assert screen.find("重庆")  # the other fields are still empty: the step stays, the word is kept


def test_the_page_keeps_its_lockdown(screen_server: ScreenServer, browser) -> None:
    page = _touch_page(browser, screen_server.url(FONT_SIZE))
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.reload()
    wait_for_text(page, HOME)
    origin = f"http://127.0.0.1:{screen_server.port}"
    assert requested and all(url.startswith(origin + "/") for url in requested), requested

    assert page.evaluate(
        "() => { const event = new MouseEvent('contextmenu', {bubbles: true, cancelable: true});"
        " document.querySelector('.xterm-screen').dispatchEvent(event); return event.defaultPrevented; }"
    )
    opened: list[object] = []

    def keep(new_page: object) -> None:  # (Playwright takes no bound method of a builtin)
        opened.append(new_page)

    page.context.on("page", keep)
    assert page.evaluate("() => window.open('https://www.exca.org', '_blank')") is None
    assert not opened
    assert page.evaluate("() => document.querySelectorAll('button').length") == 0  # no Restart
    for element in ("document.documentElement", "document.body", "document.getElementById('terminal')"):
        style = page.evaluate(
            f"() => {{ const s = getComputedStyle({element}); return [s.touchAction, s.userSelect]; }}"
        )
        assert style == ["none", "none"], element


def test_one_kiosk_app_at_a_time_and_a_killed_one_comes_back(screen_server: ScreenServer, browser) -> None:
    first = _touch_page(browser, screen_server.url(FONT_SIZE))
    wait_for_text(first, HOME)
    [app] = screen_server.kiosk_apps()

    second = _touch_page(browser, screen_server.url(FONT_SIZE))  # another tab on this machine
    second.wait_for_function("() => document.body.classList.contains('-closed')", timeout=30_000)
    assert screen_server.kiosk_apps() == [app]  # refused: no second app
    assert "one session at a time" in screen_server.log.read_text()

    # The first page goes: its app quits, and the second page, asking every 2 s, gets the screen.
    load = second.evaluate("window.__load")
    first.close()
    second.wait_for_function(
        f"(load) => window.__load !== load && ({SHOWS})('{HOME}')", arg=load, timeout=30_000
    )
    [next_app] = screen_server.kiosk_apps()
    assert next_app != app and not Path(f"/proc/{app}").exists()

    # An app that dies (a crash the app could not even report) ends only its session.
    load = second.evaluate("window.__load")
    os.kill(next_app, signal.SIGKILL)
    second.wait_for_function(
        f"(load) => window.__load !== load && ({SHOWS})('{HOME}')", arg=load, timeout=30_000
    )
    [fresh] = screen_server.kiosk_apps()
    assert fresh != next_app and screen_server.process.poll() is None
