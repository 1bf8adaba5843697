"""Staff entry (PIN, with lockout) and the staff panel: the only way out of the kiosk."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Static

from kiosk.i18n import Text
from kiosk.screens.base import KioskModal, KioskScreen
from kiosk.screens.status_line import StatusLine

if TYPE_CHECKING:
    from kiosk.devices.printer.job import PrintRequest


class StaffPinScreen(KioskModal[bool]):
    """Dismisses with True once a staff PIN is accepted."""

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(self.t(Text("工作人员登录")), classes="dialog-title")
            yield Input(
                placeholder=self.t(Text("请输入工作人员PIN")),
                password=True,
                restrict=r"[0-9]*",
                max_length=12,
                id="pin",
            )
            yield Static("", id="pin-message", classes="error")
            with Horizontal(classes="dialog-actions"):
                yield Button(self.t(Text("确定")), id="confirm", variant="primary")
                yield Button(self.t(Text("取消")), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#pin", Input).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "cancel":
            self.dismiss(False)
        else:
            self._check()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._check()

    def _check(self) -> None:
        pin_input = self.query_one("#pin", Input)
        pin, pin_input.value = pin_input.value, ""  # the PIN leaves the screen at once
        gate = self.kiosk.staff_gate
        message = self.query_one("#pin-message", Static)
        if not pin:  # an empty press is not a wrong PIN: it costs no try
            message.update(self.t(Text("请输入工作人员PIN")))
            return
        if gate is None:
            message.update(self.t(Text("配置有误，无法验证工作人员PIN，请由技术人员处理")))
            return
        attempt = gate.try_pin(pin)
        store = self.kiosk.store
        if attempt.accepted:
            if store is not None:
                store.audit("staff", "sign_in")
            self.dismiss(True)
            return
        if store is not None:
            store.audit("staff", "pin_refused", locked=attempt.locked_for > 0)
        if attempt.locked_for > 0:
            minutes, seconds = divmod(math.ceil(attempt.locked_for), 60)
            message.update(
                self.t(
                    Text(
                        "错误次数过多，已锁定，请{minutes}分{seconds}秒后再试",
                        minutes=minutes,
                        seconds=seconds,
                    )
                )
            )
        else:
            message.update(self.t(Text("PIN不正确，还可尝试{count}次", count=attempt.tries_left)))


class StaffScreen(KioskScreen):
    """The staff panel. Issue 10 grows it into the full dashboard."""

    def _test_page(self) -> PrintRequest:
        """The application form of the invented sample order (no one's data), numbered for this
        kiosk: it shows the font, the boxes, the table and the QR as a subscriber's will print."""
        from kiosk.devices.forms.render import PrintedForm, render
        from kiosk.devices.forms.samples import sample_content
        from kiosk.devices.printer.job import PrintRequest

        settings = self.kiosk.settings
        kiosk_id = settings.kiosk_id if settings else "kiosk"
        content = sample_content(f"TEST-{kiosk_id}", settings.order_follow_url if settings else "")
        return PrintRequest(f"test page {kiosk_id}", render(PrintedForm.APPLICATION_FORM, content))

    def compose(self) -> ComposeResult:
        kiosk = self.kiosk
        with Horizontal(id="masthead"):
            yield Static(self.t(Text("工作人员")), id="title")
        with Vertical(id="guide"):
            settings = kiosk.settings
            if settings is not None:
                yield Static(self.t(Text("终端编号：{kiosk_id}", kiosk_id=settings.kiosk_id)), classes="item")
            depth = kiosk.queue_depth
            yield Static(
                self.t(Text("待同步订单：{count}", count="—" if depth is None else depth)), classes="item"
            )
            if kiosk.store is not None:
                verdict = kiosk.store.audit_trail.problem() or Text("完整")
                yield Static(self.t(Text("审计记录：{verdict}", verdict=verdict)), classes="item")
            if kiosk.serving_error:
                yield Static(kiosk.serving_error, classes="technical")
        with Horizontal(id="actions"):
            yield Button(self.t(Text("返回首页")), id="back", variant="primary")
            yield Button(self.t(Text("摄像头测试")), id="camera-test")
            yield Button(self.t(Text("打印测试页")), id="print-test")
            yield Button(self.t(Text("退出程序")), id="exit-app", variant="error")
        yield StatusLine(id="status-line")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "back":
            self.dismiss()
        elif event.button.id == "camera-test":
            from kiosk.domain.documents import DOCUMENTS
            from kiosk.screens.capture import DocumentCaptureScreen

            # Every document the kiosk knows, nothing stored: the staff member sees the
            # preview, the outline and the checks, as a subscriber would.
            self.open_once(DocumentCaptureScreen(list(DOCUMENTS), order_id=None, title=Text("摄像头测试")))
        elif event.button.id == "print-test":
            from kiosk.screens.printing import FormToPrint, PrintFormsScreen

            test_page = FormToPrint(Text("打印测试页"), self._test_page)
            self.open_once(PrintFormsScreen([test_page], title=Text("打印测试页")))
        elif event.button.id == "exit-app":
            self.kiosk.exit_by_staff()
