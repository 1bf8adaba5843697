"""docs/RELIABILITY.md and docs/PERFORMANCE.md are written by the commands they name, from
tests and bench scripts that exist; the last run they record had no failure."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from support.paths import ROOT

sys.path.insert(0, str(ROOT / "scripts"))

import reliability_report


def test_reliability_names_its_command_and_its_tests_all_passed() -> None:
    text = (ROOT / "docs" / "RELIABILITY.md").read_text(encoding="utf-8")
    assert "scripts/reliability_report.py" in text
    for section in reliability_report.SECTIONS:
        assert f"## {section.title}" in text
        for name in section.file_names:
            assert (ROOT / name).is_file(), name
    passed, total = map(int, re.search(r"\*\*(\d+) of (\d+) tests passed\.\*\*", text).groups())  # type: ignore[union-attr]
    assert passed == total > 0
    assert "| lost | 0 |" in text and "| doubled | 0 |" in text
    assert "| disk_full_integrity_check | ok |" in text


def test_performance_names_its_command_and_every_bench_script() -> None:
    text = (ROOT / "docs" / "PERFORMANCE.md").read_text(encoding="utf-8")
    assert "scripts/performance_report.py" in text
    for script in sorted((ROOT / "bench").glob("[!_]*.py")):
        assert f"`bench/{script.name}`" in text, script.name
    assert "FAILED" not in text


def test_junit_figures_are_read_back(tmp_path: Path) -> None:
    report = tmp_path / "junit.xml"
    report.write_text(
        '<testsuites><testsuite><testcase file="tests/test_x.py" name="test_a_b[x-\\u6253]" time="1.5">'
        '<properties><property name="figure.lost" value="0"/></properties></testcase>'
        '<testcase file="tests/test_x.py" name="test_c" time="0"><failure message="no"/></testcase>'
        "</testsuite></testsuites>",
        encoding="utf-8",
    )
    first, second = reliability_report.read_junit(report)
    assert (first.outcome, first.figures, first.sentence) == ("passed", {"lost": "0"}, "a b (x-打)")
    assert second.outcome == "failed"
