"""The home screen: the seven businesses, order query, language switch, status line."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Grid, Horizontal
from textual.widgets import Static

from kiosk.domain.businesses import BUSINESSES, BusinessCode
from kiosk.i18n import Text
from kiosk.screens.base import KioskScreen
from kiosk.screens.status_line import StatusLine
from kiosk.screens.tile import Tile


class HomeScreen(KioskScreen):
    def compose(self) -> ComposeResult:
        with Horizontal(id="masthead"):
            yield Static(self.t(Text("数字证书自助服务终端")), id="title")
            other = "English" if self.kiosk.language == "zh" else "中文"
            yield Tile(other, id="language")
        yield Static(self.t(Text("请选择要办理的业务")), id="prompt")
        with Grid(id="businesses"):
            for business in BUSINESSES.values():
                yield Tile(
                    f"{self.t(business.title)}\n{self.t(business.summary)}",
                    id=f"business-{business.code.value}",
                    classes="business",
                )
            yield Tile(
                f"{self.t(Text('订单查询'))}\n{self.t(Text('查看状态、付款、下载、解锁'))}",
                id="order-query",
                classes="business query",
            )
        yield StatusLine(id="status-line")

    def on_tile_pressed(self, event: Tile.Pressed) -> None:
        from kiosk.screens.guides import BusinessGuideScreen, OrderQueryGuideScreen

        button_id = event.tile.id or ""
        if button_id == "language":
            self.kiosk.toggle_language()
        elif button_id == "order-query":
            self.open_once(OrderQueryGuideScreen(id="order-query-guide"))
        elif button_id.startswith("business-"):
            code = BusinessCode(button_id.removeprefix("business-"))
            self.open_once(BusinessGuideScreen(BUSINESSES[code], id=f"guide-{code.value}"))
