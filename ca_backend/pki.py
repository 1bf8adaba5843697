"""The CA: a root and an issuing CA made at first start (keys on disk, mode 0600), X.509
certificates issued from a token's PKCS#10 request, revocation and a DER CRL."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from kiosk.core.domain.subjects import SUBJECT_ORDER, describe_subject, serial_hex

CA_VALIDITY = timedelta(days=3650)
ISSUING_VALIDITY = timedelta(days=1825)
CRL_NEXT_UPDATE = timedelta(days=1)


class CsrError(ValueError):
    """The request does not parse, is not self-signed correctly, or holds an unusable key."""


@dataclass(frozen=True)
class SubjectInfo:
    common_name: str
    organization: str
    unit: str
    locality: str
    province: str
    serial_number: str  # the unit's unified social credit code

    def name(self) -> x509.Name:
        values = {
            NameOID.COMMON_NAME: self.common_name,
            NameOID.ORGANIZATIONAL_UNIT_NAME: self.unit,
            NameOID.ORGANIZATION_NAME: self.organization,
            NameOID.LOCALITY_NAME: self.locality,
            NameOID.STATE_OR_PROVINCE_NAME: self.province,
            NameOID.SERIAL_NUMBER: self.serial_number,
            NameOID.COUNTRY_NAME: "CN",
        }
        # X.509 encodes the most general first; the manual reads it most specific first.
        return x509.Name(
            [x509.NameAttribute(oid, values[oid]) for oid, _ in reversed(SUBJECT_ORDER) if values[oid]]
        )


@dataclass(frozen=True)
class Issued:
    certificate: x509.Certificate
    subject: str

    @property
    def serial_hex(self) -> str:
        return serial_hex(self.certificate.serial_number)

    @property
    def pem(self) -> str:
        return self.certificate.public_bytes(serialization.Encoding.PEM).decode()


class CertificateAuthority:
    def __init__(self, keys_dir: Path) -> None:
        self.keys_dir = keys_dir
        keys_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not (keys_dir / "issuing-ca.pem").exists():
            self._create()
        self.root = _load_cert(keys_dir / "root-ca.pem")
        self.issuing = _load_cert(keys_dir / "issuing-ca.pem")
        self._issuing_key = _load_key(keys_dir / "issuing-ca.key")

    @property
    def chain_pem(self) -> list[str]:
        return [cert.public_bytes(serialization.Encoding.PEM).decode() for cert in (self.issuing, self.root)]

    def _create(self) -> None:
        root_key = ec.generate_private_key(ec.SECP384R1())
        root = _ca_certificate(
            "Reference Kiosk Root CA", root_key, root_key, None, path_length=1, validity=CA_VALIDITY
        )
        issuing_key = ec.generate_private_key(ec.SECP256R1())
        issuing = _ca_certificate(
            "Reference Kiosk Issuing CA",
            issuing_key,
            root_key,
            root,
            path_length=0,
            validity=ISSUING_VALIDITY,
        )
        _write_secret(self.keys_dir / "root-ca.key", _key_pem(root_key))
        _write_secret(self.keys_dir / "issuing-ca.key", _key_pem(issuing_key))
        (self.keys_dir / "root-ca.pem").write_bytes(root.public_bytes(serialization.Encoding.PEM))
        # Written last: its presence says the CA is complete.
        (self.keys_dir / "issuing-ca.pem").write_bytes(issuing.public_bytes(serialization.Encoding.PEM))

    def issue(
        self, csr_pem: str, subject: SubjectInfo, validity_days: int, *, until: datetime | None = None
    ) -> Issued:
        """A certificate for the request's key, valid for `validity_days` from now, or until
        `until` when given (a change keeps the expiry of the certificate it replaces)."""
        try:
            csr = x509.load_pem_x509_csr(csr_pem.encode())
        except ValueError as error:
            raise CsrError(f"the certificate request does not parse: {error}") from None
        if not csr.is_signature_valid:
            raise CsrError("the certificate request's signature does not verify")
        key = csr.public_key()
        if isinstance(key, rsa.RSAPublicKey):
            if key.key_size < 2048:
                raise CsrError("RSA keys must be at least 2048 bits")
        elif not isinstance(key, ec.EllipticCurvePublicKey):
            raise CsrError("only EC and RSA keys are accepted")
        now = datetime.now(UTC)
        certificate = (
            x509.CertificateBuilder()
            .subject_name(subject.name())
            .issuer_name(self.issuing.subject)
            .public_key(key)
            .serial_number(int.from_bytes(secrets.token_bytes(16), "big") >> 1 | 1 << 64)
            .not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(until or now + timedelta(days=validity_days))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=True,
                    key_encipherment=isinstance(key, rsa.RSAPublicKey),
                    data_encipherment=False,
                    key_agreement=isinstance(key, ec.EllipticCurvePublicKey),
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(
                x509.ExtendedKeyUsage(
                    [ExtendedKeyUsageOID.CLIENT_AUTH, ExtendedKeyUsageOID.EMAIL_PROTECTION]
                ),
                critical=False,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self._issuing_key.public_key()),
                critical=False,
            )
            .sign(self._issuing_key, hashes.SHA256())
        )
        return Issued(certificate, describe_subject(certificate.subject))

    def crl(self, revoked: list[tuple[str, datetime, x509.ReasonFlags]]) -> bytes:
        now = datetime.now(UTC)
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(self.issuing.subject)
            .last_update(now)
            .next_update(now + CRL_NEXT_UPDATE)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self._issuing_key.public_key()),
                critical=False,
            )
        )
        for revoked_serial, revoked_at, reason in revoked:
            entry = (
                x509.RevokedCertificateBuilder()
                .serial_number(int(revoked_serial, 16))
                .revocation_date(revoked_at)
                .add_extension(x509.CRLReason(reason), critical=False)
                .build()
            )
            builder = builder.add_revoked_certificate(entry)
        return builder.sign(self._issuing_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


def _ca_certificate(
    common_name: str,
    key: ec.EllipticCurvePrivateKey,
    signer: ec.EllipticCurvePrivateKey,
    issuer: x509.Certificate | None,  # None: self-signed (the root)
    *,
    path_length: int,
    validity: timedelta,
) -> x509.Certificate:
    now = datetime.now(UTC)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "参考数字证书认证中心"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer.subject if issuer else name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + validity)
        .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
        .add_extension(_ca_key_usage(), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(signer.public_key()), critical=False
        )
    return builder.sign(signer, hashes.SHA384())


def _ca_key_usage() -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=True,
        crl_sign=True,
        encipher_only=False,
        decipher_only=False,
    )


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _write_secret(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as file:
        file.write(data)


def _load_cert(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def _load_key(path: Path) -> ec.EllipticCurvePrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    return key
