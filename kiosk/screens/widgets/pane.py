"""A scrolling area that never takes the keyboard focus itself: Tab goes from field to field and
on to the buttons, and focusing a field scrolls it into view. (Textual's VerticalScroll is
focusable, which puts an invisible stop between the fields and 下一步.)"""

from __future__ import annotations

from textual.containers import VerticalScroll


class Pane(VerticalScroll, can_focus=False):
    pass
