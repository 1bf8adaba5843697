"""The printed forms, read back from the PDF as a person or a scanner would: every field of the
order is on the paper with its Latin letters and digits intact (pdftotext), the font is embedded,
each form is one A4 page, the business's operation-type box and the three declarations are
ticked (pixels next to the words, from pdftoppm), and the QR leads to the order."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import cv2
import numpy as np
import pytest
from support.images import read_image
from support.qr import read_qr

from kiosk.config.settings import KioskSettings
from kiosk.core.domain.businesses import BUSINESSES, BusinessCode, Section, business
from kiosk.core.domain.catalog import ProjectSelection, load_catalog
from kiosk.core.domain.forms import DELIVERY_PICKUP, INVOICE_VAT_SPECIAL
from kiosk.core.domain.samples import SAMPLE_PROJECT_PATH, sample_form
from kiosk.core.domain.status import OrderStatus
from kiosk.devices.forms.content import FormContent, project_titles
from kiosk.devices.forms.render import PrintedForm, forms_to_sign, render
from kiosk.devices.printer.runtime import follow_url
from kiosk.store import Store

CATALOG = load_catalog()
FOLLOW = "https://www.exca.org/kiosk/order/{order_id}"


def project_of(store: Store, order_id: str) -> ProjectSelection:
    project = store.orders.get(order_id).project
    assert project is not None
    return project


def _order(store: Store, code: BusinessCode, **changes: dict[str, str]) -> FormContent:
    """A real order in the real store, as the forms see it."""
    order = store.orders.create(
        code,
        form=sample_form(code, **changes),
        project=CATALOG.default_selection(SAMPLE_PROJECT_PATH),
        fee_fen=58000,
        token_serial="5500000000000001" if business(code).needs_token else None,
        redirect_of="0a1b2c3d-1111-2222-3333-444455556666" if code is BusinessCode.REDIRECT else None,
    )
    store.orders.submit(order.id)
    return FormContent.of(store.orders.get(order.id), CATALOG, FOLLOW.format(order_id=order.id))


def _pdf(tmp_path: Path, form: PrintedForm, content: FormContent, language: str = "zh") -> Path:
    path = tmp_path / f"{form.value}-{language}.pdf"
    path.write_bytes(render(form, content, language))  # type: ignore[arg-type]
    return path


def _text(pdf: Path) -> str:
    """The page's text with the line breaks and spaces a wrapped cell adds taken out."""
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", "", out)


def _squash(value: str) -> str:
    return re.sub(r"\s+", "", value)


def _missing(text: str, expected: Sequence[str]) -> list[str]:
    """What of `expected` the page's text lacks (line breaks and spaces do not count)."""
    return [value for value in expected if _squash(value) not in text]


@pytest.mark.parametrize("code", list(BusinessCode))
def test_every_form_of_every_business_is_one_a4_page_in_the_embedded_font(
    store: Store, tmp_path: Path, code: BusinessCode
) -> None:
    content = _order(store, code)
    for form in (*forms_to_sign(business(code)), PrintedForm.RECEIPT):
        pdf = _pdf(tmp_path, form, content)
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert re.search(r"^Pages: +1$", info, re.M) and "(A4)" in info, (form, info)
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
        listed = fonts.splitlines()[2:]
        assert listed and all("WenQuanYiMicroHei" in line and " yes " in line for line in listed), fonts
        assert content.order_id in _text(pdf), form  # paper and uploads match by this number


def test_the_application_form_carries_every_field_of_the_order(store: Store, tmp_path: Path) -> None:
    content = _order(
        store,
        BusinessCode.NEW,
        invoice={
            "invoice_type": INVOICE_VAT_SPECIAL,
            "email": "finance@example.cn",
            "bank": "中国工商银行重庆分行",
            "account": "3100021109024567890",
            "phone": "023-67891234",
            "address": "重庆市渝北区金开大道1号",
        },
    )
    text = _text(_pdf(tmp_path, PrintedForm.APPLICATION_FORM, content))
    form = content.form
    expected = [
        *form[Section.UNIT].values(),
        *(form[Section.HANDLER][key] for key in ("name", "id_number", "mobile", "email")),
        *(form[Section.DELIVERY][key] for key in ("recipient", "phone", "address")),
        "增值税专用发票",
        *(
            form[Section.INVOICE][key]
            for key in ("title", "taxpayer_id", "email", "bank", "account", "phone")
        ),
        "重庆",
        "公共资源交易",
        *(
            CATALOG.certificate_types[code].title
            for code in project_of(store, content.order_id).certificate_types
        ),
        "营业执照副本",
        "法人代表身份证（护照）",
        "申请人（联系人）身份证",
        "单位社保号",
        "纳税人识别号或统一社会信用代码",
        *(str(title) for title in ("证书申请", "证书更新", "证书补办", "PIN码解锁", "其它", "证书信息变更")),
        "以上信息真实有效",
        "授权本申请表中经办人全权代表本单位，办理数字证书业务",
        "《数字证书服务协议》、《电子认证业务规则（CPS）》",
        "https://www.exca.org",
        "经办人（签名）",
        "*单位公章",
        "年月日",
    ]
    assert not _missing(text, expected)
    titles = content.project
    assert titles is not None
    for title in (titles.region, titles.platform, titles.category, titles.project, titles.role):
        assert _squash(title) in text


def test_self_pickup_is_written_instead_of_an_address(store: Store, tmp_path: Path) -> None:
    content = _order(store, BusinessCode.NEW, delivery={"method": DELIVERY_PICKUP, "address": ""})
    text = _text(_pdf(tmp_path, PrintedForm.APPLICATION_FORM, content))
    assert "自提（到服务大厅领取）" in text


class _Words(HTMLParser):
    """Word boxes from `pdftotext -bbox`: (word, x_min, y_min, x_max, y_max) in points."""

    def __init__(self) -> None:
        super().__init__()
        self.words: list[tuple[str, float, float, float, float]] = []
        self._box: tuple[float, ...] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "word":
            values = dict(attrs)
            self._box = tuple(float(values[key] or 0) for key in ("xmin", "ymin", "xmax", "ymax"))

    def handle_data(self, data: str) -> None:
        if self._box is not None:
            self.words.append((data, *self._box))  # type: ignore[arg-type]
            self._box = None


def _ticks(pdf: Path, tmp_path: Path, words: tuple[str, ...]) -> dict[str, bool]:
    """Whether the checkbox drawn just left of each word holds a tick, read from the rendered page."""
    bbox = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True)
    parser = _Words()
    parser.feed(bbox.stdout)
    dpi = 200
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-gray", "-png", "-singlefile", str(pdf), str(tmp_path / "p")],
        check=True,
    )
    page = read_image(tmp_path / "p.png", cv2.IMREAD_GRAYSCALE)
    scale = dpi / 72
    found = {}
    for word, x_min, y_min, _x_max, y_max in parser.words:
        key = next((wanted for wanted in words if word.startswith(wanted)), None)
        if key is None or key in found:
            continue
        box = 3.6 * 72 / 25.4  # the checkbox's side, in points
        left = int((x_min - 1 * 72 / 25.4 - box + 1.8) * scale)
        right = int((x_min - 1 * 72 / 25.4 - 1.8) * scale)
        middle = (y_min + y_max) / 2 - 1.0  # the box sits a point above the middle of the word
        inset = 1.8  # points kept clear of the box's own rules
        inside = page[
            int((middle - box / 2 + inset) * scale) : int((middle + box / 2 - inset) * scale),
            left:right,
        ]
        found[key] = bool(inside.size and np.count_nonzero(inside < 128) > inside.size * 0.06)
    return found


@pytest.mark.parametrize(
    "code", [code for code in BusinessCode if PrintedForm.APPLICATION_FORM in forms_to_sign(business(code))]
)
def test_only_the_business_s_operation_type_is_ticked(
    store: Store, tmp_path: Path, code: BusinessCode
) -> None:
    content = _order(store, code)
    boxes = ("证书申请", "证书更新", "证书补办", "PIN码解锁", "其它", "证书信息变更")
    ticks = _ticks(_pdf(tmp_path, PrintedForm.APPLICATION_FORM, content), tmp_path, boxes)
    assert set(ticks) == set(boxes), ticks
    chosen = {
        "apply": "证书申请",
        "renew": "证书更新",
        "reissue": "证书补办",
        "pin_unlock": "PIN码解锁",
        "other": "其它",
        "change": "证书信息变更",
    }[business(code).operation_type.value]
    assert ticks == {box: box == chosen for box in boxes}


def test_the_three_declarations_are_ticked(store: Store, tmp_path: Path) -> None:
    content = _order(store, BusinessCode.NEW)
    starts = ("以上信息真实有效", "授权本申请表中经办人", "本单位已认真阅读")
    ticks = _ticks(_pdf(tmp_path, PrintedForm.APPLICATION_FORM, content), tmp_path, starts)
    assert ticks == dict.fromkeys(starts, True)


def test_long_and_hostile_input_is_fitted_on_the_paper_not_cut(store: Store, tmp_path: Path) -> None:
    long_address = "重庆市渝北区金开大道1号" + "某某工业园区第七栋十八楼" * 5 + "1808室"
    content = _order(store, BusinessCode.NEW, delivery={"address": long_address})
    content = replace(
        content,
        form={
            **content.form,
            "unit": {**content.form["unit"], "unit_name": "重庆😀示例\x07科技有限公司" * 4},
        },
    )
    text = _text(_pdf(tmp_path, PrintedForm.APPLICATION_FORM, content))
    assert _squash(long_address) in text
    assert "重庆" in text and "科技有限公司" in text  # emoji and a bell character do not stop the page


def test_the_seal_sample_form_has_boxes_for_the_seal_and_both_signatures(
    store: Store, tmp_path: Path
) -> None:
    content = _order(store, BusinessCode.NEW)
    text = _text(_pdf(tmp_path, PrintedForm.SEAL_SAMPLE_FORM, content))
    assert not _missing(
        text,
        (
            "公章印样表（签章取样表）",
            content.unit_name,
            content.uscc,
            "印样一",
            "印样二",
            "法定代表人签字（张三）",
            "经办人签字（李四）",
            "*单位公章",
        ),
    )


def test_the_situation_statement_is_prefilled_with_the_redirect(store: Store, tmp_path: Path) -> None:
    content = _order(
        store,
        BusinessCode.REDIRECT,
        redirect_reason={"reason": "returned", "detail": "快递退回，原地址无人签收"},
    )
    text = _text(_pdf(tmp_path, PrintedForm.SITUATION_STATEMENT, content))
    assert content.redirect_of is not None
    assert not _missing(
        text,
        (
            content.unit_name,
            content.uscc,
            content.redirect_of,
            "因退回件重新邮寄",
            "重庆市渝北区金开大道1号",
            "快递退回，原地址无人签收",
            "补充说明（可手写）",
            "单位（公章）",
        ),
    )


def test_the_receipt_says_what_happens_next_with_personal_data_masked(store: Store, tmp_path: Path) -> None:
    content = _order(store, BusinessCode.NEW)
    assert content.queued_here  # submitted, the backend has not acknowledged it
    text = _text(_pdf(tmp_path, PrintedForm.RECEIPT, content))
    assert not _missing(
        text,
        (
            "业务受理回执",
            content.order_id,
            "证书新办",
            "已保存在本机，联网后自动提交",
            "¥580",
            "李*",
            "136****0000",
            "邮寄至重庆市渝北区",
            "1个工作日内",
            "3个工作日内制作证书",
            "扫码查看订单进度",
            content.follow_url,
        ),
    )
    assert "13600000000" not in text and "李四" not in text  # the receipt leaves the hall
    assert "金开大道" not in text


def test_a_receipt_printed_again_for_a_finished_key_order_names_the_key_and_asks_nothing_more(
    store: Store, tmp_path: Path
) -> None:
    """Staff reprint the last receipt; the unlock it was for is done: it names the key, and no
    longer tells the subscriber to come back and set a PIN."""
    from kiosk.core.domain.status import OrderStatus

    content = replace(_order(store, BusinessCode.UNLOCK), token_serial="5501AB6C95190035")
    waiting = _text(_pdf(tmp_path, PrintedForm.RECEIPT, content))
    assert "证书盘芯片号" in waiting and "5501AB6C95190035" in waiting and "设置新密码" in waiting
    done = replace(content, status=OrderStatus.COMPLETED, queued_here=False)
    text = _text(_pdf(tmp_path, PrintedForm.RECEIPT, done))
    assert "本业务已办结" in text and "设置新密码" not in text


def test_the_receipt_says_a_self_pickup_is_collected_at_the_hall(store: Store, tmp_path: Path) -> None:
    content = _order(store, BusinessCode.NEW)
    content = replace(content, form={**content.form, Section.DELIVERY.value: {"method": DELIVERY_PICKUP}})
    zh = _text(_pdf(tmp_path, PrintedForm.RECEIPT, content))
    assert "领取方式" in zh and "到服务大厅自提" in zh and "邮寄至" not in zh
    en = _text(_pdf(tmp_path, PrintedForm.RECEIPT, content, "en"))
    assert "Self-pickupattheservicehall" in en  # _text takes the spaces out


def test_the_receipt_in_english(store: Store, tmp_path: Path) -> None:
    content = replace(
        _order(store, BusinessCode.RENEWAL), queued_here=False, status=OrderStatus.AWAITING_REVIEW
    )
    text = subprocess.run(
        ["pdftotext", str(_pdf(tmp_path, PrintedForm.RECEIPT, content, "en")), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for expected in ("Receipt", "Order number", "Renewal", "Awaiting review", "What happens next"):
        assert expected in text, (expected, text)
    assert "Saved on this kiosk" not in text


def test_the_receipt_qr_opens_the_order(store: Store, tmp_path: Path, settings: KioskSettings) -> None:
    content = _order(store, BusinessCode.NEW)
    assert content.follow_url == follow_url(settings, content.order_id)
    pdf = _pdf(tmp_path, PrintedForm.RECEIPT, content)
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-singlefile", str(pdf), str(tmp_path / "r")], check=True
    )
    assert read_qr(read_image(tmp_path / "r.png")) == content.follow_url


def test_a_business_prints_the_documents_it_asks_to_be_signed() -> None:
    assert forms_to_sign(BUSINESSES[BusinessCode.NEW]) == (
        PrintedForm.APPLICATION_FORM,
        PrintedForm.SEAL_SAMPLE_FORM,
    )
    assert forms_to_sign(BUSINESSES[BusinessCode.UNLOCK]) == (PrintedForm.APPLICATION_FORM,)
    assert forms_to_sign(BUSINESSES[BusinessCode.REDIRECT]) == (PrintedForm.SITUATION_STATEMENT,)


def test_a_project_the_catalog_no_longer_has_prints_as_slashes() -> None:
    assert project_titles(CATALOG, ProjectSelection(("nowhere",), ())) is None
    content = FormContent(
        order_id="x",
        business=business(BusinessCode.NEW),
        status=OrderStatus.DRAFT,
        form={},
        project=None,
        fee_fen=0,
        follow_url="https://x/",
        day=date(2026, 11, 24),
    )
    assert content.unit_name == content.uscc == content.value(Section.UNIT, "legal_rep_id") == "/"
