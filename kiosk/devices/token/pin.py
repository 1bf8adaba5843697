"""The subscriber's PIN check: a user login with a clear outcome. A locked key is reported from
its flags without spending a try; a failed login leaves no session behind.

The PIN check is the first step of every business done with the key, so it is also where a
renewal that a pulled key interrupted gets finished or rolled back (that needs the login)."""

from __future__ import annotations

from kiosk.devices.token.errors import PinLocked
from kiosk.devices.token.module import Pkcs11Module
from kiosk.devices.token.reading import PinState
from kiosk.devices.token.renewal import Recovery, recover


def check_user_pin(module: Pkcs11Module, slot_id: int, pin: str) -> Recovery:
    """Returns what the login found to recover when the PIN opens the key; raises PinIncorrect
    (with what the token says of the tries left), PinLocked, NoToken or TokenRemoved otherwise."""
    with module.lock:
        if PinState.from_flags(module.flags(slot_id)).locked:
            raise PinLocked("flags")
        with module.session(slot_id, rw=True, user_pin=pin) as session:
            return recover(session)
