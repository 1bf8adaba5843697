"""The key pulled out at every step of a renewal, two ways (the session closed under the
renewal, or a call failing as a removed device makes it fail), against SoftHSM.

Each time: the key is usable right after it is put back (old pair or new pair), the next login
finishes or rolls back what was interrupted, and the next renewal ends with exactly one pair and
its certificate."""

from __future__ import annotations

import pkcs11
import pytest
from pkcs11 import Attribute, ObjectClass
from support.figures import Figure
from support.softhsm import (
    SELF_SERVICE_SERIAL,
    USER_PIN,
    Slot,
    assert_usable,
    issuer,
    needs_softhsm,
    subject_for,
)

from kiosk.devices.token import (
    CertificateMismatch,
    KeyKind,
    Recovery,
    RenewalStep,
    TokenRemoved,
    check_user_pin,
    read_token,
    renew_certificate,
)

pytestmark = needs_softhsm

# What the login after the pull finds, by the step the key was pulled before.
EXPECTED_RECOVERY = {
    RenewalStep.JOURNAL_OPEN: Recovery.NONE,
    RenewalStep.KEY_PAIR: Recovery.ROLLED_BACK,
    RenewalStep.REQUEST: Recovery.RESUMABLE,  # the pair is kept, whether or not a request left
    RenewalStep.ISSUE: Recovery.RESUMABLE,
    RenewalStep.INSTALL: Recovery.RESUMABLE,
    RenewalStep.CHECK: Recovery.FINISHED,  # installed but unchecked: checked on recovery
    RenewalStep.REMOVE_OLD_CERTIFICATE: Recovery.FINISHED,
    RenewalStep.REMOVE_OLD_PRIVATE_KEY: Recovery.FINISHED,
    RenewalStep.REMOVE_OLD_PUBLIC_KEY: Recovery.FINISHED,
    RenewalStep.JOURNAL_CLOSE: Recovery.FINISHED,
}


def test_every_step_has_an_expectation() -> None:
    assert set(EXPECTED_RECOVERY) == set(RenewalStep)


def _pull_at(step: RenewalStep, how: str):
    def hook(at: RenewalStep, session: pkcs11.Session) -> None:
        if at is not step:
            return
        if how == "close_session":
            session.close()  # every later call on it fails, as on a key that is gone
        else:
            raise pkcs11.exceptions.DeviceRemoved()

    return hook


def _object_counts(slot: Slot) -> dict[ObjectClass, int]:
    counts: dict[ObjectClass, int] = {}
    with slot.module.session(slot.slot_of(SELF_SERVICE_SERIAL), user_pin=USER_PIN) as session:
        for obj in session.get_objects():
            kind = ObjectClass(int(obj[Attribute.CLASS]))
            counts[kind] = counts.get(kind, 0) + 1
    return counts


@pytest.mark.parametrize("how", ["close_session", "fail_call"])
@pytest.mark.parametrize("step", list(RenewalStep))
def test_key_pulled_out_during_renewal_stays_usable_and_recovers(
    slot: Slot, step: RenewalStep, how: str, figure: Figure
) -> None:
    slot.make_key(SELF_SERVICE_SERIAL, label="UKEY")
    original = slot.read(SELF_SERVICE_SERIAL).current
    assert original is not None
    issued: list[str] = []

    def issue(request_pem: str) -> str:
        pem = issuer(slot.ca)(request_pem)
        issued.append(pem)
        return pem

    with pytest.raises(TokenRemoved) as pulled:
        renew_certificate(
            slot.module, slot.slot_of(SELF_SERVICE_SERIAL), USER_PIN, issue, on_step=_pull_at(step, how)
        )
    assert "拔出" in pulled.value.say("zh")

    # Put back: usable at once, before any recovery, with the old pair or the new one.
    slot_id = slot.reinsert(SELF_SERVICE_SERIAL)
    assert_usable(slot, SELF_SERVICE_SERIAL)
    journal = read_token(slot.module, slot_id).interrupted
    assert (journal is not None) == (EXPECTED_RECOVERY[step] is not Recovery.NONE)

    # The PIN check (the first step of any business with the key) recovers.
    assert check_user_pin(slot.module, slot_id, USER_PIN) is EXPECTED_RECOVERY[step]
    after_login = read_token(slot.module, slot_id)
    if EXPECTED_RECOVERY[step] is Recovery.RESUMABLE:
        assert after_login.interrupted is not None
        assert after_login.current == original  # the old pair serves until the renewal resumes
    else:
        assert after_login.interrupted is None
    assert_usable(slot, SELF_SERVICE_SERIAL)

    # The subscriber tries again: the renewal completes, once.
    result = renew_certificate(slot.module, slot_id, USER_PIN, issue)
    assert result.certificate.serial_hex != original.serial_hex
    if EXPECTED_RECOVERY[step] is Recovery.RESUMABLE:
        assert result.resumed
    final = read_token(slot.module, slot_id)
    assert [cert.serial_hex for cert in final.certificates] == [result.certificate.serial_hex]
    assert final.interrupted is None
    assert result.certificate.label == original.label
    assert _object_counts(slot) == {
        ObjectClass.CERTIFICATE: 1,
        ObjectClass.PRIVATE_KEY: 1,
        ObjectClass.PUBLIC_KEY: 1,
    }
    assert_usable(slot, SELF_SERVICE_SERIAL)
    figure("recovery", EXPECTED_RECOVERY[step].value)


def test_renewal_interrupted_after_install_is_finished_not_repeated(slot: Slot) -> None:
    """The key pulled after the new certificate was checked: the retry does not ask the CA
    again (a second request would get the same certificate, for a key it no longer holds)."""
    slot_id = slot.make_key()
    requests: list[str] = []

    def issue(request_pem: str) -> str:
        requests.append(request_pem)
        return issuer(slot.ca)(request_pem)

    with pytest.raises(TokenRemoved):
        renew_certificate(
            slot.module,
            slot_id,
            USER_PIN,
            issue,
            on_step=_pull_at(RenewalStep.REMOVE_OLD_PUBLIC_KEY, "fail_call"),
        )
    slot_id = slot.reinsert(SELF_SERVICE_SERIAL)
    result = renew_certificate(slot.module, slot_id, USER_PIN, issue)
    assert result.recovery is Recovery.FINISHED and result.resumed
    assert len(requests) == 1


def test_resumed_renewal_sends_the_same_key_again(slot: Slot) -> None:
    """Pulled while the CA was answering: the retry's request carries the same public key, so
    the certificate the backend already issued fits."""
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    slot_id = slot.make_key()
    keys: list[bytes] = []

    def issue(request_pem: str) -> str:
        public = x509.load_pem_x509_csr(request_pem.encode()).public_key()
        keys.append(public.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo))
        return issuer(slot.ca)(request_pem)

    with pytest.raises(TokenRemoved):
        renew_certificate(
            slot.module, slot_id, USER_PIN, issue, on_step=_pull_at(RenewalStep.INSTALL, "close_session")
        )
    slot_id = slot.reinsert(SELF_SERVICE_SERIAL)
    renew_certificate(slot.module, slot_id, USER_PIN, issue)
    assert len(keys) == 2 and keys[0] == keys[1]


@pytest.mark.parametrize("kind", [KeyKind.EC, KeyKind.RSA])
def test_a_certificate_for_another_key_is_refused_and_the_old_pair_kept(slot: Slot, kind: KeyKind) -> None:
    slot_id = slot.make_key(kind=kind)
    original = slot.read(SELF_SERVICE_SERIAL).current
    foreign = slot.ca.issue(_foreign_request(), subject_for(), 365).pem

    with pytest.raises(CertificateMismatch) as refused:
        renew_certificate(slot.module, slot_id, USER_PIN, lambda _request: foreign, kind=kind)

    assert "原证书保持可用" in refused.value.say("zh")
    after = read_token(slot.module, slot_id)
    assert after.current == original and after.interrupted is None
    assert _object_counts(slot) == {
        ObjectClass.CERTIFICATE: 1,
        ObjectClass.PRIVATE_KEY: 1,
        ObjectClass.PUBLIC_KEY: 1,
    }
    assert_usable(slot, SELF_SERVICE_SERIAL)


def _foreign_request() -> str:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    request = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name([x509.NameAttribute(x509.NameOID.COUNTRY_NAME, "CN")]))
        .sign(key, hashes.SHA256())
    )
    return request.public_bytes(serialization.Encoding.PEM).decode()
