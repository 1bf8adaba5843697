"""Review, with a reviewer's bearer token: the queue of submitted orders, and a decision on one."""

from __future__ import annotations

from uuid import UUID

from ca_backend.api.common import Reviewer, TheBackend, resource
from ca_backend.errors import ApiError
from kiosk.core.contract import OrderList, OrderView, ReviewDecision
from kiosk.core.i18n import Text

router = resource("review")


@router.get("/review/orders", response_model=OrderList)
def review_queue(_: Reviewer, backend: TheBackend) -> OrderList:
    return OrderList(
        orders=[backend.orders.view_of(row["order_id"]) for row in backend.review.awaiting_review()]
    )


@router.post("/review/orders/{order_id}/decision", response_model=OrderView)
def review_decision(order_id: UUID, body: ReviewDecision, name: Reviewer, backend: TheBackend) -> OrderView:
    if body.approve:
        return backend.review.approve(str(order_id), name)
    if body.rejection is None:
        raise ApiError(422, "no_reason", Text("驳回须写明原因"))
    return backend.review.reject(str(order_id), name, body.rejection)
