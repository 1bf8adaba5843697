"""User-visible text: written in Chinese in the code, said in English when switched.

A `Text` *is* its Chinese wording (a `str`), so plain code can compare and print it,
and it remembers its template and parameters so a screen can say it in English.
The Chinese template is the msgid of a gettext catalogue: kiosk/core/locale/<language>/
LC_MESSAGES/kiosk.po, compiled to kiosk.mo by `make setup` (docs/TRANSLATING.md). The
compiled catalogue is read with the standard library on first use of a language, once.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Literal

Language = Literal["zh", "en"]
LANGUAGES: tuple[Language, ...] = ("zh", "en")

LOCALE_DIR = Path(__file__).with_name("locale")
DOMAIN = "kiosk"


class CatalogueMissing(RuntimeError):
    """The compiled catalogue of a language is not there: the checkout was not set up."""


@cache
def catalogue(language: Language) -> gettext.GNUTranslations:
    """The compiled catalogue of `language` (not Chinese: that is the code's own wording)."""
    path = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.mo"
    try:
        with path.open("rb") as file:
            return gettext.GNUTranslations(file)
    except FileNotFoundError:
        raise CatalogueMissing(
            f"No compiled {language!r} catalogue at {path}: it is built from {path.with_suffix('.po').name} "
            "next to it and is not under version control. Run `make setup` (scripts/setup.sh) in the "
            "checkout to compile it."
        ) from None


def _translate(template: str, language: Language) -> str:
    """`template` in `language`, or as it is when the catalogue has no entry for it."""
    if language == "zh" or not template:  # gettext("") would be the catalogue's header
        return template
    return catalogue(language).gettext(template)


class Text(str):
    """A message for a person, in Chinese, that can be rendered in another language."""

    template: str
    params: dict[str, object]

    def __new__(cls, template: str, **params: object) -> Text:
        self = super().__new__(cls, template.format(**params) if params else template)
        self.template = template
        self.params = params
        return self

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild_text, (self.template, self.params))

    def say(self, language: Language) -> str:
        """This message in `language` (Chinese when no translation is known)."""
        if language == "zh":
            return str(self)
        template = _translate(self.template, language)
        if not self.params:
            return template
        params = {
            key: value.say(language) if isinstance(value, Text) else value
            for key, value in self.params.items()
        }
        return template.format(**params)


class Bilingual(Text):
    """A sentence someone else wrote in both languages (the backend's refusals), shown as given."""

    english: str

    def __new__(cls, chinese: str, english: str) -> Bilingual:
        self = str.__new__(cls, chinese)
        self.template = chinese
        self.params = {}
        self.english = english
        return self

    def __reduce__(self) -> tuple[object, ...]:
        return (Bilingual, (str(self), self.english))

    def say(self, language: Language) -> str:
        return self.english if language == "en" else str(self)


class Listing(Text):
    """Items in a row, with each language's separator: 甲、乙、丙 and "A, B, C"."""

    items: tuple[str, ...]

    def __new__(cls, items: Iterable[str]) -> Listing:
        kept = tuple(items)
        self = str.__new__(cls, "、".join(say(item, "zh") for item in kept))
        self.template = str(self)
        self.params = {}
        self.items = kept
        return self

    def __reduce__(self) -> tuple[object, ...]:
        return (Listing, (self.items,))

    def say(self, language: Language) -> str:
        separator = ", " if language == "en" else "、"
        return separator.join(say(item, language) for item in self.items)


def _rebuild_text(template: str, params: dict[str, object]) -> Text:
    return Text(template, **params)


def say(text: str, language: Language) -> str:
    """Render any string for a person: a `Text` is translated, a plain str is a name or number."""
    if isinstance(text, Text):
        return text.say(language)
    return _translate(text, language)
