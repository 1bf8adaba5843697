"""The layers hold: import-linter's contracts (pyproject.toml, `[tool.importlinter]`) pass on the
code as it is, and each one fails when an import it forbids is planted in a copy of the code:
a screen-free layer importing Textual, a service reaching up into the UI, the reference backend
reaching into the kiosk past its core, a kiosk layer importing the backend, and an import
circle hidden in a function. `make test` runs the same contracts before the tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support.paths import ROOT

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint(tree: Path) -> subprocess.CompletedProcess[str]:
    """lint-imports on `tree`, with its packages found there first (not the installed ones)."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(tree / "pyproject.toml"), "--no-cache"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def code_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tree = tmp_path_factory.mktemp("code")
    for package in ("kiosk", "ca_backend"):
        shutil.copytree(ROOT / package, tree / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    return tree


def test_the_code_keeps_every_contract() -> None:
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout


@pytest.mark.parametrize(
    ("module", "planted", "contract"),
    [
        ("kiosk/core/planted.py", "import textual\n", "Below the UI nothing imports Textual"),
        (
            "kiosk/services/planted.py",
            "def later() -> None:\n    from kiosk.ui import app  # noqa\n",
            "The kiosk's layers: each imports only those below it",
        ),
        (
            "ca_backend/planted.py",
            "from kiosk.store import Store  # noqa\n",
            "The reference backend shares only kiosk.core with the kiosk",
        ),
        (
            "kiosk/devices/planted.py",
            "import ca_backend.backend  # noqa\n",
            "Only the commands import the reference backend",
        ),
        (
            "kiosk/core/domain/planted.py",
            "import kiosk.core.domain.businesses  # noqa\n"
            "def circle() -> None:\n    import kiosk.core.domain.planted_back  # noqa\n",
            "No import circles",
        ),
    ],
    ids=["textual-below-ui", "service-up-to-ui", "backend-into-store", "device-into-backend", "circle"],
)
def test_a_planted_forbidden_import_breaks_its_contract(
    code_copy: Path, module: str, planted: str, contract: str
) -> None:
    path = code_copy / module
    extra = code_copy / "kiosk/core/domain/planted_back.py"
    path.write_text(planted)
    if "planted_back" in planted:  # the other half of the circle
        extra.write_text("def back() -> None:\n    import kiosk.core.domain.planted  # noqa\n")
    try:
        result = lint(code_copy)
    finally:
        path.unlink()
        extra.unlink(missing_ok=True)
    assert result.returncode != 0, result.stdout
    broken = [line for line in result.stdout.splitlines() if line.rstrip().endswith("BROKEN")]
    assert any(line.startswith(contract[:40]) for line in broken), result.stdout
    assert len(broken) >= 1
