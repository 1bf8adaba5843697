"""The type of the `figure` fixture (conftest.py): a test's measured figure for the proof
documents, recorded as a JUnit property `figure.NAME` that scripts/reliability_report.py reads."""

from __future__ import annotations

from collections.abc import Callable

Figure = Callable[[str, object], None]
