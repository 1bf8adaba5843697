"""The home screen: the seven businesses, order query, language switch, status line."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal

from kiosk.core.domain.businesses import BUSINESSES, business
from kiosk.core.i18n import Text
from kiosk.screens.base import KioskScreen
from kiosk.screens.widgets.plain import Static
from kiosk.screens.widgets.status_line import StatusLine
from kiosk.screens.widgets.tile import Tile
from kiosk.screens.widgets.tile_board import TileBoard, TileSpec


class HomeScreen(KioskScreen):
    AUTO_FOCUS = "#businesses"

    def compose(self) -> ComposeResult:
        with Horizontal(id="masthead"):
            yield Static(self.t(Text("数字证书自助服务终端")), id="title")
            other = "English" if self.kiosk.language == "zh" else "中文"
            yield Tile(other, id="language")
        yield Static(self.t(Text("请选择要办理的业务")), id="prompt")
        tiles = [
            TileSpec(f"business-{row.code}", self.t(row.title), self.t(row.summary))
            for row in BUSINESSES.values()
        ]
        tiles.append(
            TileSpec("order-query", self.t(Text("订单查询")), self.t(Text("查看、付款、下载、解锁")), True)
        )
        yield TileBoard(tiles, id="businesses")
        yield StatusLine(id="status-line")

    def on_tile_pressed(self, event: Tile.Pressed) -> None:
        if event.tile.id == "language":
            self.kiosk.toggle_language()

    def on_tile_board_pressed(self, event: TileBoard.Pressed) -> None:
        from kiosk.screens.guides import BusinessGuideScreen, OrderQueryGuideScreen

        if event.tile_id == "order-query":
            self.open_once(OrderQueryGuideScreen(id="order-query-guide"))
        elif event.tile_id.startswith("business-"):
            chosen = business(event.tile_id.removeprefix("business-"))
            self.open_once(BusinessGuideScreen(chosen, id=f"guide-{chosen.code}"))
