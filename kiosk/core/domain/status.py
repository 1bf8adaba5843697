"""The order status machine, with the states as the CA's manual names them.

The kiosk and the reference backend both use this module: a transition is legal only
if it is listed here.
"""

from __future__ import annotations

from enum import StrEnum

from kiosk.core.i18n import Text


class OrderStatus(StrEnum):
    DRAFT = "draft"  # on the kiosk, not yet submitted
    AWAITING_REVIEW = "awaiting_review"
    REJECTED = "rejected"
    AWAITING_PAYMENT = "awaiting_payment"
    AWAITING_SHIPMENT = "awaiting_shipment"
    AWAITING_DOWNLOAD = "awaiting_download"
    AWAITING_UNLOCK = "awaiting_unlock"
    COMPLETED = "completed"
    CANCELLED = "cancelled"

    @property
    def label(self) -> Text:
        return STATUS_TITLES[self]

    @property
    def is_final(self) -> bool:
        return not ALLOWED_TRANSITIONS[self]


STATUS_TITLES: dict[OrderStatus, Text] = {
    OrderStatus.DRAFT: Text("草稿"),
    OrderStatus.AWAITING_REVIEW: Text("资料待审核"),
    OrderStatus.REJECTED: Text("审核驳回"),
    OrderStatus.AWAITING_PAYMENT: Text("待付款"),
    OrderStatus.AWAITING_SHIPMENT: Text("待发货"),
    OrderStatus.AWAITING_DOWNLOAD: Text("待下载"),
    OrderStatus.AWAITING_UNLOCK: Text("待解锁"),
    OrderStatus.COMPLETED: Text("完成"),
    OrderStatus.CANCELLED: Text("已取消"),
}

# What a subscriber can do with an order in each state (order query resumes these).
NEXT_ACTIONS: dict[OrderStatus, Text] = {
    OrderStatus.AWAITING_REVIEW: Text("等待审核，一般1个工作日内完成"),
    OrderStatus.REJECTED: Text("查看驳回原因，只修改被驳回的信息或资料后重新提交"),
    OrderStatus.AWAITING_PAYMENT: Text("付款：微信或支付宝扫码"),
    OrderStatus.AWAITING_SHIPMENT: Text("等待发货或到大厅自提；可办理改派"),
    OrderStatus.AWAITING_DOWNLOAD: Text("插入证书，验证密码后下载新证书"),
    OrderStatus.AWAITING_UNLOCK: Text("插入证书，设置新密码"),
    OrderStatus.COMPLETED: Text("已完成；邮寄的订单可查看物流单号"),
    OrderStatus.CANCELLED: Text("订单已取消"),
}

# After approval an order waits for payment (unless free), then for its fulfilment.
FULFILMENT_STATES = frozenset(
    {
        OrderStatus.AWAITING_SHIPMENT,
        OrderStatus.AWAITING_DOWNLOAD,
        OrderStatus.AWAITING_UNLOCK,
        OrderStatus.COMPLETED,  # revocation and redirection complete on approval
    }
)

ALLOWED_TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.DRAFT: frozenset({OrderStatus.AWAITING_REVIEW, OrderStatus.CANCELLED}),
    OrderStatus.AWAITING_REVIEW: frozenset(
        {OrderStatus.REJECTED, OrderStatus.AWAITING_PAYMENT, OrderStatus.CANCELLED} | FULFILMENT_STATES
    ),
    OrderStatus.REJECTED: frozenset({OrderStatus.AWAITING_REVIEW, OrderStatus.CANCELLED}),
    # A paid revocation or redirection (if the catalog ever charges) completes on payment.
    OrderStatus.AWAITING_PAYMENT: frozenset({OrderStatus.CANCELLED} | FULFILMENT_STATES),
    OrderStatus.AWAITING_SHIPMENT: frozenset({OrderStatus.COMPLETED}),
    OrderStatus.AWAITING_DOWNLOAD: frozenset({OrderStatus.COMPLETED}),
    OrderStatus.AWAITING_UNLOCK: frozenset({OrderStatus.COMPLETED}),
    OrderStatus.COMPLETED: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
}


class IllegalTransition(ValueError):
    """An order was asked to move to a state it cannot reach from where it is."""

    def __init__(self, current: OrderStatus, target: OrderStatus) -> None:
        self.current = current
        self.target = target
        self.message = Text(
            "订单状态不能从“{current}”变为“{target}”", current=current.label, target=target.label
        )
        super().__init__(f"illegal order transition {current.value} -> {target.value} ({self.message})")


def can_transition(current: OrderStatus, target: OrderStatus) -> bool:
    return target in ALLOWED_TRANSITIONS[current]


def transition(current: OrderStatus, target: OrderStatus) -> OrderStatus:
    """Return `target` if the move is legal, else raise `IllegalTransition`."""
    if not can_transition(current, target):
        raise IllegalTransition(current, target)
    return target
