"""The kiosk's text widgets, with Textual's content markup turned off.

Textual reads "[...]" in a widget's text as markup, and a closing tag that matches nothing
("[/x]", "[/]") raises MarkupError while the screen is drawn, which ends the app. The kiosk
shows text that nobody here wrote: addresses and statements the subscriber typed, a reviewer's
reason from the backend, file names on a USB stick, certificate subjects read from a key. None
of its own text uses markup, so every screen builds with these and shows all text as it is."""

from __future__ import annotations

from typing import Any

from textual import widgets
from textual.content import Content


def _plain(label: Any) -> Any:
    return Content(label) if isinstance(label, str) else label


class Static(widgets.Static):
    def __init__(self, content: Any = "", *, markup: bool = False, **options: Any) -> None:
        super().__init__(content, markup=markup, **options)


class Button(widgets.Button):
    def __init__(self, label: Any = None, *args: Any, **options: Any) -> None:
        super().__init__(_plain(label), *args, **options)

    def validate_label(self, label: Any) -> Content:
        return super().validate_label(_plain(label))


class OptionList(widgets.OptionList):
    def __init__(self, *content: Any, markup: bool = False, **options: Any) -> None:
        super().__init__(*content, markup=markup, **options)
