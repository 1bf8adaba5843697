"""暂停服务: the kiosk cannot serve subscribers (bad settings, unreadable store); staff can
still sign in from the status line."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical

from kiosk.core.i18n import Text
from kiosk.screens.base import KioskScreen
from kiosk.screens.widgets.plain import Static
from kiosk.screens.widgets.status_line import StatusLine


class OutOfServiceScreen(KioskScreen):
    def compose(self) -> ComposeResult:
        with Vertical(id="out-of-service-box"):
            yield Static(self.t(Text("暂停服务")), classes="dialog-title")
            yield Static(self.t(Text("本机暂时无法办理业务，请到人工窗口办理，给您带来不便敬请谅解")))
            if self.kiosk.serving_error:
                yield Static(self.kiosk.serving_error, id="reason", classes="technical")
        yield StatusLine(id="status-line")
