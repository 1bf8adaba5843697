"""The domain, the store, the devices and the backend client never import Textual: a script
or the reference backend can use them without a terminal UI. Each is imported in a fresh
interpreter, which then reports whether textual came along."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import kiosk

CORE_PACKAGES = ["kiosk.core.domain", "kiosk.store", "kiosk.devices", "kiosk.backend_client", "ca_backend"]
CORE_MODULES = [
    "kiosk.core.i18n",
    "kiosk.services.idle",
    "kiosk.services.session",
    "kiosk.services.staff_auth",
    "kiosk.config.locations",
    "kiosk.config.settings",
    "kiosk.core.contract",
    "kiosk.commands.demo",
    "kiosk.commands.token",
    "kiosk.services.journey",
    "kiosk.services.order_list",
    "kiosk.services.key_check",
    "kiosk.services.key_slot",
    "kiosk.services.health",
    "kiosk.commands.doctor",
    "kiosk.commands.cli",
    "kiosk.ui.memory",
]


def _modules_of(package: str) -> list[str]:
    module = __import__(package, fromlist=["__path__"])
    return [package] + [info.name for info in pkgutil.walk_packages(module.__path__, prefix=f"{package}.")]


ALL_CORE = sorted({name for package in CORE_PACKAGES for name in _modules_of(package)} | set(CORE_MODULES))


@pytest.mark.parametrize("module", ALL_CORE)
def test_core_module_does_not_import_textual(module: str) -> None:
    probe = f"import sys, {module}; print('textual' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False", f"{module} pulls in textual"


def test_the_probe_would_notice_textual() -> None:
    probe = "import sys, kiosk.ui.app; print('textual' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "True"


def test_the_app_does_not_load_heavy_modules_before_first_paint() -> None:
    """cv2, reportlab, pkcs11, pydantic and sqlite_utils load after the home screen shows."""
    heavy = ["cv2", "reportlab", "pkcs11", "pydantic", "sqlite_utils"]
    probe = f"import sys, kiosk.ui.app; print([m for m in {heavy!r} if m in sys.modules])"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
    assert kiosk.__version__


def test_the_kiosk_limits_malloc_arenas_on_glibc() -> None:
    """bench/memory.py measured 25 MB of RSS held in idle per-thread arenas while previewing."""
    from kiosk.ui.memory import limit_malloc_arenas

    assert limit_malloc_arenas() is True
