"""Unlock grants over real HTTP: single use, at most five minutes, bound to the order's token;
11… tokens need hall staff first; the next SO PIN is promoted only on a reported change, and
an unreported one is offered first next time."""

from __future__ import annotations

from datetime import UTC, datetime

from support.backend import Hub, running_hub

from kiosk.core.domain.businesses import BusinessCode

SELF_SERVICE = "55AB6C951900350A"
ASSISTED = "11AB6C951900350C"


def unlock_order(hub: Hub, client, serial: str) -> str:
    hub.backend.tokens.register(serial, "12345678")
    order_id = hub.submitted_order(client, BusinessCode.UNLOCK, token_serial=serial)
    hub.backend.review.approve(order_id, "test")  # 在线解锁 costs a service fee
    payment = client.post(f"/v1/orders/{order_id}/payments", json={"channel": "wechat"}).json()
    client.post("/v1/sandbox/wallet/pay", json={"payment_id": payment["payment_id"]})
    assert client.get(f"/v1/orders/{order_id}").json()["status"] == "awaiting_unlock"
    return order_id


def test_a_grant_carries_the_so_pin_and_the_next_one(hub: Hub) -> None:
    with hub.client() as client:
        order_id = unlock_order(hub, client, SELF_SERVICE)
        answer = client.post(f"/v1/orders/{order_id}/unlock-grants", json={"token_serial": SELF_SERVICE})
        assert answer.status_code == 200, answer.text
        grant = answer.json()
        assert grant["so_pin_candidates"] == ["12345678"]
        assert len(grant["next_so_pin"]) == 8 and grant["next_so_pin"] != "12345678"
        lifetime = datetime.fromisoformat(grant["expires_at"]) - datetime.now(UTC)
        assert 0 < lifetime.total_seconds() <= 300

        done = client.post(
            f"/v1/unlock-grants/{grant['grant_id']}/result", json={"succeeded": True, "so_pin_changed": True}
        )
        assert done.status_code == 204
        assert hub.backend.tokens.so_pins(SELF_SERVICE) == [grant["next_so_pin"]]
        assert client.get(f"/v1/orders/{order_id}").json()["status"] == "completed"
        again = client.post(
            f"/v1/unlock-grants/{grant['grant_id']}/result", json={"succeeded": True, "so_pin_changed": True}
        )
        assert again.status_code == 409
        assert again.json()["message"] == "该解锁授权已使用"


def test_a_lost_report_offers_the_newer_pin_first(hub: Hub) -> None:
    with hub.client() as client:
        order_id = unlock_order(hub, client, SELF_SERVICE)
        first = client.post(
            f"/v1/orders/{order_id}/unlock-grants", json={"token_serial": SELF_SERVICE}
        ).json()
        # The key was pulled out after the SO PIN changed; no report came. Next time:
        second = client.post(
            f"/v1/orders/{order_id}/unlock-grants", json={"token_serial": SELF_SERVICE}
        ).json()
        assert second["so_pin_candidates"] == [first["next_so_pin"], "12345678"]
        # The first grant is void now.
        stale = client.post(
            f"/v1/unlock-grants/{first['grant_id']}/result", json={"succeeded": True, "so_pin_changed": True}
        )
        assert stale.status_code == 409
        client.post(
            f"/v1/unlock-grants/{second['grant_id']}/result",
            json={"succeeded": False, "so_pin_changed": False},
        )
        assert hub.backend.tokens.so_pins(SELF_SERVICE) == ["12345678"]
        assert client.get(f"/v1/orders/{order_id}").json()["status"] == "awaiting_unlock"


def test_a_grant_for_another_serial_is_refused(hub: Hub) -> None:
    with hub.client() as client:
        order_id = unlock_order(hub, client, SELF_SERVICE)
        answer = client.post(
            f"/v1/orders/{order_id}/unlock-grants", json={"token_serial": "56AB6C951900350B"}
        )
    assert answer.status_code == 403
    assert answer.json()["message"] == "插入的证书盘（芯片号56AB6C951900350B）不是该订单的证书盘"


def test_a_grant_for_an_order_that_is_not_approved_is_refused(hub: Hub) -> None:
    hub.backend.tokens.register(SELF_SERVICE, "12345678")
    with hub.client() as client:
        order_id = hub.submitted_order(client, BusinessCode.UNLOCK, token_serial=SELF_SERVICE)
        answer = client.post(f"/v1/orders/{order_id}/unlock-grants", json={"token_serial": SELF_SERVICE})
        other_business = hub.submitted_order(client, BusinessCode.CHANGE, token_serial=SELF_SERVICE)
        wrong = client.post(f"/v1/orders/{other_business}/unlock-grants", json={"token_serial": SELF_SERVICE})
    assert answer.status_code == 409 and answer.json()["message"] == "订单尚未审核通过，不能解锁"
    assert wrong.status_code == 409 and wrong.json()["message"] == "该订单不是解锁业务"


def test_an_assisted_token_needs_staff_first(hub: Hub) -> None:
    hub.backend.tokens.add_staff("S001", "赵工作", "864213")
    with hub.client() as client:
        order_id = unlock_order(hub, client, ASSISTED)
        refused = client.post(f"/v1/orders/{order_id}/unlock-grants", json={"token_serial": ASSISTED})
        assert refused.status_code == 403
        assert refused.json()["message"] == "该证书盘需由大厅工作人员授权后才能解锁"
        wrong_pin = client.post(
            f"/v1/orders/{order_id}/staff-authorisations", json={"staff_id": "S001", "staff_pin": "000000"}
        )
        assert wrong_pin.status_code == 403
        assert wrong_pin.json()["message"] == "工作人员工号或PIN不正确"
        ok = client.post(
            f"/v1/orders/{order_id}/staff-authorisations", json={"staff_id": "S001", "staff_pin": "864213"}
        )
        assert ok.status_code == 204
        granted = client.post(f"/v1/orders/{order_id}/unlock-grants", json={"token_serial": ASSISTED})
        assert granted.status_code == 200


def test_an_expired_grant_is_refused(tmp_path) -> None:
    with running_hub(tmp_path, grant_ttl_s=0) as hub, hub.client() as client:
        order_id = unlock_order(hub, client, SELF_SERVICE)
        grant = client.post(
            f"/v1/orders/{order_id}/unlock-grants", json={"token_serial": SELF_SERVICE}
        ).json()
        late = client.post(
            f"/v1/unlock-grants/{grant['grant_id']}/result", json={"succeeded": True, "so_pin_changed": False}
        )
    assert late.status_code == 409
    assert late.json()["message"] == "解锁授权已过期，请重新申请"


def test_so_pins_are_sealed_at_rest(hub: Hub) -> None:
    hub.backend.tokens.register(SELF_SERVICE, "87654321")
    with hub.backend.db.connect() as conn:
        conn.execute("pragma wal_checkpoint(truncate)")
    assert b"87654321" not in hub.backend.settings.database.read_bytes()
    assert hub.backend.tokens.so_pins(SELF_SERVICE) == ["87654321"]
