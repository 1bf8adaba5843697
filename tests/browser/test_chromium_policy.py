"""The managed policy the kiosk installs (deploy/chromium/kiosk.json, docs/INSTALL.md), read by
Debian's Chromium as on the kiosk: from /etc/chromium/policies/managed/. The machine's own
/etc/chromium is left alone: Chromium runs in a mount namespace of its own where a copy of it,
with the policy, is mounted over /etc/chromium (root and unshare(1) needed, else skipped).

Every policy is known to this Chromium and in force (chrome://policy says OK), the kiosk's page
works, and any other address is blocked: another server on this machine, the kiosk's own server
by another name, the internet. The copy leaves out DeveloperToolsAvailability: it also shuts the
DevTools protocol Playwright drives Chromium with (a page cannot even be opened), which is the
policy at work, but leaves nothing to test with."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.backend import Hub
from support.browser import CAPTURE_OUTPUT, CHROMIUM, LAUNCH_ARGS, ScreenServer, serving_screen, wait_for_text
from support.paths import ROOT

from kiosk.config.locations import Locations

POLICY = ROOT / "deploy" / "chromium" / "kiosk.json"
KIOSK_URL = "http://127.0.0.1:8765"  # as deploy/systemd/kiosk.service opens it
ETC = Path("/etc/chromium")
UNTESTABLE = {"DeveloperToolsAvailability"}
# Chromium under Playwright, with the copy of /etc/chromium mounted over the real one for it alone.
WRAPPER = """#!/bin/sh
exec unshare -m sh -c 'mount --bind "$0" /etc/chromium && exec /usr/bin/chromium "$@"' {etc} "$@"
"""

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")


@pytest.fixture
def chromium_with_policy(tmp_path: Path, screen_server: ScreenServer) -> Path:
    etc = tmp_path / "etc-chromium"
    if ETC.is_dir():
        shutil.copytree(ETC, etc, symlinks=True)
    (etc / "policies" / "managed").mkdir(parents=True, exist_ok=True)
    policy = {key: value for key, value in json.loads(POLICY.read_text()).items() if key not in UNTESTABLE}
    assert policy["URLAllowlist"] == [KIOSK_URL]
    policy["URLAllowlist"] = [f"http://127.0.0.1:{screen_server.port}"]  # the test's own port
    (etc / "policies" / "managed" / "kiosk.json").write_text(json.dumps(policy))
    probe = subprocess.run(
        [
            "unshare",
            "-m",
            "sh",
            "-c",
            f"mount --bind {etc} {ETC} && test -f {ETC}/policies/managed/kiosk.json",
        ],
        capture_output=True,
        check=False,
    )
    if not ETC.is_dir() or probe.returncode != 0:
        pytest.skip(f"no private mount of {ETC} here: {probe.stderr.decode().strip()}")
    wrapper = tmp_path / "chromium"
    wrapper.write_text(WRAPPER.format(etc=etc))
    wrapper.chmod(0o755)
    return wrapper


@pytest.fixture
def screen_server(where: Locations, hub_for_kiosk: Hub, tmp_path: Path) -> Iterator[ScreenServer]:
    where.config_file.parent.mkdir(parents=True, exist_ok=True)
    where.config_file.write_text(f'backend_url = "{hub_for_kiosk.server.base_url}"\n')
    with serving_screen(where.config_file.parent, tmp_path / "serve-screen.log") as server:
        yield server


def test_the_policy_holds_in_debians_chromium(
    chromium_with_policy: Path, screen_server: ScreenServer, hub_for_kiosk: Hub
) -> None:
    from playwright.sync_api import Error, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium_with_policy), args=LAUNCH_ARGS)
        try:
            kiosk = browser.new_page()
            kiosk.add_init_script(CAPTURE_OUTPUT)
            kiosk.goto(screen_server.url(24))
            wait_for_text(kiosk, "证书新办")  # the page, its script and its WebSocket are allowed

            for elsewhere in (
                hub_for_kiosk.server.base_url + "/",  # another server on this machine
                f"http://localhost:{screen_server.port}/",  # the kiosk's, by another name
                "https://www.exca.org/",  # the CA's site, named on the kiosk's forms
            ):
                page = browser.new_page()
                with pytest.raises(Error, match="ERR_BLOCKED_BY_ADMINISTRATOR"):
                    page.goto(elsewhere)
                page.close()

            statuses = _policy_statuses(browser.new_page())
            for name in json.loads(POLICY.read_text()):
                if name not in UNTESTABLE:
                    assert statuses.get(name) == "OK", (name, statuses)
        finally:
            browser.close()


# Every text of chrome://policy in document order, into its shadow DOM (where its rows are).
TEXTS = """() => {
  const out = [];
  const walk = (node) => {
    if (node.shadowRoot) walk(node.shadowRoot);
    for (const child of node.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) {
        if (child.textContent.trim()) out.push(child.textContent.trim());
      } else walk(child);
    }
  };
  walk(document.body);
  return out;
}"""


def _policy_statuses(page) -> dict[str, str]:
    """chrome://policy as a person reads it: each policy's name and its status (OK, or why not),
    from its row's texts: name, value, source, scope, level, status."""
    page.goto("chrome://policy")
    page.wait_for_function(f"() => ({TEXTS})().includes('URLBlocklist')")
    texts: list[str] = page.evaluate(TEXTS)
    statuses = {}
    for at in range(len(texts) - 5):
        if texts[at + 2 : at + 5] == ["Platform", "Machine", "Mandatory"]:
            statuses[texts[at]] = texts[at + 5]
    return statuses
