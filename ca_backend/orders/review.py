"""An order's review: the queue of submitted orders, approval (on to payment, or straight to its
fulfilment when it is free) and rejection with the reviewer's reasons."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

from ca_backend.orders.ledger import OrderLedger
from kiosk.core.contract import OrderView, Rejection
from kiosk.core.domain.businesses import BUSINESSES
from kiosk.core.domain.status import OrderStatus


class Review:
    def __init__(self, orders: OrderLedger) -> None:
        self.orders = orders

    def awaiting_review(self, older_than: timedelta | None = None) -> list[sqlite3.Row]:
        cutoff = (datetime.now(UTC) - older_than).isoformat() if older_than else "9999"
        with self.orders.db.connect() as conn:
            return conn.execute(
                "select * from orders where status = ? and submitted_at <= ? order by submitted_at",
                (OrderStatus.AWAITING_REVIEW.value, cutoff),
            ).fetchall()

    def approve(self, order_id: str, reviewer: str) -> OrderView:
        with self.orders.db.write() as conn:
            row = self.orders.row(conn, order_id)
            business = BUSINESSES[row["business"]]
            target = business.status_after_approval(costs_money=row["fee_fen"] > 0)
            self.orders.move(conn, row, target, f"reviewer:{reviewer}", "审核通过")
            return self.orders.view(conn, self.orders.row(conn, order_id))

    def reject(self, order_id: str, reviewer: str, rejection: Rejection) -> OrderView:
        with self.orders.db.write() as conn:
            row = self.orders.row(conn, order_id)
            self.orders.move(
                conn,
                row,
                OrderStatus.REJECTED,
                f"reviewer:{reviewer}",
                f"审核驳回：{rejection.reason}",
                rejection=rejection.model_dump_json(),
            )
            return self.orders.view(conn, self.orders.row(conn, order_id))
