"""Real X.509 from the reference CA: the chain verifies (cryptography and openssl), the subject
is the manual's, a download is bound to the token that asked, and a revoked serial is on a
DER CRL that openssl parses."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from support.backend import Hub, make_csr
from support.softhsm import subject_for

from kiosk.core.domain.businesses import BusinessCode
from kiosk.core.domain.samples import SAMPLE_UNIT

SERIAL = "55AB6C951900350A"


def downloadable(hub: Hub, client, code: BusinessCode = BusinessCode.CHANGE) -> str:
    order_id = hub.submitted_order(client, code, token_serial=SERIAL)
    view = hub.backend.review.approve(order_id, "test")
    assert view.status.value == "awaiting_download"  # 证书变更 is free
    return order_id


def download(client, order_id: str, csr: str, serial: str = SERIAL):
    return client.post(f"/v1/orders/{order_id}/certificate", json={"csr_pem": csr, "token_serial": serial})


def test_a_certificate_is_issued_from_the_tokens_request(hub: Hub, tmp_path) -> None:
    key, csr = make_csr()
    with hub.client() as client:
        order_id = downloadable(hub, client)
        answer = download(client, order_id, csr)
        assert answer.status_code == 200, answer.text
        issued = answer.json()
        assert client.get(f"/v1/orders/{order_id}").json()["status"] == "completed"
    cert = x509.load_pem_x509_certificate(issued["certificate_pem"].encode())
    public = cert.public_key()
    assert isinstance(public, ec.EllipticCurvePublicKey)
    assert public.public_numbers() == key.public_key().public_numbers()
    assert issued["subject"] == (
        "CN=东方中讯数字证书认证有限公司, OU=单位证书带签章, O=东方中讯数字证书认证有限公司, L=重庆, ST=重庆,"
        " SN=91350100M000100Y43, C=CN"
    )
    assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment
    # The chain verifies with cryptography ...
    issuing, root = (x509.load_pem_x509_certificate(pem.encode()) for pem in issued["chain_pem"])
    cert.verify_directly_issued_by(issuing)
    issuing.verify_directly_issued_by(root)
    root.verify_directly_issued_by(root)
    # ... and with openssl.
    (tmp_path / "leaf.pem").write_text(issued["certificate_pem"])
    (tmp_path / "issuing.pem").write_text(issued["chain_pem"][0])
    (tmp_path / "root.pem").write_text(issued["chain_pem"][1])
    verdict = subprocess.run(
        [
            "openssl",
            "verify",
            "-CAfile",
            tmp_path / "root.pem",
            "-untrusted",
            tmp_path / "issuing.pem",
            tmp_path / "leaf.pem",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert verdict.returncode == 0 and verdict.stdout.strip().endswith("OK"), verdict.stdout + verdict.stderr


def test_a_download_is_bound_to_the_token_that_asked(hub: Hub) -> None:
    _, csr = make_csr()
    with hub.client() as client:
        order_id = downloadable(hub, client)
        other = download(client, order_id, csr, "56AB6C951900350B")
        assert other.status_code == 409
        assert other.json()["message"] == f"请插入办理该业务的证书盘（芯片号{SERIAL}）"
        first = download(client, order_id, csr).json()
        # The key was pulled before it stored the certificate: the same certificate again.
        retry = download(client, order_id, csr).json()
        assert retry["serial_hex"] == first["serial_hex"]
        stolen = download(client, order_id, csr, "56AB6C951900350B")
        assert stolen.status_code == 409


def test_a_bad_request_is_refused_with_a_reason(hub: Hub) -> None:
    with hub.client() as client:
        order_id = downloadable(hub, client)
        answer = client.post(
            f"/v1/orders/{order_id}/certificate",
            json={
                "csr_pem": "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n",
                "token_serial": SERIAL,
            },
        )
        assert answer.status_code == 422
        assert answer.json()["message"].startswith("证书请求无效")
        assert client.get(f"/v1/orders/{order_id}").json()["status"] == "awaiting_download"


def test_no_download_before_approval_and_payment(hub: Hub) -> None:
    _, csr = make_csr()
    with hub.client() as client:
        renewal = hub.submitted_order(client, BusinessCode.RENEWAL, token_serial=SERIAL)
        early = download(client, renewal, csr)
        assert early.status_code == 409
        hub.backend.review.approve(renewal, "test")
        unpaid = download(client, renewal, csr)
        assert unpaid.status_code == 409
        assert unpaid.json()["message"] == "订单当前状态不能下载证书"


def test_revoking_a_lost_key_puts_its_certificate_on_the_crl(hub: Hub, tmp_path) -> None:
    _, csr = make_csr()
    with hub.client() as client:
        order_id = downloadable(hub, client)
        issued = download(client, order_id, csr).json()
        revoke_id = hub.submitted_order(client, BusinessCode.REVOKE, token_serial=SERIAL)
        hub.backend.review.approve(revoke_id, "test")
        revoke = client.get(f"/v1/orders/{revoke_id}").json()
        assert revoke["status"] == "completed" and revoke["revoked_at"]
        der = client.get("/v1/crl")
    assert der.headers["content-type"] == "application/pkix-crl"
    crl = x509.load_der_x509_crl(der.content)
    entry = crl.get_revoked_certificate_by_serial_number(int(issued["serial_hex"], 16))
    assert entry is not None
    assert (
        entry.extensions.get_extension_for_class(x509.CRLReason).value.reason
        is x509.ReasonFlags.key_compromise
    )
    (tmp_path / "crl.der").write_bytes(der.content)
    text = subprocess.run(
        ["openssl", "crl", "-inform", "DER", "-in", tmp_path / "crl.der", "-noout", "-text"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert f"SERIAL NUMBER: {issued['serial_hex']}" in text.upper()
    assert "Key Compromise" in text


def test_the_ca_keys_are_private(hub: Hub) -> None:
    ca_dir = hub.backend.settings.keys_dir / "ca"
    for key in ca_dir.glob("*.key"):
        assert key.stat().st_mode & 0o077 == 0, key
    root = x509.load_pem_x509_certificate((ca_dir / "root-ca.pem").read_bytes())
    assert isinstance(root.public_key(), ec.EllipticCurvePublicKey)


def test_the_validity_comes_from_the_catalog(hub: Hub) -> None:
    _, csr = make_csr()
    with hub.client() as client:
        order_id = downloadable(hub, client)
        issued = download(client, order_id, csr).json()
    cert = x509.load_pem_x509_certificate(issued["certificate_pem"].encode())
    days = (cert.not_valid_after_utc - cert.not_valid_before_utc).days
    assert days == hub.backend.catalog.certificate_types["unit_seal"].validity_days == 365


def test_a_change_of_an_expired_certificate_is_refused(hub: Hub) -> None:
    """A change keeps the expiry of the certificate it replaces (it is free, and must not stand
    in for a renewal): one that has expired cannot be changed."""
    _, counter_csr = make_csr()
    expired = datetime.now(UTC) - timedelta(minutes=1)
    hub.backend.certificates.issue_at_counter(counter_csr, subject_for(), 1, SERIAL, until=expired)
    _, csr = make_csr()
    with hub.client() as client:
        order_id = downloadable(hub, client)
        answer = download(client, order_id, csr)
    assert answer.status_code == 409, answer.text
    assert answer.json()["message"] == "原证书已过期，不能变更，请办理“证书更新”"


def test_an_earlier_form_is_the_subscribers_own_and_needs_a_session(hub: Hub) -> None:
    uscc = SAMPLE_UNIT["uscc"]
    with hub.client() as client:  # the device alone: nobody's form
        assert client.get(f"/v1/units/{uscc}/earlier-form").status_code == 401
    with hub.client(subscriber=hub.sign_in("13900000001")) as client:
        order_id = hub.submitted_order(client, BusinessCode.CHANGE, token_serial=SERIAL)
        mine = client.get(f"/v1/units/{uscc}/earlier-form").json()
    assert (
        mine["order_id"] == order_id
        and mine["form"]["unit"]["legal_rep_name"] == SAMPLE_UNIT["legal_rep_name"]
    )
    with hub.client(subscriber=hub.sign_in("13900000002")) as client:  # another subscriber, same unit
        assert client.get(f"/v1/units/{uscc}/earlier-form").json() == {"order_id": None, "form": {}}
