"""A typed client for the kiosk's side of the contract (kiosk/core/contract.py), over httpx.

Every call is signed with the device key; a subscriber's session token is passed per call, so
one client serves the whole kiosk and the sync worker at once (httpx.Client is thread-safe).
Every answer is validated against the contract; anything else becomes one of the errors in
kiosk/backend_client/errors.py, never a crash. The reviewers' routes are not here: reviewing is
the CA's work, not the kiosk's.
"""

from __future__ import annotations

import email.utils
import math
import time
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC
from typing import TypeVar
from uuid import UUID

import httpx
from pydantic import BaseModel, ValidationError

from kiosk.backend_client.errors import BackendError, Offline, Refused, Rejected, ServerFault
from kiosk.core.contract import (
    API_PREFIX,
    HEADER_CONTENT_SHA256,
    HEADER_SUBSCRIBER,
    AttachmentReceipt,
    CertificateIssued,
    CertificateList,
    CertificateRequest,
    CertificateSummary,
    Channel,
    EarlierForm,
    EventList,
    FormUpdate,
    Heartbeat,
    HeartbeatAck,
    OrderCreate,
    OrderCreated,
    OrderList,
    OrderView,
    PaymentCreate,
    PaymentView,
    Problem,
    SandboxPay,
    SignInRequest,
    SmsCodeRequest,
    SmsCodeSent,
    StaffAccountView,
    StaffAuthorisation,
    StaffDirectory,
    SubmitRequest,
    SubscriberSession,
    TokenRegistration,
    UnlockGrant,
    UnlockGrantRequest,
    UnlockResult,
)
from kiosk.core.domain.documents import DocumentKind
from kiosk.core.i18n import Text
from kiosk.core.signing import DeviceAuth, DeviceCredentials, RequestSigner

Answer = TypeVar("Answer", bound=BaseModel)


@dataclass(frozen=True)
class Timeouts:
    """Seconds. Connecting fails fast so an offline kiosk says so quickly; a 3 MB upload on a
    slow hall uplink gets longer to write and to be answered."""

    connect: float = 3.0
    read: float = 20.0
    write: float = 20.0
    pool: float = 5.0

    def to_httpx(self) -> httpx.Timeout:
        return httpx.Timeout(connect=self.connect, read=self.read, write=self.write, pool=self.pool)


class BackendClient:
    def __init__(
        self,
        base_url: str,
        credentials: DeviceCredentials,
        *,
        timeouts: Timeouts | None = None,
        max_connections: int = 8,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.device_id = credentials.device_id
        self._http = httpx.Client(
            base_url=self.base_url,
            auth=DeviceAuth(RequestSigner(credentials)),
            timeout=(timeouts or Timeouts()).to_httpx(),
            limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections),
            transport=transport,
            headers={"User-Agent": "ca-kiosk"},
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> BackendClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # --- subscribers ------------------------------------------------------------------------------
    def send_sms_code(self, phone: str) -> SmsCodeSent:
        return self._call("POST", "/sms-codes", SmsCodeSent, body=SmsCodeRequest(phone=phone))

    def sign_in(self, phone: str, code: str) -> SubscriberSession:
        return self._call("POST", "/sessions", SubscriberSession, body=SignInRequest(phone=phone, code=code))

    def sign_out(self, session: str) -> None:
        self._command("DELETE", "/sessions/current", session=session)

    # --- orders -----------------------------------------------------------------------------------
    def create_order(self, order: OrderCreate, session: str | None = None) -> OrderCreated:
        return self._call("POST", "/orders", OrderCreated, body=order, session=session)

    def list_orders(self, session: str | None = None) -> list[OrderView]:
        return self._call("GET", "/orders", OrderList, session=session).orders

    def get_order(self, order_id: UUID | str, session: str | None = None) -> OrderView:
        return self._call("GET", f"/orders/{order_id}", OrderView, session=session)

    def order_events(self, order_id: UUID | str, session: str | None = None) -> EventList:
        return self._call("GET", f"/orders/{order_id}/events", EventList, session=session)

    def update_form(
        self, order_id: UUID | str, form: Mapping[str, Mapping[str, str]], session: str | None = None
    ) -> OrderView:
        body = FormUpdate(form={section: dict(values) for section, values in form.items()})
        return self._call("PUT", f"/orders/{order_id}/form", OrderView, body=body, session=session)

    def put_attachment(
        self,
        order_id: UUID | str,
        document: DocumentKind,
        data: bytes,
        sha256: str,
        session: str | None = None,
    ) -> AttachmentReceipt:
        return self._call(
            "PUT",
            f"/orders/{order_id}/attachments/{DocumentKind(document).value}",
            AttachmentReceipt,
            content=data,
            headers={HEADER_CONTENT_SHA256: sha256, "Content-Type": "application/octet-stream"},
            session=session,
        )

    def submit_order(self, order_id: UUID | str, revision: int, session: str | None = None) -> OrderView:
        body = SubmitRequest(revision=revision)
        return self._call("POST", f"/orders/{order_id}/submit", OrderView, body=body, session=session)

    # --- payment ----------------------------------------------------------------------------------
    def create_payment(
        self, order_id: UUID | str, channel: Channel, session: str | None = None
    ) -> PaymentView:
        body = PaymentCreate(channel=channel)
        return self._call("POST", f"/orders/{order_id}/payments", PaymentView, body=body, session=session)

    def get_payment(self, payment_id: str, session: str | None = None) -> PaymentView:
        return self._call("GET", f"/payments/{payment_id}", PaymentView, session=session)

    def sandbox_pay(self, payment_id: str) -> PaymentView:
        """Demo only: pay as the subscriber's wallet would (the reference backend's sandbox)."""
        return self._call("POST", "/sandbox/wallet/pay", PaymentView, body=SandboxPay(payment_id=payment_id))

    # --- certificates -----------------------------------------------------------------------------
    def download_certificate(
        self, order_id: UUID | str, request: CertificateRequest, session: str | None = None
    ) -> CertificateIssued:
        return self._call(
            "POST", f"/orders/{order_id}/certificate", CertificateIssued, body=request, session=session
        )

    def unit_certificates(self, unit_code: str, session: str | None = None) -> list[CertificateSummary]:
        """The unit's keys holding a valid certificate (a lost one is chosen from these to revoke)."""
        path = f"/units/{unit_code}/certificates"
        return self._call("GET", path, CertificateList, session=session).certificates

    def earlier_form(self, unit_code: str, session: str | None = None) -> EarlierForm:
        """The signed-in subscriber's form from their newest order for the unit (prefill)."""
        return self._call("GET", f"/units/{unit_code}/earlier-form", EarlierForm, session=session)

    def crl(self) -> bytes:
        return self._raw("GET", "/crl", "application/pkix-crl")

    def ca_chain(self) -> str:
        chain = self._raw("GET", "/ca-chain", "application/pem-certificate-chain")
        try:
            return chain.decode("ascii")  # PEM is ASCII; anything else is not a chain
        except UnicodeDecodeError:
            raise _off_contract_status(200, "not a PEM chain") from None

    # --- unlock -----------------------------------------------------------------------------------
    def unlock_grant(
        self, order_id: UUID | str, token_serial: str, session: str | None = None
    ) -> UnlockGrant:
        body = UnlockGrantRequest(token_serial=token_serial)
        return self._call(
            "POST", f"/orders/{order_id}/unlock-grants", UnlockGrant, body=body, session=session
        )

    def unlock_result(self, grant_id: str, result: UnlockResult, session: str | None = None) -> None:
        self._command("POST", f"/unlock-grants/{grant_id}/result", body=result, session=session)

    def authorise_by_staff(
        self, order_id: UUID | str, authorisation: StaffAuthorisation, session: str | None = None
    ) -> None:
        self._command("POST", f"/orders/{order_id}/staff-authorisations", body=authorisation, session=session)

    def register_token(self, serial: str, so_pin: str) -> None:
        """Hand a personalised blank key's SO PIN to the registry (instant issuance)."""
        self._command("PUT", f"/tokens/{serial}", body=TokenRegistration(so_pin=so_pin))

    # --- device -----------------------------------------------------------------------------------
    def heartbeat(self, beat: Heartbeat) -> HeartbeatAck:
        return self._call("POST", "/devices/heartbeat", HeartbeatAck, body=beat)

    def staff_directory(self) -> list[StaffAccountView]:
        """The hall staff accounts (PINs as hashes), kept by the kiosk for signing staff in."""
        return self._call("GET", "/staff", StaffDirectory).accounts

    # --- the one place requests are made ----------------------------------------------------------
    def _call(
        self,
        method: str,
        path: str,
        answer: type[Answer],
        *,
        body: BaseModel | None = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        session: str | None = None,
    ) -> Answer:
        response = self._send(method, path, body=body, content=content, headers=headers, session=session)
        try:
            return answer.model_validate_json(response.content)
        except ValidationError:
            raise _off_contract(response, f"not a {answer.__name__}") from None

    def _command(
        self, method: str, path: str, *, body: BaseModel | None = None, session: str | None = None
    ) -> None:
        """A call whose success is '204 No Content'."""
        response = self._send(method, path, body=body, session=session)
        if response.status_code != 204:
            raise _off_contract(response, "expected no content")

    def _raw(self, method: str, path: str, media_type: str) -> bytes:
        response = self._send(method, path)
        if not response.headers.get("content-type", "").startswith(media_type):
            raise _off_contract(response, f"not {media_type}")
        return response.content

    def _send(
        self,
        method: str,
        path: str,
        *,
        body: BaseModel | None = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        session: str | None = None,
    ) -> httpx.Response:
        all_headers = dict(headers or {})
        if session is not None:
            all_headers[HEADER_SUBSCRIBER] = session
        if body is not None:
            content = body.model_dump_json().encode()
            all_headers["Content-Type"] = "application/json"
        try:
            response = self._http.request(method, API_PREFIX + path, content=content, headers=all_headers)
        except httpx.TimeoutException:
            raise Offline(Text("后台没有及时回应，订单已保存在本机，稍后自动重试")) from None
        except httpx.TransportError:
            raise Offline(Text("连接不上后台，订单已保存在本机，联网后自动发送")) from None
        if response.is_success:
            return response
        raise _failure(response)


def _failure(response: httpx.Response) -> BackendError:
    status = response.status_code
    retry_after = retry_after_seconds(response.headers.get("Retry-After"))
    if status >= 500:
        return ServerFault(Text("后台暂时出现故障，稍后自动重试"), status=status, retry_after_s=retry_after)
    try:
        problem = Problem.model_validate_json(response.content)
    except ValidationError:
        problem = None
    kind: type[BackendError] = Refused if status in (401, 403) else Rejected
    generic = Text("本终端未获后台授权，请联系工作人员") if kind is Refused else Text("后台拒绝了这个请求")
    if problem is None:
        return kind(generic, status=status, retry_after_s=retry_after)
    # The backend's own words are shown to the subscriber only when they are a sentence: a
    # wall of text or control codes (a broken or hostile backend) gives way to ours.
    readable = _readable(problem.message) and _readable(problem.message_en)
    return kind(
        Text(problem.message) if readable else generic,
        message_en=problem.message_en if readable else None,
        status=status,
        code=problem.code[:80] if _readable(problem.code) else "unreadable",
        retry_after_s=retry_after,
        fields={key: text for key, text in problem.fields.items() if _readable(key) and _readable(text)},
        fields_en={
            key: text for key, text in problem.fields_en.items() if _readable(key) and _readable(text)
        },
    )


MAX_MESSAGE = 300  # characters: more is not a message a screen can show


def _readable(text: str) -> bool:
    """A sentence a person can read: not empty, not a wall, nothing invisible in it."""
    return 0 < len(text) <= MAX_MESSAGE and not any(
        unicodedata.category(ch) in {"Cc", "Cf", "Co", "Cn", "Cs"} for ch in text
    )


def _off_contract(response: httpx.Response, detail: str) -> ServerFault:
    return _off_contract_status(response.status_code, detail)


def _off_contract_status(status: int, detail: str) -> ServerFault:
    return ServerFault(
        Text("后台的回答不符合约定，稍后自动重试"), status=status, code=f"off_contract: {detail}"
    )


MAX_RETRY_AFTER_S = 24 * 3600.0  # a backend asking for longer is asked again tomorrow


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Retry-After as seconds from now: either delay-seconds or an HTTP date (RFC 9110)."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:  # "inf", "nan" and 1e400 are no delay anyone meant
        return min(max(0.0, seconds), MAX_RETRY_AFTER_S) if math.isfinite(seconds) else None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return min(max(0.0, when.timestamp() - (time.time() if now is None else now)), MAX_RETRY_AFTER_S)
