"""Shown when nobody has touched the kiosk for a while: a countdown to wiping the session."""

from __future__ import annotations

import math

from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.reactive import reactive

from kiosk.core.i18n import Text
from kiosk.screens.base import KioskModal
from kiosk.screens.widgets.plain import Button, Static


class IdleCountdownScreen(KioskModal[None]):
    seconds_left: reactive[float] = reactive(15.0)

    def __init__(self, seconds_left: float, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.set_reactive(IdleCountdownScreen.seconds_left, seconds_left)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(self.t(Text("您还在办理吗？")), classes="dialog-title")
            yield Static(self._countdown_text(), id="countdown")
            yield Button(self.t(Text("继续办理")), id="stay", variant="primary")

    def _countdown_text(self) -> str:
        return self.t(
            Text("{seconds}秒后将返回首页，并清除本次填写的内容", seconds=math.ceil(self.seconds_left))
        )

    def watch_seconds_left(self) -> None:
        if self.is_mounted:
            self.query_one("#countdown", Static).update(self._countdown_text())

    def _stay(self) -> None:
        self.kiosk.note_activity()
        self.dismiss()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self._stay()

    def on_mouse_down(self, _: events.MouseDown) -> None:
        self._stay()

    def on_key(self, event: events.Key) -> None:
        event.stop()
        self._stay()
