"""Runs the tests behind the reliability figures once and writes docs/RELIABILITY.md from what
they recorded: each test's outcome and the figures it kept with the `figure` fixture (JUnit
properties `figure.NAME`). Run it with `.venv/bin/python scripts/reliability_report.py` or
`make reliability` (about three minutes); it prints each section as it goes.

The same tests run in CI (`.ci/run`), where their assertions hold the figures to what the
document says: nothing lost, nothing doubled, the key usable, the store intact."""

from __future__ import annotations

import contextlib
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from xml.etree import ElementTree

ROOT = Path(__file__).resolve().parents[1]
DOCUMENT = ROOT / "docs" / "RELIABILITY.md"


@dataclass(frozen=True)
class Case:
    file: str
    name: str
    outcome: str  # passed, failed, skipped
    seconds: float
    figures: dict[str, str] = field(default_factory=dict)

    @property
    def function(self) -> str:
        return self.name.split("[", 1)[0]

    @property
    def parameters(self) -> str:
        """The parametrisation's id as a person reads it: pytest writes non-ASCII as escapes."""
        if "[" not in self.name:
            return ""
        raw = self.name.split("[", 1)[1].removesuffix("]")
        with contextlib.suppress(UnicodeDecodeError):
            raw = raw.encode("latin-1", "backslashreplace").decode("unicode_escape")
        shown = "".join(ch if ch.isprintable() else "·" for ch in raw)
        return shown if len(shown) <= 70 else shown[:69] + "…"

    @property
    def sentence(self) -> str:
        """The test's name read as the sentence it is."""
        words = self.function.removeprefix("test_").replace("_", " ")
        return f"{words} ({self.parameters})" if self.parameters else words


@dataclass(frozen=True)
class Section:
    title: str
    files: tuple[str, ...]  # whole files, or single tests as "file::function"
    explains: str

    def holds(self, case: Case) -> bool:
        return case.file in self.files or f"{case.file}::{case.function}" in self.files

    @property
    def file_names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(name.split("::", 1)[0] for name in self.files))


SECTIONS = (
    Section(
        "The sync killed at random points",
        ("tests/reliability/test_sync_kill.py",),
        "`kiosk sync` is started as its own process on a store of queued orders (each one order,"
        " five images and a submission) and killed with SIGKILL at a random moment, trial after"
        " trial, against the reference backend over loopback HTTP. Then one clean pass drains the"
        " rest, and the backend is asked for every order: each must be there exactly once, with"
        " all its images, and SQLite's integrity_check must pass.",
    ),
    Section(
        "Faults injected between the kiosk and the backend",
        ("tests/reliability/test_sync_faults.py",),
        "A proxy on loopback (tests/support/fault_proxy.py) breaks requests at random: 503 with"
        " Retry-After before the backend sees them (error_503); 500 after the backend acted"
        " (error_500_after); the connection dropped before the backend sees them (drop_before) or"
        " after it acted, the answer lost (drop_after); the answer later than the kiosk waits"
        " (timeout) or late but in time (slow); an answer that is not the contract's JSON after"
        " the backend acted (garbage). The sync runs until the queue is empty; every order must"
        " reach the backend exactly once. The figures count requests by what the proxy did.",
    ),
    Section(
        "The key pulled out at each step of a renewal",
        ("tests/reliability/test_token_pullout.py",),
        "A renewal on a SoftHSM token is interrupted before each of its steps, two ways: the"
        " session closed under it, or a PKCS#11 call failing as a removed device does. After"
        " each pull the key must sign with a pair it holds, the next PIN check must finish or roll"
        " back what was cut, and the next renewal must end with exactly one pair and certificate.",
    ),
    Section(
        "Printer failures",
        ("tests/devices/test_printer.py", "tests/flows/test_print_screen.py"),
        "A private cupsd with real filters and PPD (tests/support/cups.py) and the PDF spool: out"
        " of paper, jammed, offline, a stopped or refusing queue, a missing queue, cupsd not"
        " running. Each must be told apart in plain words, keep the form, and print it once fixed.",
    ),
    Section(
        "Camera failures and bad pictures",
        ("tests/flows/test_capture_screen.py", "tests/devices/test_camera.py"),
        "OpenCV on generated video and pictures: no camera, a camera that stops, blur, glare, a"
        " missing seal, a page cut off, corrupt or wrong files imported. Each gets its instruction"
        " and nothing captured before is lost.",
    ),
    Section(
        "The disk full while capturing",
        ("tests/reliability/test_disk_full.py",),
        "The kiosk's home on an 8 MB tmpfs mounted for the test, filled while a subscriber"
        " captures pages. The write is refused whole (`StorageFull`), the screen says 本机存储空间已满"
        " (English when switched), every page taken before stays readable, SQLite's"
        " integrity_check passes, and the page on the desk is taken once room is made.",
    ),
    Section(
        "Security checks",
        (
            "tests/flows/test_flows.py::test_new_certificate_by_mail_from_home_to_tracking_number",
            "tests/flows/test_flows_key.py::test_renewal_from_an_expiring_key_to_the_new_certificate_on_it",
            "tests/flows/test_flows_key.py::test_a_self_service_key_is_unlocked_with_a_new_pin_even_when_the_report_was_lost",
            "tests/unit/test_store.py::test_raw_store_holds_no_personal_field_in_clear",
            "tests/unit/test_store.py::test_attachment_files_are_named_by_sha256_and_sealed",
            "tests/unit/test_store.py::test_purge_removes_personal_fields_and_images",
            "tests/unit/test_store.py::test_key_file_is_private_and_outside_the_database",
            "tests/unit/test_store.py::test_an_audit_record_rewritten_with_a_plain_hash_chain_is_found",
            "tests/flows/test_idle_wipe.py",
            "tests/flows/test_app.py::test_idle_countdown_then_wipe_and_home",
            "tests/flows/test_app.py::test_quit_and_suspend_keys_do_nothing",
            "tests/flows/test_app.py::test_only_staff_can_exit",
            "tests/flows/test_app.py::test_staff_wrong_pin_then_lockout",
            "tests/flows/test_staff.py::test_the_lockout_outlasts_a_restart",
            "tests/backend/test_backend_auth.py",
            "tests/backend/test_backend_orders.py::test_another_subscribers_order_answers_404",
            "tests/backend/test_backend_orders.py::test_an_expired_session_answers_401",
            "tests/backend/test_backend_unlock.py::test_a_grant_for_another_serial_is_refused",
            "tests/backend/test_backend_unlock.py::test_an_expired_grant_is_refused",
            "tests/backend/test_backend_subscribers.py::test_phones_are_not_stored_in_clear",
        ),
        "After a whole 证书新办 by mail, a renewal with a wrong and then the right PIN, and an unlock"
        " with new PINs, every file under the kiosk's data and log folders (database, WAL,"
        " attachments) and everything logged (Python logging at DEBUG, httpx's included, and the"
        " app's own log calls) is searched for each personal field and PIN, as UTF-8, JSON escapes"
        " and UTF-16 (tests/support/clear_text.py). The idle wipe leaves no draft, image, screen or input"
        " of the visit alive. Quit and suspend keys do nothing; five wrong staff PINs lock entry,"
        " across a restart. The backend refuses a request without device credentials, a forged,"
        " replayed, stale or altered one, another subscriber's order, an expired session, an"
        " expired unlock grant and a grant for another key.",
    ),
    Section(
        "Bad input everywhere",
        (
            "tests/reliability/test_hostile_input.py",
            "tests/reliability/test_hostile_answers.py",
            "tests/reliability/test_backend_fuzz.py",
        ),
        "Hypothesis feeds every form field very long text, control and invisible characters, mixed"
        " scripts, emoji, markup and format placeholders: every refusal is a short sentence in both"
        " languages, whatever is accepted prints on every form of its business, and at the kiosk's"
        " information step nothing typed is lost and each problem is said at its field. A scripted"
        " server on loopback answers each of the kiosk's calls with hostile statuses, bodies and"
        " headers: every answer is the contract's model or an error a person can read."
        " Schemathesis sends the backend requests drawn from its OpenAPI document: no server error.",
    ),
    Section(
        "Chinese and English complete",
        (
            "tests/unit/test_i18n.py",
            "tests/flows/test_english_walk.py",
            "tests/unit/test_catalog.py::test_every_text_of_the_shipped_catalog_has_english",
        ),
        "Every text in the code has its English and keeps its placeholders; the shipped catalog"
        " has English for every name; a subscriber who chose English walks a whole 证书新办 and"
        " reads no Chinese the kiosk wrote (their own data and the hall's name aside).",
    ),
)


NOT_COVERED = [
    "## Not measured here",
    "",
    "- A real power cut. The store commits with `synchronous=FULL` in WAL mode and writes images",
    "  with fsync and an atomic rename, so a committed order should survive one; the kill trials",
    "  above cut the process, not the power.",
    "- A real USB key pulled by hand: SoftHSM stands in for it, and the pull is made by closing",
    "  the session or failing the call the way a removed device fails it.",
    "- A physical printer's own faults beyond what CUPS reports (IPP printer-state-reasons).",
    "",
]


def run_tests(files: Iterable[str]) -> tuple[list[Case], float]:
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "junit.xml"
        started = time.monotonic()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                f"--junitxml={report}",
                "-o",
                "junit_family=xunit1",
                *files,
            ],
            cwd=ROOT,
            check=False,
            stdout=subprocess.DEVNULL,
        )
        took = time.monotonic() - started
        return read_junit(report), took


def read_junit(report: Path) -> list[Case]:
    cases = []
    for element in ElementTree.parse(report).iter("testcase"):
        outcome = "passed"
        if element.find("failure") is not None or element.find("error") is not None:
            outcome = "failed"
        elif element.find("skipped") is not None:
            outcome = "skipped"
        figures = {
            prop.get("name", "").removeprefix("figure."): prop.get("value", "")
            for prop in element.iter("property")
            if prop.get("name", "").startswith("figure.")
        }
        file = element.get("file", "")
        if not file.startswith("tests/"):  # schemathesis's cases name its own module as their file
            file = element.get("classname", "").replace(".", "/") + ".py"
        cases.append(
            Case(
                file=file,
                name=element.get("name", ""),
                outcome=outcome,
                seconds=float(element.get("time", "0")),
                figures=figures,
            )
        )
    return cases


def in_section(cases: list[Case], section: Section) -> list[Case]:
    return [case for case in cases if section.holds(case)]


def figures_table(case: Case) -> list[str]:
    rows = ["| figure | value |", "|---|---|"]
    rows += [f"| {name} | {value} |" for name, value in case.figures.items()]
    return rows


def outcome_table(cases: list[Case]) -> list[str]:
    rows = ["| test | result | s |", "|---|---|---|"]
    rows += [f"| {case.sentence} | {case.outcome} | {case.seconds:.1f} |" for case in cases]
    return rows


def pullout_table(cases: list[Case]) -> list[str]:
    """Step x way of pulling, from the parametrised test's ids ("step-how")."""
    pulled = [case for case in cases if case.function.startswith("test_key_pulled_out")]
    usable = sum(case.outcome == "passed" for case in pulled)
    rows = [
        f"**Usable afterwards: {usable} of {len(pulled)}** (each step, both ways).",
        "",
        "| pulled before | way | found at the next PIN check | key usable, renewal then completes once |",
        "|---|---|---|---|",
    ]
    for case in pulled:
        step, _, how = case.parameters.partition("-")
        how, step = (step, how) if step in ("close_session", "fail_call") else (how, step)
        result = "yes" if case.outcome == "passed" else f"**{case.outcome}**"
        rows.append(f"| {step} | {how} | {case.figures.get('recovery', '?')} | {result} |")
    return rows


def section_text(section: Section, cases: list[Case]) -> list[str]:
    mine = in_section(cases, section)
    passed = sum(case.outcome == "passed" for case in mine)
    lines = [
        f"## {section.title}",
        "",
        section.explains,
        "",
        f"Tests in {', '.join(f'`{name}`' for name in section.file_names)}: {passed} of {len(mine)} passed.",
        "",
    ]
    with_figures = [case for case in mine if case.figures and not case.function.startswith("test_key_pulled")]
    for case in with_figures:
        lines += [f"`{case.function}`:", "", *figures_table(case), ""]
    if section.files == ("tests/reliability/test_token_pullout.py",):
        lines += [*pullout_table(mine), ""]
        mine = [case for case in mine if not case.function.startswith("test_key_pulled_out")]
    lines += [*outcome_table(mine), ""]
    return lines


def main() -> int:
    files = list(dict.fromkeys(name for section in SECTIONS for name in section.files))
    cases, took = run_tests(files)
    if not cases:
        print("no test results: did pytest run?", file=sys.stderr)
        return 1
    failed = [case for case in cases if case.outcome == "failed"]
    measured = (
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC in {took:.0f} s on {os.cpu_count()} cores,"
        f" Python {platform.python_version()}, {platform.platform()}; commit {_commit()}."
    )
    lines = [
        "# Reliability",
        "",
        "What the kiosk holds up to, from one run of the tests below. This document is written by",
        "`.venv/bin/python scripts/reliability_report.py` (or `make reliability`); CI runs the same",
        "tests in `.ci/run`, and their assertions hold every figure here (nothing lost, nothing",
        "doubled, the key usable, the store intact), so a change that breaks one fails CI.",
        "",
        measured,
        "",
        f"**{len(cases) - len(failed)} of {len(cases)} tests passed.**"
        + (f" Failed: {', '.join(case.name for case in failed)}." if failed else ""),
        "",
    ]
    for section in SECTIONS:
        text = section_text(section, cases)
        print("\n".join(text[:1] + text[4:5]), flush=True)
        lines += text
    lines += NOT_COVERED
    DOCUMENT.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")
    print(DOCUMENT)
    return 1 if failed else 0


def _commit() -> str:
    done = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    dirty = subprocess.run(  # the proof documents do not count: this run writes them
        ["git", "status", "--porcelain", "--", ".", ":!docs/RELIABILITY.md", ":!docs/PERFORMANCE.md"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() + (" (with uncommitted changes)" if dirty.stdout.strip() else "")


if __name__ == "__main__":
    sys.exit(main())
