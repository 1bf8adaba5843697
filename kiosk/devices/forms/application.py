"""数字证书申请表: the manual's application form, filled from the order, for the handler to sign
and the unit to stamp. Every field of the manual's form is here, in its order; a field the
business does not ask for shows "/" as the manual's own sample does."""

from __future__ import annotations

from typing import BinaryIO

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from kiosk.core.domain.businesses import OPERATION_TYPE_TITLES, OperationType, Section
from kiosk.devices.forms.content import NOT_APPLICABLE, FormContent
from kiosk.devices.forms.drawing import (
    MARGIN,
    PAGE_WIDTH,
    CellDrawing,
    checkbox,
    new_canvas,
    order_header,
    signing_row,
    wrap,
    write,
    write_centred,
)
from kiosk.devices.forms.fonts import cjk_font
from kiosk.devices.forms.table import Cell, Row, Table, pair

TITLE = "数字证书申请表"
DECLARATIONS = (
    "以上信息真实有效；",
    "授权本申请表中经办人全权代表本单位，办理数字证书业务；",
    "本单位已认真阅读并同意遵守东方中讯数字证书认证有限公司网站（https://www.exca.org）发布的"
    "《数字证书服务协议》、《电子认证业务规则（CPS）》中规定的相应义务。",
)

WIDTH = PAGE_WIDTH - 2 * MARGIN
SECTION_COLUMN = 26 * mm
LABEL = 30 * mm
VALUE = 58 * mm
LABEL_2 = 24 * mm
LINE = 7.5 * mm
BOX = 3.6 * mm


def render_application_form(content: FormContent, target: str | BinaryIO) -> None:
    canvas = new_canvas(target, f"{TITLE} {content.order_id}")
    top = order_header(canvas, TITLE, content.order_id, content.follow_url)
    write_centred(canvas, top + 1 * mm, "以下内容请申请者务必准确如实填写", 9)
    table = Table(canvas, MARGIN, top - 2 * mm, WIDTH, SECTION_COLUMN)
    _unit(table, content)
    _handler(table, content)
    _proofs(table, content)
    _invoice(table, content)
    _project(table, content)
    table.section("操作类型", [Row(11 * mm, [Cell(0, draw=_operation_types(content))])])
    table.section("申请单位授权及声明", [Row(27 * mm, [Cell(0, draw=_declarations)])])
    table.section("*签  署", [Row(32 * mm, [Cell(0, draw=signing_row("经办人"))])])
    canvas.showPage()
    canvas.save()


def _row(*cells: Cell, height: float = LINE) -> Row:
    return Row(height, cells)


def _unit(table: Table, content: FormContent) -> None:
    unit, invoice = Section.UNIT, Section.INVOICE
    table.section(
        "单位信息",
        [
            _row(*pair("单位名称", content.unit_name, LABEL, 0)),
            _row(
                *pair("企业法人代表", content.value(unit, "legal_rep_name"), LABEL, VALUE),
                *pair("联系电话", content.value(unit, "legal_rep_mobile"), LABEL_2, 0),
            ),
            _row(
                *pair("办公电话", content.value(invoice, "phone"), LABEL, VALUE),
                *pair("企业网站", NOT_APPLICABLE, LABEL_2, 0),
            ),
        ],
    )


def _handler(table: Table, content: FormContent) -> None:
    handler, delivery = Section.HANDLER, Section.DELIVERY
    if content.self_pickup:
        where = "自提（到服务大厅领取）"
    elif content.value(delivery, "address") != NOT_APPLICABLE:
        where = "{address}（收件人：{recipient}，电话：{phone}）".format(
            address=content.value(delivery, "address"),
            recipient=content.value(delivery, "recipient"),
            phone=content.value(delivery, "phone"),
        )
    else:
        where = NOT_APPLICABLE
    table.section(
        "经办人信息",
        [
            _row(
                *pair("经办人", content.value(handler, "name"), LABEL, VALUE),
                *pair("手机号码", content.value(handler, "mobile"), LABEL_2, 0),
            ),
            _row(
                *pair("邮箱", content.value(handler, "email"), LABEL, VALUE),
                *pair("身份证号", content.value(handler, "id_number"), LABEL_2, 0),
            ),
            _row(*pair("邮寄地址", where, LABEL, 0), height=10 * mm),
        ],
    )


def _proofs(table: Table, content: FormContent) -> None:
    kind = LABEL + VALUE
    unit, handler, invoice = Section.UNIT, Section.HANDLER, Section.INVOICE
    taxpayer = content.form.get(invoice.value, {}).get("taxpayer_id", "") or content.uscc
    proofs = (
        ("营业执照副本", content.uscc),
        ("法人代表身份证（护照）", content.value(unit, "legal_rep_id")),
        ("申请人（联系人）身份证", content.value(handler, "id_number")),
        ("单位社保号（非社保项目无需填写）", NOT_APPLICABLE),
        ("纳税人识别号或统一社会信用代码", taxpayer),
    )
    height = 7 * mm
    table.section(
        "证明资料",
        [
            _row(Cell(kind, "证件类型", label=True), Cell(0, "证件号码", label=True), height=height),
            *(_row(Cell(kind, name), Cell(0, number), height=height) for name, number in proofs),
        ],
    )


def _invoice(table: Table, content: FormContent) -> None:
    invoice = Section.INVOICE
    bank = " ".join(
        part for part in (content.value(invoice, "bank"), content.value(invoice, "account")) if part != "/"
    )
    address = " ".join(
        part for part in (content.value(invoice, "address"), content.value(invoice, "phone")) if part != "/"
    )
    table.section(
        "发票信息",
        [
            _row(
                *pair("发票类型", content.choice(invoice, "invoice_type"), LABEL, VALUE),
                *pair("电子邮箱", content.value(invoice, "email"), LABEL_2, 0),
            ),
            _row(*pair("发票抬头", content.value(invoice, "title"), LABEL, 0)),
            _row(*pair("纳税人识别号", content.value(invoice, "taxpayer_id"), LABEL, 0)),
            _row(*pair("开户银行及账号", bank or NOT_APPLICABLE, LABEL, 0)),
            _row(*pair("注册地址及电话", address or NOT_APPLICABLE, LABEL, 0)),
        ],
    )


def _project(table: Table, content: FormContent) -> None:
    project = content.project
    none = NOT_APPLICABLE
    certificates = "、".join(project.certificates) if project and project.certificates else none
    if content.token_serial:  # renewal, change, unlock: the key in the slot says which certificate
        certificates = f"{certificates}（证书介质编号：{content.token_serial}）"
    table.section(
        "证书应用项目",
        [
            _row(
                *pair("区域", project.region if project else none, LABEL, VALUE),
                *pair("平台", project.platform if project else none, LABEL_2, 0),
            ),
            _row(
                *pair("类别", project.category if project else none, LABEL, VALUE),
                *pair("项目名称", project.project if project else none, LABEL_2, 0),
            ),
            _row(*pair("市场主体", project.role if project else none, LABEL, 0)),
            _row(*pair("证书类型", certificates, LABEL, 0)),
        ],
    )


def _operation_types(content: FormContent) -> CellDrawing:
    """The six boxes, this business's ticked; they flow onto a second line when the texts run long."""
    chosen = content.business.operation_type
    size = 9.5

    def draw(canvas: Canvas, x: float, top: float, width: float, height: float) -> None:
        texts = []
        for operation, title in OPERATION_TYPE_TITLES.items():
            text = str(title)
            if operation is chosen and operation is OperationType.OTHER:
                text = f"其它（{content.business.title}）"
            elif operation is chosen and operation is OperationType.CHANGE:
                text = "证书信息变更（变更后信息见上表）"
            texts.append((operation, text))
        lines: list[list[tuple[OperationType, str]]] = [[]]
        used = 0.0
        for operation, text in texts:
            needed = BOX + 4.5 * mm + stringWidth(text, cjk_font(), size)
            if used + needed > width and lines[-1]:
                lines.append([])
                used = 0.0
            lines[-1].append((operation, text))
            used += needed
        baseline = top - (height - len(lines) * 4.8 * mm) / 2 - 3.6 * mm
        for line in lines:
            left = x
            for operation, text in line:
                checkbox(canvas, left, baseline - 0.4 * mm, ticked=operation is chosen)
                write(canvas, left + BOX + 1 * mm, baseline, text, size)
                left += BOX + 4.5 * mm + stringWidth(text, cjk_font(), size)
            baseline -= 4.8 * mm

    return draw


def _declarations(canvas: Canvas, x: float, top: float, width: float, height: float) -> None:
    write(canvas, x, top - 5 * mm, "本单位承诺：", 9.5)
    y = top - 10 * mm
    for declaration in DECLARATIONS:
        checkbox(canvas, x, y - 0.4 * mm, ticked=True)
        for line in wrap(declaration, width - BOX - 2 * mm, 9.5):
            write(canvas, x + BOX + 1.5 * mm, y, line, 9.5)
            y -= 4.6 * mm
