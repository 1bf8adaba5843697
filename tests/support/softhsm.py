"""SoftHSM keys for the token tests: a SoftHSM folder per test, keys with chosen chip serials,
PINs and a certificate from the reference backend's CA.

The PINs are distinctive strings so a test can search logs and messages for them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from pkcs11 import Attribute, ObjectClass, PrivateKey

from ca_backend.pki import CertificateAuthority, SubjectInfo
from kiosk.core.domain.samples import SAMPLE_UNIT
from kiosk.devices.token import Pkcs11Module, TokenInfo, read_token
from kiosk.devices.token.keys import KeyKind, sign
from kiosk.devices.token.renewal import IssueCertificate, current_certificate
from kiosk.devices.token.softhsm import SOFTHSM_MODULE, SoftHsm, issue_first_certificate

USER_PIN = "Qz7316uPin"
SO_PIN = "So48201957"
NEW_USER_PIN = "Nw5928kPin"
NEXT_SO_PIN = "Nx73015824"
FACTORY_SO_PIN = "12345678"
ALL_TEST_PINS = (USER_PIN, SO_PIN, NEW_USER_PIN, NEXT_SO_PIN)

SELF_SERVICE_SERIAL = "5501AB6C95190035"
SELF_SERVICE_SERIAL_56 = "5602CD7E16290146"
ASSISTED_SERIAL = "1103EF8F27301257"

needs_softhsm = pytest.mark.skipif(
    not SOFTHSM_MODULE.is_file(), reason=f"SoftHSM ({SOFTHSM_MODULE}, Debian softhsm2) is not installed"
)


def subject_for(unit_name: str = SAMPLE_UNIT["unit_name"], uscc: str = SAMPLE_UNIT["uscc"]) -> SubjectInfo:
    return SubjectInfo(unit_name, unit_name, "投标证书", "重庆", "重庆", uscc)


def issuer(ca: CertificateAuthority, subject: SubjectInfo | None = None, days: int = 365) -> IssueCertificate:
    """The reference CA issuing for a request, as the backend's download does."""
    chosen = subject or subject_for()
    return lambda request_pem: ca.issue(request_pem, chosen, days).pem


@dataclass
class Slot:
    """A SoftHSM folder, its module, and the reference CA that issues onto its keys."""

    hsm: SoftHsm
    module: Pkcs11Module
    ca: CertificateAuthority

    def make_key(
        self,
        serial: str = SELF_SERVICE_SERIAL,
        *,
        certificate: bool = True,
        kind: KeyKind = KeyKind.EC,
        label: str = "UKEY",
        user_pin: str = USER_PIN,
        so_pin: str = SO_PIN,
        days: int = 365,
        issue: IssueCertificate | None = None,
    ) -> int:
        """A key in the slot; returns its slot id. Its certificate comes from `issue`, or
        straight from the CA (then the backend's register does not know it)."""
        self.hsm.make_token(serial, label, user_pin=user_pin, so_pin=so_pin)
        if certificate:
            chosen = issue or issuer(self.ca, days=days)
            issue_first_certificate(self.module, serial, user_pin, chosen, kind)
        return self.slot_of(serial)

    def slot_of(self, serial: str) -> int:
        self.module.rescan()
        for token in self.module.present():
            if token.serial == serial:
                return token.slot_id
        raise AssertionError(f"key {serial} is not in the slot")

    def reinsert(self, serial: str) -> int:
        """Pull the key out and put it back: every session ends, SoftHSM reloads it from disk."""
        self.hsm.pull_out(serial)
        self.module.rescan()
        assert all(token.serial != serial for token in self.module.present())
        self.hsm.insert(serial)
        return self.slot_of(serial)

    def read(self, serial: str) -> TokenInfo:
        return read_token(self.module, self.slot_of(serial))


def assert_usable(slot: Slot, serial: str, user_pin: str = USER_PIN) -> None:
    """The subscriber can use the key: the PIN opens it, and a certificate on it has its private
    key there, which signs what the certificate's public key verifies."""
    slot_id = slot.slot_of(serial)
    with slot.module.session(slot_id, user_pin=user_pin) as session:
        current = current_certificate(session)
        assert current is not None, "no certificate with its private key on the key"
        (private,) = list(
            session.get_objects({Attribute.CLASS: ObjectClass.PRIVATE_KEY, Attribute.ID: current.key_id})
        )
        message = b"tender document digest"
        assert isinstance(private, PrivateKey)
        signature = sign(private, message)
    public = current.certificate().public_key()
    if isinstance(public, ec.EllipticCurvePublicKey):
        public.verify(signature, message, ec.ECDSA(hashes.SHA256()))
    else:
        assert isinstance(public, rsa.RSAPublicKey)
        public.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())


def open_slot(root: Path) -> Slot:
    hsm = SoftHsm(root / "softhsm").ensure()
    return Slot(hsm, hsm.module(), CertificateAuthority(root / "ca"))
