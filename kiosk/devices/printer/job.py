"""Printing one document and following it onto paper, as a stream of progress a screen shows.

A job the printer cannot finish now (no paper, a jam, paused) stays in the printer's queue and
prints when staff fix it: the subscriber is told so and can wait. A job the printer would not
take (queue refusing, missing, cupsd down) fails at once; the caller keeps the PrintRequest and
submits it again to retry, as it does to reprint. A job given up on (the subscriber leaves or
chooses to print later) is cancelled, so their form never comes out for the next person."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from kiosk.core.i18n import Text
from kiosk.devices.printer.errors import PrinterFault
from kiosk.devices.printer.status import JobState, JobStatus, PrinterCondition, PrinterStatus

POLL_S = 0.25  # CUPS has no push a kiosk can use without an IPP notifier; its state is cheap to ask

SENT = Text("正在发送到打印机…")
PRINTING = Text("正在打印，请稍候…")
DONE = Text("打印完成，请在出纸口取走")
HELD = Text("{problem}。表格已保留，打印机恢复后将自动打印")
GAVE_UP = Text("已取消打印，可稍后重新打印")
LOST = Text("打印任务被取消，请重新打印")


class Printer(Protocol):
    def submit(self, document: bytes, title: str) -> str: ...
    def job(self, job_id: str) -> JobStatus: ...
    def status(self) -> PrinterStatus: ...
    def cancel(self, job_id: str) -> None: ...


@dataclass(frozen=True)
class PrintRequest:
    """One document to print, kept by whoever asked until it is on paper."""

    title: str  # the job's name at the printer: the order number and the form, nothing personal
    document: bytes


class Stage(StrEnum):
    SENT = "sent"
    PRINTING = "printing"
    WAITING = "waiting"  # held in the printer's queue until it can print
    DONE = "done"
    FAILED = "failed"  # not printed; submit the request again to retry

    @property
    def final(self) -> bool:
        return self in (Stage.DONE, Stage.FAILED)


@dataclass(frozen=True)
class PrintProgress:
    stage: Stage
    message: Text
    job_id: str | None = None
    condition: PrinterCondition | None = None
    detail: str = ""  # for staff and the log


def print_and_follow(
    printer: Printer, request: PrintRequest, stop: threading.Event, poll_s: float = POLL_S
) -> Iterator[PrintProgress]:
    """Submit `request` and report until it is printed, fails, or `stop` is set (then the job is
    cancelled). Each change is reported once. Blocking: run it in a worker thread."""
    try:
        job_id = printer.submit(request.document, request.title)
    except PrinterFault as fault:
        yield PrintProgress(Stage.FAILED, fault.message, None, fault.condition, fault.detail)
        return
    yield PrintProgress(Stage.SENT, SENT, job_id)
    last: PrintProgress | None = None
    while True:
        progress = _look(printer, job_id)
        if progress != last:
            yield progress
            last = progress
        if progress.stage.final:
            return
        if stop.wait(poll_s):
            yield PrintProgress(Stage.FAILED, GAVE_UP, job_id, detail=_cancel(printer, job_id))
            return


def _look(printer: Printer, job_id: str) -> PrintProgress:
    try:
        job = printer.job(job_id)
    except PrinterFault as fault:  # cupsd restarting: the job is safe in its spool
        return PrintProgress(Stage.WAITING, Text(HELD, problem=fault.message), job_id, fault.condition)
    if job.state is JobState.COMPLETED:
        return PrintProgress(Stage.DONE, DONE, job_id, detail=job.detail)
    if job.state.finished:
        return PrintProgress(Stage.FAILED, LOST, job_id, detail=f"{job.state.name} {' '.join(job.reasons)}")
    status = printer.status()
    if job.state is JobState.PROCESSING and status.condition.can_print:
        return PrintProgress(Stage.PRINTING, PRINTING, job_id, status.condition)
    if status.condition.can_print:
        return PrintProgress(Stage.SENT, SENT, job_id, status.condition)
    problem = Text(HELD, problem=status.message)
    return PrintProgress(Stage.WAITING, problem, job_id, status.condition, " ".join(status.reasons))


def _cancel(printer: Printer, job_id: str) -> str:
    """Cancel the job; what staff should know if it could not be (it may still print)."""
    try:
        printer.cancel(job_id)
    except PrinterFault as fault:
        return f"job {job_id} could not be cancelled and may still print: {fault.detail}"
    return f"job {job_id} cancelled"
