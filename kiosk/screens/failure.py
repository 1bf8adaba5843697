"""The error net's page: what failed, in one plain sentence that also says what was kept. In a
visit the subscriber tries again (the step comes back from what was saved) or goes home; over
anything else (staff's dashboard) it is read and closed."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical

from kiosk.core.i18n import Text
from kiosk.screens.base import KioskModal
from kiosk.screens.widgets.plain import Button, Static


class FailureScreen(KioskModal[bool]):
    """Dismisses with True for 再试一次, False for 返回首页 (or 知道了, without a retry)."""

    AUTO_FOCUS = "#again, #close"

    def __init__(self, sentence: Text, *, offer_retry: bool = True, id: str | None = None) -> None:
        super().__init__(id=id)
        self.sentence, self.offer_retry = sentence, offer_retry

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(self.t(self.sentence), classes="dialog-title")
            with Horizontal(classes="dialog-actions"):
                if self.offer_retry:
                    yield Button(self.t(Text("再试一次")), id="again", variant="primary")
                    yield Button(self.t(Text("返回首页")), id="home")
                else:
                    yield Button(self.t(Text("知道了")), id="close", variant="primary")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "again")
