"""The systemd units in deploy/systemd are valid (systemd-analyze verify, with no complaint) and
say what docs/INSTALL.md promises: the touch screen is cage (without -s, which would allow VT
switching) showing Chromium in kiosk mode with the lockdown switches, on the page `kiosk
serve-screen` serves on this machine, started once it listens and stopped with it (staff leaving
leave it off; a crash comes back); the sync runs on its own; the remote view listens on this
machine only until told otherwise; the managed Chromium policy allows the kiosk's page alone.
The kiosk's own paths exist only on an installed kiosk, so the verified copies run /bin/true.
(That the policy holds in Debian's Chromium: tests/browser/test_chromium_policy.py.)"""

from __future__ import annotations

import configparser
import json
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from support.paths import ROOT

UNITS = ROOT / "deploy" / "systemd"
NAMES = ("kiosk.service", "kiosk-screen.service", "kiosk-sync.service", "kiosk-remote.service")
RUNS_THE_KIOSK = ("kiosk-screen.service", "kiosk-sync.service", "kiosk-remote.service")
POLICY = ROOT / "deploy" / "chromium" / "kiosk.json"
GUIDE = ROOT / "docs" / "INSTALL.md"
# The switches the screen needs (docs/INSTALL.md): each is one Debian's Chromium has.
LOCKDOWN = (
    "--kiosk",
    "--incognito",
    "--noerrdialogs",
    "--disable-pinch",
    "--overscroll-history-navigation=0",
    "--disable-features=Translate,TouchDragAndContextMenu",
    "--deny-permission-prompts",
    "--disable-print-preview",
)


def _unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(_joined(name))
    return parser


def _joined(name: str) -> str:
    """The unit's text with each line continued by a backslash joined to the next, as systemd reads it."""
    return re.sub(r"\\\n\s*", " ", (UNITS / name).read_text())


def _exec_start(name: str) -> list[str]:
    return shlex.split(_unit(name)["Service"]["ExecStart"])


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_the_units_verify_cleanly(tmp_path: Path) -> None:
    for name in NAMES:
        runnable = "\n".join(
            "ExecStart=/bin/true" if line.startswith("ExecStart=") else line
            for line in _joined(name).splitlines()
        )
        (tmp_path / name).write_text(runnable + "\n")
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *(str(tmp_path / name) for name in NAMES)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr


def test_the_screen_is_chromium_under_cage_on_the_served_page() -> None:
    screen = _unit("kiosk.service")
    command = _exec_start("kiosk.service")
    cage_options, chromium = command[1 : command.index("--")], command[command.index("--") + 1 :]
    assert command[0] == "/usr/bin/cage" and "-s" not in cage_options  # -s would allow VT switching
    assert chromium[0] == "/usr/bin/chromium"
    assert set(LOCKDOWN) <= set(chromium), set(LOCKDOWN) - set(chromium)
    url = chromium[-1]
    assert url == "http://127.0.0.1:8765/?fontsize=24"
    assert screen["Service"]["Restart"] == "always"  # Chromium or cage closed some other way
    assert screen["Service"]["PAMName"] == "login" and screen["Service"]["TTYPath"] == "/dev/tty1"
    # Started once serve-screen listens, stopped when it stops (staff left the kiosk).
    assert screen["Unit"]["BindsTo"] == "kiosk-screen.service"
    assert "kiosk-screen.service" in screen["Unit"]["After"].split()

    served = _unit("kiosk-screen.service")["Service"]
    assert served["Type"] == "notify"  # READY=1 once the port is open
    assert served["Restart"] == "on-failure"  # 退出程序 exits 0: it stays off
    assert served["KillMode"] == "mixed"  # SIGTERM to serve-screen, which ends the live app itself
    assert _exec_start("kiosk-screen.service") == [
        "/opt/kiosk/.venv/bin/kiosk",
        "serve-screen",
        "--host",
        "127.0.0.1",
        "--port",
        "8765",
    ]
    assert url.startswith(json.loads(POLICY.read_text())["URLAllowlist"][0] + "/")


def test_the_units_say_what_the_install_guide_promises() -> None:
    sync = _unit("kiosk-sync.service")["Service"]
    assert sync["Restart"] == "on-failure" and sync["ExecStart"].endswith("/kiosk sync")
    assert (
        sync["KillSignal"] == "SIGTERM"
    )  # the sync stops cleanly on it (tests/reliability/test_sync_kill.py)
    remote = _unit("kiosk-remote.service")["Service"]
    assert "--host 127.0.0.1" in remote["ExecStart"]
    for name in NAMES:
        assert _unit(name)["Service"]["User"] == "kiosk"
        # %U in a system unit is the service manager's UID (0), not User='s.
        assert not any("%U" in line for line in _joined(name).splitlines() if not line.startswith("#"))
    for name in RUNS_THE_KIOSK:
        assert "\nEnvironment=KIOSK_HOME=/var/lib/kiosk\n" in (UNITS / name).read_text()
    guide = GUIDE.read_text()
    for name in NAMES:
        assert name in guide
    for promised in (
        "deploy/chromium/kiosk.json",
        "/etc/chromium/policies/managed/kiosk.json",
        "fonts-noto-cjk",
        "?fontsize=24",
        "?fontsize=18",
    ):
        assert promised in guide, promised


def test_the_policy_allows_the_kiosks_page_alone() -> None:
    policy = json.loads(POLICY.read_text())
    assert policy["URLBlocklist"] == ["*"] and policy["URLAllowlist"] == ["http://127.0.0.1:8765"]
    assert policy["DownloadRestrictions"] == 3 and policy["DeveloperToolsAvailability"] == 2
    assert policy["PrintingEnabled"] is False and policy["DefaultPopupsSetting"] == 2
    assert policy["VideoCaptureAllowed"] is False  # the camera is the kiosk app's, never the page's
