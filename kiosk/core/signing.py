"""How a kiosk proves who it is: its enrolment credentials (device id and Ed25519 key, kept in
a 0600 file) and the signed headers on every request (see kiosk/core/contract.py)."""

from __future__ import annotations

import base64
import json
import os
import stat
import time
from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.core.contract import (
    HEADER_DEVICE,
    HEADER_NONCE,
    HEADER_SIGNATURE,
    HEADER_TIMESTAMP,
    string_to_sign,
)


class CredentialsError(RuntimeError):
    """The device credentials file is missing, unreadable, too open or malformed."""


@dataclass(frozen=True)
class DeviceCredentials:
    device_id: str
    private_key_pem: str

    def to_json(self) -> str:
        return json.dumps({"device_id": self.device_id, "private_key_pem": self.private_key_pem})

    @classmethod
    def from_json(cls, text: str) -> DeviceCredentials:
        data = json.loads(text)
        return cls(device_id=str(data["device_id"]), private_key_pem=str(data["private_key_pem"]))

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as file:
            file.write(self.to_json())

    @classmethod
    def load(cls, path: Path) -> DeviceCredentials:
        try:
            mode = path.stat().st_mode
            if mode & (stat.S_IRWXG | stat.S_IRWXO):
                raise CredentialsError(f"{path} must be readable by its owner only (chmod 600)")
            return cls.from_json(path.read_text())
        except FileNotFoundError:
            raise CredentialsError(
                f"{path} is missing: enrol the kiosk with `ca-backend device enroll`"
            ) from None
        except (OSError, ValueError, KeyError) as error:
            raise CredentialsError(f"{path} cannot be read: {error}") from None


class RequestSigner:
    def __init__(self, credentials: DeviceCredentials) -> None:
        key = serialization.load_pem_private_key(credentials.private_key_pem.encode(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise CredentialsError("the device key is not an Ed25519 key")
        self.device_id = credentials.device_id
        self._key = key

    def headers(self, method: str, path_and_query: str, body: bytes) -> dict[str, str]:
        timestamp = str(int(time.time()))
        nonce = os.urandom(16).hex()
        signature = self._key.sign(string_to_sign(method, path_and_query, timestamp, nonce, body))
        return {
            HEADER_DEVICE: self.device_id,
            HEADER_TIMESTAMP: timestamp,
            HEADER_NONCE: nonce,
            HEADER_SIGNATURE: base64.b64encode(signature).decode(),
        }


class DeviceAuth(httpx.Auth):
    """httpx authentication that signs each request with the device key."""

    requires_request_body = True  # the body's digest is signed

    def __init__(self, signer: RequestSigner) -> None:
        self.signer = signer

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        target = request.url.raw_path.decode()
        request.headers.update(self.signer.headers(request.method, target, request.content))
        yield request
