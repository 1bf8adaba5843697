"""The app runs the sync as a worker, and the status line on every screen shows the real link
and queue: "离线 · 3 单待同步" while the backend is down, then the queue draining once it is up."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

from support.backend import running_hub
from support.pilot import SIZE, ready, screen_text
from support.sync import queue_order

from kiosk.commands.cli import main
from kiosk.commands.demo import DEMO_KEYS, start_demo_backend
from kiosk.config.settings import KioskSettings
from kiosk.devices.token.softhsm import SoftHsm
from kiosk.screens.staff import StaffScreen
from kiosk.screens.widgets.status_line import describe_connection
from kiosk.store import Store
from kiosk.ui.app import KioskApp


async def _until(app: KioskApp, attribute: str, wanted: object, timeout: float = 30) -> None:
    """Wait for the app's reactive to take a value (the sync's message arriving), not for a time."""
    reached = asyncio.Event()

    def check(value: object) -> None:
        if value == wanted:
            reached.set()

    app.watch(app, attribute, check)
    await asyncio.wait_for(reached.wait(), timeout)


def _dead_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


async def test_the_status_line_shows_the_real_queue_offline_then_online(
    where, store: Store, tmp_path: Path
) -> None:
    orders = [queue_order(store) for _ in range(3)]
    with running_hub(tmp_path / "backend") as hub:
        hub.credentials.save(where.device_credentials)
        backend_url = hub.server.base_url

    # The backend is down: the orders wait, and every screen says so.
    offline = KioskSettings(backend_url=_dead_url())
    app = KioskApp(where=where, settings=offline, store=store)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await _until(app, "backend_online", False)
        assert "离线 · 3 单待同步" in screen_text(app)
        app.language = "en"
        await pilot.pause()
        assert "Offline · 3 waiting to sync" in screen_text(app)
        app.language = "zh"
        app.push_screen(StaffScreen(id="staff"))
        await pilot.pause()
        assert "离线 · 3 单待同步" in screen_text(app)
    assert store.outbox.summary().pending_orders == 3

    # The backend is back (the same one, on a new port): the queue drains while the kiosk runs.
    with running_hub(tmp_path / "backend") as hub:
        hub.credentials.save(where.device_credentials)
        online = KioskSettings(backend_url=hub.server.base_url)
        app = KioskApp(where=where, settings=online, store=store)
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot)
            await _until(app, "queue_depth", 0)
            await _until(app, "backend_online", True)
            await pilot.pause()
            assert "在线 · 无待同步订单" in screen_text(app)
        assert all(store.orders.get(order_id).acknowledged_at for order_id in orders)
    assert backend_url  # the first hub ran on its own port


async def test_a_kiosk_not_enrolled_keeps_its_queue_and_says_so(where, store: Store) -> None:
    queue_order(store)
    app = KioskApp(where=where, settings=KioskSettings(), store=store)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.pause()
        assert app.runtime is not None and app.runtime.sync is None
        assert "未连接后台 · 1 单待同步" in screen_text(app)


def test_the_status_words() -> None:
    assert describe_connection(False, 3) == "离线 · 3 单待同步"
    assert describe_connection(True, 0) == "在线 · 无待同步订单"
    assert describe_connection(None, None) == "未连接后台"
    blocked = describe_connection(True, 2, blocked=1)
    assert blocked == "在线 · 2 单待同步 · 1 单需工作人员处理"
    assert blocked.say("en") == "Online · 2 waiting to sync · 1 need the staff"


async def test_the_demo_starts_the_reference_backend_and_enrols_the_kiosk(where) -> None:
    app = KioskApp(where=where, demo=start_demo_backend)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await _until(app, "backend_online", True)
        demo = app.runtime.demo if app.runtime is not None else None
        assert demo is not None and demo.base_url.startswith("http://127.0.0.1:")
        assert app.settings is not None and app.settings.backend_url == demo.base_url
        await pilot.pause()
        assert "在线 · 无待同步订单" in screen_text(app)
    assert where.device_credentials.stat().st_mode & 0o777 == 0o600
    assert (where.data_dir.parent / "ca-backend" / "backend.sqlite3").exists()

    # The demo's keys wait outside the slot; a person puts one in and takes it out by command
    hsm = SoftHsm(where.data_dir / "softhsm")
    for serial, _ in DEMO_KEYS:
        folder = hsm.folder_of(serial)
        assert folder is not None and folder.parent != hsm.tokens_dir
    serial = DEMO_KEYS[0][0]
    home = ["--home", str(where.data_dir.parent)]
    assert main([*home, "token", "insert", serial]) == 0
    assert hsm.folder_of(serial).parent == hsm.tokens_dir  # type: ignore[union-attr]
    assert main([*home, "token", "insert", serial]) == 1  # already in: said, nothing moved
    assert main([*home, "token", "pull", serial]) == 0
    assert hsm.folder_of(serial).parent != hsm.tokens_dir  # type: ignore[union-attr]
