"""What the step screens of a journey share: a masthead saying the business, how far along the
subscriber is and this step; 上一步 / 下一步; and 返回首页, which asks before throwing away what
was typed."""

from __future__ import annotations

from typing import ClassVar, Generic, TypeVar

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen

from kiosk.core.i18n import Text
from kiosk.screens.base import KioskMixin, KioskModal
from kiosk.screens.widgets.keyboard import OnScreenKeyboard
from kiosk.screens.widgets.plain import Button, Static
from kiosk.screens.widgets.status_line import StatusLine
from kiosk.services.journey import Outcome

ResultT = TypeVar("ResultT")

LEAVE_QUESTION = Text("放弃办理并返回首页？本次未提交的信息和拍摄的资料将被清除")
LEAVE = Text("放弃并返回首页")
STAY = Text("继续办理")


class StepScreen(KioskMixin, Screen[ResultT], Generic[ResultT]):
    """A step's page. Subclasses yield their body from `body()`, name their extra buttons in
    `extra_actions()`, and answer 上一步 / 下一步 / 返回首页 in `go(outcome)`."""

    NEXT_LABEL: ClassVar[Text] = Text("下一步")

    def __init__(self, heading: Text, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.heading = heading
        self.next_label: Text = self.NEXT_LABEL

    def compose(self) -> ComposeResult:
        with Horizontal(id="masthead"):
            yield Static(self.t(self.heading), id="title")
        yield from self.body()
        yield OnScreenKeyboard()
        with Horizontal(id="actions"):
            yield Button(self.t(Text("上一步")), id="back")
            yield from self.extra_actions()
            yield Button(self.t(self.next_label), id="next", variant="success")
            yield Button(self.t(Text("返回首页")), id="leave")
        yield StatusLine(id="status-line")

    def body(self) -> ComposeResult:
        raise NotImplementedError

    def extra_actions(self) -> ComposeResult:
        yield from ()

    def go(self, outcome: Outcome) -> None:
        raise NotImplementedError

    def on_button_pressed(self, event: Button.Pressed) -> None:
        button = event.button.id
        if button == "back":
            event.stop()
            self.go(Outcome.BACK)
        elif button == "next":
            event.stop()
            self.go(Outcome.NEXT)
        elif button == "leave":
            event.stop()
            self.open_once(ConfirmScreen(LEAVE_QUESTION, id="confirm-leave"), self._leave_answered)

    def _leave_answered(self, leave: bool | None) -> None:
        if leave:
            self.go(Outcome.LEAVE)


class ConfirmScreen(KioskModal[bool]):
    """A yes/no question; the safe answer has the focus."""

    AUTO_FOCUS = "#no"

    def __init__(
        self,
        question: Text,
        *,
        yes: Text = LEAVE,
        no: Text = STAY,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.question, self.yes, self.no = question, yes, no

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(self.t(self.question), classes="dialog-title")
            with Horizontal(classes="dialog-actions"):
                yield Button(self.t(self.no), id="no", variant="primary")
                yield Button(self.t(self.yes), id="yes", variant="error")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")
