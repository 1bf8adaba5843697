"""The key's health check and what a 证书变更 changes, as plain Python on certificates the
reference CA really issued (no slot needed: what the token layer would have read is built from
the certificate itself)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from support.backend import make_csr
from support.softhsm import subject_for

from ca_backend.pki import CertificateAuthority
from kiosk.core.domain.businesses import BUSINESSES, BusinessCode
from kiosk.core.domain.samples import SAMPLE_UNIT, sample_form
from kiosk.core.domain.token_policy import load_token_policy
from kiosk.devices.token.reading import PinState, TokenInfo, describe_certificate
from kiosk.services.key_check import check_key, subject_changes

UNLOCKED = PinState(initialized=True, count_low=False, final_try=False, locked=False, to_be_changed=False)


@pytest.fixture(scope="module")
def ca(tmp_path_factory: pytest.TempPathFactory) -> CertificateAuthority:
    return CertificateAuthority(tmp_path_factory.mktemp("ca"))


def key_with(ca: CertificateAuthority, until: datetime) -> TokenInfo:
    _, csr = make_csr()
    issued = ca.issue(csr, subject_for(), 1, until=until)
    on_key = describe_certificate(issued.certificate.public_bytes(Encoding.DER), b"\x01", "cert")
    return TokenInfo(1, "5601AB6C95190035", "key", "SoftHSM", "", (on_key,), UNLOCKED, None)


def test_an_expired_certificate_cannot_be_changed_but_can_be_renewed(ca: CertificateAuthority) -> None:
    key = key_with(ca, datetime.now(UTC) - timedelta(minutes=1))
    policy = load_token_policy()
    change = check_key(key, BUSINESSES[BusinessCode.CHANGE], policy, [ca.issuing], now=datetime.now(UTC))
    assert change.expired and not change.usable
    assert change.blocked == "证书已过期，不能变更，请办理“证书更新”：新证书按填写的单位信息签发"
    assert change.suggested == BusinessCode.RENEWAL
    assert change.blocked is not None and change.blocked.say("en").startswith("The certificate has expired")
    renewal = check_key(key, BUSINESSES[BusinessCode.RENEWAL], policy, [ca.issuing], now=datetime.now(UTC))
    assert renewal.expired and renewal.usable and renewal.suggested is None


def test_a_valid_certificate_can_be_changed(ca: CertificateAuthority) -> None:
    key = key_with(ca, datetime.now(UTC) + timedelta(days=200))
    change = check_key(
        key, BUSINESSES[BusinessCode.CHANGE], load_token_policy(), [ca.issuing], now=datetime.now(UTC)
    )
    assert change.usable and not change.expired and change.suggested is None


def test_what_a_change_changes_in_the_subject() -> None:
    on_key = {"unit_name": SAMPLE_UNIT["unit_name"], "uscc": SAMPLE_UNIT["uscc"]}
    same = sample_form(BusinessCode.CHANGE, unit={"legal_rep_name": "赵六"})  # not in the subject
    assert subject_changes(on_key, same) == []
    renamed = sample_form(BusinessCode.CHANGE, certificate={"company_name": "新名称有限公司"})
    (line,) = subject_changes(on_key, renamed)
    assert line == f"单位名称：{SAMPLE_UNIT['unit_name']} → 新名称有限公司"
    assert line.say("en") == f"Unit name: {SAMPLE_UNIT['unit_name']} → 新名称有限公司"
    # The certificate section names the subject; the unit section only when it is not asked.
    unit_only = {"unit": {"unit_name": "新名称有限公司", "uscc": SAMPLE_UNIT["uscc"]}}
    assert len(subject_changes(on_key, unit_only)) == 1


def test_an_unlock_of_an_expiring_key_is_not_turned_into_a_renewal(ca: CertificateAuthority) -> None:
    """A renewal needs the PIN the subscriber came to unlock: the expiry is said, no switch offered."""
    key = key_with(ca, datetime.now(UTC) + timedelta(days=10))
    unlock = check_key(
        key, BUSINESSES[BusinessCode.UNLOCK], load_token_policy(), [ca.issuing], now=datetime.now(UTC)
    )
    assert unlock.usable and unlock.suggested is None
    assert any("建议办理“证书更新”" in finding for finding in unlock.findings)
    renewal_asked_as_change = check_key(
        key, BUSINESSES[BusinessCode.CHANGE], load_token_policy(), [ca.issuing], now=datetime.now(UTC)
    )
    assert renewal_asked_as_change.suggested == BusinessCode.RENEWAL
