"""Backend ingest over loopback: order creations per second, then attachment ingest (MB/s)
against a bare uvicorn endpoint that only reads the body, measured in the same run.

Prints `orders_per_s=…`, the baseline, and last `ingest_mb_per_s=<x>`.
"""

from __future__ import annotations

import os
import socket
import statistics
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ca_backend.backend import Backend
from ca_backend.config import load_backend_settings
from ca_backend.server import BackgroundServer
from kiosk.core.signing import DeviceAuth, RequestSigner

ORDERS = int(os.environ.get("INGEST_ORDERS", "200"))
UPLOADS = int(os.environ.get("INGEST_UPLOADS", "24"))
UPLOAD_BYTES = 2_500_000  # a typical captured A4 page under the 3 MB cap
WORKERS = 4
ROUNDS = 3


def jpeg_like(n: int) -> bytes:
    return b"\xff\xd8\xff\xe0" + os.urandom(n - 4)


def order_body() -> dict[str, object]:
    return {
        "order_id": str(uuid.uuid4()),
        "business": "reissue",
        "form": {},
        "project": None,
        "created_at": datetime.now(UTC).isoformat(),
    }


def create_orders(base_url: str, auth: DeviceAuth) -> tuple[float, list[str]]:
    bodies = [order_body() for _ in range(ORDERS)]

    def send(chunk: list[dict[str, object]]) -> None:
        with httpx.Client(base_url=base_url, auth=auth, timeout=60) as client:
            for body in chunk:
                assert client.post("/v1/orders", json=body).status_code == 201

    chunks = [bodies[i::WORKERS] for i in range(WORKERS)]
    started = time.perf_counter()
    with ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(send, chunks))
    return ORDERS / (time.perf_counter() - started), [str(body["order_id"]) for body in bodies]


def upload(base_url: str, auth: DeviceAuth | None, paths: list[str], payloads: list[bytes]) -> float:
    def send(pairs: list[tuple[str, bytes]]) -> None:
        with httpx.Client(base_url=base_url, auth=auth, timeout=60) as client:
            for path, data in pairs:
                assert client.put(path, content=data).status_code == 200

    pairs = list(zip(paths, payloads, strict=True))
    started = time.perf_counter()
    with ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(send, [pairs[i::WORKERS] for i in range(WORKERS)]))
    return sum(len(p) for p in payloads) / 1e6 / (time.perf_counter() - started)


class BareServer:
    """The baseline: uvicorn with one route that reads the body and answers 200."""

    def __init__(self) -> None:
        async def sink(request: Request) -> Response:
            await request.body()
            return Response(b"{}", media_type="application/json")

        app = Starlette(routes=[Route("/sink/{n}", sink, methods=["PUT"])])
        self.socket = socket.socket()
        self.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # as BackgroundServer does
        self.socket.bind(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> BareServer:
        self.thread.start()
        while not self.server.started:
            time.sleep(0.01)
        return self

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join()


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="ingest-") as home:
        backend = Backend(load_backend_settings(Path(home)))
        auth = DeviceAuth(RequestSigner(backend.devices.enroll("bench")))
        with BackgroundServer(backend) as server, BareServer() as bare:
            orders_per_s, order_ids = create_orders(server.base_url, auth)
            kiosk_rates, bare_rates = [], []
            for round_ in range(ROUNDS):
                payloads = [jpeg_like(UPLOAD_BYTES) for _ in range(UPLOADS)]
                ids = order_ids[round_ * UPLOADS : (round_ + 1) * UPLOADS]
                paths = [f"/v1/orders/{order_id}/attachments/handler_id" for order_id in ids]
                sinks = [f"/sink/{n}" for n in range(UPLOADS)]
                bare_rates.append(upload(bare.base_url, None, sinks, payloads))
                kiosk_rates.append(upload(server.base_url, auth, paths, payloads))
    ingest, baseline = statistics.median(kiosk_rates), statistics.median(bare_rates)
    print(f"orders={ORDERS} workers={WORKERS} orders_per_s={orders_per_s:.0f}")
    print(
        f"uploads={UPLOADS}x{UPLOAD_BYTES} rounds={ROUNDS} bare_uvicorn_mb_per_s={baseline:.1f} "
        f"ratio_to_bare={ingest / baseline:.2f}"
    )
    print(f"ingest_mb_per_s={ingest:.1f}")


if __name__ == "__main__":
    main()
