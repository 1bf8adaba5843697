"""A journey, walked: one screen per step, pushed from a worker and awaited, its answer saved in
the order's draft at once (so a power cut, the idle countdown or 上一步 loses nothing), and
turned into the Outcome that moves the journey on.

Each step is one small async function in STEP_SCREENS; the seven businesses share them. Each
gets the Visit: the app to show screens on, and the kiosk's parts, open for the whole visit.

The error net, for a visit: a step that fails (its screen's worker, or saving its answer, say on
a full disk) is said in one plain sentence; then the step is shown again from what was saved,
or the subscriber leaves. The draft stays either way until they do."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from kiosk.core.domain.businesses import Business, NewCertificate, Section
from kiosk.core.domain.documents import DocumentKind
from kiosk.core.domain.fees import quote
from kiosk.core.domain.steps import STEPS, Step
from kiosk.core.i18n import Text
from kiosk.screens.base import KioskMixin, ScreenFailed
from kiosk.services.journey import Journey, Outcome, SignedIn

if TYPE_CHECKING:
    from textual.screen import Screen

    from kiosk.core.domain.forms import FormValues
    from kiosk.devices.forms.render import PrintedForm
    from kiosk.screens.base import Kiosk
    from kiosk.services.choices import Choice
    from kiosk.services.printouts import FormToPrint
    from kiosk.services.runtime import KioskRuntime
    from kiosk.store import OrderRecord

ResultT = TypeVar("ResultT")


@dataclass(frozen=True)
class Visit:
    """What a step works with: the app that shows its screen, and the kiosk's parts."""

    kiosk: Kiosk
    runtime: KioskRuntime

    async def show(self, screen: Screen[ResultT]) -> ResultT:
        """Push `screen` and wait for its answer. Raises ScreenFailed when one of its workers
        failed: the step fails with it, into the error net."""
        if isinstance(screen, KioskMixin):  # every screen of the kiosk's is
            screen.awaited_by_visit = True
        answer = await self.kiosk.push_screen_wait(screen)
        if isinstance(answer, ScreenFailed):
            raise answer
        return answer

    async def failed(self, error: BaseException, *, during: str) -> Outcome:
        """The error net for a visit: logged and audited, said to the subscriber, who tries the
        step again (from what was saved) or leaves."""
        from kiosk.screens.failure import FailureScreen

        if isinstance(error, ScreenFailed):  # the screen's own worker: name what it was doing
            during = error.during
        cause = error.error if isinstance(error, ScreenFailed) else error
        sentence = self.kiosk.report_failure(cause, during=during)
        again = await self.kiosk.push_screen_wait(FailureScreen(sentence, id="failure"))
        return Outcome.AGAIN if again else Outcome.LEAVE

    def printout(self, order_id: str, form: PrintedForm) -> FormToPrint:
        from kiosk.services.printouts import order_form

        return order_form(self.runtime, order_id, form, self.kiosk.language)


StepRunner = Callable[[Visit, Journey], Awaitable[Outcome]]


async def walk(visit: Visit, journey: Journey) -> bool:
    """Show the journey's steps until it completes (True) or the subscriber leaves (False)."""
    while (step := journey.step) is not None:
        try:
            outcome = await STEP_SCREENS[step](visit, journey)
        except Exception as error:  # the net: whatever failed, the visit goes on
            outcome = await visit.failed(error, during=f"step {step.value}")
        journey.go(outcome)
    return journey.completed


def can_start(business: Business) -> bool:
    """Whether the kiosk has a screen for every step of `business`, here and after approval
    (those 订单查询 resumes)."""
    return all(step in STEP_SCREENS for step in business.steps) and all(
        step in RESUMED_FROM_ORDER_QUERY for step in business.steps_after_approval
    )


# --- the steps --------------------------------------------------------------------------------------
async def sign_in(visit: Visit, journey: Journey) -> Outcome:
    from kiosk.screens.sign_in import SignInScreen
    from kiosk.screens.step import LEAVE_QUESTION, ConfirmScreen

    if journey.subscriber is not None:  # back here from the next step: signing in again is pointless
        leave = await visit.show(ConfirmScreen(LEAVE_QUESTION, id="confirm-leave"))
        return Outcome.LEAVE if leave else Outcome.NEXT
    signed: SignedIn | None = await visit.show(SignInScreen(journey.business.title))
    if signed is None:
        return Outcome.BACK
    journey.subscriber = signed
    visit.kiosk.session.subscriber_phone = signed.owner.phone
    return Outcome.NEXT


async def insert_token(visit: Visit, journey: Journey) -> Outcome:
    from kiosk.core.domain.businesses import BUSINESSES
    from kiosk.screens.insert_key import InsertKeyScreen
    from kiosk.services.key_check import unit_on_certificate

    store = visit.runtime.store
    screen = InsertKeyScreen(journey.heading(), journey.business)
    outcome, check, switch_to = await visit.show(screen)
    if switch_to is not None:  # the key suits another business better: go on with that one
        journey.switch(BUSINESSES[switch_to], store)
        return Outcome.AGAIN
    if outcome is not Outcome.NEXT or check is None:
        return outcome
    journey.token_serial = check.info.serial
    journey.unit_on_key = unit_on_certificate(check)
    journey.key_expired = check.expired
    order = _draft(visit, journey)
    store.orders.update_draft(order.id, token_serial=check.info.serial)  # a draft from before: another key
    return Outcome.NEXT


async def select_order(visit: Visit, journey: Journey) -> Outcome:
    """改派: which of the subscriber's orders is to be sent another way."""
    from kiosk.screens.choose import ChooseScreen

    signed, store = journey.signed_in, visit.runtime.store

    def load() -> list[Choice]:
        from kiosk.services.choices import order_choice
        from kiosk.services.order_list import entries_of, fetch_orders

        views = fetch_orders(visit.runtime.backend_client(), store, signed)
        entries = entries_of(store, signed.owner.phone, views)
        return [order_choice(entry) for entry in entries if entry.can_redirect]

    screen = ChooseScreen(
        journey.heading(),
        intro=Text("请选择要改派的订单（尚未发货、自提改邮寄，或已寄出被退回的）"),
        empty=Text("没有可以改派的订单：只有邮寄或自提证书盘、尚未领取的订单可以改派"),
        offline=STEPS[Step.SELECT_ORDER].offline_note,
        load=load,
        chosen=journey.redirect_of,
        id="select-order",
    )
    outcome, chosen = await visit.show(screen)
    if chosen is not None:
        journey.redirect_of = chosen
        if journey.order_id is not None:  # came back to pick another: the draft follows
            store.orders.update_draft(journey.order_id, redirect_of=chosen)
    return outcome


async def select_certificate(visit: Visit, journey: Journey) -> Outcome:
    """证书注销: which of the unit's keys was lost (the CA revokes that key's certificates)."""
    from kiosk.screens.choose import ChooseScreen

    order, signed = _draft(visit, journey), journey.signed_in
    form = order.form or {}
    unit_code = (form.get(Section.CERTIFICATE.value) or form.get(Section.UNIT.value) or {}).get("uscc", "")

    def load() -> list[Choice]:
        from kiosk.services.choices import certificate_choice

        keys = visit.runtime.backend_client().unit_certificates(unit_code, signed.session_token)
        return [certificate_choice(key) for key in keys]

    screen = ChooseScreen(
        journey.heading(),
        intro=Text("请选择丢失的证书盘（按芯片号），注销后该证书盘上的证书立即失效"),
        empty=Text("没有找到统一社会信用代码为{code}的有效证书，请返回上一步核对", code=unit_code),
        offline=STEPS[Step.SELECT_CERTIFICATE].offline_note,
        load=load,
        chosen=order.token_serial,
        id="select-certificate",
    )
    outcome, chosen = await visit.show(screen)
    if chosen is not None:
        journey.token_serial = chosen
        visit.runtime.store.orders.update_draft(order.id, token_serial=chosen)
    return outcome


async def select_project(visit: Visit, journey: Journey) -> Outcome:
    from kiosk.screens.project import ProjectScreen

    order, catalog = _draft(visit, journey), visit.runtime.catalog()
    screen = ProjectScreen(journey.heading(), journey.business, catalog, order.project)
    outcome, selection = await visit.show(screen)
    if selection is not None:
        fee = quote(journey.business, catalog, selection.certificate_types).total_fen
        visit.runtime.store.orders.update_draft(order.id, project=selection, fee_fen=fee)
    return outcome


async def enter_info(visit: Visit, journey: Journey) -> Outcome:
    from kiosk.core.domain.samples import sample_form
    from kiosk.screens.info_entry import InfoEntryScreen

    order = _draft(visit, journey)
    screen = InfoEntryScreen(
        journey.heading(),
        journey.business.sections,
        journey.unsaved_form or order.form or _prefill(journey),
        rejected=journey.rejected_fields,
        sample=sample_form(journey.business.code) if visit.runtime.demo is not None else None,
        notice=_info_notice(journey),
        earlier=None if order.form else _earlier_form_reader(visit, journey),
    )
    outcome, typed = await visit.show(screen)
    fee = None
    if order.project is None:  # a business without a project: its fee does not depend on one
        fee = quote(journey.business, visit.runtime.catalog(), ()).total_fen
    journey.unsaved_form = typed  # until the draft has it: shown again if saving fails
    visit.runtime.store.orders.update_draft(order.id, form=typed, fee_fen=fee)
    journey.unsaved_form = None
    if outcome is Outcome.NEXT and await _renewal_needs_change_first(visit, journey, typed):
        return Outcome.AGAIN
    return outcome


async def _renewal_needs_change_first(visit: Visit, journey: Journey, typed: FormValues) -> bool:
    """The manual: a unit whose information changed does 证书变更 before 证书更新. A renewal
    whose unit is not the certificate's says so and, if the subscriber agrees, becomes a change
    (what was typed is kept). An expired certificate cannot be changed (a change keeps its
    expiry): its renewal is issued with the new information. True when the journey was
    switched."""
    from kiosk.core.domain.businesses import BUSINESSES
    from kiosk.screens.step import ConfirmScreen
    from kiosk.services.key_check import unit_changed

    change_first = journey.business.unit_changed_first
    if change_first is None or not journey.unit_on_key or journey.key_expired:
        return False
    if not unit_changed(journey.unit_on_key, typed.get(Section.UNIT.value, {})):
        return False
    question = Text(
        "单位名称或统一社会信用代码与证书不一致。单位信息已变更的，须先办理“证书变更”，"
        "再办理证书更新。现在改为办理证书变更吗？"
    )
    switch = await visit.show(
        ConfirmScreen(question, yes=Text("改为办理证书变更"), no=Text("返回修改"), id="confirm-change-first")
    )
    if switch:
        journey.switch(BUSINESSES[change_first], visit.runtime.store)
    return True


async def review(visit: Visit, journey: Journey) -> Outcome:
    from kiosk.screens.review import ReviewScreen

    order = _draft(visit, journey)
    screen = ReviewScreen(
        journey.heading(),
        journey.business,
        visit.runtime.catalog(),
        order.form,
        order.project,
        order.fee_fen,
        _documents(visit, journey),
        acts_on=_acts_on(order, journey),
    )
    return await visit.show(screen)


async def print_forms(visit: Visit, journey: Journey) -> Outcome:
    from kiosk.devices.forms.render import forms_to_sign
    from kiosk.screens.printing import PrintFormsScreen

    order = _draft(visit, journey)
    forms = [visit.printout(order.id, form) for form in forms_to_sign(journey.business)]
    await visit.show(PrintFormsScreen(forms, title=journey.heading()))
    return Outcome.NEXT  # 稍后打印 too: a form printed earlier, or brought filled in, will do


async def capture_documents(visit: Visit, journey: Journey) -> Outcome:
    from kiosk.screens.capture import DocumentCaptureScreen

    order = _draft(visit, journey)
    documents = tuple(journey.rejected_documents) or _documents(visit, journey)
    screen = DocumentCaptureScreen(
        documents, order_id=order.id, title=journey.heading(), retake=journey.rejected_documents
    )
    done = await visit.show(screen)
    return Outcome.NEXT if done else Outcome.BACK


async def submit(visit: Visit, journey: Journey) -> Outcome:
    from kiosk.screens.submit import SubmitScreen

    order = _draft(visit, journey)
    screen = SubmitScreen(journey.heading(), journey.business, order.id, _documents(visit, journey))
    return await visit.show(screen)


async def receipt(visit: Visit, journey: Journey) -> Outcome:
    order = _draft(visit, journey)
    await print_receipt(visit, order.id, journey.heading())
    return Outcome.NEXT


async def print_receipt(visit: Visit, order_id: str, heading: Text) -> bool:
    """The receipt of `order_id` as things stand, in the subscriber's language (also from 订单查询)."""
    from kiosk.devices.forms.render import PrintedForm
    from kiosk.screens.printing import PrintFormsScreen

    receipt = visit.printout(order_id, PrintedForm.RECEIPT)
    return await visit.show(PrintFormsScreen([receipt], title=heading, id="print-receipt"))


RESUMED_FROM_ORDER_QUERY = frozenset({Step.PAY, Step.DOWNLOAD_CERT, Step.UNLOCK_TOKEN})

STEP_SCREENS: dict[Step, StepRunner] = {
    Step.SIGN_IN: sign_in,
    Step.INSERT_TOKEN: insert_token,
    Step.SELECT_ORDER: select_order,
    Step.SELECT_CERTIFICATE: select_certificate,
    Step.SELECT_PROJECT: select_project,
    Step.ENTER_INFO: enter_info,
    Step.REVIEW: review,
    Step.PRINT_FORMS: print_forms,
    Step.CAPTURE_DOCUMENTS: capture_documents,
    Step.SUBMIT: submit,
    Step.RECEIPT: receipt,
}


# --- helpers ------------------------------------------------------------------------------------------
def _draft(visit: Visit, journey: Journey) -> OrderRecord:
    store = visit.runtime.store
    order_id = journey.draft(store)
    if not journey.is_resubmission:
        visit.kiosk.session.order_id = order_id  # the idle wipe discards it while it is a draft
    return store.orders.get(order_id)


def _earlier_form_reader(visit: Visit, journey: Journey) -> Callable[[], FormValues] | None:
    """For a key's business: reads what the subscriber typed for the key's unit last time. The
    backend keeps it; the kiosk does not (it purges personal data once the backend has it). It
    needs the subscriber's session: signed in by staff while offline, there is nothing to read."""
    uscc = journey.unit_on_key.get("uscc")
    signed = journey.subscriber
    if not uscc or signed is None or signed.session_token is None:
        return None
    session = signed.session_token

    def read() -> FormValues:
        return visit.runtime.backend_client().earlier_form(uscc, session).form

    return read


def _info_notice(journey: Journey) -> Text | None:
    """A change is typed as it is to be: the certificate is issued anew from it."""
    unit = journey.unit_on_key
    if journey.business.downloads is not NewCertificate.CHANGED or not unit:
        return None
    return Text(
        "请填写变更后的信息，新证书将按此签发。原证书：{name}（{uscc}）",
        name=unit.get("unit_name", ""),
        uscc=unit.get("uscc", ""),
    )


def _acts_on(order: OrderRecord, journey: Journey) -> list[Text]:
    """What the order is for, beyond its form: the key (renewal, change, unlock, revoke) and,
    for a change, what the new certificate will name differently; or the order whose shipment
    changes (改派)."""
    from kiosk.services.key_check import subject_changes

    lines = []
    if order.token_serial:
        lines.append(Text("证书盘芯片号：{serial}", serial=order.token_serial))
    if journey.business.downloads is NewCertificate.CHANGED and journey.unit_on_key:
        changes = subject_changes(journey.unit_on_key, order.form)
        lines.extend(Text("变更：{change}", change=change) for change in changes)
        if not changes:
            lines.append(Text("新证书的单位名称和统一社会信用代码与原证书相同"))
    if order.redirect_of:
        lines.append(Text("改派订单：{order}", order=order.redirect_of))
    return lines


def _documents(visit: Visit, journey: Journey) -> tuple[DocumentKind, ...]:
    return visit.runtime.catalog().documents_for(journey.business.code, journey.business.documents)


def _prefill(journey: Journey) -> dict[str, dict[str, str]]:
    """What the kiosk already knows: the signed-in mobile is usually the handler's; the key's
    certificate names the unit (and, for a change, the unit as it was)."""
    known: dict[str, dict[str, str]] = {}
    sections = journey.business.sections
    unit = journey.unit_on_key
    if unit and Section.UNIT in sections:
        known[Section.UNIT.value] = dict(unit)
    if unit and Section.CERTIFICATE in sections:
        known[Section.CERTIFICATE.value] = {
            "company_name": unit.get("unit_name", ""),
            "uscc": unit.get("uscc", ""),
        }
    if journey.subscriber is not None and Section.HANDLER in sections:
        known[Section.HANDLER.value] = {"mobile": journey.subscriber.owner.phone}
    return known
