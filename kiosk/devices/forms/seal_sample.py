"""公章印样表（签章取样表）: boxes for samples of the unit's seal and of the legal
representative's and handler's signatures, from which the CA makes the electronic seal."""

from __future__ import annotations

from typing import BinaryIO

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from kiosk.core.domain.businesses import Section
from kiosk.devices.forms.content import FormContent
from kiosk.devices.forms.drawing import MARGIN, PAGE_WIDTH, new_canvas, order_header, signing_row, wrap, write
from kiosk.devices.forms.table import Cell, Row, Table, pair

TITLE = "公章印样表（签章取样表）"
WIDTH = PAGE_WIDTH - 2 * MARGIN
SECTION_COLUMN = 24 * mm
LABEL = 34 * mm
SEAL_BOX = 45 * mm  # a round unit seal is 40–42 mm across
DECLARATION = (
    "本单位确认：以上印章及签字样本为本单位真实有效的印章及签字，同意东方中讯数字证书认证有限公司"
    "据此制作本单位的电子签章。印样须清晰、完整，不得超出框线。"
)


def render_seal_sample_form(content: FormContent, target: str | BinaryIO) -> None:
    canvas = new_canvas(target, f"{TITLE} {content.order_id}")
    top = order_header(canvas, TITLE, content.order_id, content.follow_url)
    table = Table(canvas, MARGIN, top - 4 * mm, WIDTH, SECTION_COLUMN)
    table.section(
        "单位信息",
        [
            Row(8 * mm, pair("单位名称", content.unit_name, LABEL, 0)),
            Row(8 * mm, pair("统一社会信用代码", content.uscc, LABEL, 0)),
        ],
    )
    table.section("公章印样", [Row(SEAL_BOX + 16 * mm, [Cell(0, draw=_seal_boxes)])])
    table.section(
        "签字样本",
        [
            _signature_row("法定代表人", content.value(Section.UNIT, "legal_rep_name")),
            _signature_row("经办人", content.value(Section.HANDLER, "name")),
        ],
    )
    table.section("声  明", [Row(16 * mm, [Cell(0, draw=_declaration)])])
    table.section("*签  署", [Row(40 * mm, [Cell(0, draw=signing_row("法定代表人或经办人"))])])
    canvas.showPage()
    canvas.save()


def _seal_boxes(canvas: Canvas, x: float, top: float, width: float, height: float) -> None:
    write(canvas, x, top - 5 * mm, "请在下列两个框内各清晰加盖一次单位公章：", 9.5)
    gap = (width - 2 * SEAL_BOX) / 3
    for number, label in enumerate(("印样一", "印样二")):
        left = x + gap + number * (SEAL_BOX + gap)
        canvas.setLineWidth(0.8)
        canvas.rect(left, top - 9 * mm - SEAL_BOX, SEAL_BOX, SEAL_BOX, stroke=1, fill=0)
        write(canvas, left + SEAL_BOX / 2 - 6 * mm, top - height + 2.5 * mm, label, 9)


def _signature_row(role: str, name: str) -> Row:
    def draw(canvas: Canvas, x: float, top: float, width: float, height: float) -> None:
        box = (width - 3 * 4 * mm) / 3
        for number in range(3):
            left = x + number * (box + 4 * mm)
            canvas.setLineWidth(0.6)
            canvas.rect(left, top - height + 2 * mm, box, height - 4 * mm, stroke=1, fill=0)

    return Row(22 * mm, [Cell(LABEL, f"{role}签字\n（{name}）", label=True), Cell(0, draw=draw)])


def _declaration(canvas: Canvas, x: float, top: float, width: float, height: float) -> None:
    y = top - 5 * mm
    for line in wrap(DECLARATION, width, 9.5):
        write(canvas, x, y, line, 9.5)
        y -= 4.6 * mm
