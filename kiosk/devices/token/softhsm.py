"""SoftHSM keys for the demo, the tests and the bench: a project-local token folder, keys with
chosen chip serials (55…, 56…, 11…) and PINs, a certificate issued by a CA, and pulling a key
out of its "slot" and putting it back (moving its folder away and back).

softhsm2-util's --serial option does not set the serial, so a new key's 16-character serial is
rewritten in its token.object, where SoftHSM stores it after the TOKEN_SERIAL marker."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from kiosk.devices.token.keys import KeyKind
from kiosk.devices.token.module import Pkcs11Module
from kiosk.devices.token.renewal import IssueCertificate, RenewalResult, enrol

SOFTHSM_MODULE = Path("/usr/lib/softhsm/libsofthsm2.so")
SERIAL_MARKER = bytes.fromhex("8000534a")  # SoftHSM's attribute id for the token serial
SERIAL_LENGTH = 16
SPARE_SLOT_LIMIT = 0x10000
DRAWER = ".pulled-out"  # where a pulled-out key's folder waits, beside the token folder


class SoftHsmError(RuntimeError):
    pass


@dataclass(frozen=True)
class SoftHsm:
    """One SoftHSM configuration: its file and the folder its keys live in."""

    root: Path

    @property
    def conf(self) -> Path:
        return self.root / "softhsm2.conf"

    @property
    def tokens_dir(self) -> Path:
        return self.root / "tokens"

    def ensure(self) -> SoftHsm:
        self.tokens_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        (self.root / DRAWER).mkdir(exist_ok=True, mode=0o700)
        if not self.conf.exists():
            self.conf.write_text(
                f"directories.tokendir = {self.tokens_dir}\n"
                "objectstore.backend = file\n"
                "log.level = ERROR\n"
                "slots.removable = true\n"
            )
        return self

    def module(self, path: Path = SOFTHSM_MODULE) -> Pkcs11Module:
        return Pkcs11Module(path, rescan_by_reinitialize=True, softhsm_conf=self.ensure().conf)

    # --- making keys ----------------------------------------------------------------------------
    def make_token(self, serial: str, label: str, *, user_pin: str, so_pin: str) -> Path:
        """A new initialised key with this chip serial; returns its folder."""
        serial = serial.upper()
        if len(serial) != SERIAL_LENGTH or any(char not in "0123456789ABCDEF" for char in serial):
            raise SoftHsmError(f"a chip serial is 16 hex digits, not {serial!r}")
        if int(serial[-8:], 16) < SPARE_SLOT_LIMIT:
            # SoftHSM numbers a key's slot from the serial's last 8 digits and its spare slot
            # from how many keys it has: a small number can collide, and SoftHSM then aborts.
            raise SoftHsmError(
                f"SoftHSM cannot take serial {serial}: its last 8 digits must be 00010000 or more (hex)"
            )
        if self.folder_of(serial) is not None:
            raise SoftHsmError(f"a key with serial {serial} already exists")
        self.ensure()
        before = set(self.tokens_dir.iterdir())
        # A test key's PINs on softhsm2-util's command line: test keys only, in the kiosk's own
        # folder; the util is Debian's, found on PATH.
        command = ["softhsm2-util", "--init-token", "--free", "--label", label]
        subprocess.run(  # noqa: S603
            [*command, "--so-pin", so_pin, "--pin", user_pin],
            env={**os.environ, "SOFTHSM2_CONF": str(self.conf)},
            check=True,
            capture_output=True,
        )
        (folder,) = set(self.tokens_dir.iterdir()) - before
        _rewrite_serial(folder / "token.object", serial)
        return folder

    def folder_of(self, serial: str) -> Path | None:
        for place in (self.tokens_dir, self.root / DRAWER):
            if not place.is_dir():
                continue
            for folder in place.iterdir():
                if _serial_in(folder / "token.object") == serial.upper():
                    return folder
        return None

    # --- the slot -------------------------------------------------------------------------------
    def pull_out(self, serial: str) -> None:
        folder = self.folder_of(serial)
        if folder is None or folder.parent != self.tokens_dir:
            raise SoftHsmError(f"no key {serial} in the slot")
        shutil.move(folder, self.root / DRAWER / folder.name)

    def insert(self, serial: str) -> None:
        folder = self.folder_of(serial)
        if folder is None or folder.parent == self.tokens_dir:
            raise SoftHsmError(f"key {serial} is not pulled out")
        shutil.move(folder, self.tokens_dir / folder.name)


def issue_first_certificate(
    module: Pkcs11Module, serial: str, user_pin: str, issue: IssueCertificate, kind: KeyKind = KeyKind.EC
) -> RenewalResult:
    """Put a key pair and its certificate on a new key (what the CA's counter did when the
    subscriber first got it)."""
    module.rescan()
    slot_id = next(token.slot_id for token in module.present() if token.serial == serial.upper())
    with module.session(slot_id, rw=True, user_pin=user_pin) as session:
        return enrol(session, issue, kind=kind, old=None)


def _serial_in(token_object: Path) -> str | None:
    try:
        data = token_object.read_bytes()
    except OSError:
        return None
    at = data.find(SERIAL_MARKER)
    if at < 0:
        return None
    start = at + len(SERIAL_MARKER) + 16  # after the attribute's type and length words
    return data[start : start + SERIAL_LENGTH].decode("ascii", "replace").upper()


def _rewrite_serial(token_object: Path, serial: str) -> None:
    data = token_object.read_bytes()
    at = data.find(SERIAL_MARKER)
    length_at = at + len(SERIAL_MARKER) + 8
    if at < 0 or int.from_bytes(data[length_at : length_at + 8], "big") != SERIAL_LENGTH:
        raise SoftHsmError(f"{token_object}: unexpected SoftHSM token format")
    start = length_at + 8
    token_object.write_bytes(data[:start] + serial.encode("ascii") + data[start + SERIAL_LENGTH :])
