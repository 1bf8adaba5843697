"""Online unlock at the slot, with a grant from the backend (docs/BACKEND.md, "Unlock").

The grant carries the SO PINs the key may hold (newest first: a change whose report was lost
may have taken) and the next one to set. The kiosk logs in as SO with the first that opens the
key, sets the subscriber's new user PIN (C_InitPIN), changes the SO PIN to the next one, and
says what it did, so the backend knows which SO PIN the key now holds. The PINs live in this
call only: they are never logged, stored or put in an exception."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

import pkcs11

from kiosk.core.domain.token_policy import PinRules
from kiosk.devices.token.errors import PinRejected, SoPinRefused, TokenRemoved
from kiosk.devices.token.module import GONE, Pkcs11Module

log = logging.getLogger(__name__)


class UnlockStep(StrEnum):
    INIT_USER_PIN = "init_user_pin"
    CHANGE_SO_PIN = "change_so_pin"


@dataclass(frozen=True)
class UnlockOutcome:
    """What the backend is told. so_pin_changed None: the key went away during the change, so
    nobody knows; the kiosk then sends no report and the backend offers both PINs next time."""

    succeeded: bool  # the user PIN is now the subscriber's new one
    so_pin_changed: bool | None
    detail: str = ""


def unlock_token(
    module: Pkcs11Module,
    slot_id: int,
    *,
    so_pin_candidates: Sequence[str],
    next_so_pin: str,
    new_user_pin: str,
    confirmation: str | None = None,
    rules: PinRules | None = None,
    on_step: Callable[[UnlockStep, pkcs11.Session], None] | None = None,
) -> UnlockOutcome:
    """Raises TokenError when nothing was changed (the report then says so: not succeeded, SO PIN
    unchanged); returns the outcome once the user PIN is set."""
    if rules is not None:
        problem = rules.check(new_user_pin, confirmation)
        if problem is not None:
            raise PinRejected(problem)
    with module.lock:
        refused: SoPinRefused | None = None
        for so_pin in so_pin_candidates:
            try:
                with module.session(slot_id, rw=True, so_pin=so_pin) as session:
                    return _unlock_in(session, so_pin, next_so_pin, new_user_pin, on_step)
            except SoPinRefused as error:
                refused = error
                if error.locked:
                    break
        raise refused or SoPinRefused("no SO PIN in the grant")


def _unlock_in(
    session: pkcs11.Session,
    so_pin: str,
    next_so_pin: str,
    new_user_pin: str,
    on_step: Callable[[UnlockStep, pkcs11.Session], None] | None,
) -> UnlockOutcome:
    if on_step is not None:
        on_step(UnlockStep.INIT_USER_PIN, session)
    session.init_pin(new_user_pin)
    log.info("token unlock: user PIN set")
    if so_pin == next_so_pin:
        return UnlockOutcome(True, True, "SO PIN already current")
    try:
        if on_step is not None:
            on_step(UnlockStep.CHANGE_SO_PIN, session)
        session.set_pin(so_pin, next_so_pin)
    except (TokenRemoved, *GONE) as error:
        log.warning("token unlock: key gone while changing the SO PIN (%s)", type(error).__name__)
        return UnlockOutcome(True, None, "key removed during the SO PIN change")
    except pkcs11.PKCS11Error as error:
        log.warning("token unlock: SO PIN change refused (%s)", type(error).__name__)
        return UnlockOutcome(True, False, f"SO PIN change refused: {type(error).__name__}")
    log.info("token unlock: SO PIN changed")
    return UnlockOutcome(True, True)
