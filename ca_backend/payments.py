"""The payment sandbox: a payment per approved order that costs money, a QR code URL, the
provider's signed callback (idempotent), expiry, and a sandbox wallet that pays."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
from datetime import UTC, datetime, timedelta

from ca_backend.config import BackendSettings
from ca_backend.database import Database, now_iso
from ca_backend.errors import ApiError, conflict, not_found
from ca_backend.orders.ledger import Caller, OrderLedger
from kiosk.core.contract import Channel, PaymentView, ProviderCallback
from kiosk.core.domain.businesses import BUSINESSES
from kiosk.core.domain.status import OrderStatus
from kiosk.core.i18n import Text


class Payments:
    def __init__(
        self, db: Database, settings: BackendSettings, orders: OrderLedger, merchant_key: bytes
    ) -> None:
        self.db = db
        self.settings = settings
        self.orders = orders
        self.merchant_key = merchant_key
        self.public_url = settings.base_url  # where a phone reaches the wallet (a server on port 0 says)

    def create(self, caller: Caller, order_id: str, channel: Channel) -> PaymentView:
        order = self.orders.get(caller, order_id)  # 404 unless the caller may see it
        if order.fee_fen == 0:
            raise conflict("free", Text("该业务免费，无需付款"))
        if order.status is not OrderStatus.AWAITING_PAYMENT:
            raise conflict("not_payable", Text("订单当前状态不能付款"))
        now = datetime.now(UTC)
        with self.db.write() as conn:
            live = conn.execute(
                "select * from payments where order_id = ? and status = 'pending' and expires_at > ?"
                " and channel = ?",
                (order_id, now.isoformat(), channel),
            ).fetchone()
            if live is not None:
                return self._view(live)  # the same QR while it is valid
            payment_id = "pay_" + secrets.token_hex(12)
            conn.execute(
                "insert into payments (payment_id, order_id, amount_fen, channel, status,"
                " created_at, expires_at)"
                " values (?, ?, ?, ?, 'pending', ?, ?)",
                (
                    payment_id,
                    order_id,
                    order.fee_fen,
                    channel,
                    now.isoformat(),
                    (now + timedelta(seconds=self.settings.payment_ttl_s)).isoformat(),
                ),
            )
            conn.execute("update orders set payment_id = ? where order_id = ?", (payment_id, order_id))
            return self._view(self._row(conn, payment_id))

    def get(self, caller: Caller, payment_id: str) -> PaymentView:
        with self.db.connect() as conn:
            row = self._row(conn, payment_id)
        self.orders.get(caller, row["order_id"])  # the caller must see the order
        return self._view(row)

    def public_view(self, payment_id: str) -> PaymentView:
        with self.db.connect() as conn:
            return self._view(self._row(conn, payment_id))

    def sign(self, payment_id: str, amount_fen: int, paid_at: str, transaction_id: str) -> str:
        message = f"{payment_id}|{amount_fen}|{paid_at}|{transaction_id}".encode()
        return hmac.new(self.merchant_key, message, hashlib.sha256).hexdigest()

    def sandbox_pay(self, payment_id: str) -> PaymentView:
        """What the provider does when the subscriber pays with the phone: a signed callback."""
        with self.db.connect() as conn:
            row = self._row(conn, payment_id)
        paid_at = datetime.now(UTC)
        transaction_id = "txn_" + secrets.token_hex(10)
        callback = ProviderCallback(
            payment_id=payment_id,
            amount_fen=row["amount_fen"],
            paid_at=paid_at,
            transaction_id=transaction_id,
            signature=self.sign(payment_id, row["amount_fen"], paid_at.isoformat(), transaction_id),
        )
        return self.callback(callback)

    def callback(self, notice: ProviderCallback) -> PaymentView:
        expected = self.sign(
            notice.payment_id, notice.amount_fen, notice.paid_at.isoformat(), notice.transaction_id
        )
        if not hmac.compare_digest(expected.encode(), notice.signature.encode()):
            raise ApiError(401, "bad_signature", Text("支付通知签名不正确"))
        with self.db.write() as conn:
            row = self._row(conn, notice.payment_id)
            if row["status"] == "paid":
                return self._view(row)  # the provider repeats its notices: once is enough
            if notice.amount_fen != row["amount_fen"]:
                raise conflict("amount_mismatch", Text("支付金额与订单金额不符"))
            if row["expires_at"] < now_iso():
                raise conflict("payment_expired", Text("支付已超时，请重新发起付款"))
            conn.execute(
                "update payments set status = 'paid', paid_at = ?, transaction_id = ? where payment_id = ?",
                (notice.paid_at.isoformat(), notice.transaction_id, notice.payment_id),
            )
            order = conn.execute("select * from orders where order_id = ?", (row["order_id"],)).fetchone()
            business = BUSINESSES[order["business"]]
            self.orders.move(conn, order, business.fulfilled_as, "payment", f"已付款（{row['channel']}）")
            return self._view(self._row(conn, notice.payment_id))

    @staticmethod
    def _row(conn: sqlite3.Connection, payment_id: str) -> sqlite3.Row:
        row: sqlite3.Row | None = conn.execute(
            "select * from payments where payment_id = ?", (payment_id,)
        ).fetchone()
        if row is None:
            raise not_found(Text("没有找到该笔支付"))
        return row

    def _view(self, row: sqlite3.Row) -> PaymentView:
        status = row["status"]
        if status == "pending" and row["expires_at"] < now_iso():
            status = "expired"
        return PaymentView(
            payment_id=row["payment_id"],
            order_id=row["order_id"],
            amount_fen=row["amount_fen"],
            channel=row["channel"],
            code_url=f"{self.public_url}/v1/sandbox/wallet/{row['payment_id']}?channel={row['channel']}",
            status=status,
            expires_at=row["expires_at"],
            paid_at=row["paid_at"],
        )
