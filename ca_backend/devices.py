"""Kiosk devices: enrolment (an Ed25519 key pair per kiosk), signed-request checks with replay
protection, revocation, heartbeats.

Why signed requests and not mTLS: the reference backend runs behind plain uvicorn on loopback
and in field hubs; an Ed25519 signature over the method, path, time, a nonce and the body's
digest authenticates every request the same way whatever sits in front, and a nonce table
refuses a replay within the time window."""

from __future__ import annotations

import base64
import binascii
import json
import time
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ca_backend.database import Database, now_iso
from ca_backend.errors import ApiError
from kiosk.core.contract import (
    HEADER_DEVICE,
    HEADER_NONCE,
    HEADER_SIGNATURE,
    HEADER_TIMESTAMP,
    SIGNATURE_WINDOW_S,
    Heartbeat,
    string_to_sign,
)
from kiosk.core.i18n import Text
from kiosk.core.signing import DeviceCredentials

DEVICE_ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,39}$"


def unauthenticated(message: Text) -> ApiError:
    return ApiError(401, "unauthenticated", message)


class Devices:
    def __init__(self, db: Database) -> None:
        self.db = db

    def enroll(self, device_id: str) -> DeviceCredentials:
        key = Ed25519PrivateKey.generate()
        public = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        with self.db.write() as conn:
            conn.execute(
                "insert into devices (device_id, public_key, status, enrolled_at) values (?, ?, 'active', ?)"
                " on conflict (device_id) do update set public_key = excluded.public_key,"
                " status = 'active', enrolled_at = excluded.enrolled_at",
                (device_id, public, now_iso()),
            )
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()
        return DeviceCredentials(device_id, pem)

    def revoke(self, device_id: str) -> bool:
        with self.db.write() as conn:
            return (
                conn.execute(
                    "update devices set status = 'revoked' where device_id = ?", (device_id,)
                ).rowcount
                > 0
            )

    def verify(
        self,
        method: str,
        path_and_query: str,
        headers: dict[str, str],
        body: bytes,
        *,
        now: float | None = None,
    ) -> str:
        """The device id of a correctly signed, fresh, first-seen request; else ApiError 401/403."""
        device_id = headers.get(HEADER_DEVICE.lower())
        timestamp = headers.get(HEADER_TIMESTAMP.lower())
        nonce = headers.get(HEADER_NONCE.lower())
        signature = headers.get(HEADER_SIGNATURE.lower())
        if not (device_id and timestamp and nonce and signature):
            raise unauthenticated(Text("请求缺少设备凭证"))
        now = time.time() if now is None else now
        try:
            sent_at = float(timestamp)
            raw_signature = base64.b64decode(signature, validate=True)
        except (ValueError, binascii.Error):
            raise unauthenticated(Text("设备凭证格式不正确")) from None
        if abs(now - sent_at) > SIGNATURE_WINDOW_S:
            raise unauthenticated(Text("请求时间与服务器相差过大，请校准终端时钟"))
        if not 16 <= len(nonce) <= 64:
            raise unauthenticated(Text("设备凭证格式不正确"))
        with self.db.connect() as conn:
            row = conn.execute(
                "select public_key, status from devices where device_id = ?", (device_id,)
            ).fetchone()
        if row is None:
            raise ApiError(403, "unknown_device", Text("终端未登记"))
        if row["status"] != "active":
            raise ApiError(403, "device_revoked", Text("终端已被停用"))
        try:
            Ed25519PublicKey.from_public_bytes(row["public_key"]).verify(
                raw_signature, string_to_sign(method, path_and_query, timestamp, nonce, body)
            )
        except InvalidSignature:
            raise unauthenticated(Text("设备签名不正确")) from None
        with self.db.write() as conn:
            conn.execute("delete from nonces where seen_at < ?", (now - 2 * SIGNATURE_WINDOW_S,))
            seen = conn.execute(
                "insert or ignore into nonces (device_id, nonce, seen_at) values (?, ?, ?)",
                (device_id, nonce, now),
            )
            if seen.rowcount == 0:
                raise unauthenticated(Text("重复的请求已被拒绝"))
        return device_id

    def heartbeat(self, device_id: str, beat: Heartbeat) -> None:
        with self.db.write() as conn:
            conn.execute(
                "update devices set last_seen = ?, heartbeat = ? where device_id = ?",
                (now_iso(), beat.model_dump_json(), device_id),
            )

    def listing(self) -> list[dict[str, Any]]:
        with self.db.connect() as conn:
            rows = conn.execute(
                "select device_id, status, enrolled_at, last_seen, heartbeat from devices order by device_id"
            )
            return [
                {**dict(row), "heartbeat": json.loads(row["heartbeat"]) if row["heartbeat"] else None}
                for row in rows
            ]
