"""What the two after-approval steps at the slot share (下载证书, 解锁): the order's own key must
be in the slot, the work runs in a thread worker under "请勿拔出", and a key pulled out midway
is said plainly; pressing 重试 once it is back goes on from where the key is (the token layer
finishes or rolls back an interrupted renewal at the next login)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Input

from kiosk.core.i18n import Bilingual, Text
from kiosk.screens.base import KioskMixin
from kiosk.screens.messages import KeyWorkDone
from kiosk.screens.widgets.keyboard import OnScreenKeyboard
from kiosk.screens.widgets.pane import Pane
from kiosk.screens.widgets.plain import Button, Static
from kiosk.screens.widgets.status_line import StatusLine
from kiosk.services.order_list import OrderEntry

if TYPE_CHECKING:
    from kiosk.devices.token.module import Pkcs11Module

WORKING = Text("正在处理，请勿拔出证书盘…")
KeyOperation = Callable[["Pkcs11Module", int], object]


class KeyWorkScreen(KioskMixin, Screen[bool]):
    """Subclasses yield their fields from `fields()`, start the work with `run_on_key(op)` from
    `start()`, and show the result in `finished(result)`. Dismisses True once done."""

    START_LABEL: ClassVar[Text] = Text("开始")
    DEFAULT_CSS: ClassVar[str] = """
    #key-work-body { height: 1fr; padding: 1 3; }
    #key-work-state { height: auto; text-style: bold; margin-bottom: 1; }
    #key-work-state.failed { color: $error; }
    #key-work-state.done { color: $success; }
    #key-work-result { height: auto; padding-left: 2; }
    .field-label { margin-top: 1; height: 1; }
    """

    def __init__(
        self, heading: Text, entry: OrderEntry, session: str | None, *, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.heading, self.entry, self.session_token = heading, entry, session
        assert entry.token_serial is not None
        self.serial: str = entry.token_serial
        self.busy = False
        self.done = False

    def compose(self) -> ComposeResult:
        with Horizontal(id="masthead"):
            yield Static(self.t(self.heading), id="title")
        with Pane(id="key-work-body"):
            yield Static(self.t(self.opening()), id="key-work-state")
            yield from self.fields()
            yield Static("", id="key-work-result")
        yield OnScreenKeyboard()
        with Horizontal(id="actions"):
            yield Button(self.t(self.START_LABEL), id="start", variant="success")
            yield Button(self.t(Text("完成")), id="done", variant="success")
            yield Button(self.t(Text("返回")), id="back")
        yield StatusLine(id="status-line")

    def on_mount(self) -> None:
        self.query_one("#done", Button).display = False

    def opening(self) -> Text:
        return Text("请将芯片号为{serial}的证书盘插入读卡口", serial=self.serial)

    def fields(self) -> ComposeResult:
        yield from ()

    def start(self) -> None:
        raise NotImplementedError

    def finished(self, result: object) -> None:
        raise NotImplementedError

    def say(self, text: Text, kind: str = "") -> None:
        state = self.query_one("#key-work-state", Static)
        state.update(self.t(text))
        state.set_classes(kind)

    # --- the work, in a thread ------------------------------------------------------------------
    def run_on_key(self, operation: KeyOperation) -> None:
        if self.busy or self.done:
            return
        self.busy = True
        self.query_one("#start", Button).disabled = True
        self.query_one("#back", Button).disabled = True
        self.say(WORKING)
        self._work(operation)

    @work(thread=True, exclusive=True, group="key-work", exit_on_error=False, description="work on the key")
    def _work(self, operation: KeyOperation) -> None:
        from kiosk.backend_client.errors import BackendError
        from kiosk.devices.token import TokenError, TokenRemoved

        slot = self.runtime.key_slot()
        try:
            module = slot.module()
            module.rescan()
            slots = [token.slot_id for token in module.present() if token.serial == self.serial]
            if not slots:
                self.post_message(KeyWorkDone(None, self.opening()))
                return
            self.post_message(KeyWorkDone(operation(module, slots[0]), None))
        except TokenRemoved as error:
            self.post_message(KeyWorkDone(None, error.message, pulled_out=True))
        except TokenError as error:
            self.post_message(KeyWorkDone(None, error.message))
        except BackendError as error:
            self.post_message(KeyWorkDone(None, Bilingual(str(error.message), error.message_en)))

    def on_key_work_done(self, message: KeyWorkDone) -> None:
        self.kiosk.device_event(
            "key_work",
            serial=self.serial,
            work=type(self).__name__,
            ok=message.error is None,
            pulled_out=message.pulled_out,
        )
        self.busy = False
        self.query_one("#back", Button).disabled = False
        start = self.query_one("#start", Button)
        start.disabled = False
        if message.error is not None:
            self.say(message.error, "failed")
            start.label = self.t(Text("重试"))
            return
        self.done = True
        start.display = False
        done = self.query_one("#done", Button)
        done.display = True
        done.focus()
        self.finished(message.result)

    # --- buttons ---------------------------------------------------------------------------------
    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the last field starts the work; in another, moves on to the next field."""
        event.stop()
        fields = [field for field in self.query(Input) if not field.disabled]
        if event.input is fields[-1]:
            self.start()
        else:
            self.focus_next()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "start":
            self.start()
        elif event.button.id == "done":
            self.dismiss(True)
        elif event.button.id == "back" and not self.busy:
            self.dismiss(self.done)
