"""The PDF printer of development and the demo: each job is a PDF file in a folder, done the
moment it is written. Like a real printer's output tray it holds the last few jobs only (they
carry the subscriber's details), and its files are readable by the kiosk's user alone."""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path

from kiosk.devices.printer.errors import PrinterFault
from kiosk.devices.printer.status import JobState, JobStatus, PrinterCondition, PrinterStatus

_UNSAFE = re.compile(r"[^\w.-]+")


class PdfSpoolPrinter:
    def __init__(self, folder: Path, keep: int = 10) -> None:
        self.folder = folder
        self.keep = keep
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"PdfSpoolPrinter({str(self.folder)!r})"

    def submit(self, document: bytes, title: str) -> str:
        with self._lock:
            try:
                self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
                number = self._next_number()
                path = self.folder / f"{number:05d}-{_UNSAFE.sub('_', title)[:80]}.pdf"
                partial = path.with_suffix(".part")
                fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                with os.fdopen(fd, "wb") as out:
                    out.write(document)
                partial.replace(path)  # a reader never sees half a PDF
                self._trim()
            except OSError as error:
                raise PrinterFault(
                    PrinterCondition.FAULT, f"cannot write to {self.folder}: {error}"
                ) from None
            return str(number)

    def job(self, job_id: str) -> JobStatus:
        """Done as soon as written; the detail says where, for whoever tries the demo."""
        written = next(self.folder.glob(f"{int(job_id):05d}-*.pdf"), None) if job_id.isdigit() else None
        return JobStatus(JobState.COMPLETED, detail=str(written) if written else "")

    def status(self) -> PrinterStatus:
        if self.folder.exists() and not os.access(self.folder, os.W_OK):
            return PrinterStatus(PrinterCondition.FAULT, detail=f"{self.folder} is not writable")
        return PrinterStatus(PrinterCondition.READY)

    def cancel(self, job_id: str) -> None:
        """Nothing to cancel: a spooled job is finished when it is written."""

    def printed(self) -> list[Path]:
        """The jobs held, oldest first."""
        return sorted(self.folder.glob("*.pdf"))

    def _next_number(self) -> int:
        """One more than the highest job held, so numbers go on across restarts."""
        held = [int(path.name[:5]) for path in self.printed() if path.name[:5].isdigit()]
        return max(held, default=0) + 1

    def _trim(self) -> None:
        for old in self.printed()[: -self.keep or None]:
            old.unlink(missing_ok=True)
