"""Hall staff: the directory an enrolled kiosk signs staff in with (offline too), filed with the
devices' routes; and a staff member's authorisation of an assisted unlock, filed with unlock."""

from __future__ import annotations

from uuid import UUID

from fastapi import Response

from ca_backend.api.common import Device, TheBackend, Who, resource
from kiosk.core.contract import StaffAuthorisation, StaffDirectory

router = resource()


@router.get("/staff", response_model=StaffDirectory, tags=["devices"])
def staff_directory(_: Device, backend: TheBackend) -> StaffDirectory:
    return backend.tokens.staff_directory()


@router.post("/orders/{order_id}/staff-authorisations", status_code=204, tags=["unlock"])
def staff_authorisation(order_id: UUID, body: StaffAuthorisation, who: Who, backend: TheBackend) -> Response:
    backend.tokens.authorise(who, str(order_id), body)
    return Response(status_code=204)
