"""The payment sandbox over real HTTP: amounts from the catalog, free businesses skip payment,
signed callbacks (forged ones refused, repeated ones harmless), expiry."""

from __future__ import annotations

from datetime import UTC, datetime

from support.backend import Hub, running_hub

from kiosk.core.domain.businesses import BUSINESSES, BusinessCode
from kiosk.core.domain.catalog import ProjectSelection, load_catalog
from kiosk.core.domain.fees import quote


def approved_order(hub: Hub, client, code: BusinessCode, **extra) -> str:
    order_id = hub.submitted_order(client, code, **extra)
    hub.backend.review.approve(order_id, "test")
    return order_id


def test_the_amount_comes_from_the_catalog(hub: Hub) -> None:
    with hub.client() as client:
        order_id = approved_order(hub, client, BusinessCode.NEW)
        payment = client.post(f"/v1/orders/{order_id}/payments", json={"channel": "alipay"}).json()
        # The same QR while it is valid.
        again = client.post(f"/v1/orders/{order_id}/payments", json={"channel": "alipay"}).json()
    catalog = load_catalog()
    from support.backend import project_for

    project = project_for(BusinessCode.NEW)
    assert project is not None
    selection = ProjectSelection.from_json(project)
    expected = quote(BUSINESSES[BusinessCode.NEW], catalog, selection.certificate_types).total_fen
    assert payment["amount_fen"] == expected > 0
    assert again["payment_id"] == payment["payment_id"]
    with hub.anonymous() as phone:
        page = phone.get(payment["code_url"].removeprefix(hub.server.base_url))
    assert page.status_code == 200 and page.json()["amount_fen"] == expected


def test_a_free_business_skips_payment(hub: Hub) -> None:
    with hub.client() as client:
        revoke_id = hub.submitted_order(client, BusinessCode.REVOKE)
        view = hub.backend.review.approve(revoke_id, "test")
        assert view.status.value == "completed"
        answer = client.post(f"/v1/orders/{revoke_id}/payments", json={"channel": "wechat"})
    assert answer.status_code == 409
    assert answer.json()["message"] == "该业务免费，无需付款"


def test_a_forged_callback_is_refused_and_a_repeated_one_is_harmless(hub: Hub) -> None:
    with hub.client() as client:
        order_id = approved_order(hub, client, BusinessCode.NEW)
        payment = client.post(f"/v1/orders/{order_id}/payments", json={"channel": "wechat"}).json()
    paid_at = datetime.now(UTC)
    notice = {
        "payment_id": payment["payment_id"],
        "amount_fen": payment["amount_fen"],
        "paid_at": paid_at.isoformat(),
        "transaction_id": "txn_1",
        "signature": "0" * 64,
    }
    with hub.anonymous() as provider:
        forged = provider.post("/v1/payments/callback", json=notice)
        assert forged.status_code == 401
        assert forged.json()["message"] == "支付通知签名不正确"
        notice["signature"] = hub.backend.payments.sign(
            payment["payment_id"], payment["amount_fen"], paid_at.isoformat(), "txn_1"
        )
        first = provider.post("/v1/payments/callback", json=notice)
        second = provider.post("/v1/payments/callback", json=notice)
    assert first.status_code == second.status_code == 200
    assert first.json()["status"] == second.json()["status"] == "paid"
    with hub.client() as client:
        events = client.get(f"/v1/orders/{order_id}/events").json()["events"]
    assert [e["status"] for e in events].count("awaiting_shipment") == 1


def test_an_unpaid_payment_expires(tmp_path) -> None:
    with running_hub(tmp_path, payment_ttl_s=0) as hub, hub.client() as client:
        order_id = approved_order(hub, client, BusinessCode.NEW)
        payment = client.post(f"/v1/orders/{order_id}/payments", json={"channel": "wechat"}).json()
        assert client.get(f"/v1/payments/{payment['payment_id']}").json()["status"] == "expired"
        late = client.post("/v1/sandbox/wallet/pay", json={"payment_id": payment["payment_id"]})
        assert late.status_code == 409
        assert late.json()["message"] == "支付已超时，请重新发起付款"
        assert client.get(f"/v1/orders/{order_id}").json()["status"] == "awaiting_payment"
        fresh = client.post(f"/v1/orders/{order_id}/payments", json={"channel": "wechat"}).json()
        assert fresh["payment_id"] != payment["payment_id"]


def test_a_payment_before_approval_is_refused(hub: Hub) -> None:
    with hub.client() as client:
        order_id = hub.submitted_order(client, BusinessCode.NEW)
        answer = client.post(f"/v1/orders/{order_id}/payments", json={"channel": "wechat"})
        bad_channel = client.post(f"/v1/orders/{order_id}/payments", json={"channel": "cash"})
    assert answer.status_code == 409
    assert answer.json()["message"] == "订单当前状态不能付款"
    assert bad_channel.status_code == 422
