"""提交: the last look before the order goes to the CA (it cannot change afterwards, unless
the reviewer sends it back), then the order's way out in plain words: being sent, received for
review, or saved on this kiosk until the network is back — never lost either way."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical

from kiosk.core.domain.businesses import Business
from kiosk.core.domain.documents import DOCUMENTS, DocumentKind
from kiosk.core.domain.fees import format_yuan
from kiosk.core.domain.forms import check_form
from kiosk.core.domain.steps import STEPS, Step
from kiosk.core.i18n import Text
from kiosk.screens.messages import OrderSubmitted
from kiosk.screens.step import StepScreen
from kiosk.screens.widgets.plain import Button, Static
from kiosk.services.journey import Outcome

SENDING = Text("正在发送到审核中心…")
RECEIVED = Text("审核中心已收到，请等待审核（一般1个工作日），结果将以短信通知")
_OFFLINE_NOTE = STEPS[Step.SUBMIT].offline_note
assert _OFFLINE_NOTE is not None  # the submit step always says what happens offline
QUEUED: Text = _OFFLINE_NOTE
HELD = Text("订单已保存在本机，提交时遇到问题，工作人员会处理，无需重新办理")


class Delivery(StrEnum):
    NOT_SUBMITTED = "not_submitted"
    SENDING = "sending"
    RECEIVED = "received"
    QUEUED = "queued"  # offline: waits in the outbox
    HELD = "held"  # the backend refused an item: staff look at it


class SubmitScreen(StepScreen[Outcome]):
    AUTO_FOCUS = "#next"
    NEXT_LABEL = Text("确认提交")
    DEFAULT_CSS: ClassVar[str] = """
    #submit-body { height: 1fr; padding: 1 3; }
    #submit-body .line { padding-left: 2; height: auto; }
    #submit-state { margin-top: 1; height: auto; text-style: bold; }
    #submit-state.received { color: $success; }
    #submit-state.queued, #submit-state.held { color: $warning; }
    """

    def __init__(
        self,
        heading: Text,
        business: Business,
        order_id: str,
        documents: tuple[DocumentKind, ...],
        *,
        id: str | None = "submit",
    ) -> None:
        super().__init__(heading, id=id)
        self.business, self.order_id, self.documents = business, order_id, documents
        self.delivery = Delivery.NOT_SUBMITTED
        self.problems: list[Text] = []
        self.busy = False

    def body(self) -> ComposeResult:
        t = self.t
        with Vertical(id="submit-body"):
            yield Static(t(Text("订单号：{order}", order=self.order_id)), classes="section")
            yield Static("", id="submit-fee", classes="line")
            yield Static(t(Text("资料：")), classes="section")
            for kind in self.documents:
                yield Static("", id=f"document-{kind.value}", classes="line")
            yield Static("", id="submit-problems", classes="error")
            yield Static("", id="submit-state")

    def on_mount(self) -> None:
        self.watch(self.app, "queue_read", self._follow, init=False)
        self._refresh_widgets()

    async def recompose(self) -> None:
        await super().recompose()
        self._refresh_widgets()

    # --- what is ready, and where the order is --------------------------------------------------------
    def _refresh_widgets(self) -> None:
        store = self.runtime.store
        order = store.orders.get(self.order_id)
        captured = store.attachments.of(self.order_id)
        if self.delivery is Delivery.NOT_SUBMITTED:
            missing = [kind for kind in self.documents if kind not in captured]
            problems = check_form(self.business.sections, order.form)
            self.problems = [Text("还缺少：{document}", document=DOCUMENTS[kind].title) for kind in missing]
            if problems:
                self.problems.append(Text("信息还有{count}处需要修改，请点“上一步”", count=len(problems)))
        fee = Text("费用：{amount}（审核通过后付款）", amount=format_yuan(order.fee_fen))
        self.query_one("#submit-fee", Static).update(self.t(fee if order.fee_fen else Text("费用：免费")))
        for kind in self.documents:
            mark = "✓" if kind in captured else "✗"
            self.query_one(f"#document-{kind.value}", Static).update(
                f"{mark} {self.t(DOCUMENTS[kind].title)}"
            )
        self.query_one("#submit-problems", Static).update("\n".join(self.t(p) for p in self.problems))
        state = self.query_one("#submit-state", Static)
        state.update(self.t(self._state_text()))
        state.set_classes(self.delivery.value)
        submitted = self.delivery is not Delivery.NOT_SUBMITTED
        next_button = self.query_one("#next", Button)
        next_button.label = self.t(Text("打印回执") if submitted else self.NEXT_LABEL)
        next_button.disabled = self.busy or bool(self.problems and not submitted)
        self.query_one("#back", Button).display = not submitted

    def _state_text(self) -> Text:
        return {
            Delivery.NOT_SUBMITTED: Text("提交后信息不能再修改，请确认后点击“确认提交”"),
            Delivery.SENDING: SENDING,
            Delivery.RECEIVED: RECEIVED,
            Delivery.QUEUED: QUEUED,
            Delivery.HELD: HELD,
        }[self.delivery]

    def _follow(self) -> None:
        """The queue was read again: has this order gone out?"""
        if self.delivery is Delivery.NOT_SUBMITTED:
            return
        store = self.runtime.store
        head = store.outbox.head(self.order_id)
        if head is None:
            self.delivery = Delivery.RECEIVED
        elif head.blocked_at:
            self.delivery = Delivery.HELD
        elif self.runtime.sync is None or self.kiosk.backend_online is False:
            self.delivery = Delivery.QUEUED
        else:
            self.delivery = Delivery.SENDING
        self._refresh_widgets()

    # --- submitting ------------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="submit", exit_on_error=False, description="submit order")
    def _submit(self) -> None:
        from kiosk.store import StorageFull, StoreError

        store = self.runtime.store
        try:
            store.orders.submit(self.order_id)
        except StorageFull:
            raise  # the error net says it, and the step comes back to try again once there is room
        except (StoreError, OSError) as error:
            self.post_message(OrderSubmitted(self.order_id, str(error)))
            return
        self.post_message(OrderSubmitted(self.order_id, None))

    def on_order_submitted(self, message: OrderSubmitted) -> None:
        self.busy = False
        if message.error is not None:
            self.app.log.error("submit failed", order=message.order_id, error=message.error)
            self.problems = [Text("提交失败，订单仍保存在本机，请联系大厅工作人员")]
        else:
            self.delivery = Delivery.SENDING
            self.kiosk.audit("subscriber", "order_submitted", order=self.order_id)
            self.kiosk.wake_sync()
            self._follow()
        self._refresh_widgets()

    def go(self, outcome: Outcome) -> None:
        if self.delivery is not Delivery.NOT_SUBMITTED:
            if outcome is not Outcome.BACK:  # submitted: nothing left to lose, no question
                self.dismiss(outcome)
            return
        if outcome is Outcome.NEXT:
            if self.problems or self.busy:
                return
            self.busy = True
            self._refresh_widgets()
            self._submit()
            return
        self.dismiss(outcome)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "leave" and self.delivery is not Delivery.NOT_SUBMITTED:
            event.stop()
            self.dismiss(Outcome.LEAVE)
            return
        super().on_button_pressed(event)
