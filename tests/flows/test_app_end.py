"""An app told to end right after it started (`kiosk serve-screen` ends the app at every page
reload) ends: a sync still being built when the app stopped it does not run on, keeping the
ended app's process alive (it did, about 1 reload in 8 soon after a start, until SIGKILL)."""

from __future__ import annotations

import asyncio
import socket
import threading
from pathlib import Path
from typing import Any

import pytest
from support.backend import running_hub
from support.pilot import SIZE

from kiosk.config.settings import KioskSettings
from kiosk.store import Store
from kiosk.ui.app import KioskApp


async def test_a_sync_built_while_the_app_ends_stops_at_once(
    where, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with running_hub(tmp_path / "backend") as hub:
        hub.credentials.save(where.device_credentials)  # enrolled: the app builds a sync
    with socket.socket() as probe:  # a backend that is down: the sync would wait, then retry
        probe.bind(("127.0.0.1", 0))
        offline = KioskSettings(backend_url=f"http://127.0.0.1:{probe.getsockname()[1]}")

    from kiosk.backend_client import runtime

    real_build = runtime.build_sync_engine
    building, built, returned = threading.Event(), threading.Event(), threading.Event()

    def slow_build(*args: Any, **kwargs: Any) -> Any:
        building.set()
        assert built.wait(30)  # until the test has stopped the sync
        engine = real_build(*args, **kwargs)
        run_forever = engine.run_forever

        def run() -> None:
            run_forever()
            returned.set()

        monkeypatch.setattr(engine, "run_forever", run)
        return engine

    monkeypatch.setattr(runtime, "build_sync_engine", slow_build)
    app = KioskApp(where=where, settings=offline, store=store)
    async with app.run_test(size=SIZE):
        assert await asyncio.to_thread(building.wait, 30)
        app.stop_sync()  # what the app does as it ends (on_unmount), the engine not there yet
        built.set()
        assert await asyncio.to_thread(returned.wait, 10), "the sync ran on after stop_sync"
