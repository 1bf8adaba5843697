"""Staff sign-in: an ID and PIN checked against the accounts' scrypt hashes
(kiosk/core/staff_pins.py); five wrong tries lock staff entry for five minutes, and the lock
outlasts a restart. Plain Python: the app, `kiosk doctor` and tests use it."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from kiosk.core.staff_pins import StaffAccount, verify_pin

log = logging.getLogger(__name__)
MAX_FAILURES = 5
LOCKOUT_SECONDS = 300.0
KIOSK_ACCOUNT = ""  # no staff ID: the kiosk's own maintenance PIN (kiosk.toml's staff_pin_hash)


@dataclass(frozen=True)
class Attempt:
    accepted: bool
    locked_for: float = 0.0  # seconds left of the lockout, when locked
    tries_left: int = MAX_FAILURES
    account: StaffAccount | None = None  # who signed in, when accepted


class LockoutState(Protocol):
    """Where the count of wrong PINs and the lock's end are kept: in the store, so that a
    restart does not clear a lockout (the kiosk's `kiosk_state`), or in memory for a script."""

    def load(self) -> tuple[int, float]: ...
    def save(self, failures: int, locked_until: float) -> None: ...


class LockoutInMemory:
    def __init__(self) -> None:
        self._state = (0, 0.0)

    def load(self) -> tuple[int, float]:
        return self._state

    def save(self, failures: int, locked_until: float) -> None:
        self._state = (failures, locked_until)


class KeyValueState(Protocol):
    """Values by key that outlive a restart: the store's `state` (kiosk/store/state.py)."""

    def get(self, key: str, default: str = "") -> str: ...
    def set(self, **values: str) -> None: ...


class StoredLockout:
    """The lockout kept in the kiosk's store (its `kiosk_state`). On a full disk it is kept in
    memory until the store takes it again: staff must still be able to sign in to make room,
    and wrong PINs still count."""

    def __init__(self, state: KeyValueState) -> None:
        self._state = state
        self._unsaved: tuple[int, float] | None = None

    def load(self) -> tuple[int, float]:
        if self._unsaved is not None:
            return self._unsaved
        return int(self._state.get("staff_failures", "0")), float(self._state.get("staff_locked_until", "0"))

    def save(self, failures: int, locked_until: float) -> None:
        from kiosk.store import StorageFull

        try:
            self._state.set(staff_failures=str(failures), staff_locked_until=repr(locked_until))
        except StorageFull:
            log.warning("storage full: the staff lockout is kept in memory")
            self._unsaved = (failures, locked_until)
        else:
            self._unsaved = None


class StaffGate:
    """Checks a staff member's ID and PIN against the accounts the kiosk knows, and counts
    failures for the kiosk as a whole: five wrong tries, whoever's, lock staff entry for five
    minutes. `clock` is wall time (a lock must outlast a restart); tests inject their own."""

    def __init__(
        self,
        kiosk_pin_hash: str,
        accounts: Callable[[], Mapping[str, StaffAccount]] = dict,
        lockout: LockoutState | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._kiosk_account = StaffAccount(KIOSK_ACCOUNT, "", kiosk_pin_hash)
        self._accounts = accounts
        self._lockout = lockout or LockoutInMemory()
        self._clock = clock

    def locked_for(self) -> float:
        _, locked_until = self._lockout.load()
        return max(0.0, locked_until - self._clock())

    def account(self, staff_id: str) -> StaffAccount | None:
        staff_id = staff_id.strip().upper()
        if staff_id == KIOSK_ACCOUNT:
            return self._kiosk_account
        return {key.upper(): account for key, account in self._accounts().items()}.get(staff_id)

    def try_pin(self, pin: str, staff_id: str = KIOSK_ACCOUNT) -> Attempt:
        remaining = self.locked_for()
        if remaining > 0:
            return Attempt(False, locked_for=remaining, tries_left=0)
        account = self.account(staff_id)
        # An unknown ID costs a try like a wrong PIN, and says no more than it does.
        if account is not None and verify_pin(pin, account.pin_hash):
            self._lockout.save(0, 0.0)
            return Attempt(True, account=account)
        failures, _ = self._lockout.load()
        failures += 1
        if failures >= MAX_FAILURES:
            self._lockout.save(0, self._clock() + LOCKOUT_SECONDS)
            return Attempt(False, locked_for=LOCKOUT_SECONDS, tries_left=0)
        self._lockout.save(failures, 0.0)
        return Attempt(False, tries_left=MAX_FAILURES - failures)
