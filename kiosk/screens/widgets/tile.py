"""A large touch target that presses like a Button (tap, Enter or space).

The home screen shows ten of these at once; a Static with a few lines of CSS paints a good
deal faster than a Button, and the home screen's first paint is what a walk-up sees."""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message

from kiosk.screens.widgets.plain import Static


class Tile(Static, can_focus=True):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter,space", "press", show=False)]

    class Pressed(Message):
        def __init__(self, tile: Tile) -> None:
            super().__init__()
            self.tile = tile

        @property
        def control(self) -> Tile:
            return self.tile

    def press(self) -> None:
        self.post_message(self.Pressed(self))

    def action_press(self) -> None:
        self.press()

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.press()
