"""What the app loads before its first paint, and the kiosk's memory habits. Which layer may
import what (Textual only in the UI, the reference backend only from the commands) is checked by
import-linter's contracts: tests/unit/test_layers.py."""

from __future__ import annotations

import subprocess
import sys

import kiosk


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
