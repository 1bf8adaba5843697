"""Drawing pieces every form shares: text in the embedded font, checkboxes as vector shapes (no
CJK font here has ☐ or ☑), a QR code as filled squares, and the header that puts the order
number and its QR on every page, so that paper and uploads can be matched."""

from __future__ import annotations

from typing import BinaryIO

import segno
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from kiosk.devices.forms.fonts import cjk_font

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 15 * mm
QR_SIZE = 22 * mm


def new_canvas(target: str | BinaryIO, title: str) -> Canvas:
    """An A4 canvas whose every font is the embedded one (not even reportlab's default
    Helvetica is referenced, so no printer substitutes anything)."""
    canvas = Canvas(target, pagesize=A4, initialFontName=cjk_font(), initialFontSize=10.5, pageCompression=1)
    canvas.setTitle(title)
    canvas.setCreator("CA service-hall kiosk")
    return canvas


def write(canvas: Canvas, x: float, y: float, text: str, size: float = 10.5, *, bold: bool = False) -> None:
    """Text with its baseline at y. `bold` is drawn as a thin outline: Micro Hei has no bold face."""
    canvas.setFont(cjk_font(), size)
    if bold:
        text_object = canvas.beginText(x, y)
        text_object.setTextRenderMode(2)  # fill and stroke
        canvas.setLineWidth(size / 40)
        text_object.textOut(text)
        canvas.drawText(text_object)
        canvas.setLineWidth(1)
    else:
        canvas.drawString(x, y, text)


def write_centred(canvas: Canvas, y: float, text: str, size: float, *, bold: bool = False) -> None:
    canvas.setFont(cjk_font(), size)
    width = canvas.stringWidth(text, cjk_font(), size)
    write(canvas, (PAGE_WIDTH - width) / 2, y, text, size, bold=bold)


def checkbox(canvas: Canvas, x: float, y: float, *, ticked: bool, size: float = 3.6 * mm) -> None:
    """A square with its lower-left corner at (x, y), with a tick when `ticked`."""
    canvas.setLineWidth(0.8)
    canvas.rect(x, y, size, size, stroke=1, fill=0)
    if ticked:
        path = canvas.beginPath()
        path.moveTo(x + size * 0.18, y + size * 0.52)
        path.lineTo(x + size * 0.42, y + size * 0.22)
        path.lineTo(x + size * 0.85, y + size * 0.85)
        canvas.setLineWidth(1.3)
        canvas.drawPath(path, stroke=1, fill=0)
    canvas.setLineWidth(1)


def qr_code(canvas: Canvas, data: str, x: float, y: float, size: float = QR_SIZE) -> None:
    """A QR code of `data` with its lower-left corner at (x, y), quiet zone included."""
    code = segno.make(data, error="m", micro=False)
    rows = [list(row) for row in code.matrix_iter(scale=1, border=4)]
    module = size / len(rows)
    canvas.setFillColorRGB(0, 0, 0)
    for row_number, row in enumerate(rows):
        top = y + size - (row_number + 1) * module
        column = 0
        while column < len(row):  # one rectangle per run of dark modules
            if not row[column]:
                column += 1
                continue
            start = column
            while column < len(row) and row[column]:
                column += 1
            canvas.rect(x + start * module, top, (column - start) * module, module, stroke=0, fill=1)


def order_header(canvas: Canvas, title: str, order_number: str, follow_url: str) -> float:
    """The form's title, the order number and the QR that opens the order. Returns the y under it."""
    top = PAGE_HEIGHT - MARGIN
    qr_code(canvas, follow_url, PAGE_WIDTH - MARGIN - QR_SIZE, top - QR_SIZE)
    write(canvas, MARGIN, top - 6 * mm, f"订单号 Order No.: {order_number}", 9)
    write_centred(canvas, top - 15 * mm, title, 18, bold=True)
    return float(top - QR_SIZE - 4 * mm)
