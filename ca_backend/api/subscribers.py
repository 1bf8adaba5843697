"""Subscribers: an SMS code to a mobile, and the session it signs in (registering the first time)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header, Response

from ca_backend.api.common import Device, TheBackend, resource
from kiosk.core.contract import (
    HEADER_SUBSCRIBER,
    SignInRequest,
    SmsCodeRequest,
    SmsCodeSent,
    SubscriberSession,
)

router = resource("subscribers")


@router.post("/sms-codes", response_model=SmsCodeSent)
def send_sms_code(body: SmsCodeRequest, device_id: Device, backend: TheBackend) -> SmsCodeSent:
    return backend.subscribers.send_code(body.phone, device_id)


@router.post("/sessions", response_model=SubscriberSession)
def sign_in(body: SignInRequest, device_id: Device, backend: TheBackend) -> SubscriberSession:
    return backend.subscribers.sign_in(body.phone, body.code, device_id)


@router.delete("/sessions/current", status_code=204)
def sign_out(
    _: Device,
    backend: TheBackend,
    subscriber_token: Annotated[str | None, Header(alias=HEADER_SUBSCRIBER)] = None,
) -> Response:
    if subscriber_token:
        backend.subscribers.sign_out(subscriber_token)
    return Response(status_code=204)
