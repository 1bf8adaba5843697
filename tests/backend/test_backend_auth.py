"""Device authentication over real HTTP: no credentials, unknown, revoked, forged, stale and
replayed requests are refused; a signed request goes through."""

from __future__ import annotations

import time

import httpx
from support.backend import Hub

from kiosk.core.contract import HEADER_TIMESTAMP
from kiosk.core.signing import RequestSigner


def test_a_signed_request_goes_through(hub: Hub) -> None:
    with hub.client() as client:
        answer = client.post("/v1/devices/heartbeat", json={"queue_depth": 3, "health": {"printer": "idle"}})
    assert answer.status_code == 200
    (device,) = hub.backend.devices.listing()
    assert device["device_id"] == "hall-01"
    assert device["heartbeat"]["queue_depth"] == 3
    assert device["last_seen"] is not None


def test_no_credentials_answers_401_with_a_message(hub: Hub) -> None:
    with hub.anonymous() as client:
        answer = client.get("/v1/orders")
    assert answer.status_code == 401
    problem = answer.json()
    assert problem["message"] == "请求缺少设备凭证"
    assert problem["message_en"] == "The request carries no device credentials"


def test_unknown_and_revoked_devices_answer_403(hub: Hub, tmp_path) -> None:
    stranger = hub.backend.devices.enroll("stranger")
    with hub.backend.db.write() as conn:
        conn.execute("delete from devices where device_id = 'stranger'")
    with hub.client(stranger) as client:
        answer = client.get("/v1/orders")
    assert answer.status_code == 403
    assert answer.json()["code"] == "unknown_device"

    assert hub.backend.devices.revoke("hall-01")
    with hub.client() as client:
        answer = client.get("/v1/orders")
    assert answer.status_code == 403
    assert answer.json()["message"] == "终端已被停用"


def test_a_forged_signature_answers_401(hub: Hub) -> None:
    impostor = hub.backend.devices.enroll("impostor")
    signer = RequestSigner(impostor)
    headers = signer.headers("GET", "/v1/orders", b"")
    headers["X-Kiosk-Device"] = "hall-01"  # someone else's key, our name
    with hub.anonymous() as client:
        answer = client.get("/v1/orders", headers=headers)
    assert answer.status_code == 401
    assert answer.json()["message"] == "设备签名不正确"


def test_a_replayed_request_is_refused(hub: Hub) -> None:
    signer = RequestSigner(hub.credentials)
    body = b'{"queue_depth": 1}'
    headers = {**signer.headers("POST", "/v1/devices/heartbeat", body), "Content-Type": "application/json"}
    with hub.anonymous() as client:
        first = client.post("/v1/devices/heartbeat", content=body, headers=headers)
        again = client.post("/v1/devices/heartbeat", content=body, headers=headers)
    assert first.status_code == 200
    assert again.status_code == 401
    assert again.json()["message"] == "重复的请求已被拒绝"


def test_a_stale_request_is_refused(hub: Hub) -> None:
    signer = RequestSigner(hub.credentials)
    headers = signer.headers("GET", "/v1/orders", b"")
    headers[HEADER_TIMESTAMP] = str(
        int(time.time()) - 3600
    )  # also breaks the signature; time is checked first
    with hub.anonymous() as client:
        answer = client.get("/v1/orders", headers=headers)
    assert answer.status_code == 401
    assert "时钟" in answer.json()["message"]


def test_a_tampered_body_is_refused(hub: Hub) -> None:
    signer = RequestSigner(hub.credentials)
    headers = {
        **signer.headers("POST", "/v1/devices/heartbeat", b'{"queue_depth": 1}'),
        "Content-Type": "application/json",
    }
    with hub.anonymous() as client:
        answer = client.post("/v1/devices/heartbeat", content=b'{"queue_depth": 9}', headers=headers)
    assert answer.status_code == 401


def test_the_credentials_file_is_private(hub: Hub, tmp_path) -> None:
    from kiosk.core.signing import CredentialsError, DeviceCredentials

    path = tmp_path / "device.json"
    hub.credentials.save(path)
    assert path.stat().st_mode & 0o077 == 0
    assert DeviceCredentials.load(path) == hub.credentials
    path.chmod(0o644)
    try:
        DeviceCredentials.load(path)
        raise AssertionError("a world-readable key was accepted")
    except CredentialsError as error:
        assert "chmod 600" in str(error)


def test_servers_listen_on_loopback_only(hub: Hub) -> None:
    assert hub.backend.settings.host == "127.0.0.1"
    assert httpx.get(f"{hub.server.base_url}/v1/crl").status_code == 200
