"""The kiosk's backend client against the reference backend on loopback: typed answers, and
each way a call fails becomes one clear error, in Chinese and in English."""

from __future__ import annotations

import hashlib
import socket
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from support.backend import Hub, image_bytes, new_order_body
from support.fault_proxy import FaultProxy
from support.sync import kiosk_client, unenrolled_credentials

from kiosk.backend_client.client import retry_after_seconds
from kiosk.backend_client.errors import Offline, Refused, Rejected, ServerFault
from kiosk.core.contract import Heartbeat, OrderCreate
from kiosk.core.domain.businesses import BusinessCode
from kiosk.core.domain.documents import DocumentKind


def test_a_subscriber_signs_in_orders_pays_and_the_kiosk_reads_the_ca(hub: Hub) -> None:
    with kiosk_client(hub.server.base_url, hub.credentials) as client:
        sent = client.send_sms_code("13900000001")
        assert sent.expires_in_s > 0
        session = client.sign_in("13900000001", hub.last_code("13900000001"))
        assert session.phone_masked == "139****0001"

        order = OrderCreate.model_validate(new_order_body(BusinessCode.NEW))
        created = client.create_order(order, session.token)
        assert created.created and created.order.status == "draft"
        assert not client.create_order(order, session.token).created  # the same UUID: the same order
        for kind in hub.backend.intake.required_documents(BusinessCode.NEW):
            picture = image_bytes("jpg")
            receipt = client.put_attachment(
                order.order_id, kind, picture, hashlib.sha256(picture).hexdigest(), session.token
            )
            assert receipt.document is kind and receipt.stored
        assert client.submit_order(order.order_id, 1, session.token).status == "awaiting_review"
        assert [o.order_id for o in client.list_orders(session.token)] == [order.order_id]
        assert [event.status for event in client.order_events(order.order_id, session.token).events] == [
            "draft",
            "awaiting_review",
        ]
        hub.backend.review.approve(str(order.order_id), "王审核")
        payment = client.create_payment(order.order_id, "alipay", session.token)
        assert client.sandbox_pay(payment.payment_id).status == "paid"
        assert client.get_payment(payment.payment_id, session.token).status == "paid"
        assert client.get_order(order.order_id, session.token).status == "awaiting_shipment"

        assert client.crl()[:1] == b"\x30"  # DER
        assert client.ca_chain().count("BEGIN CERTIFICATE") == 2
        assert client.heartbeat(Heartbeat(queue_depth=2)).server_time
        client.sign_out(session.token)
        with pytest.raises(Refused) as expired:
            client.list_orders(session.token)
    assert expired.value.say("zh") == "登录已过期，请重新登录"
    assert expired.value.say("en") and expired.value.say("en") != expired.value.say("zh")
    assert not expired.value.retryable


def test_a_refusal_with_reasons_keeps_the_fields_in_both_languages(hub: Hub) -> None:
    with kiosk_client(hub.server.base_url, hub.credentials) as client:
        client.send_sms_code("13900000002")
        with pytest.raises(Rejected) as wrong:
            real = hub.last_code("13900000002")
            client.sign_in("13900000002", "000000" if real != "000000" else "111111")
        assert wrong.value.status == 422 and not wrong.value.retryable
        assert wrong.value.fields["code"].startswith("验证码不正确，还可尝试")
        assert wrong.value.fields_en["code"].startswith("Wrong code")
        with pytest.raises(Rejected) as missing:
            client.get_order("00000000-0000-4000-8000-000000000000")
        assert missing.value.status == 404 and missing.value.say("zh") == "没有找到该订单"


def test_too_many_requests_is_worth_retrying_after_the_backends_wait(hub: Hub) -> None:
    with kiosk_client(hub.server.base_url, hub.credentials) as client:
        client.send_sms_code("13900000003")
        with pytest.raises(Rejected) as again:
            client.send_sms_code("13900000003")  # within the resend wait
    assert again.value.status == 429 and again.value.retryable
    assert again.value.retry_after_s is not None and again.value.retry_after_s >= 1


def test_a_revoked_kiosk_is_refused_with_a_message_for_staff(hub: Hub) -> None:
    hub.backend.devices.revoke("hall-01")
    with kiosk_client(hub.server.base_url, hub.credentials) as client, pytest.raises(Refused) as refused:
        client.list_orders()
    assert refused.value.status == 403 and not refused.value.retryable
    assert refused.value.summary().startswith("Refused 403")


def test_no_backend_is_offline_not_a_crash() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with (
        kiosk_client(f"http://127.0.0.1:{port}", unenrolled_credentials()) as client,
        pytest.raises(Offline) as offline,
    ):
        client.list_orders()
    assert offline.value.say("zh") == "连接不上后台，订单已保存在本机，联网后自动发送"
    assert offline.value.retryable


@pytest.mark.parametrize(
    ("fault", "kind", "zh"),
    [
        ("error_500_after", ServerFault, "后台暂时出现故障，稍后自动重试"),
        ("garbage", ServerFault, "后台的回答不符合约定，稍后自动重试"),
        ("drop_after", Offline, "连接不上后台，订单已保存在本机，联网后自动发送"),
        ("timeout", Offline, "后台没有及时回应，订单已保存在本机，稍后自动重试"),
    ],
)
def test_a_broken_answer_becomes_a_clear_error(hub: Hub, fault: str, kind: type[Exception], zh: str) -> None:
    # Only the timeout case waits less than the proxy holds; the others wait for the backend as
    # long as a busy machine may take (0.2 s for them made error_500_after read as Offline).
    read_timeout = 0.2 if fault == "timeout" else 10.0
    with (
        FaultProxy(hub.server.base_url, {fault: 1.0}, timeout_hold_s=0.5) as proxy,
        kiosk_client(proxy.base_url, hub.credentials, read_timeout=read_timeout) as client,
        pytest.raises(kind) as failed,
    ):
        client.list_orders()
    assert failed.value.say("zh") == zh  # type: ignore[attr-defined]
    assert failed.value.retryable  # type: ignore[attr-defined]


def test_an_upload_the_backend_refuses_says_why(hub: Hub) -> None:
    body = new_order_body(BusinessCode.NEW)
    with kiosk_client(hub.server.base_url, hub.credentials) as client:
        client.create_order(OrderCreate.model_validate(body))
        with pytest.raises(Rejected) as refused:
            client.put_attachment(body["order_id"], DocumentKind.HANDLER_ID, b"not a picture", "0" * 64)
    assert refused.value.code == "sha256_mismatch"
    assert refused.value.say("zh") == "文件在传输中损坏（校验值不符），请重新上传"


def test_retry_after_as_seconds_or_a_date() -> None:
    assert retry_after_seconds("7") == 7.0
    now = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    later = format_datetime(now + timedelta(seconds=90), usegmt=True)
    assert retry_after_seconds(later, now=now.timestamp()) == pytest.approx(90)
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None
    assert retry_after_seconds("-5") == 0.0
