"""Renewal and change on the key: a new pair, a request signed on the key, the issued
certificate installed beside it and checked, and only then the old pair removed.

A journal on the key (kiosk/devices/token/journal.py) names both pairs, so pulling the key out
at any moment leaves it usable, with the old pair or the new one, and the next login reads how
far the renewal got from what is on the key:

- no complete new pair: nothing left the kiosk, so the half-made pair is removed (rolled back);
- a complete new pair without its certificate: the CA may have issued one for it, so the pair
  is kept and the next renewal resumes with it (the backend answers a repeated download with
  the same certificate, which fits only this key);
- the new pair with a certificate that fits it: the old pair goes (finished).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

import pkcs11
from asn1crypto import core as asn1_core
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from pkcs11 import Attribute, CertificateType, ObjectClass

from kiosk.devices.token.csr import build_request
from kiosk.devices.token.errors import CertificateMismatch, NothingToRenew, TokenFault
from kiosk.devices.token.journal import Journal, clear_journal, read_journal, write_journal
from kiosk.devices.token.keys import (
    KeyKind,
    ensure_supported,
    generate_pair,
    objects_with_id,
    public_key_info,
    sign,
)
from kiosk.devices.token.module import Pkcs11Module, find_objects
from kiosk.devices.token.reading import CertificateOnToken, certificates_on, describe_certificate

log = logging.getLogger(__name__)

DEFAULT_LABEL = "ca-kiosk certificate"

# The CA's side of the exchange: a PEM request in, the issued PEM certificate out (the backend's
# certificate download, called from inside the renewal so one login covers the whole of it).
IssueCertificate = Callable[[str], str]


class RenewalStep(StrEnum):
    JOURNAL_OPEN = "journal_open"
    KEY_PAIR = "key_pair"
    REQUEST = "request"
    ISSUE = "issue"
    INSTALL = "install"
    CHECK = "check"
    REMOVE_OLD_CERTIFICATE = "remove_old_certificate"
    REMOVE_OLD_PRIVATE_KEY = "remove_old_private_key"
    REMOVE_OLD_PUBLIC_KEY = "remove_old_public_key"
    JOURNAL_CLOSE = "journal_close"


# Called before each step with the live session: tests pull the key out there.
StepHook = Callable[[RenewalStep, pkcs11.Session], None]


class Recovery(StrEnum):
    NONE = "none"  # nothing was interrupted
    ROLLED_BACK = "rolled_back"  # a half-made new pair was removed; the old pair stays
    FINISHED = "finished"  # an installed renewal was completed
    RESUMABLE = "resumable"  # a requested renewal waits for its certificate; the old pair works


@dataclass(frozen=True)
class RenewalResult:
    certificate: CertificateOnToken  # now on the key, under the final label
    replaced: CertificateOnToken | None  # the one it replaced (None on a blank key)
    resumed: bool  # an interrupted renewal's key pair was used
    recovery: Recovery  # what the login found and did before this renewal


def renew_certificate(
    module: Pkcs11Module,
    slot_id: int,
    user_pin: str,
    issue: IssueCertificate,
    *,
    kind: KeyKind = KeyKind.EC,
    on_step: StepHook | None = None,
) -> RenewalResult:
    """Replace the key's certificate and its pair (renewal, or change with the new subject)."""
    with module.session(slot_id, rw=True, user_pin=user_pin) as session:
        recovery = recover(session)
        old = current_certificate(session)
        if recovery is Recovery.FINISHED and old is not None:
            # The interrupted renewal was this one: its certificate is on the key now.
            return RenewalResult(old, None, resumed=True, recovery=recovery)
        if old is None and read_journal(session) is None:
            raise NothingToRenew()
        return enrol(session, issue, kind=kind, old=old, recovery=recovery, on_step=on_step)


def enrol(
    session: pkcs11.Session,
    issue: IssueCertificate,
    *,
    kind: KeyKind,
    old: CertificateOnToken | None,
    recovery: Recovery = Recovery.NONE,
    on_step: StepHook | None = None,
) -> RenewalResult:
    """The journalled swap on a logged-in read/write session, after `recover`. `old` is
    replaced, or on a blank key (old None) the first certificate is installed."""

    def step(name: RenewalStep) -> None:
        if on_step is not None:
            on_step(name, session)

    journal = read_journal(session) if recovery is Recovery.RESUMABLE else None
    if journal is not None:
        replaced = _certificate_with_id(session, journal.old_id) if journal.old_id else None
        public, private = _pair(session, journal.new_id)
    else:
        ensure_supported(KeyKind(kind))
        label = old.label if old else DEFAULT_LABEL
        journal = Journal(old.key_id if old else None, secrets.token_bytes(16), label, kind)
        replaced = old
        step(RenewalStep.JOURNAL_OPEN)
        write_journal(session, journal)
        step(RenewalStep.KEY_PAIR)
        public, private = generate_pair(session, KeyKind(kind), journal.new_id, journal.label)
    step(RenewalStep.REQUEST)
    request_pem = build_request(public, private, _subject_der(replaced))
    step(RenewalStep.ISSUE)
    certificate_pem = issue(request_pem)
    certificate = x509.load_pem_x509_certificate(certificate_pem.encode())
    step(RenewalStep.INSTALL)
    der = _install(session, certificate, journal.new_id, journal.label)
    step(RenewalStep.CHECK)
    try:
        check_pair(certificate, public, private)
    except CertificateMismatch:
        # Not this key's certificate (issued to a pair since lost): retrying cannot help, so the
        # new pair goes and the old one, untouched, stays in use. Staff take it from here.
        _roll_back(session, journal)
        raise
    _finish(session, journal, step)
    installed = describe_certificate(der, journal.new_id, journal.label)
    return RenewalResult(installed, replaced, recovery is Recovery.RESUMABLE, recovery)


def recover(session: pkcs11.Session) -> Recovery:
    """Finish or roll back a renewal a pulled key left behind (needs a logged-in rw session)."""
    journal = read_journal(session)
    if journal is None:
        return Recovery.NONE
    found = objects_with_id(session, journal.new_id)
    has_pair = bool(found.get(ObjectClass.PRIVATE_KEY)) and bool(found.get(ObjectClass.PUBLIC_KEY))
    new_certificates = found.get(ObjectClass.CERTIFICATE, [])
    if has_pair and new_certificates and _fits(session, journal):
        _finish(session, journal, lambda _: None)
        log.info("token renewal recovered: finished")
        return Recovery.FINISHED
    for certificate in new_certificates:
        certificate.destroy()  # not this pair's: fetched and checked again on resuming
    if has_pair:
        log.info("token renewal recovered: waiting for its certificate")
        return Recovery.RESUMABLE
    _roll_back(session, journal)
    log.info("token renewal recovered: rolled back")
    return Recovery.ROLLED_BACK


def _roll_back(session: pkcs11.Session, journal: Journal) -> None:
    for objects in objects_with_id(session, journal.new_id).values():
        for obj in objects:
            obj.destroy()
    clear_journal(session)


def current_certificate(session: pkcs11.Session) -> CertificateOnToken | None:
    """The subscriber's certificate whose private key is on the key (after login)."""
    private_ids = {
        bytes(key[Attribute.ID]) for key in find_objects(session, {Attribute.CLASS: ObjectClass.PRIVATE_KEY})
    }
    usable = [cert for cert in certificates_on(session) if not cert.is_ca and cert.key_id in private_ids]
    return max(usable, key=lambda cert: cert.not_after, default=None)


def check_pair(certificate: x509.Certificate, public: pkcs11.PublicKey, private: pkcs11.PrivateKey) -> None:
    """The certificate carries the new public key, and the new private key signs for it."""
    spki = certificate.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    if spki != public_key_info(public):
        raise CertificateMismatch("public key differs")
    challenge = secrets.token_bytes(32)
    signature = sign(private, challenge)
    key = certificate.public_key()
    try:
        if isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, challenge, ec.ECDSA(hashes.SHA256()))
        elif isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, challenge, padding.PKCS1v15(), hashes.SHA256())
        else:
            raise CertificateMismatch("unexpected key type")
    except InvalidSignature:
        raise CertificateMismatch("signature does not verify") from None


def _finish(session: pkcs11.Session, journal: Journal, step: Callable[[RenewalStep], None]) -> None:
    """Remove the old pair and close the journal. Each part can be repeated, so a recovery simply
    runs it again."""
    if journal.old_id is not None and journal.old_id != journal.new_id:
        old = objects_with_id(session, journal.old_id)
        for name, object_class in (
            (RenewalStep.REMOVE_OLD_CERTIFICATE, ObjectClass.CERTIFICATE),
            (RenewalStep.REMOVE_OLD_PRIVATE_KEY, ObjectClass.PRIVATE_KEY),
            (RenewalStep.REMOVE_OLD_PUBLIC_KEY, ObjectClass.PUBLIC_KEY),
        ):
            step(name)
            for obj in old.get(object_class, []):
                obj.destroy()
    step(RenewalStep.JOURNAL_CLOSE)
    clear_journal(session)


def _fits(session: pkcs11.Session, journal: Journal) -> bool:
    certificate = _certificate_with_id(session, journal.new_id)
    if certificate is None:
        return False
    public, private = _pair(session, journal.new_id)
    try:
        check_pair(certificate.certificate(), public, private)
    except CertificateMismatch:
        return False
    return True


def _pair(session: pkcs11.Session, key_id: bytes) -> tuple[pkcs11.PublicKey, pkcs11.PrivateKey]:
    found = objects_with_id(session, key_id)
    publics, privates = found.get(ObjectClass.PUBLIC_KEY, []), found.get(ObjectClass.PRIVATE_KEY, [])
    if not publics or not privates:
        raise TokenFault("the interrupted renewal's key pair is incomplete")
    return publics[0], privates[0]  # type: ignore[return-value]


def _certificate_with_id(session: pkcs11.Session, key_id: bytes) -> CertificateOnToken | None:
    matching = [cert for cert in certificates_on(session) if cert.key_id == key_id]
    return matching[0] if matching else None


def _install(session: pkcs11.Session, certificate: x509.Certificate, key_id: bytes, label: str) -> bytes:
    der = certificate.public_bytes(serialization.Encoding.DER)
    session.create_object(
        {
            Attribute.CLASS: ObjectClass.CERTIFICATE,
            Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
            Attribute.TOKEN: True,
            Attribute.PRIVATE: False,
            Attribute.MODIFIABLE: True,
            Attribute.ID: key_id,
            Attribute.LABEL: label,
            Attribute.SUBJECT: certificate.subject.public_bytes(),
            Attribute.ISSUER: certificate.issuer.public_bytes(),
            Attribute.SERIAL_NUMBER: asn1_core.Integer(certificate.serial_number).dump(),
            Attribute.VALUE: der,
        }
    )
    return der


def _subject_der(certificate: CertificateOnToken | None) -> bytes | None:
    return certificate.certificate().subject.public_bytes() if certificate else None
