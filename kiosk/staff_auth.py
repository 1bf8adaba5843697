"""Staff PINs: stored only as scrypt hashes; five wrong tries lock staff entry for five minutes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import time
from collections.abc import Callable
from dataclasses import dataclass

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
MAX_FAILURES = 5
LOCKOUT_SECONDS = 300.0


def hash_pin(pin: str, *, salt: bytes | None = None) -> str:
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    encode = base64.b64encode
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${encode(salt).decode()}${encode(digest).decode()}"


def verify_pin(pin: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            pin.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=len(expected)
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


@dataclass(frozen=True)
class Attempt:
    accepted: bool
    locked_for: float = 0.0  # seconds left of the lockout, when locked
    tries_left: int = MAX_FAILURES


class StaffGate:
    """Checks staff PINs and counts failures; `clock` is injectable for tests."""

    def __init__(self, pin_hash: str, clock: Callable[[], float] = time.monotonic) -> None:
        self._pin_hash = pin_hash
        self._clock = clock
        self._failures = 0
        self._locked_until = 0.0

    def locked_for(self) -> float:
        return max(0.0, self._locked_until - self._clock())

    def try_pin(self, pin: str) -> Attempt:
        remaining = self.locked_for()
        if remaining > 0:
            return Attempt(False, locked_for=remaining, tries_left=0)
        if verify_pin(pin, self._pin_hash):
            self._failures = 0
            return Attempt(True)
        self._failures += 1
        if self._failures >= MAX_FAILURES:
            self._failures = 0
            self._locked_until = self._clock() + LOCKOUT_SECONDS
            return Attempt(False, locked_for=LOCKOUT_SECONDS, tries_left=0)
        return Attempt(False, tries_left=MAX_FAILURES - self._failures)
