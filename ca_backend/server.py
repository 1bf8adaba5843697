"""Running the API: in the foreground (`ca-backend serve`) or on a background thread on a free
loopback port (tests, benches, the kiosk demo)."""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType

import uvicorn

from ca_backend.api import create_app
from ca_backend.backend import Backend

START_TIMEOUT_S = 20.0


def _config(backend: Backend, port: int) -> uvicorn.Config:
    return uvicorn.Config(
        create_app(backend),
        host=backend.settings.host,
        port=port,
        log_level="warning",
        access_log=False,
        lifespan="on",
    )


def serve(backend: Backend) -> None:
    uvicorn.Server(_config(backend, backend.settings.port)).run()


class BackgroundServer:
    """`with BackgroundServer(backend) as server:` — the API on 127.0.0.1:<free port> until the block ends."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Accepted connections inherit this on Linux. Without it, uvicorn on a socket handed to
        # it answers every request ~40 ms late (Nagle against the client's delayed ACK): it was
        # 44 ms per request here, 0.9 ms with it.
        self._socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._socket.bind(("127.0.0.1", 0))
        self.port = self._socket.getsockname()[1]
        backend.payments.public_url = self.base_url
        self._server = uvicorn.Server(_config(backend, self.port))
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> BackgroundServer:
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the reference backend did not start")
            time.sleep(0.01)  # uvicorn offers no start event; this polls its own flag
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._socket.close()

    def __enter__(self) -> BackgroundServer:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()
