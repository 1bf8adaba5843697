"""Staff entry (PIN, with lockout) and the staff panel: the only way out of the kiosk."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Input

from kiosk.core.i18n import Text
from kiosk.screens.base import KioskModal, KioskScreen
from kiosk.screens.messages import HealthChecked
from kiosk.screens.widgets.keyboard import OnScreenKeyboard, staff_credentials
from kiosk.screens.widgets.plain import Button, Static
from kiosk.screens.widgets.status_line import StatusLine
from kiosk.services.session import ORDER_QUERY_VISIT

if TYPE_CHECKING:
    from kiosk.core.staff_pins import StaffAccount
    from kiosk.devices.printer.job import PrintRequest
    from kiosk.services.health import HealthReport
    from kiosk.store import Store


class StaffPinScreen(KioskModal["StaffAccount | None"]):
    """Dismisses with the staff account once its ID and PIN are accepted (None: cancelled).
    The ID left empty means the kiosk's own maintenance PIN (kiosk.toml)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "enter", show=False, priority=True)]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(self.t(Text("工作人员登录")), classes="dialog-title")
            yield from staff_credentials(
                self.t(Text("工号（使用本机维护PIN时不填）")), self.t(Text("请输入工作人员PIN"))
            )
            yield Static("", id="pin-message", classes="error")
            yield OnScreenKeyboard()
            with Horizontal(classes="dialog-actions"):
                yield Button(self.t(Text("确定")), id="confirm", variant="primary")
                yield Button(self.t(Text("取消")), id="cancel")

    def on_mount(self) -> None:
        # ID, Enter, PIN, Enter (no ID: Enter, PIN). Set now, not deferred as focus() is: keys
        # typed as soon as the dialog shows belong in the ID.
        self.set_focus(self.query_one("#staff-id", Input))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "cancel":
            self.dismiss(None)
        else:
            self._check()

    def action_enter(self) -> None:
        """Enter in the ID moves on to the PIN at once, in the app's own handling of the key: a
        priority binding, so the next keys, typed straight after (by a quick hand, or a browser),
        go to the PIN field and not to the ID's end. Anywhere else Enter goes on as usual: the
        PIN field submits once every digit typed before it is in (its own queue, in order)."""
        if self.focused is not None and self.focused.id == "staff-id":
            self.set_focus(self.query_one("#pin", Input))
            return
        raise SkipAction()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "pin":
            self._check()

    def _check(self) -> None:
        pin_input = self.query_one("#pin", Input)
        pin, pin_input.value = pin_input.value, ""  # the PIN leaves the screen at once
        staff_id = self.query_one("#staff-id", Input).value.strip()
        gate = self.kiosk.staff_gate
        message = self.query_one("#pin-message", Static)
        if not pin:  # an empty press is not a wrong PIN: it costs no try
            message.update(self.t(Text("请输入工作人员PIN")))
            return
        if gate is None:
            message.update(self.t(Text("配置有误，无法验证工作人员PIN，请由技术人员处理")))
            return
        attempt = gate.try_pin(pin, staff_id)
        if attempt.accepted:
            signed = attempt.account.staff_id if attempt.account is not None else staff_id
            self.kiosk.audit("staff", "sign_in", staff_id=signed or "kiosk")
            self.dismiss(attempt.account)
            return
        self.kiosk.audit("staff", "pin_refused", staff_id=staff_id or "kiosk", locked=attempt.locked_for > 0)
        pin_input.focus()
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
            message.update(self.t(Text("工号或PIN不正确，还可尝试{count}次", count=attempt.tries_left)))


class StaffScreen(KioskScreen):
    """The staff dashboard: every part's health, the sync queue and what failed in it, today's
    visits per business (counts only), this kiosk's settings, the audit trail's state; and what
    staff do here: check again, send the queue now, print a test page, reprint the last receipt,
    test the camera, take the kiosk out of service and back, end a subscriber's stuck session,
    and leave the app once the queue is safe."""

    DEFAULT_CSS: ClassVar[str] = """
    #staff-body { height: 1fr; padding: 0 2; }
    #staff-left { width: 1fr; }
    #staff-right { width: 46; padding-left: 2; }
    #staff-body Static { height: auto; }
    .staff-actions { height: 3; align: center middle; }
    .staff-actions Button { margin: 0 1; min-width: 14; height: 3; }
    """

    def __init__(
        self, account: StaffAccount | None = None, *, remote: bool = False, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.account = account
        # In a browser (kiosk/ui/console.py): no device is opened, nothing printed, the kiosk's
        # subscriber and process are not touched from here.
        self.remote = remote
        self.report: HealthReport | None = None
        self.note: Text | None = None  # what the last action did

    # --- layout -------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        t = self.t
        with Horizontal(id="masthead"):
            yield Static(t(self._who()), id="title")
        with Horizontal(id="staff-body"):
            with Vertical(id="staff-left"):
                yield Static(t(Text("设备状态")), classes="section")
                yield Static("", id="health")
                yield Static(t(Text("同步队列")), classes="section")
                yield Static("", id="queue")
            with Vertical(id="staff-right"):
                yield Static(t(Text("今日办理")), classes="section")
                yield Static("", id="visits")
                yield Static(t(Text("本机设置")), classes="section")
                yield Static("", id="settings")
                yield Static("", id="staff-note", classes="warning")
        paused = self.kiosk.out_of_service
        with Horizontal(classes="staff-actions"):
            yield Button(t(Text("重新检查")), id="check")
            yield Button(t(Text("立即同步")), id="retry-sync")
            if not self.remote:
                yield Button(t(Text("打印测试页")), id="print-test")
                yield Button(t(Text("补打回执")), id="reprint-receipt")
                yield Button(t(Text("摄像头测试")), id="camera-test")
        with Horizontal(classes="staff-actions"):
            service = Text("恢复服务") if paused else Text("暂停服务")
            yield Button(t(service), id="toggle-service", variant="warning")
            if not self.remote:
                yield Button(t(Text("结束顾客会话")), id="end-session")
            yield Button(t(Text("退出登录") if self.remote else Text("返回")), id="back", variant="primary")
            if not self.remote:
                yield Button(t(Text("退出程序")), id="exit-app", variant="error")
        yield StatusLine(id="status-line")

    def _who(self) -> Text:
        who = self._staff_member()
        if self.kiosk.out_of_service:
            return Text("{who} · 本机已暂停服务", who=who)
        return who

    def _staff_member(self) -> Text:
        account = self.account
        if account is None or not account.staff_id:
            return Text("工作人员 · 本机维护")
        return Text("工作人员 · {staff_id} {name}", staff_id=account.staff_id, name=account.name)

    def on_mount(self) -> None:
        self._show()
        self._check_health()
        self.watch(self.app, "queue_read", self._show_queue, init=False)

    async def recompose(self) -> None:
        await super().recompose()
        self._show()

    def _show(self) -> None:
        self._show_health()
        self._show_queue()
        self._show_visits()
        self._show_settings()
        self.query_one("#staff-note", Static).update(self.t(self.note or ""))

    # --- health -------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="health", exit_on_error=False, description="health check")
    def _check_health(self) -> None:
        from kiosk.services.health import REMOTE_VIEW, VISIT_UNDERWAY, check_all

        kiosk = self.kiosk
        if kiosk.settings is None:
            return
        busy = REMOTE_VIEW if self.remote else VISIT_UNDERWAY if kiosk.visit_underway else None
        report = check_all(kiosk.settings, kiosk.where, kiosk.store, devices_busy=busy)
        self.post_message(HealthChecked(report))

    def on_health_checked(self, message: HealthChecked) -> None:
        self.report = message.report
        self._show_health()

    def _show_health(self) -> None:
        widget = self.query_one("#health", Static)
        if self.report is None:
            widget.update(self.t(Text("正在检查各部件…")))
            return
        widget.update(self.report.table(self.kiosk.language, headed=False))

    # --- the queue, visits, settings ----------------------------------------------------------
    def _show_queue(self) -> None:
        from kiosk.services.health import pending_age_s

        store, t = self.kiosk.store, self.t
        widget = self.query_one("#queue", Static)
        if store is None:
            widget.update(t(Text("数据存储未打开")))
            return
        summary = store.outbox.summary()
        lines = [
            t(
                Text(
                    "待同步订单：{count}，被拒需处理：{blocked}",
                    count=summary.pending_orders,
                    blocked=summary.blocked_orders,
                )
            )
        ]
        if summary.oldest_pending_at:
            minutes = round(pending_age_s(summary.oldest_pending_at) / 60)
            lines.append(t(Text("最早的已等待{minutes}分钟", minutes=minutes)))
        if summary.last_contact_at:
            lines.append(t(Text("最近联系后台：{at}", at=_local_time(summary.last_contact_at))))
        for item in store.outbox.pending(limit=50):
            if item.last_error:
                state = Text("被拒") if item.blocked_at else Text("重试中")
                lines.append(
                    f"  {item.order_id[:8]} {item.kind} · {t(state)} · {item.attempts}× · {item.last_error}"
                )
        widget.update("\n".join(lines))

    def _show_visits(self) -> None:
        from datetime import date

        from kiosk.core.domain.businesses import BUSINESSES

        store, t = self.kiosk.store, self.t
        visits = store.visits.on(date.today().isoformat()) if store is not None else {}
        lines = []
        for code, business in BUSINESSES.items():
            lines.append(t(Text("{label}：{value}", label=business.title, value=visits.get(code, 0))))
        lines.append(
            t(Text("{label}：{value}", label=Text("订单查询"), value=visits.get(ORDER_QUERY_VISIT, 0)))
        )
        self.query_one("#visits", Static).update("\n".join(lines))

    def _show_settings(self) -> None:
        settings, t = self.kiosk.settings, self.t
        if settings is None:
            self.query_one("#settings", Static).update(self.kiosk.serving_error or "")
            return
        lines = [
            t(Text("终端编号：{kiosk_id}", kiosk_id=settings.kiosk_id)),
            t(Text("后台地址：{url}", url=settings.backend_url)),
            t(Text("打印机：{printer}", printer=settings.printer_queue or Text("PDF文件夹"))),
            t(Text("摄像头：{camera}", camera=settings.camera_source or Text("演示视频"))),
            t(Text("空闲等待：{seconds}秒", seconds=round(settings.idle_timeout_s))),
        ]
        if self.kiosk.serving_error:
            lines.append(self.kiosk.serving_error)
        self.query_one("#settings", Static).update("\n".join(lines))

    def _say(self, note: Text) -> None:
        self.note = note
        self.query_one("#staff-note", Static).update(self.t(note))

    # --- actions ------------------------------------------------------------------------------
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

    def on_button_pressed(self, event: Button.Pressed) -> None:
        kiosk, store = self.kiosk, self.kiosk.store
        button = event.button.id
        if button == "back":
            self.dismiss()
        elif button == "check":
            self.report = None
            self._show_health()
            self._check_health()
        elif button == "retry-sync" and store is not None:
            self._retry_sync(store)
        elif button == "camera-test":
            from kiosk.core.domain.documents import DOCUMENTS
            from kiosk.screens.capture import DocumentCaptureScreen

            # Every document the kiosk knows, nothing stored: the staff member sees the
            # preview, the outline and the checks, as a subscriber would.
            self.open_once(DocumentCaptureScreen(list(DOCUMENTS), order_id=None, title=Text("摄像头测试")))
        elif button == "print-test":
            from kiosk.screens.printing import PrintFormsScreen
            from kiosk.services.printouts import FormToPrint

            test_page = FormToPrint(Text("打印测试页"), self._test_page)
            self.open_once(PrintFormsScreen([test_page], title=Text("打印测试页")))
        elif button == "reprint-receipt" and store is not None:
            self._reprint_last_receipt()
        elif button == "toggle-service":  # at the kiosk, staff land where subscribers will be
            kiosk.set_out_of_service(not kiosk.out_of_service)
            if self.app.screen is self:  # still here (the remote view): the label turns
                self.refresh(recompose=True)
        elif button == "end-session":
            kiosk.audit("staff", "session_ended")
            kiosk.wipe_session(quietly=False, audited=False)
        elif button == "exit-app":
            self._confirm_exit()

    def _retry_sync(self, store: Store) -> None:
        from kiosk.store import StorageFull

        try:
            count = store.outbox.retry_now()
        except StorageFull as error:
            self.kiosk.tell_failure(error, during="sync retry")
            return
        self.kiosk.audit("staff", "sync_retry", items=count)
        self.kiosk.wake_sync()
        self._say(Text("已让{count}项立即重新发送", count=count))

    def _reprint_last_receipt(self) -> None:
        from kiosk.devices.forms.render import PrintedForm
        from kiosk.screens.printing import PrintFormsScreen
        from kiosk.services.printouts import order_form

        runtime = self.kiosk.runtime
        order_id = runtime.store.orders.latest_submitted() if runtime is not None else None
        if runtime is None or order_id is None:
            self._say(Text("本机还没有提交过订单"))
            return
        self.kiosk.audit("staff", "receipt_reprinted", order=order_id)
        receipt = order_form(runtime, order_id, PrintedForm.RECEIPT, self.kiosk.language)
        self.open_once(PrintFormsScreen([receipt], title=Text("补打回执")))

    def _confirm_exit(self) -> None:
        """Leaving with orders still to send is safe (they wait in the store and go at the next
        start), but staff should know before they leave the kiosk dark."""
        from kiosk.screens.step import ConfirmScreen

        store = self.kiosk.store
        waiting = store.outbox.summary().pending_orders if store is not None else 0
        if not waiting:
            self.kiosk.exit_by_staff()
            return
        question = Text(
            "还有{count}个订单未发送到后台。它们已保存在本机，下次启动后自动发送。确定退出吗？", count=waiting
        )

        def answered(leave: bool | None) -> None:
            if leave:
                self.kiosk.exit_by_staff()

        self.open_once(
            ConfirmScreen(question, yes=Text("退出程序"), no=Text("取消"), id="confirm-exit"), answered
        )


def _local_time(at: str) -> str:
    from datetime import datetime

    return datetime.fromisoformat(at).astimezone().strftime("%Y-%m-%d %H:%M:%S")
