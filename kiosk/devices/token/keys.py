"""Key pairs on the token and signatures made with them.

EC P-256 by default, RSA-2048 by configuration. SoftHSM has no ECDSA_SHA256 mechanism, so for
EC the SHA-256 digest is taken here and the token signs it with plain ECDSA; the signature is
then DER-wrapped for X.509. SM2 needs a vendor module's own mechanisms: none is configured for
the modules this project knows, so asking for SM2 says so plainly instead of guessing."""

from __future__ import annotations

import hashlib
from enum import StrEnum
from typing import Any

import pkcs11
from asn1crypto import core as asn1_core
from asn1crypto import keys as asn1_keys
from pkcs11 import Attribute, KeyType, Mechanism, ObjectClass
from pkcs11.util.ec import encode_ec_public_key, encode_ecdsa_signature, encode_named_curve_parameters

from kiosk.core.i18n import Text
from kiosk.devices.token.errors import TokenUnsupported
from kiosk.devices.token.module import find_objects

RSA_BITS = 2048


class KeyKind(StrEnum):
    EC = "ec"  # ECDSA on NIST P-256
    RSA = "rsa"  # RSA-2048, PKCS#1 v1.5 signatures
    SM2 = "sm2"  # only where a vendor module offers it


def generate_pair(
    session: pkcs11.Session, kind: KeyKind, key_id: bytes, label: str
) -> tuple[pkcs11.PublicKey, pkcs11.PrivateKey]:
    """A new key pair stored on the token: the private half sensitive and never extractable."""
    private_template = {
        Attribute.SENSITIVE: True,
        Attribute.EXTRACTABLE: False,
        Attribute.PRIVATE: True,
        Attribute.SIGN: True,
        Attribute.DECRYPT: kind is KeyKind.RSA,
    }
    public_template = {Attribute.PRIVATE: False, Attribute.VERIFY: True}
    if kind is KeyKind.EC:
        params = session.create_domain_parameters(
            KeyType.EC, {Attribute.EC_PARAMS: encode_named_curve_parameters("secp256r1")}, local=True
        )
        return params.generate_keypair(
            id=key_id,
            label=label,
            store=True,
            public_template=public_template,
            private_template=private_template,
        )
    if kind is KeyKind.RSA:
        return session.generate_keypair(
            KeyType.RSA,
            RSA_BITS,
            id=key_id,
            label=label,
            store=True,
            public_template={**public_template, Attribute.ENCRYPT: True},
            private_template=private_template,
        )
    raise unsupported(kind)


def unsupported(kind: KeyKind) -> TokenUnsupported:
    return TokenUnsupported(Text("该证书盘不支持SM2密钥，请选择其他密钥类型或联系工作人员"), detail=kind)


def ensure_supported(kind: KeyKind) -> None:
    """Refuse a kind no configured module can make, before anything is written to the key."""
    if kind not in (KeyKind.EC, KeyKind.RSA):
        raise unsupported(kind)


def public_key_info(public: pkcs11.PublicKey) -> bytes:
    """The public key as a DER SubjectPublicKeyInfo, ready for a certificate request."""
    if public.key_type == KeyType.EC:
        return bytes(encode_ec_public_key(public))
    if public.key_type == KeyType.RSA:
        info = asn1_keys.PublicKeyInfo(
            {
                "algorithm": {"algorithm": "rsa", "parameters": asn1_core.Null()},
                "public_key": asn1_keys.RSAPublicKey(
                    {
                        "modulus": int.from_bytes(public[Attribute.MODULUS], "big"),
                        "public_exponent": int.from_bytes(public[Attribute.PUBLIC_EXPONENT], "big"),
                    }
                ),
            }
        )
        return bytes(info.dump())
    raise TokenUnsupported(Text("该证书盘上的密钥类型无法识别"), detail=str(public.key_type))


def signature_algorithm(private: pkcs11.PrivateKey) -> str:
    """asn1crypto's name for the X.509 signature algorithm this key signs with."""
    return "sha256_ecdsa" if private.key_type == KeyType.EC else "sha256_rsa"


def sign(private: pkcs11.PrivateKey, data: bytes) -> bytes:
    """A signature over `data` in the form X.509 and PKCS#10 carry it."""
    signer: Any = private  # python-pkcs11 adds sign() to private keys at run time
    if private.key_type == KeyType.EC:
        raw = signer.sign(hashlib.sha256(data).digest(), mechanism=Mechanism.ECDSA)
        return bytes(encode_ecdsa_signature(raw))
    return bytes(signer.sign(data, mechanism=Mechanism.SHA256_RSA_PKCS))


def objects_with_id(session: pkcs11.Session, key_id: bytes) -> dict[ObjectClass, list[pkcs11.Object]]:
    """The private key, public key and certificates that share one CKA_ID."""
    found: dict[ObjectClass, list[pkcs11.Object]] = {}
    for obj in find_objects(session, {Attribute.ID: key_id}):
        found.setdefault(ObjectClass(int(obj[Attribute.CLASS])), []).append(obj)
    return found
