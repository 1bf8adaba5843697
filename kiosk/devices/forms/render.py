"""One way in for every printed form: which forms a business prints, and each rendered to PDF
bytes (nothing of a subscriber's is written to disk to print it)."""

from __future__ import annotations

import io
from collections.abc import Callable
from enum import StrEnum
from typing import BinaryIO

from kiosk.core.domain.businesses import Business
from kiosk.core.domain.documents import DOCUMENTS, DocumentKind
from kiosk.core.i18n import Language, Text
from kiosk.devices.forms.application import render_application_form
from kiosk.devices.forms.content import FormContent
from kiosk.devices.forms.receipt import render_receipt
from kiosk.devices.forms.seal_sample import render_seal_sample_form
from kiosk.devices.forms.situation import render_situation_statement


class PrintedForm(StrEnum):
    """What the kiosk prints: the documents it prints for signing and stamping, and the receipt."""

    APPLICATION_FORM = DocumentKind.APPLICATION_FORM.value
    SEAL_SAMPLE_FORM = DocumentKind.SEAL_SAMPLE_FORM.value
    SITUATION_STATEMENT = DocumentKind.SITUATION_STATEMENT.value
    RECEIPT = "receipt"

    @property
    def label(self) -> Text:
        if self is PrintedForm.RECEIPT:
            return Text("回执")
        return DOCUMENTS[DocumentKind(self.value)].title


_RENDERERS: dict[PrintedForm, Callable[[FormContent, str | BinaryIO], None]] = {
    PrintedForm.APPLICATION_FORM: render_application_form,
    PrintedForm.SEAL_SAMPLE_FORM: render_seal_sample_form,
    PrintedForm.SITUATION_STATEMENT: render_situation_statement,
}


def forms_to_sign(business: Business) -> tuple[PrintedForm, ...]:
    """The documents of `business` the kiosk prints for the subscriber to sign and stamp."""
    return tuple(PrintedForm(kind.value) for kind in business.documents if DOCUMENTS[kind].printed_by_kiosk)


def render(form: PrintedForm, content: FormContent, language: Language = "zh") -> bytes:
    """The form as a PDF. The CA's own forms are in Chinese; the receipt is in `language`."""
    out = io.BytesIO()
    if form is PrintedForm.RECEIPT:
        render_receipt(content, out, language)
    else:
        _RENDERERS[form](content, out)
    return out.getvalue()
