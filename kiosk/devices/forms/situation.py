"""情况说明 for 改派 (redirecting a shipment): a letter to the CA, pre-filled with the unit, the
original order, the reason and the new way to receive the certificate, with ruled space for the
handler to write more, then the seal and signature."""

from __future__ import annotations

from typing import BinaryIO

from reportlab.lib.units import mm

from kiosk.core.domain.businesses import Section
from kiosk.devices.forms.content import NOT_APPLICABLE, FormContent
from kiosk.devices.forms.drawing import MARGIN, PAGE_WIDTH, new_canvas, order_header, wrap, write

TITLE = "情况说明"
WIDTH = PAGE_WIDTH - 2 * MARGIN
SIZE = 12
LEADING = 8 * mm
RULED_LINES = 6


def statement_text(content: FormContent) -> str:
    """The body of the statement, in the words a clerk would write."""
    reason = content.choice(Section.REDIRECT_REASON, "reason")
    if content.self_pickup:
        how = "到服务大厅自提"
    else:
        how = "邮寄至{address}（收件人：{recipient}，电话：{phone}）".format(
            address=content.value(Section.DELIVERY, "address"),
            recipient=content.value(Section.DELIVERY, "recipient"),
            phone=content.value(Section.DELIVERY, "phone"),
        )
    detail = content.value(Section.REDIRECT_REASON, "detail")
    text = (
        f"我单位{content.unit_name}（统一社会信用代码：{content.uscc}）办理的数字证书订单"
        f"（订单号：{content.redirect_of or NOT_APPLICABLE}），因{reason}，现申请改派，"
        f"证书改为{how}。"
    )
    if detail != NOT_APPLICABLE:
        text += f"\n具体情况：{detail}"
    return text + "\n由此产生的一切后果由我单位承担。特此说明。"


def render_situation_statement(content: FormContent, target: str | BinaryIO) -> None:
    canvas = new_canvas(target, f"{TITLE} {content.order_id}")
    y = order_header(canvas, TITLE, content.order_id, content.follow_url) - 8 * mm
    write(canvas, MARGIN, y, "东方中讯数字证书认证有限公司：", SIZE)
    y -= LEADING * 1.3
    for paragraph in statement_text(content).split("\n"):
        for number, line in enumerate(wrap(paragraph, WIDTH - 2 * SIZE, SIZE)):
            indent = 2 * SIZE if number == 0 else 0  # a Chinese paragraph starts two characters in
            write(canvas, MARGIN + indent, y, line, SIZE)
            y -= LEADING
    y -= 2 * mm
    write(canvas, MARGIN, y, "补充说明（可手写）：", SIZE)
    canvas.setLineWidth(0.5)
    for _ in range(RULED_LINES):
        y -= LEADING
        canvas.line(MARGIN, y, MARGIN + WIDTH, y)
    y -= LEADING * 2
    right = MARGIN + WIDTH - 80 * mm
    write(canvas, right, y, "单位（公章）：", SIZE)
    canvas.setDash(2, 2)
    canvas.rect(right + 30 * mm, y - 38 * mm, 48 * mm, 44 * mm, stroke=1, fill=0)
    canvas.setDash()
    y -= 48 * mm
    write(canvas, right, y, "经办人（签名）：", SIZE)
    canvas.line(right + 32 * mm, y - 1 * mm, right + 78 * mm, y - 1 * mm)
    y -= LEADING * 1.5
    write(canvas, right + 20 * mm, y, "年        月        日", SIZE)
    canvas.showPage()
    canvas.save()
