"""The line at the foot of every screen: backend reachability, orders waiting to sync, the
kiosk's name, and the discreet staff entry."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from kiosk.i18n import Text
from kiosk.screens.base import KioskMixin
from kiosk.screens.tile import Tile


def describe_connection(backend_state: str, queue_depth: int | None) -> Text:
    if backend_state == "online":
        link = Text("在线")
    elif backend_state == "offline":
        link = Text("离线")
    else:
        link = Text("未连接后台")
    if queue_depth is None:
        return link
    if queue_depth == 0:
        return Text("{link} · 无待同步订单", link=link)
    return Text("{link} · {count} 单待同步", link=link, count=queue_depth)


class StatusLine(KioskMixin, Horizontal):
    def compose(self) -> ComposeResult:
        connection, name = self._texts()
        yield Static(connection, id="connection")
        yield Static(name, id="kiosk-name")
        yield Tile("·", id="staff-entry", classes="discreet")

    def on_mount(self) -> None:
        self.watch(self.kiosk, "queue_depth", self._refresh, init=False)
        self.watch(self.kiosk, "backend_state", self._refresh, init=False)
        self.watch(self.kiosk, "settings_version", self._refresh, init=False)

    def _texts(self) -> tuple[str, str]:
        kiosk = self.kiosk
        connection = self.t(describe_connection(kiosk.backend_state, kiosk.queue_depth))
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
