"""Every text a person can see exists in Chinese and in English.

The English catalogue (kiosk/core/locale/en/LC_MESSAGES/kiosk.po) is the truth, and it says
exactly what the code says: the texts are extracted from the code as `make messages` does it
(babel.cfg), and compared with the committed template, the .po and the compiled .mo.
"""

from __future__ import annotations

import collections
import inspect
import string
from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import denormalize, read_po
from support.paths import ROOT

from kiosk.core.domain import validators
from kiosk.core.domain.forms import SECTION_FIELDS
from kiosk.core.i18n import DOMAIN, LOCALE_DIR, Text, catalogue, say

TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"
ENGLISH_PO = LOCALE_DIR / "en" / "LC_MESSAGES" / f"{DOMAIN}.po"
ENGLISH_MO = ENGLISH_PO.with_suffix(".mo")
HINT = "(run `make messages` after changing texts in the code, then translate in the .po)"


@cache
def _texts_in_code() -> dict[str, str]:
    """Every msgid of the code, extracted as `pybabel extract -F babel.cfg` does, with where it is."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as file:
        method_map, options_map = parse_mapping_cfg(file, "babel.cfg")
    found: dict[str, str] = {}
    for filename, lineno, message, _, _ in extract_from_dir(ROOT, method_map, options_map):
        assert isinstance(message, str), f"{filename}:{lineno}: {message!r}"  # no plural forms
        found.setdefault(message, f"{filename}:{lineno}")
    return found


@cache
def _read(path: Path) -> Catalog:
    with path.open("rb") as file:
        return read_po(file)


def _entries(catalog: Catalog) -> dict[str, str]:
    """msgid → msgstr, without the header."""
    return {str(message.id): str(message.string) for message in catalog if message.id}


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_the_scan_finds_texts() -> None:
    assert len(_texts_in_code()) > 150


def test_every_text_in_the_code_has_english() -> None:
    english = _read(ENGLISH_PO)
    assert not english.fuzzy, "the .po's header is marked fuzzy: pybabel compile would skip it"
    missing = {
        text: where
        for text, where in _texts_in_code().items()
        if text not in english or not english[text].string
    }
    assert not missing, f"no English for: {missing} {HINT}"
    fuzzy = {text: where for text, where in _texts_in_code().items() if english[text].fuzzy}
    assert not fuzzy, f"English marked fuzzy (a guess to check, then drop the flag): {fuzzy}"


def test_no_unused_english() -> None:
    english = _read(ENGLISH_PO)
    assert sorted(set(_entries(english)) - set(_texts_in_code())) == [], HINT
    assert sorted(english.obsolete) == [], "obsolete (#~) entries: `make messages` drops them"


def test_field_names_are_marked_for_translation() -> None:
    """Field labels and the validators' default field names reach the catalogue as Text(...)."""
    names = {str(spec.label) for specs in SECTION_FIELDS.values() for spec in specs}
    for _, function in inspect.getmembers(validators, inspect.isfunction):
        if default := (function.__kwdefaults__ or {}).get("field"):
            names.add(default)
    assert sorted(names - set(_texts_in_code())) == []


def test_english_keeps_the_placeholders() -> None:
    changed = {
        chinese: english
        for chinese, english in _entries(_read(ENGLISH_PO)).items()
        if _fields(chinese) != _fields(english)
    }
    assert changed == {}


def test_the_template_is_current() -> None:
    """kiosk.pot holds the texts of the code as they are: a translator starts a language from it."""
    assert sorted(set(_entries(_read(TEMPLATE))) ^ set(_texts_in_code())) == [], HINT


def test_the_compiled_catalogue_is_current() -> None:
    """What the kiosk loads with gettext is what the .po says (setup compiles it when it changes)."""
    written = _entries(_read(ENGLISH_PO))
    with ENGLISH_MO.open("rb") as file:
        compiled = {str(message.id): str(message.string) for message in read_mo(file) if message.id}
    stale = "kiosk.mo is older than kiosk.po: run `make setup`"
    assert compiled == written, stale
    loaded = catalogue("en")
    assert {chinese: loaded.gettext(chinese) for chinese in written} == written, stale


def test_nested_texts_translate() -> None:
    outer = Text("请填写{field}", field=Text("经办人姓名"))
    assert outer == "请填写经办人姓名"
    assert outer.say("en") == "Please fill in Handler's name"
    assert say("证书新办", "en") == "New certificate"
    assert say("东方中讯", "en") == "东方中讯"  # a name stays as it is
    assert say("", "en") == ""  # not the catalogue's header


def test_no_chinese_text_is_translated_twice() -> None:
    """A second entry for the same Chinese would silently replace the first one's English."""
    lines = ENGLISH_PO.read_text(encoding="utf-8").splitlines()
    msgids = []
    for number, line in enumerate(lines):
        if line.startswith("msgid "):  # then the continuation lines, each a quoted string
            end = next((n for n in range(number + 1, len(lines)) if not lines[n].startswith('"')), len(lines))
            msgids.append(denormalize("\n".join([line.removeprefix("msgid "), *lines[number + 1 : end]])))
    assert [text for text, count in collections.Counter(msgids).items() if count > 1] == []
    assert len(msgids) == 1 + len(_entries(_read(ENGLISH_PO)))  # the header, and one per entry
