"""Form rendering: how long each printed form takes to become a PDF, warm (the font registered,
as in a running kiosk). Every timed render is of a new order, so its QR is made afresh; a
reprint of the same order (its QR kept) is shown beside it.

The baseline, in the same run and interleaved with the forms: an A4 page with one line in the
same embedded font, the floor any form pays (reportlab, the font subset, compression).

Prints a table, then last `form_render_ms=<the slowest form's median>` (target <= 30)."""

from __future__ import annotations

import io
import statistics
import sys
import time
import uuid
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kiosk.core.domain.businesses import BusinessCode
from kiosk.devices.forms.content import FormContent
from kiosk.devices.forms.drawing import new_canvas, write
from kiosk.devices.forms.render import PrintedForm, render
from kiosk.devices.forms.samples import sample_content

ROUNDS = 40
FORMS = {  # each form with the business that prints it
    PrintedForm.APPLICATION_FORM: BusinessCode.NEW,
    PrintedForm.SEAL_SAMPLE_FORM: BusinessCode.NEW,
    PrintedForm.SITUATION_STATEMENT: BusinessCode.REDIRECT,
    PrintedForm.RECEIPT: BusinessCode.NEW,
}


def content_for(code: BusinessCode) -> FormContent:
    return sample_content(str(uuid.uuid4()), code=code)


def one_line_page() -> bytes:
    out = io.BytesIO()
    canvas = new_canvas(out, "baseline")
    write(canvas, 60, 700, "订单号 Order No.: 4f1c2a9e-7d3b-4c55-9a0e-2b8f6d1c3e77 数字证书申请表")
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def timed_ms(action: object) -> float:
    started = time.perf_counter()
    action()  # type: ignore[operator]
    return (time.perf_counter() - started) * 1000


def main() -> None:
    contents = {form: content_for(code) for form, code in FORMS.items()}
    started = time.perf_counter()
    render(PrintedForm.APPLICATION_FORM, contents[PrintedForm.APPLICATION_FORM])
    cold_ms = (time.perf_counter() - started) * 1000  # registers the font: once per process

    baseline: list[float] = []
    new_order: dict[PrintedForm, list[float]] = {form: [] for form in FORMS}
    reprint: dict[PrintedForm, list[float]] = {form: [] for form in FORMS}
    for _ in range(ROUNDS):
        baseline.append(timed_ms(one_line_page))
        for form, content in contents.items():
            fresh = replace(content, order_id=str(uuid.uuid4()))
            fresh = replace(fresh, follow_url=f"https://www.exca.org/kiosk/order/{fresh.order_id}")
            new_order[form].append(timed_ms(lambda: render(form, fresh)))  # noqa: B023
            reprint[form].append(timed_ms(lambda: render(form, fresh)))  # noqa: B023

    floor = statistics.median(baseline)
    print(f"first render in a process (font registration included): {cold_ms:.0f} ms")
    print(f"baseline, one line of text on an A4 page: {floor:.1f} ms (median of {ROUNDS})")
    print(f"{'form':<22}{'new order ms':>14}{'reprint ms':>12}{'x baseline':>12}")
    slowest = 0.0
    for form in FORMS:
        median = statistics.median(new_order[form])
        slowest = max(slowest, median)
        again = statistics.median(reprint[form])
        print(f"{form.value:<22}{median:>14.1f}{again:>12.1f}{median / floor:>12.1f}")
    print(f"form_render_ms={slowest:.1f}")


if __name__ == "__main__":
    main()
