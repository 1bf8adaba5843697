"""A CUPS queue, spoken to over IPP on cupsd's local socket (or a local TCP port).

The document goes to cupsd in the request body: nothing of a subscriber's is written to a file
by the kiosk to print it. Jobs are sized A4 explicitly: the Generic PDF driver, like many,
defaults to Letter and would shrink the form."""

from __future__ import annotations

import os
from pathlib import Path

import httpx

from kiosk.devices.printer import ipp
from kiosk.devices.printer.errors import PrinterFault
from kiosk.devices.printer.status import (
    JobState,
    JobStatus,
    PrinterCondition,
    PrinterState,
    PrinterStatus,
    condition_of,
)

DEFAULT_SOCKET = Path("/run/cups/cups.sock")
USER = "kiosk"  # requesting-user-name: the same for submit and cancel
A4 = "iso_a4_210x297mm"
_PRINTER_ATTRIBUTES = (
    "printer-state",
    "printer-state-reasons",
    "printer-state-message",
    "printer-is-accepting-jobs",
)
_JOB_ATTRIBUTES = ("job-state", "job-state-reasons", "job-state-message")


class CupsPrinter:
    def __init__(self, queue: str, server: str = "", timeout_s: float = 10.0) -> None:
        """`server`: a socket path, "host:port", or "" for CUPS_SERVER or the system's socket."""
        self.queue = queue
        self.server = server or os.environ.get("CUPS_SERVER", "") or str(DEFAULT_SOCKET)
        if self.server.startswith("/"):
            transport = httpx.HTTPTransport(uds=self.server)
            base = "http://localhost"
        else:
            transport = httpx.HTTPTransport()
            base = f"http://{self.server if ':' in self.server else self.server + ':631'}"
        self._http = httpx.Client(base_url=base, transport=transport, timeout=timeout_s)
        self.printer_uri = f"ipp://localhost/printers/{queue}"

    def __repr__(self) -> str:
        return f"CupsPrinter({self.queue!r} on {self.server})"

    def close(self) -> None:
        self._http.close()

    # --- the printer protocol ---------------------------------------------------------------
    def submit(self, document: bytes, title: str) -> str:
        """Queue a PDF; returns the job's id. Raises PrinterFault if CUPS will not take it."""
        response = self._request(
            ipp.PRINT_JOB,
            ipp.Attribute("job-name", ipp.NAME, [title]),
            ipp.Attribute("document-format", ipp.MIME_MEDIA_TYPE, ["application/pdf"]),
            job=[
                ipp.Attribute("media", ipp.KEYWORD, [A4]),
                ipp.Attribute("PageSize", ipp.NAME, ["A4"]),  # the PPD's own option, as lp -o sends it
            ],
            document=document,
        )
        job_id = response.first(ipp.JOB_GROUP, "job-id")
        if not isinstance(job_id, int):
            raise PrinterFault(PrinterCondition.FAULT, "CUPS accepted the job but gave no job-id")
        return str(job_id)

    def job(self, job_id: str) -> JobStatus:
        response = self._request(
            ipp.GET_JOB_ATTRIBUTES,
            ipp.Attribute("job-id", ipp.INTEGER, [int(job_id)]),
            ipp.Attribute("requested-attributes", ipp.KEYWORD, list(_JOB_ATTRIBUTES)),
        )
        group = response.group(ipp.JOB_GROUP)
        state = group.get("job-state", [JobState.PENDING])[0]
        return JobStatus(
            state=JobState(state if isinstance(state, int) else JobState.PENDING),
            reasons=tuple(str(reason) for reason in group.get("job-state-reasons", [])),
            detail=str(group.get("job-state-message", [""])[0]),
        )

    def status(self) -> PrinterStatus:
        try:
            response = self._request(
                ipp.GET_PRINTER_ATTRIBUTES,
                ipp.Attribute("requested-attributes", ipp.KEYWORD, list(_PRINTER_ATTRIBUTES)),
            )
        except PrinterFault as fault:
            return PrinterStatus(fault.condition, detail=fault.detail)
        group = response.group(ipp.PRINTER_GROUP)
        raw_state = group.get("printer-state", [PrinterState.IDLE])[0]
        state = PrinterState(raw_state) if raw_state in (3, 4, 5) else PrinterState.STOPPED
        reasons = tuple(str(reason) for reason in group.get("printer-state-reasons", []))
        accepting = bool(group.get("printer-is-accepting-jobs", [True])[0])
        return PrinterStatus(
            condition_of(state, reasons, accepting),
            reasons=reasons,
            detail=str(group.get("printer-state-message", [""])[0]),
        )

    def cancel(self, job_id: str) -> None:
        """Cancel a job that has not finished (a finished one is left as it is)."""
        try:
            self._request(ipp.CANCEL_JOB, ipp.Attribute("job-id", ipp.INTEGER, [int(job_id)]))
        except PrinterFault:
            if not self.job(job_id).state.finished:
                raise

    # --- one request ------------------------------------------------------------------------
    def _request(
        self,
        operation: int,
        *extra: ipp.Attribute,
        job: list[ipp.Attribute] | None = None,
        document: bytes = b"",
    ) -> ipp.Response:
        groups = {ipp.OPERATION_GROUP: ipp.operation_attributes(self.printer_uri, USER, *extra)}
        if job:
            groups[ipp.JOB_GROUP] = job
        body = ipp.encode_request(operation, groups, document)
        try:
            answer = self._http.post(
                f"/printers/{self.queue}", content=body, headers={"Content-Type": "application/ipp"}
            )
        except httpx.TransportError as error:
            detail = f"cannot reach cupsd at {self.server}: {error}"
            raise PrinterFault(PrinterCondition.UNREACHABLE, detail) from None
        if answer.status_code != 200:
            raise PrinterFault(PrinterCondition.FAULT, f"cupsd answered HTTP {answer.status_code}")
        try:
            response = ipp.decode_response(answer.content)
        except ipp.IppError as error:
            raise PrinterFault(PrinterCondition.FAULT, str(error)) from None
        if response.ok:
            return response
        message = str(response.first(ipp.OPERATION_GROUP, "status-message", ""))
        detail = f"IPP status 0x{response.status:04x} {message}".strip()
        if response.status == ipp.CLIENT_ERROR_NOT_FOUND:
            raise PrinterFault(PrinterCondition.MISSING, f"no queue {self.queue!r}: {detail}")
        if response.status == ipp.SERVER_ERROR_NOT_ACCEPTING_JOBS:
            raise PrinterFault(PrinterCondition.REFUSING, detail)
        raise PrinterFault(PrinterCondition.FAULT, detail)
