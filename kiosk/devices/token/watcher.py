"""Key insertion and removal as events, by polling the module's slot list.

SoftHSM has no slot events (C_WaitForSlotEvent answers "no event" forever) and a vendor
module's blocking wait cannot be interrupted short of finalising the module, so the watcher
polls, which every module supports. A poll never overlaps an operation on a key: while one
holds the module's lock the poll is skipped, and the operation reports a pulled key itself."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from kiosk.devices.token.errors import TokenError
from kiosk.devices.token.module import Pkcs11Module, PresentToken

log = logging.getLogger(__name__)


class SlotChange(StrEnum):
    INSERTED = "inserted"
    REMOVED = "removed"


@dataclass(frozen=True)
class SlotEvent:
    change: SlotChange
    token: PresentToken


class SlotWatcher:
    def __init__(self, module: Pkcs11Module) -> None:
        self.module = module
        self._known: dict[tuple[int, str], PresentToken] = {}

    @property
    def present(self) -> list[PresentToken]:
        return list(self._known.values())

    def poll(self) -> list[SlotEvent] | None:
        """What changed since the last poll; None when an operation holds the slot."""
        if not self.module.lock.acquire(blocking=False):
            return None
        try:
            self.module.rescan()
            now = {(token.slot_id, token.serial): token for token in self.module.present()}
        except TokenError as error:
            log.warning("token slot poll failed: %s", error.detail or error)
            now = {}
        finally:
            self.module.lock.release()
        events = [
            SlotEvent(SlotChange.REMOVED, token) for key, token in self._known.items() if key not in now
        ]
        events += [
            SlotEvent(SlotChange.INSERTED, token) for key, token in now.items() if key not in self._known
        ]
        self._known = now
        return events

    def watch(self, on_event: Callable[[SlotEvent], None], stop: threading.Event, interval_s: float) -> None:
        """Poll until `stop` is set; each poll starts only after the last one finished."""
        while not stop.is_set():
            for event in self.poll() or []:
                on_event(event)
            stop.wait(interval_s)
