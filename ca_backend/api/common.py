"""What every route module of the API shares: the backend, who is asking (the device's signature,
the subscriber's session, the reviewer's token), the `Problem` responses, and the router of one
tag under /v1 that each module adds its routes to."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from ca_backend.backend import Backend
from ca_backend.errors import ApiError
from ca_backend.orders.ledger import Caller
from kiosk.core.contract import API_PREFIX, HEADER_SUBSCRIBER, Problem
from kiosk.core.i18n import Text

PROBLEMS: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem} for status in (401, 403, 404, 409, 422, 429)
}
UNIT_CODE = r"^[0-9A-HJ-NPQRTUWXY]{18}$"  # a unified social credit code, in a path


def problem_response(error: ApiError) -> JSONResponse:
    headers = {"Retry-After": str(error.retry_after_s)} if error.retry_after_s else None
    return JSONResponse(error.problem().model_dump(), status_code=error.status, headers=headers)


def resource(*tags: str, problems: bool = True) -> APIRouter:
    """The routes of one part of the API, under /v1: each may answer a `Problem`, unless told."""
    return APIRouter(prefix=API_PREFIX, tags=list(tags), responses=PROBLEMS if problems else None)


# --- the backend ------------------------------------------------------------------------------------
async def backend(request: Request) -> Backend:
    """The backend the app serves (create_app puts it in the app's state)."""
    served: Backend = request.app.state.backend
    return served


TheBackend = Annotated[Backend, Depends(backend)]


# --- who is asking ----------------------------------------------------------------------------------
async def device(request: Request, backend: TheBackend) -> str:
    body = await request.body()
    path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    headers = {key.lower(): value for key, value in request.headers.items()}
    return await run_in_threadpool(backend.devices.verify, request.method, path, headers, body)


def caller(
    device_id: Annotated[str, Depends(device)],
    backend: TheBackend,
    subscriber_token: Annotated[str | None, Header(alias=HEADER_SUBSCRIBER)] = None,
) -> Caller:
    if subscriber_token is None:
        return Caller(device_id)
    subscriber = backend.subscribers.from_token(subscriber_token)
    if subscriber is None:
        raise ApiError(401, "session_expired", Text("登录已过期，请重新登录"))
    return Caller(device_id, subscriber)


def reviewer(backend: TheBackend, authorization: Annotated[str | None, Header()] = None) -> str:
    token = (authorization or "").removeprefix("Bearer ").strip()
    name = backend.reviewer_for(token) if token else None
    if name is None:
        raise ApiError(401, "unauthenticated", Text("需要审核员凭证"))
    return name


Device = Annotated[str, Depends(device)]
Who = Annotated[Caller, Depends(caller)]
Reviewer = Annotated[str, Depends(reviewer)]
