"""Unlocking a key: a single-use grant for an order's key and the kiosk's report of how it went;
and the registration of a key a kiosk personalised (its SO PIN, for later grants)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Path, Response

from ca_backend.api.common import Device, TheBackend, Who, resource
from kiosk.core.contract import TokenRegistration, UnlockGrant, UnlockGrantRequest, UnlockResult

router = resource("unlock")


@router.post("/orders/{order_id}/unlock-grants", response_model=UnlockGrant)
def unlock_grant(order_id: UUID, body: UnlockGrantRequest, who: Who, backend: TheBackend) -> UnlockGrant:
    return backend.tokens.grant(who, str(order_id), body.token_serial)


@router.post("/unlock-grants/{grant_id}/result", status_code=204)
def unlock_result(grant_id: str, body: UnlockResult, who: Who, backend: TheBackend) -> Response:
    backend.tokens.report(who, grant_id, body)
    return Response(status_code=204)


@router.put("/tokens/{serial}", status_code=204)
def register_token(
    serial: Annotated[str, Path(pattern=r"^[0-9A-F]{16}$")],
    body: TokenRegistration,
    device_id: Device,
    backend: TheBackend,
) -> Response:
    backend.tokens.register_from_kiosk(device_id, serial, body.so_pin)
    return Response(status_code=204)
