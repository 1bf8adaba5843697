"""Token overhead: the kiosk's renewal path on a SoftHSM key (PIN check, key pair, request,
install, check, old pair removed, with its journal and recovery checks) against the sum of the
same raw PKCS#11 calls made directly with python-pkcs11, in the same run, interleaved.

The CA's signing is left out of both sides (it is the backend's work, not the token's). Prints
the medians for EC P-256 and RSA-2048 and, last, `token_overhead_ratio=<x>`: the larger of the
two ratios. Target: <= 1.5.
"""

from __future__ import annotations

import os
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pkcs11
from asn1crypto import csr as asn1_csr
from asn1crypto import keys as asn1_keys
from asn1crypto import pem as asn1_pem
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pkcs11 import Attribute, CertificateType, ObjectClass

from ca_backend.pki import CertificateAuthority, SubjectInfo
from kiosk.devices.token.keys import KeyKind, generate_pair, public_key_info, signature_algorithm
from kiosk.devices.token.keys import sign as sign_on_token
from kiosk.devices.token.module import Pkcs11Module
from kiosk.devices.token.renewal import RenewalStep, renew_certificate
from kiosk.devices.token.softhsm import SoftHsm, issue_first_certificate

RUNS = {
    KeyKind.EC: int(os.environ.get("BENCH_TOKEN_EC_RUNS", "25")),
    KeyKind.RSA: int(os.environ.get("BENCH_TOKEN_RSA_RUNS", "15")),
}
USER_PIN = "Bench7391x"
SUBJECT = SubjectInfo("基准测试单位", "基准测试单位", "投标证书", "重庆", "重庆", "91350100M000100Y43")


class TimedIssuer:
    """The CA, with the time it spends kept so both sides can leave it out."""

    def __init__(self, ca: CertificateAuthority) -> None:
        self.ca = ca
        self.spent = 0.0

    def __call__(self, request_pem: str) -> str:
        started = time.perf_counter()
        pem = self.ca.issue(request_pem, SUBJECT, 365).pem
        self.spent += time.perf_counter() - started
        return pem


def kiosk_renewal(
    module: Pkcs11Module, slot_id: int, issue: TimedIssuer, kind: KeyKind
) -> tuple[float, float]:
    """(total, key generation), both without the CA's signing."""
    issue.spent = 0.0
    marks: dict[RenewalStep, float] = {}

    def mark(step: RenewalStep, _session: object) -> None:
        marks[step] = time.perf_counter()

    started = time.perf_counter()
    renew_certificate(module, slot_id, USER_PIN, issue, kind=kind, on_step=mark)
    total = time.perf_counter() - started - issue.spent
    return total, marks[RenewalStep.REQUEST] - marks[RenewalStep.KEY_PAIR]


def raw_renewal(module: Pkcs11Module, slot_id: int, issue: TimedIssuer, kind: KeyKind) -> tuple[float, float]:
    """The same PKCS#11 calls, timed one by one; what is not a PKCS#11 call is not counted."""
    token = next(
        slot.get_token() for slot in module.lib.get_slots(token_present=True) if slot.slot_id == slot_id
    )
    spent = 0.0

    def timed(call: Callable[[], object]) -> object:
        nonlocal spent
        started = time.perf_counter()
        result = call()
        spent += time.perf_counter() - started
        return result

    session = timed(lambda: token.open(rw=True, user_pin=USER_PIN))
    assert isinstance(session, pkcs11.Session)
    old = timed(lambda: list(session.get_objects({Attribute.CLASS: ObjectClass.PRIVATE_KEY})))
    assert isinstance(old, list)
    old_id = old[0][Attribute.ID]
    new_id = secrets.token_bytes(16)
    before_keygen = spent
    public, private = timed(lambda: generate_pair(session, kind, new_id, "raw"))  # type: ignore[misc]
    keygen = spent - before_keygen
    info = asn1_csr.CertificationRequestInfo(
        {
            "version": "v1",
            "subject": asn1_x509.Name.build({"country_name": "CN"}),
            "subject_pk_info": asn1_keys.PublicKeyInfo.load(public_key_info(public)),
            "attributes": [],
        }
    )
    signature = timed(lambda: sign_on_token(private, info.dump()))
    request = asn1_csr.CertificationRequest(
        {
            "certification_request_info": info,
            "signature_algorithm": {"algorithm": signature_algorithm(private)},
            "signature": signature,
        }
    )
    certificate = x509.load_pem_x509_certificate(
        issue(asn1_pem.armor("CERTIFICATE REQUEST", request.dump()).decode()).encode()
    )
    timed(
        lambda: session.create_object(
            {
                Attribute.CLASS: ObjectClass.CERTIFICATE,
                Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                Attribute.TOKEN: True,
                Attribute.ID: new_id,
                Attribute.LABEL: "raw",
                Attribute.SUBJECT: certificate.subject.public_bytes(),
                Attribute.VALUE: certificate.public_bytes(serialization.Encoding.DER),
            }
        )
    )
    timed(lambda: sign_on_token(private, b"challenge"))  # the check's signature
    old_objects = timed(lambda: list(session.get_objects({Attribute.ID: old_id})))
    assert isinstance(old_objects, list)
    for obj in old_objects:
        timed(obj.destroy)
    timed(session.close)
    return spent, keygen


def main() -> int:
    lines = []
    ratios = []
    with tempfile.TemporaryDirectory(prefix="bench-token-") as folder:
        root = Path(folder)
        ca = CertificateAuthority(root / "ca")
        issue = TimedIssuer(ca)
        for kind in (KeyKind.EC, KeyKind.RSA):
            hsm = SoftHsm(root / f"softhsm-{kind}").ensure()
            serials = {
                "kiosk": "55" + secrets.token_hex(7).upper(),
                "raw": "56" + secrets.token_hex(7).upper(),
            }
            for serial in serials.values():
                hsm.make_token(serial, "BENCH", user_pin=USER_PIN, so_pin="So12345678")
                issue_first_certificate(hsm.module(), serial, USER_PIN, issue, kind)
            module = hsm.module()
            slots = {
                name: next(t.slot_id for t in module.present() if t.serial == serial)
                for name, serial in serials.items()
            }
            kiosk_times, raw_times, kiosk_rest, raw_rest = [], [], [], []
            kiosk_renewal(module, slots["kiosk"], issue, kind)  # warm: imports, first parse
            raw_renewal(module, slots["raw"], issue, kind)
            for _ in range(RUNS[kind]):
                total, keygen = kiosk_renewal(module, slots["kiosk"], issue, kind)
                kiosk_times.append(total)
                kiosk_rest.append(total - keygen)
                total, keygen = raw_renewal(module, slots["raw"], issue, kind)
                raw_times.append(total)
                raw_rest.append(total - keygen)
            kiosk_ms = statistics.median(kiosk_times) * 1000
            raw_ms = statistics.median(raw_times) * 1000
            ratio = kiosk_ms / raw_ms
            ratios.append(ratio)
            lines.append(
                f"{kind.value}: kiosk renewal median {kiosk_ms:.1f} ms,"
                f" raw PKCS#11 calls median {raw_ms:.1f} ms, ratio {ratio:.2f} ({RUNS[kind]} runs each);"
                f" without key generation {statistics.median(kiosk_rest) * 1000:.1f} ms"
                f" against {statistics.median(raw_rest) * 1000:.1f} ms"
            )
    for line in lines:
        print(line)
    print(f"token_overhead_ratio={max(ratios):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
