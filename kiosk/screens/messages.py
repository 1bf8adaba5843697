"""The app's typed messages, in one place."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:  # heavy imports stay out of the first paint
    from kiosk.config import KioskSettings
    from kiosk.store import Store


@dataclass
class RuntimeReady(Message):
    """Settings and store are loaded (after the first paint, in a thread)."""

    settings: KioskSettings
    store: Store


@dataclass
class RuntimeFailed(Message):
    """The kiosk cannot serve: bad settings, unreadable store or key. For staff to fix."""

    reason: str
    settings: KioskSettings | None


class QueueChanged(Message):
    """The outbox depth may have changed: the status line reads it again. A burst is one."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, QueueChanged)
