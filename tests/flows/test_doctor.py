"""`kiosk doctor` and `kiosk audit` as a technician runs them: the real command in a fresh
process, on a kiosk home whose parts are real (the reference backend over HTTP on 127.0.0.1,
SoftHSM, the demo video as the camera, the PDF printer), then with parts broken on purpose."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from support.backend import Hub

from kiosk.config.locations import Locations
from kiosk.services.health import State, check_all
from kiosk.store import Store

PARTS = ("数据存储", "磁盘空间", "文件拍摄仪", "打印机", "证书盘读卡口", "CA服务器", "同步队列")


def kiosk(where: Locations, *args: str) -> subprocess.CompletedProcess[str]:
    home = where.config_file.parent
    return subprocess.run(
        [sys.executable, "-m", "kiosk", "--home", str(home), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def configure(where: Locations, **values: str) -> None:
    where.config_file.parent.mkdir(parents=True, exist_ok=True)
    where.config_file.write_text("".join(f'{key} = "{value}"\n' for key, value in values.items()))


def row_of(output: str, part: str) -> str:
    return next(line for line in output.splitlines() if line.startswith(part))


def test_a_healthy_kiosk_passes_every_check(where: Locations, hub_for_kiosk: Hub, demo_video: Path) -> None:
    configure(where, backend_url=hub_for_kiosk.server.base_url, camera_source=str(demo_video))
    result = kiosk(where, "doctor")
    assert result.returncode == 0, result.stdout + result.stderr
    for part in PARTS:
        assert "正常" in row_of(result.stdout, part), result.stdout
    assert "画面正常（1920×1080）" in result.stdout and "连接正常（" in result.stdout
    assert result.stdout.rstrip().endswith("全部正常")
    english = kiosk(where, "doctor", "--lang", "en")
    assert english.returncode == 0 and "Document camera" in english.stdout and "Connected (" in english.stdout


def test_a_broken_part_fails_the_doctor_and_is_named(
    where: Locations, hub_for_kiosk: Hub, tmp_path: Path
) -> None:
    """No backend on the port, no video where the camera should be: exit 1, both named, with
    what a technician needs (the address tried)."""
    configure(where, backend_url="http://127.0.0.1:9", camera_source=str(tmp_path / "no-such.mp4"))
    result = kiosk(where, "doctor")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "故障" in row_of(result.stdout, "CA服务器") and "故障" in row_of(result.stdout, "文件拍摄仪")
    assert "正常" in row_of(result.stdout, "打印机")
    assert "CA服务器: http://127.0.0.1:9: Offline" in result.stdout
    assert result.stdout.rstrip().endswith("有部件故障")


def test_bad_settings_stop_the_doctor_with_exit_2(where: Locations) -> None:
    configure(where, idle_timeout_s="soon")
    result = kiosk(where, "doctor")
    assert result.returncode == 2 and "idle_timeout_s" in result.stderr


def test_audit_verify_finds_a_changed_record(where: Locations) -> None:
    store = Store.open(where.data_dir, where.key_file)
    for action in ("sign_in", "printer_test", "exit"):
        store.audit_trail.append("staff", action)
    store.close()
    intact = kiosk(where, "audit", "verify")
    assert intact.returncode == 0 and "intact: 3 records" in intact.stdout
    shown = kiosk(where, "audit", "show")
    assert [line.split()[3] for line in shown.stdout.splitlines()] == ["sign_in", "printer_test", "exit"]

    with sqlite3.connect(where.database) as conn:  # someone edits the database by hand
        conn.execute("update audit set action = 'nothing' where seq = 2")
    changed = kiosk(where, "audit", "verify")
    assert changed.returncode == 1
    assert "Audit record 2 was changed or removed" in changed.stdout


def test_health_is_plain_python_and_never_hangs_on_a_part(
    where: Locations, settings, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The dashboard and a script call it directly; a part that does not answer is reported as
    such when the deadline passes, and the others are still checked."""
    import threading

    import kiosk.services.health as health

    never = threading.Event()
    monkeypatch.setattr(health, "CHECK_DEADLINE_S", 0.5)
    monkeypatch.setattr(health, "check_camera", lambda *_: never.wait() and None)  # a driver that hangs
    report = check_all(settings.model_copy(update={"backend_url": "http://127.0.0.1:9"}), where, store)
    camera = next(part for part in report.parts if part.part == "文件拍摄仪")
    assert camera.state is State.FAILED and camera.summary == "检查超时，设备没有响应"
    assert next(part for part in report.parts if part.part == "数据存储").state is State.OK
    never.set()
