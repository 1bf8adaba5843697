"""`ca-backend` as staff and operators use it: enrol, review, ship, register, read the SMS and
notifications, and the committed OpenAPI document matches the code."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from support.backend import Hub, running_hub
from support.paths import ROOT

from ca_backend.api import create_app
from kiosk.core.domain.businesses import BusinessCode


def ca_backend(home: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ca_backend.cli", "--home", str(home), *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )


def test_review_ship_and_read_what_was_sent(tmp_path) -> None:
    home = tmp_path / "backend"
    with running_hub(home) as hub, hub.client() as client:
        order_id = hub.submitted_order(client, BusinessCode.NEW)
        listed = ca_backend(home, "review", "list")
        assert order_id in listed.stdout
        shown = ca_backend(home, "review", "show", order_id)
        assert "awaiting_review" in shown.stdout and "东方中讯" in shown.stdout
        rejected = ca_backend(
            home,
            "review",
            "reject",
            order_id,
            "--reason",
            "公章不清晰",
            "--document",
            "business_licence=请重新拍摄",
        )
        assert rejected.returncode == 0 and rejected.stdout.strip() == "rejected"
        view = client.get(f"/v1/orders/{order_id}").json()
        assert view["rejection"] == {
            "reason": "公章不清晰",
            "fields": {},
            "documents": {"business_licence": "请重新拍摄"},
        }
        assert client.post(f"/v1/orders/{order_id}/submit", json={"revision": 2}).status_code == 200
        assert ca_backend(home, "review", "approve", order_id).stdout.strip() == "awaiting_payment"
        payment = client.post(f"/v1/orders/{order_id}/payments", json={"channel": "wechat"}).json()
        client.post("/v1/sandbox/wallet/pay", json={"payment_id": payment["payment_id"]})
        shipped = ca_backend(home, "ship", order_id, "--carrier", "EMS", "--tracking", "1180000000001")
        assert shipped.stdout.strip() == "completed"
        assert client.get(f"/v1/orders/{order_id}").json()["shipment"]["tracking_number"] == "1180000000001"
    notes = ca_backend(home, "notifications").stdout
    assert "审核驳回" in notes and "136****0000" in notes and "13600000000" not in notes
    sms = ca_backend(home, "sms", "tail", "-n", "3").stdout
    assert "EMS" in sms


def test_enrol_revoke_register_and_list_devices(tmp_path) -> None:
    home = tmp_path / "backend"
    enrolled = ca_backend(home, "device", "enroll", "hall-07", "--out", str(tmp_path / "hall-07.json"))
    assert enrolled.returncode == 0
    assert (tmp_path / "hall-07.json").stat().st_mode & 0o077 == 0
    assert "hall-07" in ca_backend(home, "devices").stdout
    assert ca_backend(home, "device", "revoke", "hall-07").returncode == 0
    assert "revoked" in ca_backend(home, "devices").stdout
    assert ca_backend(home, "device", "revoke", "nobody").returncode == 1
    assert ca_backend(home, "token", "register", "55AB6C951900350A", stdin="11223344\n").returncode == 0
    assert ca_backend(home, "staff", "add", "S002", "--name", "钱工作", stdin="135790\n").returncode == 0
    from ca_backend.backend import Backend
    from ca_backend.config import load_backend_settings

    backend = Backend(load_backend_settings(home))
    assert backend.tokens.so_pins("55AB6C951900350A") == ["11223344"]


def test_a_refused_command_says_why(hub: Hub) -> None:
    result = ca_backend(hub.home, "review", "approve", "00000000-0000-0000-0000-000000000000")
    assert result.returncode == 1
    assert "No such order" in result.stderr and "没有找到该订单" in result.stderr


def test_the_committed_openapi_document_is_current(hub: Hub) -> None:
    committed = json.loads((ROOT / "docs" / "openapi.json").read_text())
    assert committed == json.loads(json.dumps(create_app(hub.backend).openapi())), (
        "docs/openapi.json is stale: run `ca-backend openapi --out docs/openapi.json`"
    )


def test_serve_listens_on_loopback_and_auto_approves(tmp_path) -> None:
    """`ca-backend serve` as the demo runs it: a port from the command line, the demo review policy."""
    import socket
    import time

    import httpx
    from support.backend import new_order_body

    from ca_backend.backend import Backend
    from ca_backend.config import load_backend_settings
    from kiosk.core.signing import DeviceAuth, RequestSigner

    home = tmp_path / "backend"
    backend = Backend(load_backend_settings(home))
    credentials = backend.devices.enroll("hall-01")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ca_backend.cli",
            "--home",
            str(home),
            "serve",
            "--port",
            str(port),
            "--auto-approve-after",
            "0",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        assert server.stdout.readline().strip() == f"ca-backend on http://127.0.0.1:{port}"
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        with httpx.Client(base_url=base, auth=DeviceAuth(RequestSigner(credentials)), timeout=10) as client:
            while True:  # the banner comes before the socket is bound: wait for it to answer
                try:
                    client.get("/v1/crl")
                    break
                except httpx.ConnectError:
                    assert time.monotonic() < deadline, "ca-backend serve never answered"
            body = new_order_body(BusinessCode.CHANGE, token_serial="55AB6C951900350A")
            client.post("/v1/orders", json=body)
            from support.backend import image_bytes

            for kind in backend.intake.required_documents(BusinessCode.CHANGE):
                client.put(
                    f"/v1/orders/{body['order_id']}/attachments/{kind.value}", content=image_bytes("jpg")
                )
            assert (
                client.post(f"/v1/orders/{body['order_id']}/submit", json={"revision": 1}).status_code == 200
            )
            while (
                status := client.get(f"/v1/orders/{body['order_id']}").json()["status"]
            ) == "awaiting_review":
                assert time.monotonic() < deadline, "the demo policy never approved"
            assert status == "awaiting_download"
        with socket.socket() as outside:  # bound to 127.0.0.1 only: another address is refused
            assert outside.connect_ex(("127.0.0.2", port)) != 0
    finally:
        server.terminate()
        server.wait(timeout=10)
