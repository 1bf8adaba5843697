"""Drawing pieces every form shares: text in the embedded font, checkboxes as vector shapes (no
CJK font here has ☐ or ☑), a QR code as filled squares, and the header that puts the order
number and its QR on every page, so that paper and uploads can be matched."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import BinaryIO

import segno
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from kiosk.devices.forms.fonts import cjk_font

PAGE_WIDTH, PAGE_HEIGHT = A4
# Draws a table cell's content: canvas, the inner box's left x, its top, width and height.
CellDrawing = Callable[[Canvas, float, float, float, float], None]
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
    modules, runs = _dark_runs(data)
    module = size / modules
    canvas.setFillColorRGB(0, 0, 0)
    top = y + size
    for row, start, length in runs:
        canvas.rect(x + start * module, top - (row + 1) * module, length * module, module, stroke=0, fill=1)


@functools.lru_cache(maxsize=16)
def _dark_runs(data: str) -> tuple[int, tuple[tuple[int, int, int], ...]]:
    """The code's width in modules and its dark runs (row, first column, length): one rectangle
    per run. Kept for the few orders last printed: an order's forms and receipt share one code,
    and choosing its mask is most of the cost."""
    code = segno.make(data, error="m", micro=False)
    rows = [list(row) for row in code.matrix_iter(scale=1, border=4)]
    runs = []
    for row_number, row in enumerate(rows):
        column = 0
        while column < len(row):
            if not row[column]:
                column += 1
                continue
            start = column
            while column < len(row) and row[column]:
                column += 1
            runs.append((row_number, start, column - start))
    return len(rows), tuple(runs)


def order_header(canvas: Canvas, title: str, order_number: str, follow_url: str) -> float:
    """The form's title, the order number and the QR that opens the order. Returns the y under it."""
    top = PAGE_HEIGHT - MARGIN
    qr_code(canvas, follow_url, PAGE_WIDTH - MARGIN - QR_SIZE, top - QR_SIZE)
    write(canvas, MARGIN, top - 6 * mm, f"订单号 Order No.: {order_number}", 9)
    write_centred(canvas, top - 15 * mm, title, 18, bold=True)
    return float(top - QR_SIZE - 4 * mm)


def wrap(text: str, width: float, size: float) -> list[str]:
    """`text` broken into lines no wider than `width` at `size`. Chinese breaks between any two
    characters; a run of Latin letters and digits (an e-mail, a number) is kept whole when it
    fits on a line, so a number is never split across lines."""
    font = cjk_font()
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for piece in _pieces(paragraph):
            if stringWidth(line + piece, font, size) <= width or not line:
                line += piece
            else:
                lines.append(line.rstrip())
                line = piece.lstrip()
            while stringWidth(line, font, size) > width and len(line) > 1:  # a piece too long alone
                cut = max(1, _fitting_prefix(line, width, size))
                lines.append(line[:cut])
                line = line[cut:]
        lines.append(line.rstrip())
    return lines


def _pieces(text: str) -> list[str]:
    """Characters, with runs of non-CJK characters (words, numbers) kept together."""
    pieces: list[str] = []
    for char in text:
        if pieces and char.isascii() and not char.isspace() and pieces[-1][-1:].isascii():
            pieces[-1] += char
        else:
            pieces.append(char)
    return pieces


def _fitting_prefix(text: str, width: float, size: float) -> int:
    font = cjk_font()
    for cut in range(len(text), 0, -1):
        if stringWidth(text[:cut], font, size) <= width:
            return cut
    return 1


def fit_text(
    canvas: Canvas,
    text: str,
    x: float,
    top: float,
    width: float,
    height: float,
    size: float = 10.5,
    smallest: float = 6.5,
) -> None:
    """`text` inside the box whose upper-left corner is (x, top): at `size` if it fits, else
    smaller, down to `smallest`, wrapping as it must, and centred vertically. Whatever a
    subscriber typed ends up on the paper, never cut off."""
    while True:
        lines = wrap(text, width, size)
        leading = size * 1.25
        if len(lines) * leading <= height or size <= smallest:
            break
        size = max(smallest, size - 0.5)
    block = len(lines) * leading
    baseline = top - (height - block) / 2 - size * 0.95
    for line in lines:
        write(canvas, x, baseline, line, size)
        baseline -= leading


def signing_row(signer: str) -> CellDrawing:
    """The row a signed form ends with, as a table cell's drawing: "<signer>（签名）：" on a line,
    the date, and a dashed box at the right for the unit seal. The line stops short of the seal's
    label however long the signer's title is."""
    size = 10.5

    def draw(canvas: Canvas, x: float, top: float, width: float, height: float) -> None:
        label = f"{signer}（签名）："
        seal_x = x + width - 52 * mm
        seal_label_x = seal_x - 22 * mm
        write(canvas, x, top - 8 * mm, label, size)
        start = x + stringWidth(label, cjk_font(), size) + 1 * mm
        canvas.setLineWidth(0.6)
        canvas.line(start, top - 9 * mm, min(start + 42 * mm, seal_label_x - 4 * mm), top - 9 * mm)
        write(canvas, x + 22 * mm, top - height + 6 * mm, "年        月        日", size)
        write(canvas, seal_label_x, top - 8 * mm, "*单位公章：", size)
        canvas.setDash(2, 2)
        canvas.rect(seal_x, top - height + 2 * mm, 50 * mm, height - 4 * mm, stroke=1, fill=0)
        canvas.setDash()

    return draw
