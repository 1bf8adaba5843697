"""A ruled table drawn row by row down the page, as the CA's paper forms are: a narrow column
naming each section on the left, then rows of label and value cells. Every cell's text is fitted
inside it (smaller, then wrapped), so a long address or unit name never runs over a rule."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from kiosk.devices.forms.drawing import CellDrawing, fit_text

PADDING = 1.6 * mm
LABEL_SHADE = 0.93  # grey of label cells: readable after a cheap photocopy


@dataclass(frozen=True)
class Cell:
    width: float  # points; the last cell of a row takes what is left
    text: str = ""
    label: bool = False
    size: float = 10
    draw: CellDrawing | None = None


@dataclass(frozen=True)
class Row:
    height: float
    cells: Sequence[Cell]


class Table:
    def __init__(self, canvas: Canvas, x: float, top: float, width: float, title_width: float) -> None:
        self.canvas = canvas
        self.x = x
        self.top = top
        self.width = width
        self.title_width = title_width

    def section(self, title: str, rows: Sequence[Row]) -> None:
        """A section: its title in the left column, spanning its rows."""
        height = sum(row.height for row in rows)
        self._cell(Cell(self.title_width, title, label=True, size=10.5), self.x, self.top, height)
        top = self.top
        for row in rows:
            x = self.x + self.title_width
            right = self.x + self.width
            for number, cell in enumerate(row.cells):
                last = number == len(row.cells) - 1
                width = right - x if last else cell.width
                self._cell(cell, x, top, row.height, width)
                x += width
            top -= row.height
        self.top = top

    def _cell(self, cell: Cell, x: float, top: float, height: float, width: float | None = None) -> None:
        width = cell.width if width is None else width
        canvas = self.canvas
        canvas.setLineWidth(0.6)
        if cell.label:
            canvas.setFillGray(LABEL_SHADE)
            canvas.rect(x, top - height, width, height, stroke=1, fill=1)
            canvas.setFillGray(0)
        else:
            canvas.rect(x, top - height, width, height, stroke=1, fill=0)
        inner = width - 2 * PADDING
        if cell.draw is not None:
            cell.draw(canvas, x + PADDING, top, inner, height)
        elif cell.text:
            fit_text(canvas, cell.text, x + PADDING, top - 0.6 * mm, inner, height - 1.2 * mm, cell.size)


def pair(label: str, value: str, label_width: float, value_width: float) -> tuple[Cell, Cell]:
    """A label cell and its value cell."""
    return Cell(label_width, label, label=True), Cell(value_width, value)
