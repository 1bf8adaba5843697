"""The one error a printer raises: why it cannot print, as a condition with its sentence."""

from __future__ import annotations

from kiosk.core.i18n import Text
from kiosk.devices.printer.status import PrinterCondition


class PrinterFault(RuntimeError):
    """The printer cannot take or finish a job. `message` is for the subscriber, `detail` for
    staff and the log."""

    def __init__(self, condition: PrinterCondition, detail: str = "") -> None:
        self.condition = condition
        self.detail = detail
        super().__init__(f"{condition.value}: {detail}" if detail else condition.value)

    @property
    def message(self) -> Text:
        return self.condition.message
