"""Every text a person can see exists in Chinese and in English."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

from kiosk.core.domain import validators
from kiosk.core.domain.forms import SECTION_FIELDS
from kiosk.core.i18n import Text, say
from kiosk.core.translations import ENGLISH

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = (ROOT / "kiosk", ROOT / "ca_backend")  # the backend's refusals reach subscribers too


def _texts_in_code() -> dict[str, str]:
    """Every literal `Text("...")` in the kiosk and backend packages, with where it is."""
    found: dict[str, str] = {}
    for path in (path for package in PACKAGES for path in package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "Text"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                found.setdefault(node.args[0].value, f"{path.name}:{node.lineno}")
    return found


def test_the_scan_finds_texts() -> None:
    assert len(_texts_in_code()) > 150


def test_every_text_in_the_code_has_english() -> None:
    missing = {text: where for text, where in _texts_in_code().items() if text not in ENGLISH}
    assert not missing, f"no English for: {missing}"


def test_field_names_have_english() -> None:
    names = {str(spec.label) for specs in SECTION_FIELDS.values() for spec in specs}
    for _, function in inspect.getmembers(validators, inspect.isfunction):
        default = (function.__kwdefaults__ or {}).get("field")
        if default:
            names.add(default)
    assert sorted(name for name in names if name not in ENGLISH) == []


def test_english_keeps_the_placeholders() -> None:
    import string

    formatter = string.Formatter()
    for chinese, english in ENGLISH.items():
        fields_zh = {name for _, name, _, _ in formatter.parse(chinese) if name}
        fields_en = {name for _, name, _, _ in formatter.parse(english) if name}
        assert fields_zh == fields_en, chinese


def test_no_unused_english() -> None:
    used = set(_texts_in_code())
    used |= {str(spec.label) for specs in SECTION_FIELDS.values() for spec in specs}
    for _, function in inspect.getmembers(validators, inspect.isfunction):
        if default := (function.__kwdefaults__ or {}).get("field"):
            used.add(default)
    assert sorted(set(ENGLISH) - used) == []


def test_nested_texts_translate() -> None:
    outer = Text("请填写{field}", field=Text("经办人姓名"))
    assert outer == "请填写经办人姓名"
    assert outer.say("en") == "Please fill in Handler's name"
    assert say("证书新办", "en") == "New certificate"
    assert say("东方中讯", "en") == "东方中讯"  # a name stays as it is


def test_no_chinese_text_is_translated_twice() -> None:
    """A second entry for the same Chinese would silently replace the first one's English."""
    import collections

    tree = ast.parse((ROOT / "kiosk" / "core" / "translations.py").read_text(encoding="utf-8"))
    keys = [
        key.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Dict)
        for key in node.keys
        if isinstance(key, ast.Constant)
    ]
    assert [key for key, count in collections.Counter(keys).items() if count > 1] == []
