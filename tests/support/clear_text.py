"""Looking for personal data and PINs where they must never be in clear: every file under the
kiosk's data folder (the SQLite database with its WAL and shared-memory files, the sealed
attachments, anything else written there) and its log folder, and every line the kiosk logged
(Python logging, httpx's included, and the Textual app's own log calls).

The PDF spool is left out: it is the demo's stand-in for paper, and a printed application
form carries the subscriber's details by design (a real kiosk prints through CUPS)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path

from kiosk.config.locations import Locations
from kiosk.core.domain.forms import SECTION_FIELDS

PAPER = "print-spool"


def personal_values(form: Mapping[str, Mapping[str, str]]) -> list[str]:
    """The values of the form's personal fields (names, ID numbers, phones, addresses ...)."""
    personal = {
        (section.value, spec.key)
        for section, specs in SECTION_FIELDS.items()
        for spec in specs
        if spec.personal
    }
    return [
        value
        for section, values in form.items()
        for key, value in values.items()
        if value and (str(section), key) in personal
    ]


def spellings(secret: str) -> set[bytes]:
    """The ways a value could sit in a file: UTF-8, JSON's ASCII escapes, and UTF-16 (SQLite
    can store it) for values long enough not to turn up in random bytes by chance."""
    found = {secret.encode(), json.dumps(secret)[1:-1].encode()}
    if len(secret) >= 4:
        found.add(secret.encode("utf-16-le"))
    return found


def files_of(where: Locations) -> list[Path]:
    found = []
    for folder in (where.data_dir, where.log_dir):
        if folder.exists():
            found += [
                path
                for path in folder.rglob("*")
                if path.is_file() and PAPER not in path.relative_to(folder).parts
            ]
    return found


def assert_nothing_in_clear(where: Locations, secrets: Iterable[str], logged: list[str]) -> int:
    """Fails naming the secret and where it was found; returns how many places were searched."""
    secrets = sorted({secret for secret in secrets if len(secret) >= 2})
    assert secrets, "nothing to look for"
    files = files_of(where)
    assert any(path.suffix == ".sealed" for path in files), "no attachment was written: a sweep of nothing"
    for path in files:
        data = path.read_bytes()
        for secret in secrets:
            for spelling in spellings(secret):
                assert spelling not in data, f"{secret!r} in clear in {path}"
    log_text = "\n".join(logged)
    assert logged, "nothing was logged: the capture is not working"
    for secret in secrets:
        assert secret not in log_text and json.dumps(secret)[1:-1] not in log_text, f"{secret!r} logged"
    return len(files) + len(logged)
