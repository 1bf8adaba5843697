"""Subscribers over real HTTP: register and sign in by SMS code; codes expire and die after wrong
tries; sending and guessing are rate-limited per phone and per device."""

from __future__ import annotations

import time

import pytest
from support.backend import Hub, running_hub

from ca_backend.errors import ApiError

PHONE = "13812345678"


def test_first_sign_in_registers_then_signs_in(tmp_path) -> None:
    with running_hub(tmp_path, sms_resend_after_s=0) as hub, hub.client() as client:
        sent = client.post("/v1/sms-codes", json={"phone": PHONE})
        assert sent.status_code == 200
        assert sent.json() == {"expires_in_s": 300, "resend_after_s": 0}
        answer = client.post("/v1/sessions", json={"phone": PHONE, "code": hub.last_code(PHONE)})
        assert answer.status_code == 200
        session = answer.json()
        assert session["registered"] is True
        assert session["phone_masked"] == "138****5678"
        second = hub.sign_in(PHONE)
        assert hub.backend.subscribers.from_token(second) is not None
        assert hub.backend.subscribers.from_token(session["token"]) is not None
        with hub.backend.db.connect() as conn:
            assert conn.execute("select count(*) from subscribers").fetchone()[0] == 1


def test_the_sms_tail_shows_the_message(hub: Hub) -> None:
    with hub.client() as client:
        client.post("/v1/sms-codes", json={"phone": PHONE})
    (message,) = hub.backend.subscribers.sent_messages()
    assert message["phone"] == PHONE
    assert "分钟内有效" in message["text"]


def test_a_wrong_code_says_how_many_tries_are_left_then_the_code_dies(hub: Hub) -> None:
    with hub.client() as client:
        client.post("/v1/sms-codes", json={"phone": PHONE})
        right = hub.last_code(PHONE)
        wrong = "000000" if right != "000000" else "111111"
        answer = client.post("/v1/sessions", json={"phone": PHONE, "code": wrong})
        assert answer.status_code == 422
        assert answer.json()["fields"]["code"] == "验证码不正确，还可尝试4次"
        assert answer.json()["fields_en"]["code"] == "Wrong code; 4 tries left"
        for _ in range(4):
            client.post("/v1/sessions", json={"phone": PHONE, "code": wrong})
        late = client.post("/v1/sessions", json={"phone": PHONE, "code": right})
    assert late.status_code == 422
    assert late.json()["message"] == "验证码已失效，请重新获取"


def test_a_malformed_phone_or_code_is_refused_with_the_field(hub: Hub) -> None:
    with hub.client() as client:
        answer = client.post("/v1/sms-codes", json={"phone": "1234"})
        assert answer.status_code == 422
        assert "phone" in answer.json()["fields"]
        answer = client.post("/v1/sessions", json={"phone": PHONE, "code": "12ab56"})
        assert answer.status_code == 422
        assert "code" in answer.json()["fields"]


def test_asking_again_too_soon_answers_429_with_retry_after(hub: Hub) -> None:
    with hub.client() as client:
        assert client.post("/v1/sms-codes", json={"phone": PHONE}).status_code == 200
        again = client.post("/v1/sms-codes", json={"phone": PHONE})
    assert again.status_code == 429
    assert 1 <= int(again.headers["Retry-After"]) <= 61
    assert again.json()["message"].startswith("验证码已发送，请")


def test_a_code_expires(tmp_path) -> None:
    with running_hub(tmp_path, sms_code_ttl_s=1) as hub:
        with hub.client() as client:
            client.post("/v1/sms-codes", json={"phone": PHONE})
        code = hub.last_code(PHONE)
        # The service takes the time as an argument: expiry is checked without waiting.
        with pytest.raises(ApiError) as refused:
            hub.backend.subscribers.sign_in(PHONE, code, "hall-01", now=time.time() + 2)
        assert refused.value.code == "code_expired"
        assert refused.value.message == "验证码已失效，请重新获取"


def test_codes_are_limited_per_device(tmp_path) -> None:
    with running_hub(tmp_path, sms_per_device_per_hour=3) as hub, hub.client() as client:
        for n in range(3):
            assert client.post("/v1/sms-codes", json={"phone": f"1390000000{n}"}).status_code == 200
        fourth = client.post("/v1/sms-codes", json={"phone": "13900000009"})
    assert fourth.status_code == 429
    assert fourth.json()["message"] == "本终端获取验证码过于频繁，请稍后再试"


def test_codes_are_limited_per_phone(tmp_path) -> None:
    with running_hub(tmp_path, sms_per_phone_per_hour=2, sms_resend_after_s=0) as hub, hub.client() as client:
        for _ in range(2):
            assert client.post("/v1/sms-codes", json={"phone": PHONE}).status_code == 200
        third = client.post("/v1/sms-codes", json={"phone": PHONE})
    assert third.status_code == 429
    assert third.json()["code"] == "rate_limited"


def test_wrong_codes_are_limited_per_device(tmp_path) -> None:
    with running_hub(tmp_path, wrong_codes_per_device_per_hour=2) as hub, hub.client() as client:
        client.post("/v1/sms-codes", json={"phone": PHONE})
        for _ in range(2):
            assert client.post("/v1/sessions", json={"phone": PHONE, "code": "999999"}).status_code in (422,)
        blocked = client.post("/v1/sessions", json={"phone": PHONE, "code": hub.last_code(PHONE)})
    assert blocked.status_code == 429
    assert blocked.json()["message"] == "本终端验证码错误次数过多，请稍后再试"


def test_phones_are_not_stored_in_clear(hub: Hub) -> None:
    hub.sign_in(PHONE)
    with hub.backend.db.connect() as conn:
        conn.execute("pragma wal_checkpoint(truncate)")
    raw = hub.backend.settings.database.read_bytes()
    assert PHONE.encode() not in raw
    assert PHONE.encode("utf-16-le") not in raw
