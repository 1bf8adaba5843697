"""远程查看's first page: the kiosk's name and the staff sign-in; nothing else is shown before
a staff member is accepted."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical

from kiosk.core.i18n import Text
from kiosk.screens.base import KioskScreen
from kiosk.screens.widgets.plain import Button, Static

if TYPE_CHECKING:
    from kiosk.core.staff_pins import StaffAccount


class ConsoleGateScreen(KioskScreen):
    def compose(self) -> ComposeResult:
        settings = self.kiosk.settings
        with Horizontal(id="masthead"):
            yield Static(self.t(Text("远程查看")), id="title")
        with Vertical(id="guide"):
            if settings is not None:
                where = f"{settings.hall_name} · {settings.kiosk_id}"
                yield Static(self.t(Text("终端：{kiosk}", kiosk=where)), classes="section")
            yield Static(self.t(Text("请工作人员输入工号和PIN后查看")), classes="item")
        with Horizontal(id="actions"):
            yield Button(self.t(Text("工作人员登录")), id="sign-in", variant="primary")

    def on_mount(self) -> None:
        self.watch(self.app, "settings_version", self._ready, init=True)

    def _ready(self) -> None:
        if self.kiosk.staff_gate is not None:
            self.refresh(recompose=True)
            self._open_sign_in()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "sign-in":
            self._open_sign_in()

    def _open_sign_in(self) -> None:
        from kiosk.screens.staff import StaffPinScreen, StaffScreen

        def signed_in(account: StaffAccount | None) -> None:
            if account is not None:
                self.open_once(StaffScreen(account, remote=True, id="staff"))

        if self.kiosk.staff_gate is not None and self.app.screen is self:
            self.open_once(StaffPinScreen(id="staff-pin"), signed_in)
