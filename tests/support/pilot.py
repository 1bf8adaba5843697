"""Pilot-test helpers shared by the screen tests: the app at the kiosk's size, waiting for it to be
ready, tapping a tile where it is drawn, reading the screen, and waiting for a message."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

from textual.message import Message
from textual.widgets import Static

from kiosk.screens.widgets.tile_board import TileBoard
from kiosk.ui.app import KioskApp

MessageT = TypeVar("MessageT", bound=Message)

SIZE = (120, 40)


def make_app(where, settings, store, clock) -> KioskApp:
    return KioskApp(where=where, settings=settings, store=store, clock=clock, wall_clock=clock)


async def ready(pilot) -> None:
    """Wait until the runtime (settings, store) is applied."""
    await pilot.pause()
    while pilot.app.idle is None:
        await pilot.pause()


async def tap(pilot, tile_id: str) -> None:
    """Tap a home-screen tile where it is drawn."""
    board = pilot.app.screen.query_one(TileBoard)
    await pilot.click(TileBoard, offset=board.offset_of(tile_id))


def screen_text(app: KioskApp) -> str:
    return "\n".join(str(widget.render()) for widget in app.screen.query(Static))


class Messages:
    """Every message the app handles, and a way to wait for one (the worker's report), not a time."""

    def __init__(self) -> None:
        self.seen: list[Message] = []
        self._arrived = asyncio.Event()

    def hook(self, message: Message) -> None:
        self.seen.append(message)
        self._arrived.set()

    def of(self, kind: type[MessageT]) -> list[MessageT]:
        return [message for message in self.seen if isinstance(message, kind)]

    async def wait(
        self, kind: type[MessageT], where: Callable[[MessageT], bool] = lambda _: True, timeout: float = 30
    ) -> MessageT:
        async def arrival() -> MessageT:
            while True:
                for message in self.of(kind):
                    if where(message):
                        return message
                self._arrived.clear()
                await self._arrived.wait()

        return await asyncio.wait_for(arrival(), timeout)
