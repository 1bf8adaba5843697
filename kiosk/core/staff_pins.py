"""Hall staff PINs, kept only as scrypt hashes (by the kiosk, for signing staff in offline too,
and by the CA's backend, for authorising an assisted unlock), and the staff account that
carries one. Plain Python, shared by both sides."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1


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
class StaffAccount:
    """A hall staff member as the kiosk knows them: from the backend's directory, kept (sealed)
    in the store for signing in offline too. The PIN only as its scrypt hash."""

    staff_id: str
    name: str
    pin_hash: str
