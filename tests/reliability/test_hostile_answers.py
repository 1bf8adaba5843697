"""Random and hostile answers from "the backend", for every call the kiosk makes and so every
response model of the contract: a server on 127.0.0.1 answers each request with what hypothesis
drew (any status, JSON of the right shape with hostile strings, JSON of the wrong shape, a
Problem whose message is 5,000 characters of control codes, binary, an empty body, a wild
Retry-After). The client either returns the contract's model or raises a `BackendError` whose
message a person can read in both languages; nothing else escapes.

A scripted server is the one fake here: no real backend answers like this on purpose."""

from __future__ import annotations

import json
import threading
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from support.sync import kiosk_client, unenrolled_credentials

from kiosk.backend_client.client import BackendClient
from kiosk.backend_client.errors import BackendError
from kiosk.core.contract import (
    CertificateRequest,
    Heartbeat,
    OrderCreate,
    StaffAuthorisation,
    UnlockResult,
)
from kiosk.core.domain.documents import DocumentKind

ORDER = "0a1b2c3d-1111-2222-3333-444455556666"
JSON = "application/json"
PROBLEM = {"code": "conflict", "message": "订单已提交", "message_en": "The order was submitted"}

ModelT = TypeVar("ModelT", bound=BaseModel)


def unchecked(model: type[ModelT]) -> ModelT:
    """A body never validated: what the kiosk sends does not matter here, only what comes back."""
    return model.model_construct()


@dataclass
class Answer:
    status: int
    body: bytes
    content_type: str
    retry_after: str | None = None


class ScriptedBackend(ThreadingHTTPServer):
    answer = Answer(200, b"{}", "application/json")


class Handler(BaseHTTPRequestHandler):
    server: ScriptedBackend

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        answer = self.server.answer
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(answer.body)))
        if answer.retry_after is not None:
            self.send_header("Retry-After", answer.retry_after.encode("latin-1", "replace").decode("latin-1"))
        self.end_headers()
        if answer.status != 204:
            self.wfile.write(answer.body)

    do_GET = do_POST = do_PUT = do_DELETE = _answer

    def log_message(self, *_: Any) -> None:
        pass


@pytest.fixture(scope="module")
def scripted() -> Iterator[ScriptedBackend]:
    server = ScriptedBackend(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def client(scripted: ScriptedBackend) -> Iterator[BackendClient]:
    with kiosk_client(
        f"http://127.0.0.1:{scripted.server_address[1]}", unenrolled_credentials(), 5.0
    ) as made:
        yield made


# Every call the kiosk makes, with arguments of the right shape.
CALLS: dict[str, Callable[[BackendClient], object]] = {
    "send_sms_code": lambda c: c.send_sms_code("13600000000"),
    "sign_in": lambda c: c.sign_in("13600000000", "123456"),
    "sign_out": lambda c: c.sign_out("session"),
    "create_order": lambda c: c.create_order(unchecked(OrderCreate), "session"),
    "list_orders": lambda c: c.list_orders("session"),
    "get_order": lambda c: c.get_order(ORDER, "session"),
    "order_events": lambda c: c.order_events(ORDER, "session"),
    "update_form": lambda c: c.update_form(ORDER, {"unit": {"unit_name": "x"}}, "session"),
    "put_attachment": lambda c: c.put_attachment(
        ORDER, DocumentKind.HANDLER_ID, b"jpeg", "00" * 32, "session"
    ),
    "submit_order": lambda c: c.submit_order(ORDER, 1, "session"),
    "create_payment": lambda c: c.create_payment(ORDER, "alipay", "session"),
    "get_payment": lambda c: c.get_payment("pay-1", "session"),
    "download_certificate": lambda c: c.download_certificate(ORDER, unchecked(CertificateRequest), "s"),
    "unit_certificates": lambda c: c.unit_certificates("91350100M000100Y43", "session"),
    "earlier_form": lambda c: c.earlier_form("91350100M000100Y43", "session"),
    "crl": lambda c: c.crl(),
    "ca_chain": lambda c: c.ca_chain(),
    "unlock_grant": lambda c: c.unlock_grant(ORDER, "5501AB6C95190035", "session"),
    "unlock_result": lambda c: c.unlock_result("grant-1", unchecked(UnlockResult), "session"),
    "authorise_by_staff": lambda c: c.authorise_by_staff(ORDER, unchecked(StaffAuthorisation), "s"),
    "register_token": lambda c: c.register_token("5501AB6C95190035", "So48201957"),
    "heartbeat": lambda c: c.heartbeat(unchecked(Heartbeat)),
    "staff_directory": lambda c: c.staff_directory(),
}

HOSTILE_TEXT = st.one_of(
    st.text(max_size=40),
    st.text(min_size=2000, max_size=6000),
    st.sampled_from(["", "[/]", "\x1b[2J\x07", "\u202e后台", "🙂" * 50, "{message}", "null", "\x00" * 10]),
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | HOSTILE_TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(HOSTILE_TEXT, inner, max_size=4),
    max_leaves=12,
)
SHAPED = {  # keys the contract's answers use, so that some draws get far into validation
    "orders": st.lists(st.dictionaries(st.sampled_from(["id", "status", "business", "form"]), JSON_VALUES)),
    "accounts": st.lists(st.dictionaries(st.sampled_from(["staff_id", "name", "pin_hash"]), JSON_VALUES)),
    "code": HOSTILE_TEXT,
    "message": HOSTILE_TEXT,
    "message_en": HOSTILE_TEXT,
    "fields": st.dictionaries(HOSTILE_TEXT, HOSTILE_TEXT, max_size=3),
    "id": HOSTILE_TEXT,
    "status": HOSTILE_TEXT,
    "session": HOSTILE_TEXT,
    "expires_at": HOSTILE_TEXT,
}
problems = st.fixed_dictionaries(  # the contract's refusal, with hostile words in it
    {"code": HOSTILE_TEXT, "message": HOSTILE_TEXT, "message_en": HOSTILE_TEXT},
    optional={"fields": st.dictionaries(HOSTILE_TEXT, HOSTILE_TEXT, max_size=3)},
).map(lambda value: json.dumps(value).encode())
bodies = st.one_of(
    problems,
    st.fixed_dictionaries({}, optional=SHAPED).map(lambda value: json.dumps(value).encode()),
    JSON_VALUES.map(lambda value: json.dumps(value).encode()),
    st.binary(max_size=300),
    st.just(b""),
    st.text(max_size=200).map(lambda text: text.encode("utf-8", "surrogatepass")),
)
answers = st.builds(
    Answer,
    status=st.sampled_from([200, 201, 204, 302, 400, 401, 403, 404, 409, 410, 418, 422, 429, 500, 502, 503]),
    body=bodies,
    content_type=st.sampled_from(
        [
            "application/json",
            "application/problem+json",
            "text/html",
            "application/pkix-crl",
            "application/pem-certificate-chain",
            "application/octet-stream",
        ]
    ),
    retry_after=st.none() | HOSTILE_TEXT.filter(lambda text: "\n" not in text and "\r" not in text),
)


def readable(message: str) -> bool:
    """A sentence a person can read on the screen: not empty, not a wall, nothing invisible."""
    return 0 < len(message) <= 300 and not any(
        unicodedata.category(ch) in {"Cc", "Cf", "Co", "Cn"} for ch in message
    )


@given(call=st.sampled_from(sorted(CALLS)), answer=answers)
# Found by this test, and kept: a chain that was not text, a refusal in control codes or 5,000
# characters long shown as it came, and a Retry-After of 1e400 seconds taken at its word.
@example(call="ca_chain", answer=Answer(200, b"\xff\xfe\x00", "application/pem-certificate-chain"))
@example(
    call="list_orders", answer=Answer(422, json.dumps(PROBLEM | {"message": "\x1b[2J" * 3}).encode(), JSON)
)
@example(
    call="get_order", answer=Answer(409, json.dumps(PROBLEM | {"message_en": "a" * 5000}).encode(), JSON)
)
@example(call="submit_order", answer=Answer(429, b"{}", JSON, retry_after="1e400"))
@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_answer_to_any_call_is_the_contract_or_a_clear_error(
    scripted: ScriptedBackend, client: BackendClient, call: str, answer: Answer
) -> None:
    scripted.answer = answer
    try:
        CALLS[call](client)
    except BackendError as error:
        for language in ("zh", "en"):
            assert readable(error.say(language)), (language, error.say(language)[:120])
        assert all(readable(text) for text in error.fields.values())
        assert error.retry_after_s is None or 0 <= error.retry_after_s <= 24 * 3600
        summary = error.summary()
        assert "\n" not in summary and len(summary) <= 600
