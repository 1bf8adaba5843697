"""The print screen driven by a pilot, printing a real order's forms: onto the demo's PDF spool,
and through a real cupsd (tests/support/cups.py) whose queue is paused, refusing or fixed while
the subscriber watches. The screen says what the printer is doing in plain words, keeps a held
form until it prints, offers 重新打印 after a failure, and 稍后打印 cancels what is held."""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from support.cups import Cupsd
from support.pilot import SIZE, Messages, make_app, ready, screen_text
from textual.widgets import Button

from kiosk.config.locations import Locations
from kiosk.config.settings import KioskSettings
from kiosk.core.domain.businesses import BUSINESSES, BusinessCode
from kiosk.core.domain.catalog import load_catalog
from kiosk.core.domain.samples import SAMPLE_PROJECT_PATH, sample_form
from kiosk.devices.forms.content import FormContent
from kiosk.devices.forms.render import PrintedForm, forms_to_sign, render
from kiosk.devices.printer.job import PrintRequest, Stage
from kiosk.devices.printer.runtime import spool_folder
from kiosk.devices.printer.spool import PdfSpoolPrinter
from kiosk.screens.messages import PrintProgressed
from kiosk.screens.printing import PrintFormsScreen
from kiosk.services.printouts import FormToPrint
from kiosk.store import Store
from kiosk.ui.app import KioskApp


@dataclass
class Printing:
    app: KioskApp
    pilot: Any
    screen: PrintFormsScreen
    order_id: str
    messages: Messages
    results: list[bool | None]


@asynccontextmanager
async def printing(
    where: Locations, store: Store, clock: Any, settings: KioskSettings
) -> AsyncIterator[Printing]:
    """The kiosk at 120 x 40 printing the forms a new order is signed on."""
    catalog = load_catalog()
    order = store.orders.create(
        BusinessCode.NEW,
        form=sample_form(BusinessCode.NEW),
        project=catalog.default_selection(SAMPLE_PROJECT_PATH),
    )
    content = FormContent.of(
        store.orders.get(order.id), catalog, f"https://www.exca.org/kiosk/order/{order.id}"
    )

    def form(kind: PrintedForm) -> FormToPrint:
        return FormToPrint(
            kind.label, lambda: PrintRequest(f"{order.id} {kind.value}", render(kind, content))
        )

    messages = Messages()
    results: list[bool | None] = []
    app = make_app(where, settings, store, clock)
    async with app.run_test(size=SIZE, message_hook=messages.hook) as pilot:
        await ready(pilot)
        screen = PrintFormsScreen([form(kind) for kind in forms_to_sign(BUSINESSES[BusinessCode.NEW])])
        await app.push_screen(screen, results.append)
        await pilot.pause()
        yield Printing(app, pilot, screen, order.id, messages, results)


def _on_queue(settings: KioskSettings, cupsd: Cupsd) -> KioskSettings:
    """The settings with the test cupsd's `kiosk` queue as the printer."""
    return settings.model_copy(update={"printer_queue": "kiosk", "printer_cups_server": str(cupsd.socket)})


def _done(number: int) -> Any:
    return lambda message: message.number == number and message.progress.stage is Stage.DONE


def _stage(stage: Stage) -> Any:
    return lambda message: message.progress.stage is stage


async def test_both_forms_print_on_the_demo_spool_then_done(where, store: Store, clock, settings) -> None:
    async with printing(where, store, clock, settings) as at:
        await at.messages.wait(PrintProgressed, _done(1))
        await at.pilot.pause()
        text = screen_text(at.app)
        assert "✓ 数字证书申请表 · 已打印" in text and "✓ 公章印样表 · 已打印" in text
        assert "全部打印完成，请取走表格后点击“完成打印”" in text
        printed = PdfSpoolPrinter(spool_folder(where)).printed()
        assert [path.name.split("-", 1)[1] for path in printed] == [
            f"{at.order_id}_application_form.pdf",
            f"{at.order_id}_seal_sample_form.pdf",
        ]
        words = subprocess.run(
            ["pdftotext", str(printed[1]), "-"], capture_output=True, text=True, check=True
        )
        assert "公章印样表" in words.stdout and at.order_id in words.stdout

        assert not at.screen.query_one("#reprint", Button).disabled  # a reprint of everything
        await at.pilot.click("#done")
        await at.pilot.pause()
        assert at.results == [True]


async def test_a_paused_printer_is_explained_and_the_form_prints_when_staff_start_it(
    where, store: Store, clock, settings, queues: Cupsd
) -> None:
    queues.admin("cupsdisable", "kiosk")
    async with printing(where, store, clock, _on_queue(settings, queues)) as at:
        await at.messages.wait(PrintProgressed, _stage(Stage.WAITING))
        await at.pilot.pause()
        text = screen_text(at.app)
        assert "打印机已暂停，请联系大厅工作人员。表格已保留，打印机恢复后将自动打印" in text
        assert "○ 数字证书申请表 · 已保留，等待打印机" in text
        assert at.screen.query_one("#done", Button).disabled
        (event,) = list(
            store.database.tables["audit"].rows_where("action = 'printer_problem'")
        )  # once, for staff
        assert event["actor"] == "device" and "paused" in event["detail"]

        at.app.language = "en"  # a subscriber who switched to English reads the same in English
        await at.pilot.pause()
        assert "The printer is paused; please ask the hall staff. Your form is kept" in screen_text(at.app)

        queues.admin("cupsenable", "kiosk")
        await at.messages.wait(PrintProgressed, _done(1))
        await at.pilot.pause()
        assert "✓ Digital certificate application form · Printed" in screen_text(at.app)
        assert not at.screen.query_one("#done", Button).disabled


async def test_a_refusing_printer_fails_and_reprint_prints_once_fixed(
    where, store: Store, clock, settings, queues: Cupsd
) -> None:
    queues.admin("cupsreject", "kiosk")
    async with printing(where, store, clock, _on_queue(settings, queues)) as at:
        await at.messages.wait(PrintProgressed, _stage(Stage.FAILED))
        await at.pilot.pause()
        text = screen_text(at.app)
        assert "打印机暂不接受打印任务，请联系大厅工作人员" in text
        assert "✗ 数字证书申请表 · 未打印" in text and "○ 公章印样表 · 等待打印" in text
        assert not at.screen.query_one("#reprint", Button).disabled

        queues.admin("cupsaccept", "kiosk")
        await at.pilot.click("#reprint")
        await at.messages.wait(PrintProgressed, _done(1))
        await at.pilot.pause()
        text = screen_text(at.app)
        assert "✓ 数字证书申请表 · 已打印" in text and "✓ 公章印样表 · 已打印" in text


async def test_print_later_cancels_the_held_form_and_leaves(
    where, store: Store, clock, settings, queues: Cupsd
) -> None:
    queues.admin("cupsdisable", "kiosk")
    async with printing(where, store, clock, _on_queue(settings, queues)) as at:
        waiting = await at.messages.wait(PrintProgressed, _stage(Stage.WAITING))
        await at.pilot.click("#later")
        assert await asyncio.to_thread(at.screen.printer_idle.wait, 30)  # it cancelled the job and let go
        await at.pilot.pause()
        assert at.results == [False]
        jobs = queues.admin("lpstat", "-W", "not-completed", "-o", "kiosk")
        assert f"kiosk-{waiting.progress.job_id} " not in jobs  # nothing left to print later
