"""What the kiosk can tell about a key without its PIN: chip number, label, maker, the
certificates on it (subject as the manual shows it, issuer, validity, days left), the PIN's
state from the token's flags (no login is tried), and whether a renewal was interrupted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pkcs11
from cryptography import x509
from pkcs11 import Attribute, CertificateType, ObjectClass, TokenFlag

from kiosk.core.domain.subjects import describe_subject, serial_hex
from kiosk.core.i18n import Text
from kiosk.devices.token.journal import Journal, read_journal
from kiosk.devices.token.module import Pkcs11Module, find_objects, serial_of

EXPIRING_SOON_DAYS = 30


@dataclass(frozen=True)
class CertificateOnToken:
    key_id: bytes  # CKA_ID, shared with its key pair
    label: str
    subject: str  # CN=…, OU=…, O=…, L=…, ST=…, SN=…, C=CN
    issuer: str
    serial_hex: str
    not_before: datetime
    not_after: datetime
    der: bytes
    is_ca: bool

    def days_left(self, now: datetime | None = None) -> int:
        """Whole days until expiry; negative once expired."""
        left = self.not_after - (now or datetime.now(UTC))
        return left.days

    def certificate(self) -> x509.Certificate:
        return x509.load_der_x509_certificate(self.der)


@dataclass(frozen=True)
class PinState:
    initialized: bool
    count_low: bool
    final_try: bool
    locked: bool
    to_be_changed: bool

    @classmethod
    def from_flags(cls, flags: TokenFlag) -> PinState:
        return cls(
            initialized=bool(flags & TokenFlag.USER_PIN_INITIALIZED),
            count_low=bool(flags & TokenFlag.USER_PIN_COUNT_LOW),
            final_try=bool(flags & TokenFlag.USER_PIN_FINAL_TRY),
            locked=bool(flags & TokenFlag.USER_PIN_LOCKED),
            to_be_changed=bool(flags & TokenFlag.USER_PIN_TO_BE_CHANGED),
        )

    def warning(self) -> Text | None:
        """What the subscriber should know before typing the PIN."""
        if self.locked:
            return Text("证书盘PIN码已被锁定，请办理“在线解锁”业务")
        if not self.initialized:
            return Text("证书盘尚未设置PIN码")
        if self.final_try:
            return Text("只剩最后一次输入PIN码的机会，输错证书盘将被锁定")
        if self.count_low:
            return Text("此前PIN码已输错多次，剩余尝试次数不多")
        return None


@dataclass(frozen=True)
class TokenInfo:
    slot_id: int
    serial: str  # 芯片号, e.g. 5501AB6C95190035
    label: str
    manufacturer: str
    model: str
    certificates: tuple[CertificateOnToken, ...]
    pin: PinState
    interrupted: Journal | None  # a renewal that the next login finishes or rolls back

    @property
    def current(self) -> CertificateOnToken | None:
        """The subscriber's certificate: the end-entity one that lasts longest."""
        own = [cert for cert in self.certificates if not cert.is_ca]
        return max(own, key=lambda cert: cert.not_after, default=None)

    @property
    def is_blank(self) -> bool:
        return not any(not cert.is_ca for cert in self.certificates)


def read_token(module: Pkcs11Module, slot_id: int) -> TokenInfo:
    with module.lock:
        token = module.token(slot_id)
        flags = module.flags(slot_id)
        with module.session(slot_id) as session:
            certificates = tuple(certificates_on(session))
            journal = read_journal(session)
        return TokenInfo(
            slot_id=slot_id,
            serial=serial_of(token),
            label=token.label,
            manufacturer=token.manufacturer_id,
            model=token.model,
            certificates=certificates,
            pin=PinState.from_flags(flags),
            interrupted=journal,
        )


def certificates_on(session: pkcs11.Session) -> list[CertificateOnToken]:
    found = []
    for obj in find_objects(
        session, {Attribute.CLASS: ObjectClass.CERTIFICATE, Attribute.CERTIFICATE_TYPE: CertificateType.X_509}
    ):
        found.append(
            describe_certificate(bytes(obj[Attribute.VALUE]), bytes(obj[Attribute.ID]), obj[Attribute.LABEL])
        )
    return found


def describe_certificate(der: bytes, key_id: bytes, label: str) -> CertificateOnToken:
    cert = x509.load_der_x509_certificate(der)
    try:
        is_ca = bool(cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        is_ca = False
    return CertificateOnToken(
        key_id=key_id,
        label=label,
        subject=describe_subject(cert.subject),
        issuer=describe_subject(cert.issuer),
        serial_hex=serial_hex(cert.serial_number),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        der=der,
        is_ca=is_ca,
    )
