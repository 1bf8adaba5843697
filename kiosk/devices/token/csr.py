"""PKCS#10 certificate requests built here and signed on the token (the private key never
leaves it)."""

from __future__ import annotations

import pkcs11
from asn1crypto import csr as asn1_csr
from asn1crypto import keys as asn1_keys
from asn1crypto import pem as asn1_pem
from asn1crypto import x509 as asn1_x509

from kiosk.devices.token.keys import public_key_info, sign, signature_algorithm


def build_request(public: pkcs11.PublicKey, private: pkcs11.PrivateKey, subject_der: bytes | None) -> str:
    """A PEM certificate request for the pair. The CA writes the subject from the order, so the
    one asked for here is only a hint: the old certificate's, or none."""
    subject = (
        asn1_x509.Name.load(subject_der) if subject_der else asn1_x509.Name.build({"country_name": "CN"})
    )
    info = asn1_csr.CertificationRequestInfo(
        {
            "version": "v1",
            "subject": subject,
            "subject_pk_info": asn1_keys.PublicKeyInfo.load(public_key_info(public)),
            "attributes": [],
        }
    )
    request = asn1_csr.CertificationRequest(
        {
            "certification_request_info": info,
            "signature_algorithm": {"algorithm": signature_algorithm(private)},
            "signature": sign(private, info.dump()),
        }
    )
    return str(asn1_pem.armor("CERTIFICATE REQUEST", request.dump()).decode("ascii"))
