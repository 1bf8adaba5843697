from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from support.backend import Hub, running_hub
from support.cups import Cupsd
from support.figures import Figure
from support.softhsm import Slot, open_slot

from kiosk.config.locations import Locations, locations
from kiosk.config.settings import KioskSettings
from kiosk.store import Store


class FakeClock:
    """A monotonic clock the test moves by hand, so idle timeouts need no sleeping."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test touches the real kiosk's files or picks up a developer's KIOSK_* settings."""
    import os

    for name in list(os.environ):
        if name.startswith("KIOSK_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("KIOSK_HOME", str(tmp_path / "kiosk-home"))


@pytest.fixture
def figure(record_property: Callable[[str, object], None]) -> Figure:
    """A measured figure for docs/RELIABILITY.md: kept as a JUnit property `figure.NAME`, which
    scripts/reliability_report.py reads back from the run, and printed for a person."""

    def record(name: str, value: object) -> None:
        record_property(f"figure.{name}", value)
        print(f"{name}={value}")

    return record


@pytest.fixture
def everything_logged(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every line the kiosk logs during the test: Python logging at DEBUG from every logger
    (httpx's and the sync's included) and the Textual app's own `log` calls, which a
    deployment may send to devtools or a file."""
    import logging

    from kiosk.ui.app import KioskApp

    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    def app_log(
        self: KioskApp, group: object, verbosity: object, frame: object, *objects: object, **kw: object
    ) -> None:
        lines.append(" ".join([*map(str, objects), *(f"{key}={value}" for key, value in kw.items())]))

    handler = Keep(logging.DEBUG)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    monkeypatch.setattr(KioskApp, "_log", app_log)
    try:
        yield lines
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


@pytest.fixture
def where(tmp_path: Path) -> Locations:
    return locations(tmp_path / "kiosk-home")


@pytest.fixture
def store(where: Locations) -> Iterator[Store]:
    opened = Store.open(where.data_dir, where.key_file)
    yield opened
    opened.close()


@pytest.fixture
def settings() -> KioskSettings:
    return KioskSettings(idle_timeout_s=120, idle_countdown_s=15)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Hub]:
    """The reference backend on a free loopback port, with one enrolled kiosk."""
    with running_hub(tmp_path / "backend") as running:
        yield running


@pytest.fixture
def hub_for_kiosk(tmp_path: Path, where: Locations) -> Iterator[Hub]:
    """A running backend this test's kiosk is enrolled with (its credentials in the kiosk's home)."""
    with running_hub(tmp_path / "backend") as hub:
        hub.credentials.save(where.device_credentials)
        yield hub


@pytest.fixture
def hub_quick_sms(tmp_path: Path, where: Locations) -> Iterator[Hub]:
    """As hub_for_kiosk, and one phone may sign in again at once: the test made the subscriber's
    earlier orders in a visit of its own, and the SMS resend wait would only slow it down."""
    with running_hub(tmp_path / "backend", sms_resend_after_s=0) as hub:
        hub.credentials.save(where.device_credentials)
        yield hub


@pytest.fixture(scope="session")
def demo_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo camera's generated video (about 3 s to make), made once for the whole run."""
    from kiosk.devices.camera.synthetic import write_demo_video

    return write_demo_video(tmp_path_factory.mktemp("camera") / "demo.mp4")


@pytest.fixture
def slot(tmp_path: Path) -> Iterator[Slot]:
    """A SoftHSM folder of its own, the module pointed at it, and the reference CA."""
    opened = open_slot(tmp_path)
    yield opened
    opened.module.flags_overlay = None


@pytest.fixture(scope="session")
def cupsd() -> Iterator[Cupsd]:
    """A private real cupsd for the printing tests (tests/support/cups.py)."""
    server = Cupsd()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def queues(cupsd: Cupsd) -> Iterator[Cupsd]:
    """cupsd with both queues enabled, accepting and empty after the test, the test printer healthy."""
    yield cupsd
    cupsd.set_fault(None)
    for queue in ("kiosk", "faulty"):
        cupsd.admin("cancel", "-a", queue)
        cupsd.admin("cupsenable", queue)
        cupsd.admin("cupsaccept", queue)
