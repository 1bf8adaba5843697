"""The systemd units in deploy/systemd are valid (systemd-analyze verify, with no complaint) and
say what docs/INSTALL.md promises: the kiosk restarts after a crash but not after staff leave
it, the sync runs on its own, the remote view listens on this machine only until told otherwise.
The kiosk's own paths exist only on an installed kiosk, so the verified copies run /bin/true."""

from __future__ import annotations

import configparser
import shutil
import subprocess
from pathlib import Path

import pytest
from support.paths import ROOT

UNITS = ROOT / "deploy" / "systemd"
NAMES = ("kiosk.service", "kiosk-sync.service", "kiosk-remote.service")


def _unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(UNITS / name)
    return parser


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_the_units_verify_cleanly(tmp_path: Path) -> None:
    for name in NAMES:
        text = (UNITS / name).read_text()
        runnable = "\n".join(
            "ExecStart=/bin/true" if line.startswith("ExecStart=") else line for line in text.splitlines()
        )
        (tmp_path / name).write_text(runnable + "\n")
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *(str(tmp_path / name) for name in NAMES)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr


def test_the_units_say_what_the_install_guide_promises() -> None:
    kiosk = _unit("kiosk.service")["Service"]
    assert kiosk["Restart"] == "on-failure"  # 退出程序 exits 0: it stays off
    assert kiosk["User"] == "kiosk" and kiosk["ExecStart"].endswith("/kiosk run")
    sync = _unit("kiosk-sync.service")["Service"]
    assert sync["Restart"] == "on-failure" and sync["ExecStart"].endswith("/kiosk sync")
    assert (
        sync["KillSignal"] == "SIGTERM"
    )  # the sync stops cleanly on it (tests/reliability/test_sync_kill.py)
    remote = _unit("kiosk-remote.service")["Service"]
    assert "--host 127.0.0.1" in remote["ExecStart"]
    for name in NAMES:
        assert _unit(name)["Service"]["User"] == "kiosk"
        assert "\nEnvironment=KIOSK_HOME=/var/lib/kiosk\n" in (UNITS / name).read_text()
    guide = (UNITS.parents[1] / "docs" / "INSTALL.md").read_text()
    for name in NAMES:
        assert name in guide
