"""The subscriber's PIN check: a user login with a clear outcome. A locked key is reported from
its flags without spending a try; a failed login leaves no session behind."""

from __future__ import annotations

from kiosk.devices.token.errors import PinLocked
from kiosk.devices.token.module import Pkcs11Module
from kiosk.devices.token.reading import PinState


def check_user_pin(module: Pkcs11Module, slot_id: int, pin: str) -> None:
    """Returns when the PIN opens the key; raises PinIncorrect (with what the token says of the
    tries left), PinLocked, NoToken or TokenRemoved otherwise."""
    with module.lock:
        if PinState.from_flags(module.flags(slot_id)).locked:
            raise PinLocked("flags")
        with module.session(slot_id, user_pin=pin):
            pass
