"""订单查询's list: after sign-in, the subscriber's orders with their state in plain words
(资料待审核; 审核驳回 and why; 待付款; 待发货; 完成 with the carrier and tracking number), and what
can be done next: pay, fix what the reviewer rejected and submit again, print the receipt
again. It answers with the action chosen; kiosk/ui/order_query.py walks the rest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar, Literal

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen

from kiosk.core.domain.businesses import BUSINESSES, Section
from kiosk.core.domain.documents import DOCUMENTS, DocumentKind
from kiosk.core.domain.fees import format_yuan
from kiosk.core.domain.forms import field_spec
from kiosk.core.domain.status import NEXT_ACTIONS, STATUS_TITLES, OrderStatus
from kiosk.core.i18n import Bilingual, Text
from kiosk.screens.base import KioskMixin
from kiosk.screens.messages import OrdersListed
from kiosk.screens.widgets.pane import Pane
from kiosk.screens.widgets.plain import Button, Static
from kiosk.screens.widgets.status_line import StatusLine
from kiosk.screens.widgets.tile import Tile
from kiosk.services.journey import SignedIn
from kiosk.services.order_list import OrderEntry, local_day, shipment_lines

QUERY_TITLE = Text("订单查询")
QUEUED = Text("已保存在本机，联网后自动提交")
Action = Literal["pay", "fix", "receipt", "download", "unlock", "redirect"]


@dataclass(frozen=True)
class OrderAction:
    action: Action
    entry: OrderEntry


class OrdersScreen(KioskMixin, Screen[OrderAction | None]):
    AUTO_FOCUS = "#order-list Tile, #leave"
    DEFAULT_CSS: ClassVar[str] = """
    #orders-body { height: 1fr; }
    #order-list { width: 52; padding: 1 1; border-right: tall $panel; }
    #order-list Tile { height: auto; padding: 0 1; margin-bottom: 1; }
    #order-list Tile.selected { background: $primary 50%; text-style: bold; }
    #order-detail { width: 1fr; padding: 1 2; }
    #order-detail .line { height: auto; padding-left: 2; }
    #orders-note { height: auto; padding: 0 1; color: $warning; }
    """

    def __init__(self, signed: SignedIn, *, id: str | None = "orders") -> None:
        super().__init__(id=id)
        self.signed = signed
        self.entries: list[OrderEntry] = []
        self.selected: str | None = None
        self.note: Text = Text("正在查询订单…")
        self.loaded = False

    # --- layout ------------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        t = self.t
        with Horizontal(id="masthead"):
            who = (
                self.signed.phone_masked
                or self.signed.owner.phone[:3] + "****" + self.signed.owner.phone[-4:]
            )
            yield Static(t(Text("订单查询 · {phone}", phone=who)), id="title")
        with Horizontal(id="orders-body"):
            with Pane(id="order-list"):
                yield Static(t(self.note), id="orders-note")
                for entry in self.entries:
                    yield Tile(self._entry_line(entry), id=f"order-{entry.order_id}")
            with Pane(id="order-detail"):
                yield from self._detail()
        with Horizontal(id="actions"):
            yield Button(t(Text("付款")), id="pay", variant="success")
            yield Button(t(Text("下载证书")), id="download", variant="success")
            yield Button(t(Text("解锁")), id="unlock", variant="success")
            yield Button(t(Text("修改并重新提交")), id="fix", variant="warning")
            yield Button(t(Text("改派")), id="redirect", variant="warning")
            yield Button(t(Text("补打回执")), id="receipt", variant="primary")
            yield Button(t(Text("刷新")), id="refresh")
            yield Button(t(Text("返回首页")), id="leave")
        yield StatusLine(id="status-line")

    def on_mount(self) -> None:
        self._refresh_buttons()
        self._load()

    async def recompose(self) -> None:
        await super().recompose()
        self._refresh_buttons()

    def _entry_line(self, entry: OrderEntry) -> str:
        t = self.t
        day = local_day(entry.created_at)
        state = QUEUED if entry.queued_here else STATUS_TITLES[entry.status]
        mark = "▶ " if entry.order_id == self.selected else ""
        return f"{mark}{t(BUSINESSES[entry.business].title)} · {day}\n  {t(state)} · {entry.order_id[:8]}"

    @property
    def entry(self) -> OrderEntry | None:
        return next((entry for entry in self.entries if entry.order_id == self.selected), None)

    def _detail(self) -> ComposeResult:
        entry, t = self.entry, self.t
        if entry is None:
            if self.loaded:
                yield Static(t(Text("请在左侧选择订单查看详情")), classes="item")
            return
        lines: list[Text | str] = [
            Text("订单号：{order}", order=entry.order_id),
            Text("业务：{business}", business=BUSINESSES[entry.business].title),
            Text("办理日期：{day}", day=local_day(entry.created_at)),
            Text("状态：{status}", status=QUEUED if entry.queued_here else STATUS_TITLES[entry.status]),
            Text("费用：{amount}", amount=format_yuan(entry.fee_fen))
            if entry.fee_fen
            else Text("费用：免费"),
        ]
        lines += _rejection_lines(entry)
        lines += _what_it_did(entry)
        lines += shipment_lines(entry)
        if entry.status is OrderStatus.REJECTED and not entry.held_here:
            lines.append(Text("该订单的资料不在本机，请到原办理终端或服务窗口修改"))
        if not entry.queued_here:
            lines.append(Text("下一步：{action}", action=NEXT_ACTIONS[entry.status]))
        for line in lines:
            yield Static(t(line), classes="line")

    def _refresh_buttons(self) -> None:
        entry = self.entry
        self.query_one("#pay", Button).display = bool(entry and entry.can_pay)
        self.query_one("#fix", Button).display = bool(entry and entry.can_fix)
        self.query_one("#download", Button).display = bool(entry and entry.can_download)
        self.query_one("#unlock", Button).display = bool(entry and entry.can_unlock)
        self.query_one("#redirect", Button).display = bool(entry and entry.can_redirect)
        self.query_one("#receipt", Button).display = bool(entry and entry.held_here)

    # --- loading, in a worker ------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="orders", exit_on_error=False, description="list orders")
    def _load(self) -> None:
        """The backend's list of the subscriber's orders (with their session), or, signed in by
        staff while offline, this kiosk's orders of that phone, each asked after by the kiosk."""
        from kiosk.backend_client.errors import BackendError
        from kiosk.services.order_list import fetch_orders

        store = self.runtime.store
        try:
            views = fetch_orders(self.runtime.backend_client(), store, self.signed)
        except BackendError as error:
            self.post_message(OrdersListed(None, error))
            return
        self.post_message(OrdersListed(views, None))

    async def on_orders_listed(self, message: OrdersListed) -> None:
        from kiosk.backend_client.errors import Offline
        from kiosk.services.order_list import entries_of

        store = self.runtime.store
        self.entries = entries_of(store, self.signed.owner.phone, message.views or [])
        self.loaded = True
        error = message.error
        if error is None:
            self.note = (
                Text("共{count}个订单", count=len(self.entries)) if self.entries else Text("没有找到您的订单")
            )
        elif isinstance(error, Offline):
            self.note = Text("网络不通：只显示本机保存的订单，状态可能不是最新")
        else:
            self.note = Bilingual(str(error.message), error.message_en)
        if self.selected is None and self.entries:
            self.selected = self.entries[0].order_id
        await self.recompose()
        for action in ("#pay", "#download", "#unlock", "#fix"):  # what the order waits for, ready for Enter
            button = self.query_one(action, Button)
            if button.display:
                button.focus()
                break

    # --- choosing -------------------------------------------------------------------------------------
    async def on_tile_pressed(self, event: Tile.Pressed) -> None:
        tile = event.tile.id or ""
        if tile.startswith("order-"):
            self.selected = tile.removeprefix("order-")
            await self.recompose()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        button, entry = event.button.id, self.entry
        if button == "leave":
            self.dismiss(None)
        elif button == "refresh":
            self.loaded = False
            self.note = Text("正在查询订单…")
            self.query_one("#orders-note", Static).update(self.t(self.note))
            self._load()
        elif entry is not None and button == "pay" and entry.can_pay:
            self.dismiss(OrderAction("pay", entry))
        elif entry is not None and button == "download" and entry.can_download:
            self.dismiss(OrderAction("download", entry))
        elif entry is not None and button == "unlock" and entry.can_unlock:
            self.dismiss(OrderAction("unlock", entry))
        elif entry is not None and button == "redirect" and entry.can_redirect:
            self.dismiss(OrderAction("redirect", entry))
        elif entry is not None and button == "fix" and entry.can_fix:
            self.dismiss(OrderAction("fix", entry))
        elif entry is not None and button == "receipt" and entry.held_here:
            self.dismiss(OrderAction("receipt", entry))


def _what_it_did(entry: OrderEntry) -> list[Text | str]:
    """The key the order is for (the one to bring for a download or unlock); a revocation's
    time; which order a 改派 redirected."""
    lines: list[Text | str] = []
    if entry.revoked_at:
        when = datetime.fromisoformat(entry.revoked_at).astimezone().strftime("%Y-%m-%d %H:%M:%S")
        lines.append(Text("注销时间：{time}（已列入证书吊销列表）", time=when))
    if entry.token_serial:
        lines.append(Text("证书盘芯片号：{serial}", serial=entry.token_serial))
    if entry.redirect_of:
        lines.append(Text("改派订单：{order}", order=entry.redirect_of))
    return lines


def _rejection_lines(entry: OrderEntry) -> list[Text | str]:
    rejection = entry.rejection
    if entry.status is not OrderStatus.REJECTED or not rejection:
        return []
    lines: list[Text | str] = [
        Text("驳回原因：{reason}", reason=Bilingual(rejection.get("reason", ""), rejection.get("reason", "")))
    ]
    for place, note in (rejection.get("fields") or {}).items():
        section, _, key = str(place).partition(".")
        try:
            label: str = field_spec(Section(section), key).label
        except (ValueError, StopIteration):
            label = str(place)
        lines.append(Text("需修改：{field}（{note}）", field=label, note=Bilingual(note, note)))
    for kind, note in (rejection.get("documents") or {}).items():
        try:
            title: str = DOCUMENTS[DocumentKind(kind)].title
        except ValueError:  # a document this kiosk does not know: the backend's own word
            title = str(kind)
        lines.append(Text("需重新拍摄：{document}（{note}）", document=title, note=Bilingual(note, note)))
    return lines
