"""The staff dashboard in a browser (issue 10): `kiosk remote` serves it with textual-serve on
127.0.0.1, and Debian's Chromium, driven headless by Playwright (no browser download), opens it.
Nothing shows before a staff ID and PIN; a wrong PIN is refused; then the dashboard is read from
what the browser received and drew. The PIN never travels back to the browser in clear."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest
from support.backend import Hub
from support.browser import ANSI, CAPTURE_OUTPUT, CHROMIUM, LAUNCH_ARGS, SHOWS, free_port, shows

from kiosk.config.locations import Locations
from kiosk.core.staff_pins import StaffAccount, hash_pin
from kiosk.store import Store

STAFF_ID, STAFF_PIN = "S007", "135790"

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")


@pytest.fixture
def remote_view(where: Locations, hub_for_kiosk: Hub) -> Iterator[str]:
    store = Store.open(where.data_dir, where.key_file)
    store.staff.replace([StaffAccount(STAFF_ID, "王五", hash_pin(STAFF_PIN))])
    store.close()
    where.config_file.write_text(f'backend_url = "{hub_for_kiosk.server.base_url}"\n')
    port = free_port()
    home = str(where.config_file.parent)
    server = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "--home", home, "remote", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "KIOSK_HOME": home},
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        with httpx.Client(transport=httpx.HTTPTransport(retries=50)) as client:
            assert client.get(url, timeout=10).status_code == 200  # retried until it listens
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_the_dashboard_in_a_browser_behind_the_staff_pin(remote_view: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.add_init_script(CAPTURE_OUTPUT)
            page.goto(remote_view)
            page.wait_for_function(SHOWS, arg="请输入工作人员PIN", timeout=30_000)
            assert not shows(page, "设备状态")  # nothing before a staff member signs in
            page.focus("textarea.xterm-helper-textarea")  # the terminal takes the keyboard

            _sign_in(page, STAFF_ID, "000000")
            page.wait_for_function(SHOWS, arg="工号或PIN不正确，还可尝试4次", timeout=30_000)
            assert not shows(page, "设备状态")

            page.keyboard.type(STAFF_PIN)  # the ID is kept, the PIN field cleared and focused
            page.keyboard.press("Enter")
            page.wait_for_function(SHOWS, arg="数据库完好，审计记录完整", timeout=30_000)
            for seen in (
                "工作人员 · S007 王五",
                "设备状态",
                "连接正常（",
                "远程查看时不检查",
                "待同步订单：0",
            ):
                assert shows(page, seen), seen
            assert STAFF_PIN not in ANSI.sub("", page.evaluate("window.__screen"))
        finally:
            browser.close()


def _sign_in(page, staff_id: str, pin: str) -> None:
    page.keyboard.type(staff_id)
    page.keyboard.press("Enter")  # on to the PIN
    page.keyboard.type(pin)
    page.keyboard.press("Enter")
