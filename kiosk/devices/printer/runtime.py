"""The printer the settings name: a CUPS queue, or the PDF spool folder (the embedded default)."""

from __future__ import annotations

from pathlib import Path

from kiosk.config.locations import Locations
from kiosk.config.settings import KioskSettings
from kiosk.devices.printer.cups import CupsPrinter
from kiosk.devices.printer.job import Printer
from kiosk.devices.printer.spool import PdfSpoolPrinter


def open_printer(settings: KioskSettings, where: Locations) -> Printer:
    if settings.printer_queue:
        return CupsPrinter(settings.printer_queue, settings.printer_cups_server)
    return PdfSpoolPrinter(spool_folder(where), keep=settings.printer_spool_keep)


def spool_folder(where: Locations) -> Path:
    return where.data_dir / "print-spool"


def follow_url(settings: KioskSettings, order_id: str) -> str:
    """The address the order's QR opens."""
    return settings.order_follow_url.replace("{order_id}", order_id)
