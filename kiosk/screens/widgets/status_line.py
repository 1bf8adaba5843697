"""The line at the foot of every screen: backend reachability, orders waiting to sync, the
kiosk's name, and the discreet staff entry."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal

from kiosk.core.i18n import Text
from kiosk.screens.base import KioskMixin
from kiosk.screens.widgets.plain import Static
from kiosk.screens.widgets.tile import Tile


def describe_connection(online: bool | None, pending: int | None, blocked: int = 0) -> Text:
    """The link as the sync last found it and the orders still to send: 离线 · 3 单待同步."""
    link = Text("未连接后台") if online is None else Text("在线") if online else Text("离线")
    if pending is None:
        return link
    if pending == 0:
        return Text("{link} · 无待同步订单", link=link)
    waiting = Text("{link} · {count} 单待同步", link=link, count=pending)
    if blocked:
        return Text("{waiting} · {count} 单需工作人员处理", waiting=waiting, count=blocked)
    return waiting


class StatusLine(KioskMixin, Horizontal):
    def compose(self) -> ComposeResult:
        connection, name = self._texts()
        yield Static(connection, id="connection")
        yield Static(name, id="kiosk-name")
        yield Tile("·", id="staff-entry", classes="discreet")

    def on_mount(self) -> None:
        self.watch(self.app, "queue_depth", self._refresh, init=False)
        self.watch(self.app, "backend_online", self._refresh, init=False)
        self.watch(self.app, "blocked_orders", self._refresh, init=False)
        self.watch(self.app, "settings_version", self._refresh, init=False)

    def _texts(self) -> tuple[str, str]:
        kiosk = self.kiosk
        connection = self.t(
            describe_connection(kiosk.backend_online, kiosk.queue_depth, kiosk.blocked_orders)
        )
        settings = kiosk.settings
        return connection, f"{settings.hall_name} · {settings.kiosk_id}" if settings else ""

    def _refresh(self) -> None:
        connection, name = self._texts()
        self.query_one("#connection", Static).update(connection)
        self.query_one("#kiosk-name", Static).update(name)

    def on_tile_pressed(self, event: Tile.Pressed) -> None:
        if event.tile.id == "staff-entry":
            event.stop()
            self.kiosk.open_staff_entry()
