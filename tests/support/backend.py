"""Helpers for tests that talk to the reference backend over real HTTP on 127.0.0.1."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import cv2
import httpx
import numpy as np
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ca_backend.backend import Backend
from ca_backend.config import load_backend_settings
from ca_backend.server import BackgroundServer
from kiosk.core.contract import HEADER_SUBSCRIBER
from kiosk.core.domain.businesses import BusinessCode
from kiosk.core.domain.catalog import load_catalog
from kiosk.core.domain.samples import SAMPLE_FORM, SAMPLE_PROJECT_PATH, SAMPLE_UNIT, sample_form
from kiosk.core.signing import DeviceAuth, DeviceCredentials, RequestSigner

CQ_BIDDER = SAMPLE_PROJECT_PATH
UNIT = SAMPLE_UNIT
FULL_FORM = SAMPLE_FORM
form_for = sample_form
LOST_KEY = "5602AB6C95190099"  # the key a test's revocation names, unless it names another


def project_for(code: BusinessCode) -> dict[str, Any] | None:
    if code in {BusinessCode.UNLOCK, BusinessCode.REVOKE, BusinessCode.REDIRECT}:
        return None
    selection = load_catalog().default_selection(CQ_BIDDER)
    return selection.to_json()


def image_bytes(kind: str, size: tuple[int, int] = (64, 48)) -> bytes:
    """A real image file of `kind` (jpg, png, bmp via OpenCV; gif written by hand)."""
    if kind == "gif":
        # GIF89a, 1x1, one colour: the smallest real GIF.
        return bytes.fromhex(
            "47494638396101000100800000ffffff00000021f90401000000002c00000000010001000002024401003b"
        )
    picture = np.full((size[1], size[0], 3), 200, np.uint8)
    cv2.putText(picture, "seal", (4, size[1] // 2), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (0, 0, 255), 1)
    ok, data = cv2.imencode(f".{kind}", picture)
    assert ok
    return data.tobytes()


def make_csr(common_name: str = "token") -> tuple[ec.EllipticCurvePrivateKey, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)]))
        .sign(key, hashes.SHA256())
    )
    from cryptography.hazmat.primitives import serialization

    return key, csr.public_bytes(serialization.Encoding.PEM).decode()


def new_order_body(code: BusinessCode, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "order_id": str(uuid.uuid4()),
        "business": code.value,
        "form": form_for(code),
        "project": project_for(code),
        "created_at": datetime.now(UTC).isoformat(),
    }
    if code is BusinessCode.REVOKE:
        body["token_serial"] = LOST_KEY  # a revocation names the lost key
    body.update(extra)
    return body


@dataclass
class Hub:
    """A running backend and a kiosk enrolled with it."""

    backend: Backend
    server: BackgroundServer
    credentials: DeviceCredentials
    home: Path

    def client(
        self, credentials: DeviceCredentials | None = None, subscriber: str | None = None
    ) -> httpx.Client:
        headers = {HEADER_SUBSCRIBER: subscriber} if subscriber else {}
        return httpx.Client(
            base_url=self.server.base_url,
            auth=DeviceAuth(RequestSigner(credentials or self.credentials)),
            headers=headers,
            timeout=30,
        )

    def anonymous(self) -> httpx.Client:
        return httpx.Client(base_url=self.server.base_url, timeout=30)

    def last_code(self, phone: str) -> str:
        for message in reversed(self.backend.subscribers.sent_messages(100)):
            if message["phone"] == phone and "验证码" in message["text"]:
                found = re.search(r"验证码是(\d{6})", message["text"])
                assert found
                return found.group(1)
        raise AssertionError(f"no code sent to {phone}")

    def sign_in(self, phone: str) -> str:
        with self.client() as client:
            assert client.post("/v1/sms-codes", json={"phone": phone}).status_code == 200
            answer = client.post("/v1/sessions", json={"phone": phone, "code": self.last_code(phone)})
            assert answer.status_code == 200, answer.text
            return str(answer.json()["token"])

    def reviewer(self) -> httpx.Client:
        token = self.backend.add_reviewer("王审核")
        return httpx.Client(
            base_url=self.server.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=30
        )

    def submitted_order(self, client: httpx.Client, code: BusinessCode, **extra: Any) -> str:
        """An order with its documents uploaded and submitted: awaiting review."""
        body = new_order_body(code, **extra)
        assert client.post("/v1/orders", json=body).status_code == 201
        order_id = body["order_id"]
        for kind in self.backend.intake.required_documents(code):
            answer = client.put(f"/v1/orders/{order_id}/attachments/{kind.value}", content=image_bytes("jpg"))
            assert answer.status_code == 200, answer.text
        answer = client.post(f"/v1/orders/{order_id}/submit", json={"revision": 1})
        assert answer.status_code == 200, answer.text
        return str(order_id)


@contextmanager
def running_hub(home: Path, **settings: Any) -> Iterator[Hub]:
    backend = Backend(load_backend_settings(home, **settings))
    credentials = backend.devices.enroll("hall-01")
    with BackgroundServer(backend) as server:
        yield Hub(backend, server, credentials, home)
