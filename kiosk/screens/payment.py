"""付款: the subscriber chooses WeChat Pay or Alipay, the kiosk shows the amount and the
provider's QR large enough to scan from the screen, and follows the payment until it is paid,
runs out of time (a new QR is one press away) or the subscriber cancels.

The backend calls run in thread workers and report with PaymentAnswered messages. In the demo
only, a button plays the phone's part through the reference backend's sandbox wallet."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, ClassVar

import numpy as np
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.strip import Strip
from textual.worker import get_current_worker

from kiosk.core.domain.fees import format_yuan
from kiosk.core.i18n import Bilingual, Text
from kiosk.screens.base import KioskMixin
from kiosk.screens.messages import PaymentAnswered
from kiosk.screens.widgets.pixels import Picture, half_block_strips
from kiosk.screens.widgets.plain import Button, Static
from kiosk.screens.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from kiosk.backend_client.errors import BackendError
    from kiosk.core.contract import Channel, PaymentView

CHANNELS: dict[str, Text] = {"wechat": Text("微信支付"), "alipay": Text("支付宝")}
CHOOSE = Text("请选择付款方式")
SCAN = Text("请用手机{channel}扫描二维码，付款{amount}")
PAID = Text("付款成功，谢谢！证书将按订单的领取方式送达")
EXPIRED = Text("二维码已过期，请点击“重新付款”")
ASKING = Text("正在生成付款二维码…")


def _utc_now() -> datetime:
    return datetime.now(UTC)


def qr_strips(data: str) -> list[Strip]:
    """A QR code in half blocks, black on white, with its quiet zone: a module is a cell wide and
    half a cell high, so it comes out square on a terminal's usual 1:2 cells."""
    import segno

    code = segno.make(data, error="m", micro=False)
    dark = np.array([list(row) for row in code.matrix_iter(scale=1, border=2)], dtype=bool)
    image = np.where(dark[:, :, None], 0, 255).astype(np.uint8).repeat(3, axis=2)
    return half_block_strips(image)


class PaymentScreen(KioskMixin, Screen[bool]):
    """Dismisses with True once paid and the subscriber pressed 完成, False when they cancelled."""

    AUTO_FOCUS = "#channel-wechat"
    DEFAULT_CSS: ClassVar[str] = """
    #payment-body { height: 1fr; }
    #payment-side { width: 50; padding: 1 2; }
    #payment-side Button { width: 100%; margin-bottom: 1; }
    #payment-qr { width: 1fr; }
    #payment-amount { text-style: bold; height: auto; margin-bottom: 1; }
    #payment-state { height: auto; margin-top: 1; text-style: bold; }
    #payment-state.paid { color: $success; }
    #payment-state.failed { color: $error; }
    #payment-countdown { height: auto; color: $text-muted; }
    """

    def __init__(
        self,
        heading: Text,
        order_id: str,
        amount_fen: int,
        session: str | None,
        *,
        after: Text | None = None,
        now: Callable[[], datetime] = _utc_now,
        id: str | None = "payment",
    ) -> None:
        """`now`: the wall clock the countdown to the QR's expiry reads (a snapshot fixes it)."""
        super().__init__(id=id)
        self.now = now
        # What the order waits for once paid (shipping, a download at the slot, an unlock).
        self.paid_text = Text("付款成功，谢谢！下一步：{action}", action=after) if after else PAID
        self.heading, self.order_id, self.amount_fen, self.session = heading, order_id, amount_fen, session
        self.channel: Channel | None = None
        self.payment: PaymentView | None = None
        self.state: Text = CHOOSE
        self.state_kind = ""
        self.busy = False
        self._stop = threading.Event()
        self._poke = threading.Event()  # ask again now (the demo wallet just paid)
        self._qr: list[Strip] = []

    # --- layout ------------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        t = self.t
        with Horizontal(id="masthead"):
            yield Static(t(self.heading), id="title")
        with Horizontal(id="payment-body"):
            with Vertical(id="payment-side"):
                amount = Text("应付金额：{amount}", amount=format_yuan(self.amount_fen))
                yield Static(t(amount), id="payment-amount")
                for channel, title in CHANNELS.items():
                    yield Button(t(title), id=f"channel-{channel}", variant="primary")
                yield Static("", id="payment-state")
                yield Static("", id="payment-countdown")
                if self.runtime.demo is not None:
                    yield Button(t(Text("演示：模拟手机付款")), id="demo-pay", variant="warning")
            yield Picture(id="payment-qr")
        with Horizontal(id="actions"):
            yield Button(t(Text("完成")), id="done", variant="success")
            yield Button(t(Text("重新付款")), id="again", variant="primary")
            yield Button(t(Text("取消付款")), id="cancel")
        yield StatusLine(id="status-line")

    def on_mount(self) -> None:
        self._refresh_widgets()
        self.set_interval(1, self._count_down)

    async def recompose(self) -> None:
        await super().recompose()
        self._refresh_widgets()

    @property
    def status(self) -> str:
        return self.payment.status if self.payment is not None else ""

    def _refresh_widgets(self) -> None:
        state = self.query_one("#payment-state", Static)
        state.update(self.t(self.state))
        state.set_classes(self.state_kind)
        showing = self.status == "pending"
        picture = self.query_one("#payment-qr", Picture)
        picture.show(self._qr) if showing else picture.clear()
        for channel in CHANNELS:
            button = self.query_one(f"#channel-{channel}", Button)
            button.disabled = self.status == "paid"  # while busy a press is ignored: focus stays
            button.variant = "success" if channel == self.channel else "primary"
        self.query_one("#done", Button).display = self.status == "paid"
        self.query_one("#again", Button).display = self.status == "expired" or self.state_kind == "failed"
        self.query_one("#cancel", Button).display = self.status != "paid"
        demo = self.query("#demo-pay")
        if demo:
            demo.first(Button).disabled = not showing
        self._count_down()

    def _count_down(self) -> None:
        found = self.query("#payment-countdown")
        if not found:
            return
        line = ""
        if self.payment is not None and self.status == "pending":
            # Rounded up: the QR is out of time here only once it is at the backend too.
            left = math.ceil((self.payment.expires_at - self.now()).total_seconds())
            if left <= 0:
                self._expired()
                return
            line = self.t(Text("请在{minutes}分{seconds}秒内完成付款", minutes=left // 60, seconds=left % 60))
        found.first(Static).update(line)

    # --- the backend, in workers ---------------------------------------------------------------------
    def _ask(self, channel: Channel) -> None:
        self.channel, self.busy = channel, True
        self.payment, self._qr = None, []
        self.state, self.state_kind = ASKING, ""
        self._refresh_widgets()
        self._create(channel)

    @work(thread=True, exclusive=True, group="payment", exit_on_error=False, description="create payment")
    def _create(self, channel: Channel) -> None:
        from kiosk.backend_client.errors import BackendError

        try:
            payment = self.runtime.backend_client().create_payment(self.order_id, channel, self.session)
        except BackendError as error:
            self.post_message(PaymentAnswered(None, error))
            return
        self.post_message(PaymentAnswered(payment, None))
        self._follow(payment.payment_id)

    def _follow(self, payment_id: str) -> None:
        """Ask the backend until the payment is paid or expired, or the screen goes."""
        from kiosk.backend_client.errors import BackendError

        worker = get_current_worker()
        every = self.runtime.settings.payment_poll_s
        while not worker.is_cancelled and not self._stop.is_set():
            self._poke.wait(every)  # a poll interval, cut short when the demo wallet paid
            self._poke.clear()
            if worker.is_cancelled or self._stop.is_set():
                return
            try:
                payment = self.runtime.backend_client().get_payment(payment_id, self.session)
            except BackendError as error:
                self.post_message(PaymentAnswered(None, error))
                continue  # the payment goes on at the provider: keep asking
            self.post_message(PaymentAnswered(payment, None))
            if payment.status != "pending":
                return

    @work(thread=True, group="demo-wallet", exit_on_error=False, description="demo wallet pays")
    def _demo_pay(self, payment_id: str) -> None:
        from kiosk.backend_client.errors import BackendError

        try:
            self.runtime.backend_client().sandbox_pay(payment_id)
        except BackendError as error:
            self.post_message(PaymentAnswered(None, error))
        self._poke.set()

    def on_payment_answered(self, message: PaymentAnswered) -> None:
        self.busy = False
        payment, error = message.payment, message.error
        if payment is not None:
            if self.payment is None or payment.payment_id != self.payment.payment_id:
                self._qr = qr_strips(payment.code_url)
            self.payment = payment
            if payment.status == "paid":
                self.state, self.state_kind = self.paid_text, "paid"
                self._stop.set()
                self.query_one("#done", Button).focus()
            elif payment.status == "expired":
                self._expired()
                return
            else:
                channel = CHANNELS[payment.channel]
                self.state = Text(SCAN, channel=channel, amount=format_yuan(payment.amount_fen))
                self.state_kind = ""

        elif error is not None:
            self._said(error)
        self._refresh_widgets()
        demo = self.query("#demo-pay")
        if demo and self.status == "pending":  # the demo's next move is the phone's
            demo.first(Button).focus()

    def _said(self, error: BackendError) -> None:
        from kiosk.backend_client.errors import Offline

        if isinstance(error, Offline):
            self.state = Text("网络不通，暂时无法付款，请稍后在“订单查询”中付款")
        else:
            self.state = Bilingual(str(error.message), error.message_en)
        self.state_kind = "failed"
        self.app.log.warning("payment", reason=error.summary())

    def _expired(self) -> None:
        self._stop.set()
        if self.payment is not None and self.payment.status == "pending":
            self.payment = self.payment.model_copy(update={"status": "expired"})
        self.state, self.state_kind = EXPIRED, "failed"
        self._refresh_widgets()

    # --- buttons ------------------------------------------------------------------------------------
    def on_button_pressed(self, event: Button.Pressed) -> None:
        button = event.button.id or ""
        if button.startswith("channel-") and not self.busy and self.status != "paid":
            self._stop = threading.Event()  # a follower of an earlier QR ends by itself
            self._ask(button.removeprefix("channel-"))  # type: ignore[arg-type]
        elif button == "again" and self.channel is not None:
            self._stop = threading.Event()
            self._ask(self.channel)
        elif button == "demo-pay" and self.payment is not None:
            self._demo_pay(self.payment.payment_id)
        elif button == "done" and self.status == "paid":
            self.dismiss(True)
        elif button == "cancel":
            self._stop.set()
            self.dismiss(False)

    def on_unmount(self) -> None:
        self._stop.set()
        self._poke.set()
