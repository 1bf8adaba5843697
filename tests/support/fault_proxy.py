"""An HTTP proxy on 127.0.0.1 that breaks some of the requests it passes to the reference
backend, the ways a hall's network and a busy CA break them.

Each request gets one fault from the plan:
- ok: passed through;
- error_503: answered 503 with Retry-After, never reaching the backend;
- error_500_after: the backend acts, the kiosk is told 500;
- drop_before: the connection closes before the backend sees the request;
- drop_after: the backend acts, the connection closes before the answer (answer lost);
- timeout: the backend acts, the answer comes later than the kiosk waits;
- slow: the answer comes late but within the kiosk's patience;
- garbage: the backend acts, the answer is not the contract's JSON.
The faults that happen *after* the backend acted are the ones that test "exactly once".
"""

from __future__ import annotations

import collections
import random
import socket
import threading
import time
from collections.abc import Sequence
from types import TracebackType

import h11
import httpx

FAULTS = ("ok", "error_503", "error_500_after", "drop_before", "drop_after", "timeout", "slow", "garbage")
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


class FaultProxy:
    def __init__(
        self,
        upstream: str,
        weights: dict[str, float],
        *,
        seed: int = 7,
        timeout_hold_s: float = 1.5,
        slow_s: float = 0.2,
    ) -> None:
        unknown = set(weights) - set(FAULTS)
        assert not unknown, unknown
        self.upstream = httpx.Client(base_url=upstream, timeout=30)
        self._kinds: Sequence[str] = list(weights)
        self._weights = [weights[kind] for kind in self._kinds]
        self._rng = random.Random(seed)
        self._rng_lock = threading.Lock()
        self.timeout_hold_s = timeout_hold_s
        self.slow_s = slow_s
        self.counts: collections.Counter[str] = collections.Counter()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._closing = threading.Event()
        self._threads: list[threading.Thread] = []

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> FaultProxy:
        thread = threading.Thread(target=self._accept, daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._closing.set()
        self._listener.close()
        self.upstream.close()

    def _choose(self) -> str:
        with self._rng_lock:
            fault = self._rng.choices(self._kinds, self._weights)[0]
            self.counts[fault] += 1
        return fault

    def _accept(self) -> None:
        while not self._closing.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, sock: socket.socket) -> None:
        conn = h11.Connection(h11.SERVER)
        try:
            while True:
                request, body = self._read_request(sock, conn)
                if request is None:
                    return
                if not self._answer(sock, conn, request, body):
                    return
                if conn.our_state is h11.MUST_CLOSE or conn.their_state is h11.MUST_CLOSE:
                    return
                conn.start_next_cycle()
        except (OSError, h11.ProtocolError):
            return
        finally:
            sock.close()

    @staticmethod
    def _read_request(sock: socket.socket, conn: h11.Connection) -> tuple[h11.Request | None, bytes]:
        request: h11.Request | None = None
        body = bytearray()
        while True:
            event = conn.next_event()
            if event is h11.NEED_DATA:
                data = sock.recv(65536)
                conn.receive_data(data)
                if not data and request is None:
                    return None, b""
                continue
            if isinstance(event, h11.Request):
                request = event
            elif isinstance(event, h11.Data):
                body += event.data
            elif isinstance(event, h11.EndOfMessage):
                return request, bytes(body)
            elif isinstance(event, h11.ConnectionClosed):
                return None, b""

    def _answer(self, sock: socket.socket, conn: h11.Connection, request: h11.Request, body: bytes) -> bool:
        """Answer one request according to its fault; False when the connection is to close."""
        fault = self._choose()
        if fault == "drop_before":
            return False
        if fault == "error_503":
            self._send(sock, conn, 503, [("Retry-After", "0")], b'{"detail": "busy"}')
            return True
        headers = {
            name.decode(): value.decode()
            for name, value in request.headers
            if name.decode().lower() not in HOP_BY_HOP
        }
        upstream = self.upstream.request(
            request.method.decode(), request.target.decode(), headers=headers, content=body
        )
        if fault == "drop_after":
            return False
        if fault == "timeout":
            time.sleep(self.timeout_hold_s)  # the kiosk gives up first: what a stalled uplink does
            return False
        if fault == "slow":
            time.sleep(self.slow_s)
        if fault == "error_500_after":
            self._send(sock, conn, 500, [], b"Internal Server Error")
            return True
        if fault == "garbage":
            self._send(
                sock, conn, upstream.status_code, [("Content-Type", "application/json")], b'{"order": '
            )
            return True
        passed = [(k, v) for k, v in upstream.headers.items() if k.lower() not in HOP_BY_HOP]
        self._send(sock, conn, upstream.status_code, passed, upstream.content)
        return True

    @staticmethod
    def _send(
        sock: socket.socket, conn: h11.Connection, status: int, headers: list[tuple[str, str]], body: bytes
    ) -> None:
        all_headers = [*headers, ("Content-Length", str(len(body)))]
        sock.sendall(conn.send(h11.Response(status_code=status, headers=all_headers)) or b"")
        sock.sendall(conn.send(h11.Data(data=body)) or b"")
        sock.sendall(conn.send(h11.EndOfMessage()) or b"")
