"""A form to print, as the printing screen takes it: its title, and how to render it, called in
the printer's worker when it gets there. An order's forms are rendered from the store as it is
then, so a receipt says 'queued' or 'received' truthfully."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.core.i18n import Language, Text
    from kiosk.devices.forms.render import PrintedForm
    from kiosk.devices.printer.job import PrintRequest
    from kiosk.services.runtime import KioskRuntime


@dataclass(frozen=True)
class FormToPrint:
    title: Text
    make: Callable[[], PrintRequest]  # renders the PDF: called in the worker, not on the screen


def order_form(runtime: KioskRuntime, order_id: str, form: PrintedForm, language: Language) -> FormToPrint:
    """`form` of the order, in `language`, with the QR that follows the order."""

    def make() -> PrintRequest:
        from kiosk.devices.forms.content import FormContent
        from kiosk.devices.forms.render import render
        from kiosk.devices.printer.job import PrintRequest
        from kiosk.devices.printer.runtime import follow_url

        order = runtime.store.orders.get(order_id)
        content = FormContent.of(order, runtime.catalog(), follow_url(runtime.settings, order_id))
        return PrintRequest(f"{order_id} {form.value}", render(form, content, language))

    return FormToPrint(form.label, make)
