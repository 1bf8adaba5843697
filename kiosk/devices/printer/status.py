"""What the printer and a print job are doing, in the words a subscriber and the hall staff
need: CUPS's printer-state and printer-state-reasons keywords (RFC 8011 §5.4.12) boiled down
to one condition, each with its sentence."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum, StrEnum

from kiosk.core.i18n import Text


class PrinterCondition(StrEnum):
    READY = "ready"
    PRINTING = "printing"
    OUT_OF_PAPER = "out_of_paper"
    JAMMED = "jammed"
    DOOR_OPEN = "door_open"
    OUT_OF_TONER = "out_of_toner"
    OFFLINE = "offline"
    PAUSED = "paused"  # stopped by staff (cupsdisable), or by CUPS after an error it names no further
    REFUSING = "refusing"  # not accepting jobs (cupsreject)
    MISSING = "missing"  # no such queue
    UNREACHABLE = "unreachable"  # cupsd is not running
    FAULT = "fault"  # anything else that stops printing

    @property
    def message(self) -> Text:
        return CONDITION_MESSAGES[self]

    @property
    def can_print(self) -> bool:
        return self in (PrinterCondition.READY, PrinterCondition.PRINTING)


CONDITION_MESSAGES: dict[PrinterCondition, Text] = {
    PrinterCondition.READY: Text("打印机就绪"),
    PrinterCondition.PRINTING: Text("正在打印"),
    PrinterCondition.OUT_OF_PAPER: Text("打印机缺纸，请联系大厅工作人员添加纸张"),
    PrinterCondition.JAMMED: Text("打印机卡纸，请联系大厅工作人员处理"),
    PrinterCondition.DOOR_OPEN: Text("打印机盖板未关好，请联系大厅工作人员"),
    PrinterCondition.OUT_OF_TONER: Text("打印机墨粉用完，请联系大厅工作人员"),
    PrinterCondition.OFFLINE: Text("打印机未连接或未开机，请联系大厅工作人员"),
    PrinterCondition.PAUSED: Text("打印机已暂停，请联系大厅工作人员"),
    PrinterCondition.REFUSING: Text("打印机暂不接受打印任务，请联系大厅工作人员"),
    PrinterCondition.MISSING: Text("未找到打印机，请联系大厅工作人员"),
    PrinterCondition.UNREACHABLE: Text("打印服务未运行，请联系大厅工作人员"),
    PrinterCondition.FAULT: Text("打印机故障，请联系大厅工作人员"),
}

# printer-state-reasons keywords, by the condition they mean, most specific first. A reason may
# carry a -error, -warning or -report suffix; a -warning (paper low) does not stop printing.
_REASONS: tuple[tuple[PrinterCondition, tuple[str, ...]], ...] = (
    (PrinterCondition.JAMMED, ("media-jam",)),
    (PrinterCondition.OUT_OF_PAPER, ("media-empty", "media-needed", "input-tray-missing")),
    (PrinterCondition.DOOR_OPEN, ("door-open", "cover-open", "interlock-open")),
    (PrinterCondition.OUT_OF_TONER, ("toner-empty", "marker-supply-empty", "marker-waste-full")),
    (PrinterCondition.OFFLINE, ("offline", "connecting-to-device", "timed-out", "shutdown")),
    (PrinterCondition.PAUSED, ("paused",)),
)


class PrinterState(IntEnum):
    IDLE = 3
    PROCESSING = 4
    STOPPED = 5


class JobState(IntEnum):
    PENDING = 3
    HELD = 4
    PROCESSING = 5
    STOPPED = 6
    CANCELLED = 7
    ABORTED = 8
    COMPLETED = 9

    @property
    def finished(self) -> bool:
        return self >= JobState.CANCELLED


@dataclass(frozen=True)
class PrinterStatus:
    condition: PrinterCondition
    reasons: tuple[str, ...] = ()  # CUPS's keywords, for staff and the log
    detail: str = ""  # printer-state-message, for staff and the log

    @property
    def message(self) -> Text:
        return self.condition.message


@dataclass(frozen=True)
class JobStatus:
    state: JobState
    reasons: tuple[str, ...] = ()
    detail: str = ""


def condition_of(state: PrinterState, reasons: Iterable[str], accepting: bool) -> PrinterCondition:
    """One condition from CUPS's printer-state, printer-state-reasons and accepting flag."""
    blocking = [reason for reason in reasons if not reason.endswith("-warning") and reason != "none"]
    for condition, keywords in _REASONS:
        if any(_base(reason) in keywords for reason in blocking):
            return condition
    if state is PrinterState.STOPPED:
        return PrinterCondition.FAULT
    if not accepting:
        return PrinterCondition.REFUSING
    return PrinterCondition.PRINTING if state is PrinterState.PROCESSING else PrinterCondition.READY


def _base(reason: str) -> str:
    for suffix in ("-error", "-report", "-warning"):
        if reason.endswith(suffix):
            return reason[: -len(suffix)]
    return reason
