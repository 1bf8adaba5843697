"""Payment: a payment (its QR) for an approved order, reading it, and the provider's signed
callback; and the sandbox wallet that a phone opens from the QR, which pays by playing that
callback."""

from __future__ import annotations

from uuid import UUID

from ca_backend.api.common import TheBackend, Who, resource
from kiosk.core.contract import PaymentCreate, PaymentView, ProviderCallback, SandboxPay

router = resource("payment")
sandbox = resource("sandbox")


@router.post("/orders/{order_id}/payments", response_model=PaymentView)
def create_payment(order_id: UUID, body: PaymentCreate, who: Who, backend: TheBackend) -> PaymentView:
    return backend.payments.create(who, str(order_id), body.channel)


@router.get("/payments/{payment_id}", response_model=PaymentView)
def get_payment(payment_id: str, who: Who, backend: TheBackend) -> PaymentView:
    return backend.payments.get(who, payment_id)


@router.post("/payments/callback", response_model=PaymentView)
def payment_callback(body: ProviderCallback, backend: TheBackend) -> PaymentView:
    return backend.payments.callback(body)


@sandbox.post("/sandbox/wallet/pay", response_model=PaymentView)
def sandbox_pay(body: SandboxPay, backend: TheBackend) -> PaymentView:
    return backend.payments.sandbox_pay(body.payment_id)


@sandbox.get("/sandbox/wallet/{payment_id}", response_model=PaymentView)
def sandbox_wallet(payment_id: str, backend: TheBackend) -> PaymentView:
    """What the QR opens on the subscriber's phone in the sandbox: the payment to confirm."""
    return backend.payments.public_view(payment_id)
