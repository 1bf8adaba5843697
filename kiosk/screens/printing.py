"""打印: prints a list of forms and shows each one's progress in plain words: sent, printing,
waiting for staff to fix the printer (the form is kept and prints by itself), done, or failed
with 重新打印 to try again. 稍后打印 cancels what is still held, so it never comes out later for
the next person, and leaves; the manual lets a subscriber print in a later step.

The forms are rendered and printed in a thread worker (kiosk/devices/printer/job.py), which
reports with messages; the screen never waits on the printer."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.worker import Worker, get_current_worker

from kiosk.core.i18n import Text
from kiosk.screens.base import KioskMixin
from kiosk.screens.messages import PrintProgressed
from kiosk.screens.widgets.plain import Button, Static
from kiosk.screens.widgets.status_line import StatusLine
from kiosk.services.printouts import FormToPrint

if TYPE_CHECKING:
    from kiosk.devices.printer.job import PrintProgress

NOT_YET = Text("等待打印")
PRINT_TITLE = Text("打印表格")
PRINTED = Text("已打印")


class PrintFormsScreen(KioskMixin, Screen[bool]):
    """Dismisses with True once every form is printed and the subscriber pressed 完成, False
    when they chose 稍后打印."""

    AUTO_FOCUS = "#done"
    DEFAULT_CSS: ClassVar[str] = """
    #print-body { height: 1fr; padding: 1 3; }
    #print-body .form { height: auto; padding-left: 2; }
    #print-body .form.done { color: $success; }
    #print-body .form.failed { color: $error; }
    #print-message { height: 4; margin-top: 1; text-style: bold; content-align: left middle; }
    #print-message.waiting { color: $warning; }
    #print-message.failed { color: $error; }
    """

    def __init__(
        self, forms: Sequence[FormToPrint], *, title: Text = PRINT_TITLE, id: str | None = "print-forms"
    ) -> None:
        super().__init__(id=id)
        self.forms = tuple(forms)
        self.heading = title
        self.states: list[Text] = [NOT_YET] * len(self.forms)
        self.printed: set[int] = set()
        self.failed: set[int] = set()
        self.message: Text = Text("正在准备打印…")
        self.message_kind = ""  # "", "waiting" or "failed"
        self.where_printed = ""  # the PDF spool's file, shown on the demo's printer
        self._stop = threading.Event()
        # Clear while the worker talks to the printer; set once it let go (after cancelling a
        # held job when the subscriber chose 稍后打印), for whoever must know nothing is left.
        self.printer_idle = threading.Event()
        self.printer_idle.set()

    def compose(self) -> ComposeResult:
        t = self.t
        with Horizontal(id="masthead"):
            yield Static(t(self.heading), id="title")
        with Vertical(id="print-body"):
            yield Static(t(Text("将打印以下表格，请在出纸口取走：")), classes="section")
            for number in range(len(self.forms)):
                yield Static("", id=f"form-{number}", classes="form")
            yield Static("", id="print-message")
            yield Static("", id="print-detail", classes="technical")
        with Horizontal(id="actions"):
            yield Button(t(Text("完成打印")), id="done", variant="success")
            yield Button(t(Text("重新打印")), id="reprint", variant="primary")
            yield Button(t(Text("稍后打印")), id="later")
        yield StatusLine(id="status-line")

    def on_mount(self) -> None:
        self._refresh_widgets()
        self._print(tuple(range(len(self.forms))))

    async def recompose(self) -> None:
        await super().recompose()
        self._refresh_widgets()

    def _refresh_widgets(self) -> None:
        for number, form in enumerate(self.forms):
            line = self.query_one(f"#form-{number}", Static)
            mark = "✓" if number in self.printed else ("✗" if number in self.failed else "○")
            line.update(f"{mark} {self.t(form.title)} · {self.t(self.states[number])}")
            line.set_class(number in self.printed, "done")
            line.set_class(number in self.failed, "failed")
        message = self.query_one("#print-message", Static)
        message.update(self.t(self.message))
        message.set_classes(self.message_kind)
        everything = len(self.printed) == len(self.forms)
        self.query_one("#print-detail", Static).update(self.where_printed)
        self.query_one("#done", Button).disabled = not everything
        self.query_one("#later", Button).disabled = everything
        self.query_one("#reprint", Button).disabled = not (everything or self.failed)

    # --- the printer worker ---------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="printer", exit_on_error=False, description="printer")
    def _print(self, numbers: tuple[int, ...]) -> None:
        self.printer_idle.clear()
        try:
            self._print_each(numbers, get_current_worker())
        finally:
            self.printer_idle.set()

    def _print_each(self, numbers: tuple[int, ...], worker: Worker[None]) -> None:
        from kiosk.devices.printer.job import PrintProgress, Stage, print_and_follow
        from kiosk.devices.printer.runtime import open_printer

        settings = self.kiosk.settings
        if settings is None:
            not_ready = PrintProgress(Stage.FAILED, Text("终端尚未就绪，请稍候"))
            self.post_message(PrintProgressed(numbers[0], not_ready))
            return
        printer = open_printer(settings, self.kiosk.where)
        try:
            for number in numbers:
                request = self.forms[number].make()
                for progress in print_and_follow(printer, request, self._stop):
                    self.post_message(PrintProgressed(number, progress))
                    if progress.stage is Stage.FAILED:
                        return  # the next form would meet the same printer: try again together
                if worker.is_cancelled or self._stop.is_set():
                    return
        finally:
            close = getattr(printer, "close", None)
            if close is not None:
                close()

    def on_print_progressed(self, message: PrintProgressed) -> None:
        from kiosk.devices.printer.job import Stage

        progress: PrintProgress = message.progress
        number = message.number
        stage = progress.stage
        if stage is Stage.DONE:
            if progress.detail.endswith(".pdf"):
                self.where_printed = progress.detail
            self.printed.add(number)
            self.failed.discard(number)
            self.states[number] = PRINTED
        elif stage is Stage.FAILED:
            self.failed.add(number)
            self.states[number] = Text("未打印")
        else:
            self.states[number] = (
                progress.message if stage is not Stage.WAITING else Text("已保留，等待打印机")
            )
        if stage in (Stage.WAITING, Stage.FAILED) and self.message != progress.message:
            # once per new problem, not on every look at a waiting printer
            self.kiosk.device_event("printer_problem", stage=stage.value, problem=progress.message.say("en"))
        self.message = progress.message
        self.message_kind = {Stage.WAITING: "waiting", Stage.FAILED: "failed"}.get(stage, "")
        if len(self.printed) == len(self.forms):
            self.message, self.message_kind = Text("全部打印完成，请取走表格后点击“完成打印”"), ""
        self._refresh_widgets()
        if stage is Stage.WAITING or stage is Stage.FAILED:
            self.app.log.warning("printer", condition=progress.condition, detail=progress.detail)

    # --- buttons ----------------------------------------------------------------------------------
    def on_button_pressed(self, event: Button.Pressed) -> None:
        button = event.button.id
        if button == "done" and len(self.printed) == len(self.forms):
            self.dismiss(True)
        elif button == "reprint":
            if len(self.printed) == len(self.forms):
                self.printed.clear()  # a reprint of everything
            again = tuple(number for number in range(len(self.forms)) if number not in self.printed)
            for number in again:
                self.failed.discard(number)
                self.states[number] = NOT_YET
            self.message, self.message_kind = Text("正在重新打印…"), ""
            self._refresh_widgets()
            self._print(again)
        elif button == "later":
            self._stop.set()  # the worker cancels a held job and ends
            self.dismiss(False)

    def on_unmount(self) -> None:
        self._stop.set()
