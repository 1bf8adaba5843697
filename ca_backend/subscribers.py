"""Subscribers: sign-in (and registration on first sign-in) by mobile number and SMS code.

The reference SMS sender records each message instead of sending it (`ca-backend sms tail`).
Codes expire, die after a few wrong tries, and sending and guessing are rate-limited per phone
and per device. Phones are kept sealed; lookups go by a keyed hash."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from ca_backend.config import BackendSettings
from ca_backend.database import Database, now_iso
from ca_backend.errors import ApiError
from kiosk.core.contract import SmsCodeSent, SubscriberSession
from kiosk.core.domain.forms import Masking
from kiosk.core.domain.masking import mask
from kiosk.core.i18n import Text
from kiosk.core.sealing import Sealer

HOUR = 3600.0


@dataclass(frozen=True)
class Subscriber:
    id: int
    phone: str


def too_many(message: Text, retry_after_s: float) -> ApiError:
    return ApiError(429, "rate_limited", message, retry_after_s=max(int(retry_after_s) + 1, 1))


class Subscribers:
    def __init__(self, db: Database, settings: BackendSettings, sealer: Sealer, lookup_key: bytes) -> None:
        self.db = db
        self.settings = settings
        self.sealer = sealer
        self.lookup_key = lookup_key

    def phone_key(self, phone: str) -> str:
        return hmac.new(self.lookup_key, phone.encode(), hashlib.sha256).hexdigest()

    # --- SMS codes ------------------------------------------------------------------------------
    def send_code(self, phone: str, device_id: str, *, now: float | None = None) -> SmsCodeSent:
        now = time.time() if now is None else now
        settings = self.settings
        key = self.phone_key(phone)
        with self.db.write() as conn:
            row = conn.execute("select sent_at from sms_codes where phone_key = ?", (key,)).fetchone()
            if row is not None and now - row["sent_at"] < settings.sms_resend_after_s:
                wait = settings.sms_resend_after_s - (now - row["sent_at"])
                raise too_many(Text("验证码已发送，请{seconds}秒后再试", seconds=int(wait) + 1), wait)
            self._limit(
                conn,
                f"sms-phone:{key}",
                settings.sms_per_phone_per_hour,
                now,
                Text("该号码今日获取验证码次数过多，请稍后再试"),
            )
            self._limit(
                conn,
                f"sms-device:{device_id}",
                settings.sms_per_device_per_hour,
                now,
                Text("本终端获取验证码过于频繁，请稍后再试"),
            )
            code = f"{secrets.randbelow(10**6):06d}"
            conn.execute(
                "insert into sms_codes (phone_key, code_hash, expires_at, attempts, sent_at) values"
                " (?, ?, ?, 0, ?)"
                " on conflict (phone_key) do update set code_hash = excluded.code_hash,"
                " expires_at = excluded.expires_at, attempts = 0, sent_at = excluded.sent_at",
                (key, self._code_hash(key, code), now + settings.sms_code_ttl_s, now),
            )
            minutes = settings.sms_code_ttl_s // 60
            self.record_sms(
                conn, phone, f"【数字证书】您的验证码是{code}，{minutes}分钟内有效。请勿告诉他人。"
            )
            self._note(conn, f"sms-phone:{key}", now)
            self._note(conn, f"sms-device:{device_id}", now)
        return SmsCodeSent(expires_in_s=settings.sms_code_ttl_s, resend_after_s=settings.sms_resend_after_s)

    def sign_in(
        self, phone: str, code: str, device_id: str, *, now: float | None = None
    ) -> SubscriberSession:
        now = time.time() if now is None else now
        settings = self.settings
        key = self.phone_key(phone)
        wrong: ApiError | None = None
        with self.db.write() as conn:
            self._limit(
                conn,
                f"wrong-code-device:{device_id}",
                settings.wrong_codes_per_device_per_hour,
                now,
                Text("本终端验证码错误次数过多，请稍后再试"),
            )
            row = conn.execute("select * from sms_codes where phone_key = ?", (key,)).fetchone()
            if row is None or row["expires_at"] < now or row["attempts"] >= settings.code_attempts:
                raise ApiError(
                    422,
                    "code_expired",
                    Text("验证码已失效，请重新获取"),
                    {"code": Text("验证码已失效，请重新获取")},
                )
            if not hmac.compare_digest(row["code_hash"], self._code_hash(key, code)):
                conn.execute("update sms_codes set attempts = attempts + 1 where phone_key = ?", (key,))
                self._note(conn, f"wrong-code-device:{device_id}", now)
                left = settings.code_attempts - row["attempts"] - 1
                message = (
                    Text("验证码不正确，还可尝试{count}次", count=left)
                    if left > 0
                    else Text("验证码已失效，请重新获取")
                )
                wrong = ApiError(422, "wrong_code", message, {"code": message})
        if wrong is not None:
            raise wrong  # after the commit: the wrong try counts
        with self.db.write() as conn:
            conn.execute("delete from sms_codes where phone_key = ?", (key,))
            subscriber_id, registered = self.account_for(conn, phone)
            token = secrets.token_urlsafe(32)
            conn.execute(
                "insert into sessions (token_hash, subscriber_id, expires_at) values (?, ?, ?)",
                (_token_hash(token), subscriber_id, now + settings.session_ttl_s),
            )
        return SubscriberSession(
            token=token,
            phone_masked=mask(phone, Masking.PHONE),
            expires_at=datetime.fromtimestamp(now + settings.session_ttl_s, UTC),
            registered=registered,
        )

    def account_for(self, conn: sqlite3.Connection, phone: str) -> tuple[int, bool]:
        """The account of this (verified) phone, made on first use; True when it was made now."""
        key = self.phone_key(phone)
        row = conn.execute("select id from subscribers where phone_key = ?", (key,)).fetchone()
        if row is not None:
            return int(row["id"]), False
        cursor = conn.execute(
            "insert into subscribers (phone_key, phone_sealed, created_at) values (?, ?, ?)",
            (key, self.sealer.seal(phone.encode(), f"phone:{key}"), now_iso()),
        )
        return int(cursor.lastrowid or 0), True

    def from_token(self, token: str, *, now: float | None = None) -> Subscriber | None:
        now = time.time() if now is None else now
        with self.db.connect() as conn:
            row = conn.execute(
                "select s.id, s.phone_key, s.phone_sealed from sessions join subscribers s on s.id ="
                " subscriber_id"
                " where token_hash = ? and expires_at > ?",
                (_token_hash(token), now),
            ).fetchone()
        if row is None:
            return None
        phone = self.sealer.open(row["phone_sealed"], f"phone:{row['phone_key']}").decode()
        return Subscriber(row["id"], phone)

    def sign_out(self, token: str) -> None:
        with self.db.write() as conn:
            conn.execute("delete from sessions where token_hash = ?", (_token_hash(token),))

    # --- the reference SMS sender ---------------------------------------------------------------
    def record_sms(self, conn: sqlite3.Connection, phone: str, text: str) -> None:
        """What the reference sender 'sends': kept sealed, like every phone number here."""
        sealed = self.sealer.seal(phone.encode(), "sms-phone")
        conn.execute(
            "insert into sms_messages (phone, text, sent_at) values (?, ?, ?)", (sealed, text, now_iso())
        )

    def sent_messages(self, limit: int = 20) -> list[dict[str, str]]:
        with self.db.connect() as conn:
            rows = conn.execute("select * from sms_messages order by id desc limit ?", (limit,)).fetchall()
        return [
            {
                "phone": self.sealer.open(row["phone"], "sms-phone").decode(),
                "text": row["text"],
                "sent_at": row["sent_at"],
            }
            for row in reversed(rows)
        ]

    # --- helpers --------------------------------------------------------------------------------
    def _code_hash(self, phone_key: str, code: str) -> str:
        return hmac.new(self.lookup_key, f"{phone_key}:{code}".encode(), hashlib.sha256).hexdigest()

    @staticmethod
    def _limit(conn: sqlite3.Connection, key: str, per_hour: int, now: float, message: Text) -> None:
        rows = conn.execute(
            "select at from rate_events where key = ? and at > ? order by at", (key, now - HOUR)
        ).fetchall()
        if len(rows) >= per_hour:
            raise too_many(message, rows[0]["at"] + HOUR - now)

    @staticmethod
    def _note(conn: sqlite3.Connection, key: str, now: float) -> None:
        conn.execute("delete from rate_events where key = ? and at <= ?", (key, now - HOUR))
        conn.execute("insert into rate_events (key, at) values (?, ?)", (key, now))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
