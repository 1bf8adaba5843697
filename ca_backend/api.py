"""The HTTP API under /v1: FastAPI routes over the backend's services.

Every kiosk route is authenticated by the device's signature (ca_backend/devices.py); a
subscriber signed in at the kiosk adds their session token. Reviewers use their own bearer
token. Refusals are `Problem` bodies in Chinese and English."""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends, FastAPI, Header, Path, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from ca_backend.backend import Backend
from ca_backend.errors import ApiError
from ca_backend.orders.ledger import Caller
from kiosk.core.contract import (
    API_PREFIX,
    HEADER_CONTENT_SHA256,
    HEADER_SUBSCRIBER,
    AttachmentReceipt,
    CertificateIssued,
    CertificateList,
    CertificateRequest,
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
    ProviderCallback,
    ReviewDecision,
    SandboxPay,
    SignInRequest,
    SmsCodeRequest,
    SmsCodeSent,
    StaffAuthorisation,
    StaffDirectory,
    SubmitRequest,
    SubscriberSession,
    TokenRegistration,
    UnlockGrant,
    UnlockGrantRequest,
    UnlockResult,
)
from kiosk.core.domain.documents import MAX_DOCUMENT_BYTES, DocumentKind
from kiosk.core.i18n import Text

AUTO_APPROVE_POLL_S = 1.0
PROBLEMS: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem} for status in (401, 403, 404, 409, 422, 429)
}


def problem_response(error: ApiError) -> JSONResponse:
    headers = {"Retry-After": str(error.retry_after_s)} if error.retry_after_s else None
    return JSONResponse(error.problem().model_dump(), status_code=error.status, headers=headers)


def create_app(backend: Backend) -> FastAPI:  # noqa: PLR0915 (the route table, closed over one backend)
    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        settings = backend.settings
        demo_policy = settings.auto_approve_after_s is not None or settings.auto_ship_after_s is not None
        task = asyncio.create_task(_demo_hall(backend)) if demo_policy else None
        yield
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    app = FastAPI(
        title="CA kiosk backend",
        version="1",
        description="The contract between the service-hall kiosks and the CA (reference implementation).",
        lifespan=lifespan,
    )

    @app.exception_handler(ApiError)
    async def on_api_error(_: Request, error: ApiError) -> JSONResponse:
        return problem_response(error)

    @app.exception_handler(RequestValidationError)
    async def on_invalid(_: Request, error: RequestValidationError) -> JSONResponse:
        fields = {
            ".".join(str(part) for part in item["loc"][1:]) or "body": Text(
                "格式不正确：{detail}", detail=item["msg"]
            )
            for item in error.errors()
        }
        return problem_response(ApiError(422, "invalid", Text("请求内容格式不正确"), fields))

    @app.exception_handler(ClientDisconnect)
    async def on_disconnect(_: Request, __: ClientDisconnect) -> Response:
        # The kiosk went away mid-request (killed, cable pulled): normal, and nobody reads this.
        return Response(status_code=400)

    @app.exception_handler(StarletteHTTPException)
    async def on_http(_: Request, error: StarletteHTTPException) -> JSONResponse:
        message = Text("没有这个接口") if error.status_code == 404 else Text("请求无法处理")
        return problem_response(ApiError(error.status_code, "http", message))

    # --- who is asking ----------------------------------------------------------------------------
    async def device(request: Request) -> str:
        body = await request.body()
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        headers = {key.lower(): value for key, value in request.headers.items()}
        return await run_in_threadpool(backend.devices.verify, request.method, path, headers, body)

    def caller(
        device_id: Annotated[str, Depends(device)],
        subscriber_token: Annotated[str | None, Header(alias=HEADER_SUBSCRIBER)] = None,
    ) -> Caller:
        if subscriber_token is None:
            return Caller(device_id)
        subscriber = backend.subscribers.from_token(subscriber_token)
        if subscriber is None:
            raise ApiError(401, "session_expired", Text("登录已过期，请重新登录"))
        return Caller(device_id, subscriber)

    def reviewer(authorization: Annotated[str | None, Header()] = None) -> str:
        token = (authorization or "").removeprefix("Bearer ").strip()
        name = backend.reviewer_for(token) if token else None
        if name is None:
            raise ApiError(401, "unauthenticated", Text("需要审核员凭证"))
        return name

    Device = Annotated[str, Depends(device)]
    Who = Annotated[Caller, Depends(caller)]
    Reviewer = Annotated[str, Depends(reviewer)]

    # --- subscribers ------------------------------------------------------------------------------
    @app.post(f"{API_PREFIX}/sms-codes", response_model=SmsCodeSent, responses=PROBLEMS, tags=["subscribers"])
    def send_sms_code(body: SmsCodeRequest, device_id: Device) -> SmsCodeSent:
        return backend.subscribers.send_code(body.phone, device_id)

    @app.post(
        f"{API_PREFIX}/sessions", response_model=SubscriberSession, responses=PROBLEMS, tags=["subscribers"]
    )
    def sign_in(body: SignInRequest, device_id: Device) -> SubscriberSession:
        return backend.subscribers.sign_in(body.phone, body.code, device_id)

    @app.delete(f"{API_PREFIX}/sessions/current", status_code=204, responses=PROBLEMS, tags=["subscribers"])
    def sign_out(
        _: Device, subscriber_token: Annotated[str | None, Header(alias=HEADER_SUBSCRIBER)] = None
    ) -> Response:
        if subscriber_token:
            backend.subscribers.sign_out(subscriber_token)
        return Response(status_code=204)

    # --- orders -----------------------------------------------------------------------------------
    @app.post(
        f"{API_PREFIX}/orders",
        response_model=OrderCreated,
        status_code=201,
        responses=PROBLEMS,
        tags=["orders"],
    )
    def create_order(body: OrderCreate, who: Who, response: Response) -> OrderCreated:
        order, created = backend.intake.create(who, body)
        if not created:
            response.status_code = 200
        return OrderCreated(order=order, created=created)

    @app.get(f"{API_PREFIX}/orders", response_model=OrderList, responses=PROBLEMS, tags=["orders"])
    def list_orders(who: Who) -> OrderList:
        return OrderList(orders=backend.orders.listing(who))

    @app.get(
        f"{API_PREFIX}/orders/{{order_id}}", response_model=OrderView, responses=PROBLEMS, tags=["orders"]
    )
    def get_order(order_id: UUID, who: Who) -> OrderView:
        return backend.orders.get(who, order_id)

    @app.get(
        f"{API_PREFIX}/orders/{{order_id}}/events",
        response_model=EventList,
        responses=PROBLEMS,
        tags=["orders"],
    )
    def order_events(order_id: UUID, who: Who) -> EventList:
        return EventList(events=backend.orders.events(who, order_id))

    @app.put(
        f"{API_PREFIX}/orders/{{order_id}}/form",
        response_model=OrderView,
        responses=PROBLEMS,
        tags=["orders"],
    )
    def update_form(order_id: UUID, body: FormUpdate, who: Who) -> OrderView:
        return backend.intake.update_form(who, order_id, body.form)

    @app.put(
        f"{API_PREFIX}/orders/{{order_id}}/attachments/{{document}}",
        response_model=AttachmentReceipt,
        responses=PROBLEMS,
        tags=["orders"],
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
            }
        },
    )
    async def put_attachment(
        order_id: UUID,
        document: DocumentKind,
        request: Request,
        who: Who,
        content_sha256: Annotated[str | None, Header(alias=HEADER_CONTENT_SHA256)] = None,
    ) -> AttachmentReceipt:
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > MAX_DOCUMENT_BYTES:
            raise ApiError(422, "too_large", Text("图片超过3MB，请重新拍摄或压缩后上传"))
        data = await request.body()
        return await run_in_threadpool(
            backend.intake.put_attachment, who, order_id, document, data, content_sha256
        )

    @app.post(
        f"{API_PREFIX}/orders/{{order_id}}/submit",
        response_model=OrderView,
        responses=PROBLEMS,
        tags=["orders"],
    )
    def submit_order(order_id: UUID, body: SubmitRequest, who: Who) -> OrderView:
        return backend.intake.submit(who, order_id, body.revision)

    # --- payment ----------------------------------------------------------------------------------
    @app.post(
        f"{API_PREFIX}/orders/{{order_id}}/payments",
        response_model=PaymentView,
        responses=PROBLEMS,
        tags=["payment"],
    )
    def create_payment(order_id: UUID, body: PaymentCreate, who: Who) -> PaymentView:
        return backend.payments.create(who, str(order_id), body.channel)

    @app.get(
        f"{API_PREFIX}/payments/{{payment_id}}",
        response_model=PaymentView,
        responses=PROBLEMS,
        tags=["payment"],
    )
    def get_payment(payment_id: str, who: Who) -> PaymentView:
        return backend.payments.get(who, payment_id)

    @app.post(
        f"{API_PREFIX}/payments/callback", response_model=PaymentView, responses=PROBLEMS, tags=["payment"]
    )
    def payment_callback(body: ProviderCallback) -> PaymentView:
        return backend.payments.callback(body)

    @app.post(
        f"{API_PREFIX}/sandbox/wallet/pay", response_model=PaymentView, responses=PROBLEMS, tags=["sandbox"]
    )
    def sandbox_pay(body: SandboxPay) -> PaymentView:
        return backend.payments.sandbox_pay(body.payment_id)

    @app.get(
        f"{API_PREFIX}/sandbox/wallet/{{payment_id}}",
        response_model=PaymentView,
        responses=PROBLEMS,
        tags=["sandbox"],
    )
    def sandbox_wallet(payment_id: str) -> PaymentView:
        """What the QR opens on the subscriber's phone in the sandbox: the payment to confirm."""
        return backend.payments.public_view(payment_id)

    # --- certificates -----------------------------------------------------------------------------
    @app.post(
        f"{API_PREFIX}/orders/{{order_id}}/certificate",
        response_model=CertificateIssued,
        responses=PROBLEMS,
        tags=["certificates"],
    )
    def download_certificate(order_id: UUID, body: CertificateRequest, who: Who) -> CertificateIssued:
        return backend.certificates.download(who, str(order_id), body)

    @app.get(
        f"{API_PREFIX}/units/{{unit_code}}/certificates",
        response_model=CertificateList,
        responses=PROBLEMS,
        tags=["certificates"],
    )
    def unit_certificates(
        unit_code: Annotated[str, Path(pattern=r"^[0-9A-HJ-NPQRTUWXY]{18}$")], who: Who
    ) -> CertificateList:
        return CertificateList(certificates=backend.certificates.valid_for_unit(who, unit_code))

    @app.get(
        f"{API_PREFIX}/units/{{unit_code}}/earlier-form",
        response_model=EarlierForm,
        responses=PROBLEMS,
        tags=["orders"],
    )
    def earlier_form(
        unit_code: Annotated[str, Path(pattern=r"^[0-9A-HJ-NPQRTUWXY]{18}$")], who: Who
    ) -> EarlierForm:
        return backend.intake.earlier_form(who, unit_code)

    @app.get(
        f"{API_PREFIX}/crl",
        tags=["certificates"],
        responses={200: {"content": {"application/pkix-crl": {}}, "description": "DER CRL"}},
    )
    def crl() -> Response:
        return Response(backend.certificates.crl_der(), media_type="application/pkix-crl")

    @app.get(
        f"{API_PREFIX}/ca-chain",
        tags=["certificates"],
        responses={200: {"content": {"application/pem-certificate-chain": {}}, "description": "PEM"}},
    )
    def ca_chain() -> Response:
        return Response("".join(backend.ca.chain_pem), media_type="application/pem-certificate-chain")

    # --- unlock -----------------------------------------------------------------------------------
    @app.post(
        f"{API_PREFIX}/orders/{{order_id}}/unlock-grants",
        response_model=UnlockGrant,
        responses=PROBLEMS,
        tags=["unlock"],
    )
    def unlock_grant(order_id: UUID, body: UnlockGrantRequest, who: Who) -> UnlockGrant:
        return backend.tokens.grant(who, str(order_id), body.token_serial)

    @app.post(
        f"{API_PREFIX}/unlock-grants/{{grant_id}}/result",
        status_code=204,
        responses=PROBLEMS,
        tags=["unlock"],
    )
    def unlock_result(grant_id: str, body: UnlockResult, who: Who) -> Response:
        backend.tokens.report(who, grant_id, body)
        return Response(status_code=204)

    @app.post(
        f"{API_PREFIX}/orders/{{order_id}}/staff-authorisations",
        status_code=204,
        responses=PROBLEMS,
        tags=["unlock"],
    )
    def staff_authorisation(order_id: UUID, body: StaffAuthorisation, who: Who) -> Response:
        backend.tokens.authorise(who, str(order_id), body)
        return Response(status_code=204)

    @app.put(f"{API_PREFIX}/tokens/{{serial}}", status_code=204, responses=PROBLEMS, tags=["unlock"])
    def register_token(
        serial: Annotated[str, Path(pattern=r"^[0-9A-F]{16}$")], body: TokenRegistration, device_id: Device
    ) -> Response:
        backend.tokens.register_from_kiosk(device_id, serial, body.so_pin)
        return Response(status_code=204)

    @app.get(f"{API_PREFIX}/staff", response_model=StaffDirectory, responses=PROBLEMS, tags=["devices"])
    def staff_directory(_: Device) -> StaffDirectory:
        return backend.tokens.staff_directory()

    # --- devices ----------------------------------------------------------------------------------
    @app.post(
        f"{API_PREFIX}/devices/heartbeat", response_model=HeartbeatAck, responses=PROBLEMS, tags=["devices"]
    )
    def heartbeat(body: Heartbeat, device_id: Device) -> HeartbeatAck:
        backend.devices.heartbeat(device_id, body)
        return HeartbeatAck(server_time=datetime.now(UTC))

    # --- review -----------------------------------------------------------------------------------
    @app.get(f"{API_PREFIX}/review/orders", response_model=OrderList, responses=PROBLEMS, tags=["review"])
    def review_queue(_: Reviewer) -> OrderList:
        return OrderList(
            orders=[backend.orders.view_of(row["order_id"]) for row in backend.review.awaiting_review()]
        )

    @app.post(
        f"{API_PREFIX}/review/orders/{{order_id}}/decision",
        response_model=OrderView,
        responses=PROBLEMS,
        tags=["review"],
    )
    def review_decision(order_id: UUID, body: ReviewDecision, name: Reviewer) -> OrderView:
        if body.approve:
            return backend.review.approve(str(order_id), name)
        if body.rejection is None:
            raise ApiError(422, "no_reason", Text("驳回须写明原因"))
        return backend.review.reject(str(order_id), name, body.rejection)

    return app


async def _demo_hall(backend: Backend) -> None:
    """The demo's stand-in for the CA's working day: approve what has waited for review longer
    than auto_approve_after_s, and send out (or hand over at the hall) what has been paid for
    longer than auto_ship_after_s. Each is off while its setting is None."""
    settings = backend.settings
    while True:
        if settings.auto_approve_after_s is not None:
            after = timedelta(seconds=settings.auto_approve_after_s)
            for row in await run_in_threadpool(backend.review.awaiting_review, after):
                with contextlib.suppress(ApiError):
                    await run_in_threadpool(backend.review.approve, row["order_id"], "auto")
        if settings.auto_ship_after_s is not None:
            after = timedelta(seconds=settings.auto_ship_after_s)
            for row in await run_in_threadpool(backend.fulfilment.awaiting_shipment, after):
                with contextlib.suppress(ApiError):
                    await run_in_threadpool(backend.fulfilment.deliver_for_demo, row["order_id"])
        await asyncio.sleep(AUTO_APPROVE_POLL_S)
