"""Pictures of every printed form, for docs/forms/: each form of the sample order rendered to PDF
by the kiosk's own code, then to PNG by pdftoppm (Debian poppler-utils), as a reader of the docs
or a reviewer sees the paper. Run: .venv/bin/python scripts/form_pictures.py"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kiosk.core.domain.businesses import BusinessCode
from kiosk.devices.forms.render import PrintedForm, render
from kiosk.devices.forms.samples import sample_content

ORDER = "4f1c2a9e-7d3b-4c55-9a0e-2b8f6d1c3e77"
PICTURES = (  # file name, form, business, language
    ("application-form", PrintedForm.APPLICATION_FORM, BusinessCode.NEW, "zh"),
    ("seal-sample-form", PrintedForm.SEAL_SAMPLE_FORM, BusinessCode.NEW, "zh"),
    ("situation-statement", PrintedForm.SITUATION_STATEMENT, BusinessCode.REDIRECT, "zh"),
    ("receipt", PrintedForm.RECEIPT, BusinessCode.NEW, "zh"),
    ("receipt-en", PrintedForm.RECEIPT, BusinessCode.NEW, "en"),
)


def main(out: Path = ROOT / "docs" / "forms", dpi: int = 80) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, form, code, language in PICTURES:
        content = sample_content(ORDER, code=code, day=date(2026, 11, 24))
        with tempfile.TemporaryDirectory() as work:
            pdf = Path(work) / f"{name}.pdf"
            pdf.write_bytes(render(form, content, language))  # type: ignore[arg-type]
            subprocess.run(
                ["pdftoppm", "-r", str(dpi), "-png", "-singlefile", str(pdf), str(out / name)], check=True
            )
        print(out / f"{name}.png")


if __name__ == "__main__":
    main()
