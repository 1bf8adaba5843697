"""Certificate names the way the manual shows them: CN=…, OU=…, O=…, L=…, ST=…, SN=…, C=CN
(most specific first), and serials the way openssl prints them. Shared by the token layer,
which reads certificates off a key, and the reference CA, which issues them."""

from __future__ import annotations

from cryptography import x509
from cryptography.x509.oid import NameOID

SUBJECT_ORDER = (
    (NameOID.COMMON_NAME, "CN"),
    (NameOID.ORGANIZATIONAL_UNIT_NAME, "OU"),
    (NameOID.ORGANIZATION_NAME, "O"),
    (NameOID.LOCALITY_NAME, "L"),
    (NameOID.STATE_OR_PROVINCE_NAME, "ST"),
    (NameOID.SERIAL_NUMBER, "SN"),
    (NameOID.COUNTRY_NAME, "C"),
)


def describe_subject(name: x509.Name) -> str:
    """CN=…, OU=…, O=…, L=…, ST=…, SN=…, C=CN — the way the manual shows a certificate."""
    parts = []
    for oid, short in SUBJECT_ORDER:
        for attribute in name.get_attributes_for_oid(oid):
            parts.append(f"{short}={attribute.value!s}")
    return ", ".join(parts)


def serial_hex(number: int) -> str:
    """Upper-case hex in whole bytes, as openssl and the manual print a serial."""
    text = f"{number:X}"
    return text.zfill(len(text) + len(text) % 2)
