"""The idle watch: after `timeout` seconds without a touch or key, a visible `countdown` runs;
when it reaches zero the session is wiped. Plain Python with the time passed in, so tests
advance a clock instead of sleeping."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class IdlePhase(Enum):
    ACTIVE = "active"
    COUNTDOWN = "countdown"
    EXPIRED = "expired"


@dataclass(frozen=True)
class IdleState:
    phase: IdlePhase
    seconds_left: float  # until the wipe


class IdleWatch:
    def __init__(self, timeout: float, countdown: float, now: float) -> None:
        if timeout <= 0 or countdown <= 0:
            raise ValueError("the idle timeout and the countdown must be positive")
        self.timeout = timeout
        self.countdown = countdown
        self._last_activity = now

    def touch(self, now: float) -> None:
        self._last_activity = now

    def state(self, now: float) -> IdleState:
        idle_for = now - self._last_activity
        left = self.timeout + self.countdown - idle_for
        if left <= 0:
            return IdleState(IdlePhase.EXPIRED, 0.0)
        if idle_for >= self.timeout:
            return IdleState(IdlePhase.COUNTDOWN, left)
        return IdleState(IdlePhase.ACTIVE, left)
