"""A journey, walked: one screen per step, pushed from a worker and awaited, its answer saved in
the order's draft at once (so a power cut, the idle countdown or 上一步 loses nothing), and
turned into the Outcome that moves the journey on.

Each step is one small async function in STEP_SCREENS; the seven businesses share them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from kiosk.domain.businesses import Business, Section
from kiosk.domain.documents import DocumentKind
from kiosk.domain.fees import quote
from kiosk.domain.steps import Step
from kiosk.i18n import Text
from kiosk.journey import Journey, Outcome, SignedIn

if TYPE_CHECKING:
    from kiosk.app import KioskApp
    from kiosk.devices.forms.render import PrintedForm
    from kiosk.screens.printing import FormToPrint
    from kiosk.store import OrderRecord, Store

StepRunner = Callable[["KioskApp", Journey], Awaitable[Outcome]]


async def walk(app: KioskApp, journey: Journey) -> bool:
    """Show the journey's steps until it completes (True) or the subscriber leaves (False)."""
    while (step := journey.step) is not None:
        journey.go(await STEP_SCREENS[step](app, journey))
    return journey.completed


def can_start(business: Business) -> bool:
    """Whether the kiosk has a screen for every step of `business`, here and after approval
    (those 订单查询 resumes)."""
    return all(step in STEP_SCREENS for step in business.steps) and all(
        step in RESUMED_FROM_ORDER_QUERY for step in business.steps_after_approval
    )


# --- the steps --------------------------------------------------------------------------------------
async def sign_in(app: KioskApp, journey: Journey) -> Outcome:
    from kiosk.screens.sign_in import SignInScreen
    from kiosk.screens.step import LEAVE_QUESTION, ConfirmScreen

    if journey.subscriber is not None:  # back here from the next step: signing in again is pointless
        leave = await app.push_screen_wait(ConfirmScreen(LEAVE_QUESTION, id="confirm-leave"))
        return Outcome.LEAVE if leave else Outcome.NEXT
    signed: SignedIn | None = await app.push_screen_wait(SignInScreen(journey.business.title))
    if signed is None:
        return Outcome.BACK
    journey.subscriber = signed
    app.session.subscriber_phone = signed.owner.phone
    return Outcome.NEXT


async def select_project(app: KioskApp, journey: Journey) -> Outcome:
    from kiosk.screens.project import ProjectScreen

    store, order = _draft(app, journey)
    screen = ProjectScreen(journey.heading(), journey.business, app.catalog(), order.project)
    outcome, selection = await app.push_screen_wait(screen)
    if selection is not None:
        fee = quote(journey.business, app.catalog(), selection.certificate_types).total_fen
        store.update_draft(order.id, project=selection, fee_fen=fee)
    return outcome  # type: ignore[no-any-return]


async def enter_info(app: KioskApp, journey: Journey) -> Outcome:
    from kiosk.domain.samples import sample_form
    from kiosk.screens.info_entry import InfoEntryScreen

    store, order = _draft(app, journey)
    form = order.form or _prefill(journey)
    screen = InfoEntryScreen(
        journey.heading(),
        journey.business.sections,
        form,
        rejected=journey.rejected_fields,
        sample=sample_form(journey.business.code) if app.demo else None,
    )
    outcome, typed = await app.push_screen_wait(screen)
    fee = None
    if order.project is None:  # a business without a project: its fee does not depend on one
        fee = quote(journey.business, app.catalog(), ()).total_fen
    store.update_draft(order.id, form=typed, fee_fen=fee)
    return outcome  # type: ignore[no-any-return]


async def review(app: KioskApp, journey: Journey) -> Outcome:
    from kiosk.screens.review import ReviewScreen

    _, order = _draft(app, journey)
    documents = _documents(app, journey)
    screen = ReviewScreen(
        journey.heading(),
        journey.business,
        app.catalog(),
        order.form,
        order.project,
        order.fee_fen,
        documents,
    )
    return await app.push_screen_wait(screen)  # type: ignore[no-any-return]


async def print_forms(app: KioskApp, journey: Journey) -> Outcome:
    from kiosk.devices.forms.render import forms_to_sign
    from kiosk.screens.printing import PrintFormsScreen

    _, order = _draft(app, journey)
    forms = [printable(app, order.id, form) for form in forms_to_sign(journey.business)]
    await app.push_screen_wait(PrintFormsScreen(forms, title=journey.heading()))
    return Outcome.NEXT  # 稍后打印 too: a form printed earlier, or brought filled in, will do


async def capture_documents(app: KioskApp, journey: Journey) -> Outcome:
    from kiosk.screens.capture import DocumentCaptureScreen

    _, order = _draft(app, journey)
    documents = tuple(journey.rejected_documents) or _documents(app, journey)
    screen = DocumentCaptureScreen(
        documents, order_id=order.id, title=journey.heading(), retake=journey.rejected_documents
    )
    done: bool = await app.push_screen_wait(screen)
    return Outcome.NEXT if done else Outcome.BACK


async def submit(app: KioskApp, journey: Journey) -> Outcome:
    from kiosk.screens.submit import SubmitScreen

    _, order = _draft(app, journey)
    screen = SubmitScreen(journey.heading(), journey.business, order.id, _documents(app, journey))
    return await app.push_screen_wait(screen)  # type: ignore[no-any-return]


async def receipt(app: KioskApp, journey: Journey) -> Outcome:
    _, order = _draft(app, journey)
    await print_receipt(app, order.id, journey.heading())
    return Outcome.NEXT


async def print_receipt(app: KioskApp, order_id: str, heading: Text) -> bool:
    """The receipt of `order_id` as things stand, in the subscriber's language (also from 订单查询)."""
    from kiosk.devices.forms.render import PrintedForm
    from kiosk.screens.printing import PrintFormsScreen

    done: bool = await app.push_screen_wait(
        PrintFormsScreen([printable(app, order_id, PrintedForm.RECEIPT)], title=heading, id="print-receipt")
    )
    return done


RESUMED_FROM_ORDER_QUERY = frozenset({Step.PAY})

STEP_SCREENS: dict[Step, StepRunner] = {
    Step.SIGN_IN: sign_in,
    Step.SELECT_PROJECT: select_project,
    Step.ENTER_INFO: enter_info,
    Step.REVIEW: review,
    Step.PRINT_FORMS: print_forms,
    Step.CAPTURE_DOCUMENTS: capture_documents,
    Step.SUBMIT: submit,
    Step.RECEIPT: receipt,
}


# --- helpers ------------------------------------------------------------------------------------------
def printable(app: KioskApp, order_id: str, form: PrintedForm) -> FormToPrint:
    """A form of the order, rendered when the printer worker gets to it (from the store as it is
    then: the receipt says 'queued' or 'received' truthfully)."""
    from kiosk.devices.forms.content import FormContent
    from kiosk.devices.forms.render import render
    from kiosk.devices.printer.job import PrintRequest
    from kiosk.devices.printer.runtime import follow_url
    from kiosk.screens.printing import FormToPrint

    store, settings, catalog, language = app.store, app.settings, app.catalog(), app.language
    assert store is not None and settings is not None

    def make() -> PrintRequest:
        order = store.order(order_id)
        content = FormContent.of(order, catalog, follow_url(settings, order_id))
        return PrintRequest(f"{order_id} {form.value}", render(form, content, language))

    return FormToPrint(form.label, make)


def _draft(app: KioskApp, journey: Journey) -> tuple[Store, OrderRecord]:
    store = app.store
    assert store is not None
    order_id = journey.draft(store)
    if not journey.is_resubmission:
        app.session.order_id = order_id  # the idle wipe discards it while it is a draft
    return store, store.order(order_id)


def _documents(app: KioskApp, journey: Journey) -> tuple[DocumentKind, ...]:
    return app.catalog().documents_for(journey.business.code, journey.business.documents)


def _prefill(journey: Journey) -> dict[str, dict[str, str]]:
    """What the kiosk already knows: the signed-in mobile is usually the handler's."""
    if journey.subscriber is None or Section.HANDLER not in journey.business.sections:
        return {}
    return {Section.HANDLER.value: {"mobile": journey.subscriber.owner.phone}}
