"""The printer device against a real cupsd (tests/support/cups.py): a form goes onto A4 paper
carrying its order number; a stopped queue keeps the job and prints it when started again;
out of paper, jammed and offline printers are told apart and said plainly; a refused or missing
queue fails with its sentence and the request is kept to retry; a job given up on is cancelled.
The PDF spool printer of the demo is tested on its own folder."""

from __future__ import annotations

import stat
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.cups import Cupsd

from kiosk.config.locations import Locations
from kiosk.config.settings import KioskSettings
from kiosk.core.domain.businesses import BusinessCode
from kiosk.core.domain.catalog import load_catalog
from kiosk.core.domain.samples import SAMPLE_PROJECT_PATH, sample_form
from kiosk.devices.forms.content import FormContent
from kiosk.devices.forms.render import PrintedForm, render
from kiosk.devices.printer import ipp
from kiosk.devices.printer.cups import CupsPrinter
from kiosk.devices.printer.errors import PrinterFault
from kiosk.devices.printer.job import PrintProgress, PrintRequest, Stage, print_and_follow
from kiosk.devices.printer.runtime import open_printer, spool_folder
from kiosk.devices.printer.spool import PdfSpoolPrinter
from kiosk.devices.printer.status import JobState, PrinterCondition, PrinterState, condition_of
from kiosk.store import Store

CATALOG = load_catalog()


@pytest.fixture
def form(store: Store) -> tuple[str, PrintRequest]:
    """The application form of a real order, as the kiosk would print it."""
    order = store.orders.create(
        BusinessCode.NEW,
        form=sample_form(BusinessCode.NEW),
        project=CATALOG.default_selection(SAMPLE_PROJECT_PATH),
    )
    content = FormContent.of(
        store.orders.get(order.id), CATALOG, f"https://www.exca.org/kiosk/order/{order.id}"
    )
    document = render(PrintedForm.APPLICATION_FORM, content)
    return order.id, PrintRequest(f"{order.id} application_form", document)


def _follow(
    printer: CupsPrinter | PdfSpoolPrinter,
    request: PrintRequest,
    *,
    until: Stage,
    stop: threading.Event | None = None,
) -> tuple[list[PrintProgress], Iterator[PrintProgress]]:
    """Follow the job until a progress of stage `until` (or a final one) comes; returns what came
    and the stream, so the test can change the printer and follow on."""
    stream = print_and_follow(printer, request, stop or threading.Event(), poll_s=0.02)
    seen = []
    for progress in stream:
        seen.append(progress)
        if progress.stage is until or progress.stage.final:
            break
    return seen, stream


def _pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def _page_size(path: Path) -> str:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return next(line for line in info.splitlines() if line.startswith("Page size"))


def test_a_form_comes_out_on_a4_with_its_order_number(queues: Cupsd, form: tuple[str, PrintRequest]) -> None:
    order_id, request = form
    printer = CupsPrinter("kiosk", str(queues.socket))
    seen, _ = _follow(printer, request, until=Stage.DONE)
    assert seen[0].stage is Stage.SENT and seen[-1].stage is Stage.DONE, seen
    assert seen[-1].message == "打印完成，请在出纸口取走"
    paper = queues.paper / "kiosk.pdf"
    assert "(A4)" in _page_size(paper)
    text = _pdf_text(paper)
    assert order_id in text and "91350100M000100Y43" in text and "数字证书申请表" in text
    assert printer.job(seen[-1].job_id or "").state is JobState.COMPLETED


def test_a_stopped_queue_keeps_the_job_and_prints_it_when_started(
    queues: Cupsd, form: tuple[str, PrintRequest]
) -> None:
    order_id, request = form
    (queues.paper / "kiosk.pdf").unlink(missing_ok=True)
    queues.admin("cupsdisable", "-r", "staff: refilling", "kiosk")
    printer = CupsPrinter("kiosk", str(queues.socket))
    assert printer.status().condition is PrinterCondition.PAUSED

    seen, stream = _follow(printer, request, until=Stage.WAITING)
    waiting = seen[-1]
    assert waiting.stage is Stage.WAITING and waiting.condition is PrinterCondition.PAUSED
    assert waiting.message == "打印机已暂停，请联系大厅工作人员。表格已保留，打印机恢复后将自动打印"
    assert waiting.message.say("en") == (
        "The printer is paused; please ask the hall staff. Your form is kept and prints as soon "
        "as the printer is back"
    )
    assert printer.job(waiting.job_id or "").state is JobState.PENDING  # kept in the queue
    assert not (queues.paper / "kiosk.pdf").exists()

    queues.admin("cupsenable", "kiosk")
    rest = list(stream)
    assert rest[-1].stage is Stage.DONE, rest
    assert order_id in _pdf_text(queues.paper / "kiosk.pdf")


@pytest.mark.parametrize(
    ("reason", "condition", "sentence"),
    [
        ("media-empty-error", PrinterCondition.OUT_OF_PAPER, "打印机缺纸，请联系大厅工作人员添加纸张"),
        ("media-jam-error", PrinterCondition.JAMMED, "打印机卡纸，请联系大厅工作人员处理"),
        ("offline-report", PrinterCondition.OFFLINE, "打印机未连接或未开机，请联系大厅工作人员"),
    ],
)
def test_printer_faults_are_told_apart_and_the_job_waits_for_the_fix(
    queues: Cupsd,
    form: tuple[str, PrintRequest],
    reason: str,
    condition: PrinterCondition,
    sentence: str,
) -> None:
    order_id, request = form
    queues.set_fault(reason)
    printer = CupsPrinter("faulty", str(queues.socket))
    seen, stream = _follow(printer, request, until=Stage.WAITING)
    waiting = seen[-1]
    assert waiting.stage is Stage.WAITING and waiting.condition is condition, seen
    assert waiting.message.startswith(sentence) and "表格已保留" in waiting.message
    assert reason in waiting.detail  # CUPS's own keyword, for staff
    assert printer.status().condition is condition
    job_id = waiting.job_id or ""
    assert not printer.job(job_id).state.finished

    if condition is PrinterCondition.OFFLINE:
        assert printer.job(job_id).state is JobState.PROCESSING  # the backend retries
        queues.set_fault(None)  # staff switch it on
    else:
        queues.wait_until_stopped("faulty")
        queues.set_fault(None)  # staff add paper or clear the jam, then start the queue
        queues.admin("cupsenable", "faulty")
    assert list(stream)[-1].stage is Stage.DONE
    assert order_id in _pdf_text(queues.paper / f"faulty-{job_id}.pdf")
    assert printer.status().condition is PrinterCondition.READY


def test_a_refusing_queue_fails_at_once_and_the_kept_request_prints_on_retry(
    queues: Cupsd, form: tuple[str, PrintRequest]
) -> None:
    order_id, request = form
    queues.admin("cupsreject", "kiosk")
    printer = CupsPrinter("kiosk", str(queues.socket))
    seen, _ = _follow(printer, request, until=Stage.DONE)
    assert [progress.stage for progress in seen] == [Stage.FAILED]
    assert seen[0].condition is PrinterCondition.REFUSING
    assert seen[0].message == "打印机暂不接受打印任务，请联系大厅工作人员"
    assert seen[0].message.say("en") == "The printer is not taking jobs; please ask the hall staff"

    queues.admin("cupsaccept", "kiosk")
    retry, _ = _follow(printer, request, until=Stage.DONE)  # the same request, kept by the caller
    assert retry[-1].stage is Stage.DONE
    assert order_id in _pdf_text(queues.paper / "kiosk.pdf")


def test_giving_up_on_a_held_job_cancels_it_so_it_never_prints_for_the_next_person(
    queues: Cupsd, form: tuple[str, PrintRequest]
) -> None:
    _, request = form
    queues.admin("cupsdisable", "faulty")
    printer = CupsPrinter("faulty", str(queues.socket))
    stop = threading.Event()
    seen, stream = _follow(printer, request, until=Stage.WAITING, stop=stop)
    job_id = seen[-1].job_id or ""
    stop.set()  # the subscriber chose 稍后打印, or left
    last = list(stream)[-1]
    assert last.stage is Stage.FAILED and last.message == "已取消打印，可稍后重新打印"
    assert printer.job(job_id).state is JobState.CANCELLED
    queues.admin("cupsenable", "faulty")
    assert printer.job(job_id).state is JobState.CANCELLED
    assert not (queues.paper / f"faulty-{job_id}.pdf").exists()


def test_a_missing_queue_and_a_stopped_cupsd_are_said_plainly(
    queues: Cupsd, form: tuple[str, PrintRequest], tmp_path: Path
) -> None:
    _, request = form
    missing = CupsPrinter("no-such-queue", str(queues.socket))
    assert missing.status().condition is PrinterCondition.MISSING
    seen, _ = _follow(missing, request, until=Stage.DONE)
    assert seen == [seen[0]] and seen[0].stage is Stage.FAILED
    assert seen[0].message == "未找到打印机，请联系大厅工作人员"

    down = CupsPrinter("kiosk", str(tmp_path / "no-cupsd.sock"))
    assert down.status().condition is PrinterCondition.UNREACHABLE
    seen, _ = _follow(down, request, until=Stage.DONE)
    assert seen[0].stage is Stage.FAILED and seen[0].message == "打印服务未运行，请联系大厅工作人员"
    assert seen[0].message.say("en") == "The print service is not running; please ask the hall staff"
    with pytest.raises(PrinterFault) as raised:
        down.submit(request.document, request.title)
    assert raised.value.condition is PrinterCondition.UNREACHABLE and "no-cupsd.sock" in raised.value.detail


def test_the_pdf_spool_prints_at_once_keeps_the_last_jobs_and_only_for_the_kiosk(
    form: tuple[str, PrintRequest], tmp_path: Path
) -> None:
    order_id, request = form
    printer = PdfSpoolPrinter(tmp_path / "spool", keep=3)
    assert printer.status().condition is PrinterCondition.READY
    for _ in range(5):
        seen, _ = _follow(printer, request, until=Stage.DONE)
        assert [progress.stage for progress in seen] == [Stage.SENT, Stage.DONE]
    held = printer.printed()
    assert [path.name[:5] for path in held] == ["00003", "00004", "00005"]
    assert seen[-1].detail == str(held[-1])  # the last job says where it is
    assert stat.S_IMODE(held[-1].stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "spool").stat().st_mode) == 0o700
    assert order_id in _pdf_text(held[-1])
    assert PdfSpoolPrinter(tmp_path / "spool", keep=3).submit(b"%PDF-", "after a restart") == "6"


def test_a_spool_that_cannot_be_written_is_a_fault_and_nothing_is_lost(
    form: tuple[str, PrintRequest], tmp_path: Path
) -> None:
    _, request = form
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the spool folder should be")
    seen, _ = _follow(PdfSpoolPrinter(blocked), request, until=Stage.DONE)
    assert seen[0].stage is Stage.FAILED and seen[0].condition is PrinterCondition.FAULT
    assert seen[0].message == "打印机故障，请联系大厅工作人员"
    assert str(blocked) in seen[0].detail
    assert request.document.startswith(b"%PDF")  # the request is untouched, to print again


def test_the_settings_choose_the_spool_or_a_cups_queue(settings: KioskSettings, where: Locations) -> None:
    spool = open_printer(settings, where)
    assert isinstance(spool, PdfSpoolPrinter) and spool.folder == spool_folder(where)
    queue = open_printer(
        settings.model_copy(update={"printer_queue": "hall", "printer_cups_server": "/x.sock"}), where
    )
    assert isinstance(queue, CupsPrinter) and queue.queue == "hall" and queue.server == "/x.sock"


def test_cups_reasons_become_one_condition() -> None:
    idle, stopped = PrinterState.IDLE, PrinterState.STOPPED
    assert condition_of(idle, ["none"], True) is PrinterCondition.READY
    assert condition_of(PrinterState.PROCESSING, ["none"], True) is PrinterCondition.PRINTING
    assert condition_of(idle, ["media-low-warning"], True) is PrinterCondition.READY  # a warning only
    assert condition_of(stopped, ["media-empty-error", "paused"], True) is PrinterCondition.OUT_OF_PAPER
    assert condition_of(stopped, ["media-jam-error", "media-empty-error"], True) is PrinterCondition.JAMMED
    assert condition_of(idle, ["cover-open-error"], True) is PrinterCondition.DOOR_OPEN
    assert condition_of(idle, ["toner-empty-error"], True) is PrinterCondition.OUT_OF_TONER
    assert condition_of(stopped, ["paused"], True) is PrinterCondition.PAUSED
    assert condition_of(stopped, ["none"], True) is PrinterCondition.FAULT
    assert condition_of(idle, ["none"], False) is PrinterCondition.REFUSING


def test_ipp_round_trips_and_refuses_a_truncated_answer() -> None:
    request = ipp.encode_request(
        ipp.GET_JOB_ATTRIBUTES,
        {ipp.OPERATION_GROUP: ipp.operation_attributes("ipp://localhost/printers/p", "kiosk")},
        request_id=7,
    )
    decoded = ipp.decode_response(request)  # same layout: the operation id sits where a status would
    assert decoded.status == ipp.GET_JOB_ATTRIBUTES
    assert decoded.first(ipp.OPERATION_GROUP, "printer-uri") == "ipp://localhost/printers/p"
    with pytest.raises(ipp.IppError):
        ipp.decode_response(request[:5])
    with pytest.raises(ipp.IppError):
        ipp.decode_response(request[:-12])  # cut inside an attribute
