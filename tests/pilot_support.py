"""Pilot-test helpers shared by the screen tests."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

from textual.message import Message

MessageT = TypeVar("MessageT", bound=Message)


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
