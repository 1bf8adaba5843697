"""Encryption at rest: AES-256-GCM with a key file (mode 0600) kept outside the database.

Every sealed value is bound to where it lives (its associated data: the order id and column,
or the attachment's sha256), so a sealed blob copied into another row does not open.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

FORMAT = b"KS1"  # version of the sealed layout: FORMAT + 12-byte nonce + ciphertext and tag
NONCE_BYTES = 12
KEY_BYTES = 32


class KeyFileError(RuntimeError):
    """The store's key file is missing, unreadable, too open, or not the key of this data."""


class Sealer:
    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise KeyFileError(f"the store key must be {KEY_BYTES} bytes, not {len(key)}")
        self._aead = AESGCM(key)
        self._key = key

    def derive_key(self, purpose: str) -> bytes:
        """A key for another use (the audit chain's MAC), derived from this one with HKDF: the
        same secret outside the database, never the encryption key itself."""
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.kdf.hkdf import HKDF

        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode()).derive(self._key)

    @classmethod
    def from_key_file(cls, path: Path, *, create: bool) -> Sealer:
        """Read the key at `path`; with `create`, make a new one there if there is none."""
        if create and not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass  # another process made it first: read theirs
            else:
                with os.fdopen(fd, "wb") as out:
                    out.write(AESGCM.generate_key(bit_length=KEY_BYTES * 8))
                    out.flush()
                    os.fsync(out.fileno())
        try:
            mode = path.stat().st_mode
            key = path.read_bytes()
        except FileNotFoundError:
            raise KeyFileError(
                f"the store key {path} is missing: the sealed data in this store cannot be read "
                "without it (restore the key from the kiosk's backup)"
            ) from None
        except OSError as error:
            raise KeyFileError(f"cannot read the store key {path}: {error}") from error
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise KeyFileError(
                f"the store key {path} can be read by other users (mode {stat.S_IMODE(mode):o}); "
                "run: chmod 600 " + str(path)
            )
        return cls(key)

    def seal(self, plaintext: bytes, context: str) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return FORMAT + nonce + self._aead.encrypt(nonce, plaintext, context.encode())

    def open(self, sealed: bytes, context: str) -> bytes:
        if not sealed.startswith(FORMAT):
            raise KeyFileError(f"{context}: not sealed data of a known format")
        nonce = sealed[len(FORMAT) : len(FORMAT) + NONCE_BYTES]
        try:
            return self._aead.decrypt(nonce, sealed[len(FORMAT) + NONCE_BYTES :], context.encode())
        except InvalidTag:
            raise KeyFileError(
                f"{context}: cannot be opened with this key (wrong key file, or the data was altered)"
            ) from None
