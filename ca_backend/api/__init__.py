"""The HTTP API under /v1: FastAPI routes over the backend's services. Each part of the API is a
module with its router (subscribers, orders, attachments, payments, certificates, unlock, staff,
devices, review); what they share is ca_backend/api/common.py. create_app assembles the routers
with the exception handlers and the lifespan (ca_backend/api/demo_hall.py).

Every kiosk route is authenticated by the device's signature (ca_backend/devices.py); a
subscriber signed in at the kiosk adds their session token. Reviewers use their own bearer
token. Refusals are `Problem` bodies in Chinese and English."""

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from ca_backend.api import (
    attachments,
    certificates,
    demo_hall,
    devices,
    orders,
    payments,
    review,
    staff,
    subscribers,
    unlock,
)
from ca_backend.api.common import problem_response
from ca_backend.backend import Backend
from ca_backend.errors import ApiError
from kiosk.core.i18n import Text

ROUTERS = (  # in the order of the OpenAPI document's paths
    subscribers.router,
    orders.router,
    attachments.router,
    payments.router,
    payments.sandbox,
    certificates.router,
    certificates.published,
    unlock.router,
    staff.router,
    devices.router,
    review.router,
)


def create_app(backend: Backend) -> FastAPI:
    app = FastAPI(
        title="CA kiosk backend",
        version="1",
        description="The contract between the service-hall kiosks and the CA (reference implementation).",
        lifespan=demo_hall.lifespan,
    )
    app.state.backend = backend
    for router in ROUTERS:
        app.include_router(router)

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

    return app
