"""Orders as the kiosk sees them: create (once per UUID), list, read with their events, change the
form, submit; and the earlier form of a unit, to start a new order from."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Path, Response

from ca_backend.api.common import UNIT_CODE, TheBackend, Who, resource
from kiosk.core.contract import (
    EarlierForm,
    EventList,
    FormUpdate,
    OrderCreate,
    OrderCreated,
    OrderList,
    OrderView,
    SubmitRequest,
)

router = resource("orders")


@router.post("/orders", response_model=OrderCreated, status_code=201)
def create_order(body: OrderCreate, who: Who, response: Response, backend: TheBackend) -> OrderCreated:
    order, created = backend.intake.create(who, body)
    if not created:
        response.status_code = 200
    return OrderCreated(order=order, created=created)


@router.get("/orders", response_model=OrderList)
def list_orders(who: Who, backend: TheBackend) -> OrderList:
    return OrderList(orders=backend.orders.listing(who))


@router.get("/orders/{order_id}", response_model=OrderView)
def get_order(order_id: UUID, who: Who, backend: TheBackend) -> OrderView:
    return backend.orders.get(who, order_id)


@router.get("/orders/{order_id}/events", response_model=EventList)
def order_events(order_id: UUID, who: Who, backend: TheBackend) -> EventList:
    return EventList(events=backend.orders.events(who, order_id))


@router.put("/orders/{order_id}/form", response_model=OrderView)
def update_form(order_id: UUID, body: FormUpdate, who: Who, backend: TheBackend) -> OrderView:
    return backend.intake.update_form(who, order_id, body.form)


@router.post("/orders/{order_id}/submit", response_model=OrderView)
def submit_order(order_id: UUID, body: SubmitRequest, who: Who, backend: TheBackend) -> OrderView:
    return backend.intake.submit(who, order_id, body.revision)


@router.get("/units/{unit_code}/earlier-form", response_model=EarlierForm)
def earlier_form(
    unit_code: Annotated[str, Path(pattern=UNIT_CODE)], who: Who, backend: TheBackend
) -> EarlierForm:
    return backend.intake.earlier_form(who, unit_code)
