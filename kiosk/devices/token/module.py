"""The PKCS#11 module behind the token slot: loading it, listing the keys present, opening
sessions that never outlive a failed login, and turning every PKCS#11 failure into a
`TokenError` with a message for the subscriber.

One `Pkcs11Module` per process and module file. Every call into the module happens under its
lock, so the slot watcher's rescan never pulls the sessions out from under an operation."""

from __future__ import annotations

import ctypes
import logging
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pkcs11
from pkcs11 import TokenFlag
from pkcs11 import exceptions as p11

from kiosk.devices.token.errors import (
    ModuleUnavailable,
    NoToken,
    PinIncorrect,
    PinLocked,
    PinRejected,
    SoPinRefused,
    TokenError,
    TokenFault,
    TokenRemoved,
)

log = logging.getLogger(__name__)

# The key went away, or the session with it did: the subscriber pulled it out.
GONE = (
    p11.TokenNotPresent,
    p11.DeviceRemoved,
    p11.SessionHandleInvalid,
    p11.SessionClosed,
    p11.TokenNotRecognised,
    p11.SlotIDInvalid,
    p11.DeviceError,
)

# A test seam: SoftHSM never sets USER_PIN_LOCKED or FINAL_TRY, so tests that need a locked key
# layer those flags over what the token reports (tests/support/softhsm.py says so where it does).
FlagsOverlay = Callable[[str, TokenFlag], TokenFlag]


@dataclass(frozen=True)
class PresentToken:
    slot_id: int
    serial: str  # the chip number (芯片号), upper case
    label: str


def find_objects(session: pkcs11.Session, attrs: dict[Any, Any] | None = None) -> list[pkcs11.Object]:
    """The objects matching `attrs`, as `Session.get_objects` finds them, but safe on a key that
    is pulled out mid-search: python-pkcs11 0.10 leaves an interrupted search marked active and
    finalises it again in __del__, where the error can only be printed (over the kiosk's
    screen). Finalising it here, once, marks it done whatever the module answers."""
    from pkcs11._pkcs11 import SearchIter  # type: ignore[attr-defined]  # pinned <0.11 in pyproject.toml

    search = SearchIter(session, attrs or {}, 16)
    try:
        with search:
            return [obj for batch in search for obj in batch]
    except BaseException:
        with suppress(p11.PKCS11Error):
            search._finalize()
        raise


def serial_of(token: pkcs11.Token) -> str:
    return token.serial.decode("ascii", "replace").strip().upper()


class Pkcs11Module:
    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        rescan_by_reinitialize: bool = False,
        slots: Sequence[int] = (),
        softhsm_conf: str | os.PathLike[str] | None = None,
    ) -> None:
        self.path = str(path)
        self.rescan_by_reinitialize = rescan_by_reinitialize
        self.slots = tuple(slots)  # empty: every slot the module offers
        self.flags_overlay: FlagsOverlay | None = None
        self.lock = threading.RLock()
        if not Path(self.path).is_file():
            raise ModuleUnavailable(f"PKCS#11 module {self.path} not found")
        conf_changed = False
        if softhsm_conf is not None and os.environ.get("SOFTHSM2_CONF") != str(softhsm_conf):
            # SoftHSM reads its configuration (where the tokens live) at C_Initialize.
            os.environ["SOFTHSM2_CONF"] = str(softhsm_conf)
            conf_changed = True
        try:
            self.lib = pkcs11.lib(self.path)  # python-pkcs11 keeps one per module file
            if conf_changed:
                self.lib.reinitialize()
        except p11.PKCS11Error as error:
            raise ModuleUnavailable(f"cannot load {self.path}: {type(error).__name__}") from None
        # The same loaded library, reached directly for the one call python-pkcs11 does not wrap.
        self._raw = ctypes.CDLL(self.path)

    # --- what is in the slots -------------------------------------------------------------------
    def rescan(self) -> None:
        """Make newly inserted keys visible. SoftHSM builds its slot list at C_Initialize only, so
        it is reinitialised (which ends every session: callers hold the lock)."""
        if self.rescan_by_reinitialize:
            with self.lock, self.guard():
                self.lib.reinitialize()

    def present(self) -> list[PresentToken]:
        with self.lock, self.guard():
            found = []
            for slot in self.lib.get_slots(token_present=True):
                if self.slots and slot.slot_id not in self.slots:
                    continue
                token = slot.get_token()
                if not token.flags & TokenFlag.TOKEN_INITIALIZED:
                    continue  # SoftHSM's spare slot, or a key with nothing on it yet
                found.append(PresentToken(slot.slot_id, serial_of(token), token.label))
            return found

    def token(self, slot_id: int) -> pkcs11.Token:
        with self.lock:
            try:
                for slot in self.lib.get_slots(token_present=True):
                    if slot.slot_id == slot_id:
                        return slot.get_token()
            except GONE as error:
                raise NoToken(type(error).__name__) from None
            except p11.PKCS11Error as error:
                raise TokenFault(type(error).__name__) from None
        raise NoToken(f"slot {slot_id}")

    def flags(self, slot_id: int) -> TokenFlag:
        """The token's flags, read fresh (they change after every login attempt)."""
        token = self.token(slot_id)
        flags = TokenFlag(token.flags)
        if self.flags_overlay is not None:
            flags = self.flags_overlay(serial_of(token), flags)
        return flags

    def mechanisms(self, slot_id: int) -> set[Any]:
        with self.lock, self.guard():
            return set(self.token(slot_id).slot.get_mechanisms())

    # --- sessions -------------------------------------------------------------------------------
    @contextmanager
    def session(
        self, slot_id: int, *, rw: bool = False, user_pin: str | None = None, so_pin: str | None = None
    ) -> Iterator[pkcs11.Session]:
        """A session on the key in `slot_id`, logged in when a PIN is given, closed on exit.

        python-pkcs11 opens the session before it logs in, and a failed login leaves that
        session open (a later SO login then fails with SessionReadOnlyExists); so after any
        failed login this slot's sessions are closed before the error goes up."""
        with self.lock:
            token = self.token(slot_id)
            try:
                session = token.open(rw=rw, user_pin=user_pin, so_pin=so_pin)
            except p11.PKCS11Error as error:
                self._close_slot_sessions(slot_id)
                raise self._login_error(slot_id, error, so=so_pin is not None) from None
            try:
                with self.guard():
                    yield session
            finally:
                try:
                    session.close()
                except p11.PKCS11Error:
                    self._close_slot_sessions(slot_id)  # the key is gone, or the session is

    @contextmanager
    def guard(self) -> Iterator[None]:
        """Turn PKCS#11 failures inside the block into `TokenError`s."""
        try:
            yield
        except TokenError:
            raise
        except GONE as error:
            raise TokenRemoved(type(error).__name__) from None
        except p11.PinLocked:
            raise PinLocked("PinLocked") from None
        except (p11.PinLenRange, p11.PinInvalid, p11.PinTooWeak) as error:
            raise PinRejected(detail=type(error).__name__) from None
        except p11.PKCS11Error as error:
            raise TokenFault(type(error).__name__) from None

    def _login_error(self, slot_id: int, error: p11.PKCS11Error, *, so: bool) -> TokenError:
        name = type(error).__name__
        if so:
            # The subscriber never types an SO PIN: the unlock reads these, not the wording.
            if isinstance(error, p11.PinIncorrect | p11.PinLenRange | p11.PinInvalid):
                return SoPinRefused(name)
            if isinstance(error, p11.PinLocked):
                return SoPinRefused(name, locked=True)
        if isinstance(error, p11.PinIncorrect):
            try:
                flags = self.flags(slot_id)
            except TokenError:
                return PinIncorrect(detail=name)
            if flags & TokenFlag.USER_PIN_LOCKED:
                return PinLocked(name)
            return PinIncorrect(
                count_low=bool(flags & TokenFlag.USER_PIN_COUNT_LOW),
                final_try=bool(flags & TokenFlag.USER_PIN_FINAL_TRY),
                detail=name,
            )
        if isinstance(error, p11.PinLocked):
            return PinLocked(name)
        if isinstance(error, p11.PinLenRange | p11.PinInvalid):
            # A PIN of the wrong length or characters cannot be right: it is a wrong PIN.
            return PinIncorrect(detail=name)
        if isinstance(error, GONE):
            return TokenRemoved(name)
        return TokenFault(name)

    def _close_slot_sessions(self, slot_id: int) -> None:
        try:
            rv = self._raw.C_CloseAllSessions(ctypes.c_ulong(slot_id))
        except AttributeError:  # a module that exports only C_GetFunctionList
            rv = -1
        if rv not in (0, 0xE0, 0x3):  # OK, TOKEN_NOT_PRESENT, SLOT_ID_INVALID: nothing left open
            log.warning("C_CloseAllSessions(%s) answered %#x; reinitialising the module", slot_id, rv)
            self.lib.reinitialize()
