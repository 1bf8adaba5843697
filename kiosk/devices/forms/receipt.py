"""The receipt (业务受理回执) the subscriber takes away: the order's number and a large QR to
follow it, the business, where it stands, and what happens next and when. It leaves the hall
in a pocket, so the handler's name and phone are masked; it is printed in the language the
subscriber used."""

from __future__ import annotations

from typing import BinaryIO

from reportlab.lib.units import mm

from kiosk.core.domain.businesses import Section
from kiosk.core.domain.fees import format_yuan
from kiosk.core.domain.forms import DELIVERY_PICKUP, Masking
from kiosk.core.domain.masking import mask
from kiosk.core.domain.status import OrderStatus
from kiosk.core.i18n import Language, Text
from kiosk.devices.forms.content import FormContent
from kiosk.devices.forms.drawing import (
    MARGIN,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    new_canvas,
    qr_code,
    wrap,
    write,
    write_centred,
)

TITLE = Text("业务受理回执")
QUEUED_HERE = Text("已保存在本机，联网后自动提交，无需再次办理")
REVIEW_TIME = Text("资料审核一般在1个工作日内完成，结果以短信通知经办人手机{phone}")
KEEP_IT = Text("请妥善保管本回执。凭订单号可在任一自助终端的“订单查询”中查看和继续办理。")
FOLLOW = Text("扫码查看订单进度")
WIDTH = PAGE_WIDTH - 2 * MARGIN
LABEL = 34 * mm
QR = 48 * mm
SIZE = 11.5
LEADING = 7.5 * mm


def receipt_lines(content: FormContent) -> list[tuple[Text, str]]:
    """The receipt's label and value lines (plain data, so a screen can show the same)."""
    handler = content.form.get(Section.HANDLER.value, {})
    status: str = QUEUED_HERE if content.queued_here else content.status.label
    lines: list[tuple[Text, str]] = [
        (Text("订单号"), content.order_id),
        (Text("业务"), content.business.title),
        (Text("单位"), content.unit_name),
        (Text("当前状态"), status),
        (Text("受理日期"), content.day.isoformat()),
    ]
    if content.token_serial:
        lines.append((Text("证书盘芯片号"), content.token_serial))
    if content.redirect_of:
        lines.append((Text("改派订单"), content.redirect_of))
    if content.project and content.project.certificates:
        lines.append((Text("证书类型"), "、".join(content.project.certificates)))
    lines.append((Text("费用"), format_yuan(content.fee_fen) if content.fee_fen else Text("免费")))
    if handler.get("name"):
        who = f"{mask(handler['name'], Masking.NAME)}  {mask(handler.get('mobile', ''), Masking.PHONE)}"
        lines.append((Text("经办人"), who.strip()))
    delivery = content.form.get(Section.DELIVERY.value, {})
    if delivery.get("method") == DELIVERY_PICKUP:
        lines.append((Text("领取方式"), Text("到服务大厅自提")))
    elif delivery.get("address"):
        address = mask(delivery["address"], Masking.ADDRESS)
        lines.append((Text("领取方式"), Text("邮寄至{address}", address=address)))
    return lines


def next_steps(content: FormContent) -> list[Text]:
    steps = []
    if content.status in (OrderStatus.AWAITING_REVIEW, OrderStatus.DRAFT):
        phone = content.form.get(Section.HANDLER.value, {}).get("mobile", "")
        steps.append(Text(REVIEW_TIME, phone=mask(phone, Masking.PHONE) or "—"))
    if content.status.is_final:  # a receipt printed again later: nothing is left to do
        steps.append(Text("本业务已办结，无需再办理其他手续"))
    else:
        steps.append(content.business.next_steps)
    return steps


def render_receipt(content: FormContent, target: str | BinaryIO, language: Language = "zh") -> None:
    canvas = new_canvas(target, f"{TITLE} {content.order_id}")
    top = PAGE_HEIGHT - MARGIN
    write_centred(canvas, top - 12 * mm, TITLE.say(language), 20, bold=True)
    y = top - 30 * mm
    for label, value in receipt_lines(content):
        shown = value.say(language) if isinstance(value, Text) else value
        write(canvas, MARGIN, y, label.say(language), SIZE)
        lines = wrap(shown, WIDTH - LABEL, SIZE)
        for line in lines:
            write(canvas, MARGIN + LABEL, y, line, SIZE)
            y -= LEADING
    y -= 3 * mm
    write(canvas, MARGIN, y, Text("接下来").say(language), SIZE, bold=True)
    y -= LEADING
    for step in next_steps(content):
        for number, line in enumerate(wrap(step.say(language), WIDTH - 6 * mm, SIZE)):
            write(canvas, MARGIN, y, "•" if number == 0 else "", SIZE)
            write(canvas, MARGIN + 6 * mm, y, line, SIZE)
            y -= LEADING * 0.85
        y -= 1.5 * mm
    y -= QR + 4 * mm
    qr_code(canvas, content.follow_url, (PAGE_WIDTH - QR) / 2, y, QR)
    write_centred(canvas, y - 5 * mm, FOLLOW.say(language), SIZE)
    write_centred(canvas, y - 11 * mm, content.follow_url, 8.5)
    for number, line in enumerate(wrap(KEEP_IT.say(language), WIDTH, 9.5)):
        write_centred(canvas, MARGIN + 8 * mm - number * 5 * mm, line, 9.5)
    canvas.showPage()
    canvas.save()
