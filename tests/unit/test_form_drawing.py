"""The pieces every printed form is made of, checked on a real PDF: the font is embedded (never
the built-in CID font that loses Latin letters and digits), text comes back out intact with
pdftotext, and the order's QR on the page decodes (rendered with pdftoppm, read with OpenCV)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from support.images import read_image
from support.qr import read_qr

from kiosk.devices.forms.drawing import PAGE_HEIGHT, checkbox, new_canvas, order_header, write
from kiosk.devices.forms.fonts import FONT_NAME, cjk_font

ORDER = "4f1c2a9e-7d3b-4c55-9a0e-2b8f6d1c3e77"
URL = f"https://kiosk.example.cn/orders/{ORDER}"


def _page(path: Path) -> Path:
    canvas = new_canvas(str(path), "数字证书申请表")
    below = order_header(canvas, "数字证书申请表", ORDER, URL)
    write(
        canvas,
        60,
        below - 20,
        "单位名称：重庆示例科技有限公司 Chongqing Example Tech Co., Ltd. 915000000000000000",
    )
    checkbox(canvas, 60, below - 50, ticked=True)
    checkbox(canvas, 90, below - 50, ticked=False)
    canvas.showPage()
    canvas.save()
    return path


def test_the_font_is_registered_once_and_embedded(tmp_path: Path) -> None:
    assert cjk_font() == cjk_font() == FONT_NAME
    fonts = subprocess.run(
        ["pdffonts", str(_page(tmp_path / "f.pdf"))], capture_output=True, text=True, check=True
    )
    listed = fonts.stdout.splitlines()[2:]  # under the table's heading
    assert listed and all("WenQuanYiMicroHei" in line for line in listed), fonts.stdout
    assert all(line.split()[-5] == "yes" for line in listed), fonts.stdout  # the "emb" column


def test_chinese_latin_and_digits_come_back_out(tmp_path: Path) -> None:
    text = subprocess.run(
        ["pdftotext", "-layout", str(_page(tmp_path / "t.pdf")), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "数字证书申请表" in text
    assert f"订单号 Order No.: {ORDER}" in text
    assert "Chongqing Example Tech Co., Ltd. 915000000000000000" in text


def test_the_order_qr_on_paper_decodes_to_the_order(tmp_path: Path) -> None:
    pdf = _page(tmp_path / "q.pdf")
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-singlefile", str(pdf), str(tmp_path / "q")], check=True
    )
    image = read_image(tmp_path / "q.png")
    assert image.shape[0] == round(PAGE_HEIGHT / 72 * 150)
    assert read_qr(image) == URL
