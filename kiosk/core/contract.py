"""The wire contract between the kiosk and the CA backend: every request and response body,
and how a device signs a request.

One module, imported by both sides (ca_backend and kiosk/backend_client), so the two cannot
drift apart. Plain pydantic; no HTTP library and no Textual.

Statuses are the kiosk's own `OrderStatus`; documents are the domain's enum; a business is a code
of the domain's table.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, WithJsonSchema

from kiosk.core.domain.businesses import BusinessCode, is_business
from kiosk.core.domain.documents import DocumentKind
from kiosk.core.domain.status import OrderStatus

API_PREFIX = "/v1"

# --- device request signing ---------------------------------------------------------------------
# Each request carries these headers; the signature is Ed25519 over `string_to_sign(...)`.
HEADER_DEVICE = "X-Kiosk-Device"
HEADER_TIMESTAMP = "X-Kiosk-Timestamp"  # Unix seconds
HEADER_NONCE = "X-Kiosk-Nonce"  # 16+ random bytes, hex; never reused within the window
HEADER_SIGNATURE = "X-Kiosk-Signature"  # base64 of the Ed25519 signature
HEADER_CONTENT_SHA256 = "X-Content-Sha256"  # of an uploaded attachment's bytes
HEADER_SUBSCRIBER = "X-Subscriber-Token"  # the signed-in subscriber's session, when there is one
SIGNATURE_WINDOW_S = 300  # a request older or newer than this is refused


def string_to_sign(method: str, path_and_query: str, timestamp: str, nonce: str, body: bytes) -> bytes:
    """What a device signs: the request line, its time and nonce, and a digest of the body."""
    digest = hashlib.sha256(body).hexdigest()
    return "\n".join(["KIOSK-V1", method.upper(), path_and_query, timestamp, nonce, digest]).encode()


# --- shared field types ------------------------------------------------------------------------
Phone = Annotated[str, StringConstraints(pattern=r"^1[3-9]\d{9}$")]
SmsCode = Annotated[str, StringConstraints(pattern=r"^\d{6}$")]
Sha256Hex = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
TokenSerial = Annotated[str, StringConstraints(pattern=r"^[0-9A-F]{16}$")]
FormValues = dict[
    Annotated[str, StringConstraints(max_length=40)],
    dict[Annotated[str, StringConstraints(max_length=40)], Annotated[str, StringConstraints(max_length=500)]],
]
Channel = Literal["wechat", "alipay"]


def _known_business(code: str) -> str:
    if not is_business(code):
        raise ValueError(f"no such business: {code!r}")
    return code


# A business's code: any row of the business table (the manual's seven are listed for clients).
KnownBusiness = Annotated[
    str,
    AfterValidator(_known_business),
    WithJsonSchema({"type": "string", "enum": [code.value for code in BusinessCode], "title": "Business"}),
]


class WireModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Problem(WireModel):
    """Every refusal: a stable code, the message in Chinese and English, and per-field detail."""

    code: str
    message: str
    message_en: str
    fields: dict[str, str] = Field(default_factory=dict)  # "section.field" or document kind -> message
    fields_en: dict[str, str] = Field(default_factory=dict)


# --- subscribers -------------------------------------------------------------------------------
class SmsCodeRequest(WireModel):
    phone: Phone


class SmsCodeSent(WireModel):
    expires_in_s: int
    resend_after_s: int


class SignInRequest(WireModel):
    phone: Phone
    code: SmsCode


class SubscriberSession(WireModel):
    token: str
    phone_masked: str
    expires_at: datetime
    registered: bool  # True when this sign-in created the account


# --- orders ------------------------------------------------------------------------------------
class ProjectWire(WireModel):
    path: list[Annotated[str, StringConstraints(max_length=40)]] = Field(max_length=8)
    certificate_types: list[Annotated[str, StringConstraints(max_length=40)]] = Field(max_length=16)
    answers: dict[Annotated[str, StringConstraints(max_length=40)], bool] = Field(default_factory=dict)


class SubscriberClaim(WireModel):
    """Whose order it is, as the kiosk verified it: by SMS sign-in, or in person by hall staff
    while the kiosk was offline. The kiosk's outbox sends orders long after the subscriber's
    session has ended, so the order names its owner instead of carrying their session."""

    phone: Phone
    verified_by: Literal["sms", "staff"]
    staff_id: Annotated[str, StringConstraints(max_length=40)] | None = None


class OrderCreate(WireModel):
    order_id: UUID  # made by the kiosk, permanent: the backend deduplicates on it forever
    business: KnownBusiness
    subscriber: SubscriberClaim | None = None  # ignored when a signed-in subscriber sends it
    form: FormValues = Field(default_factory=dict)
    project: ProjectWire | None = None
    token_serial: TokenSerial | None = None  # renewal, change, unlock: the key in the slot
    redirect_of: UUID | None = None  # 改派: the order whose shipment changes
    created_at: datetime  # when the subscriber made it at the kiosk


class SubmitRequest(WireModel):
    """Which submission this is: 1 the first, 2 the first resubmission after a rejection, ...
    A retry of a submission the backend already took answers that order as it is now, so a
    submission lost on the way back can never be taken twice (say, after a rejection)."""

    revision: int = Field(ge=1, le=1000)


class FormUpdate(WireModel):
    form: FormValues


class Rejection(WireModel):
    reason: str
    fields: dict[str, str] = Field(default_factory=dict)  # "section.field" -> what to fix
    documents: dict[DocumentKind, str] = Field(default_factory=dict)  # document -> what to recapture


class Shipment(WireModel):
    method: Literal["mail", "pickup"]
    carrier: str | None = None
    tracking_number: str | None = None
    shipped_at: datetime | None = None
    address_masked: str | None = None


class AttachmentInfo(WireModel):
    document: DocumentKind
    sha256: Sha256Hex
    size: int
    media_type: str


class OrderView(WireModel):
    order_id: UUID
    business: KnownBusiness
    status: OrderStatus
    status_label: str
    status_label_en: str
    fee_fen: int
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    token_serial: str | None
    redirect_of: UUID | None
    attachments: list[AttachmentInfo]
    rejection: Rejection | None
    shipment: Shipment | None
    certificate_serial: str | None
    revoked_at: datetime | None
    payment_id: str | None


class OrderCreated(WireModel):
    order: OrderView
    created: bool  # False: this UUID was already known, and this is that order


class OrderEvent(WireModel):
    at: datetime
    status: OrderStatus
    actor: str
    note: str


class OrderList(WireModel):
    orders: list[OrderView]


class EventList(WireModel):
    events: list[OrderEvent]


class AttachmentReceipt(WireModel):
    document: DocumentKind
    sha256: Sha256Hex
    size: int
    media_type: str
    stored: bool  # False: these very bytes were already there


# --- review (reviewers and staff, not devices) --------------------------------------------------
class ReviewDecision(WireModel):
    approve: bool
    rejection: Rejection | None = None


# --- payment -----------------------------------------------------------------------------------
class PaymentCreate(WireModel):
    channel: Channel


class PaymentView(WireModel):
    payment_id: str
    order_id: UUID
    amount_fen: int
    channel: Channel
    code_url: str  # what the QR encodes
    status: Literal["pending", "paid", "expired"]
    expires_at: datetime
    paid_at: datetime | None


class SandboxPay(WireModel):
    """The sandbox wallet: pay a pending payment as a subscriber's phone would."""

    payment_id: str


class ProviderCallback(WireModel):
    """The provider's notice that a payment went through, signed with the merchant key."""

    payment_id: str
    amount_fen: int
    paid_at: datetime
    transaction_id: str
    signature: str


# --- certificates ------------------------------------------------------------------------------
class CertificateRequest(WireModel):
    csr_pem: Annotated[str, StringConstraints(max_length=20_000)]
    token_serial: TokenSerial


class CertificateIssued(WireModel):
    serial_hex: str
    subject: str  # as the manual shows it: CN=…, OU=…, O=…, L=…, ST=…, C=CN
    not_before: datetime
    not_after: datetime
    certificate_pem: str
    chain_pem: list[str]  # issuing CA, then root


class CertificateSummary(WireModel):
    """One of a unit's keys as the CA's register has it: its chip and its newest valid certificate."""

    serial_hex: str
    token_serial: str
    subject: str
    not_before: datetime
    not_after: datetime


class CertificateList(WireModel):
    certificates: list[CertificateSummary]


class EarlierForm(WireModel):
    """What the signed-in subscriber typed for a unit last time (their newest order naming its
    credit code), so a renewal, change or unlock need not ask it all again. Nothing found:
    no order, an empty form."""

    order_id: UUID | None = None
    form: FormValues = Field(default_factory=dict)


# --- unlock ------------------------------------------------------------------------------------
class UnlockGrantRequest(WireModel):
    token_serial: TokenSerial


class UnlockGrant(WireModel):
    grant_id: str
    token_serial: str
    so_pin_candidates: list[str]  # newest first: a change whose report was lost may have taken
    next_so_pin: str
    expires_at: datetime


class UnlockResult(WireModel):
    succeeded: bool  # the user PIN is set to the subscriber's new one
    so_pin_changed: bool  # the token now holds the grant's next SO PIN
    detail: Annotated[str, StringConstraints(max_length=500)] = ""


class TokenRegistration(WireModel):
    """A blank key personalised at the kiosk: the SO PIN it now holds, for the registry."""

    so_pin: Annotated[str, StringConstraints(min_length=4, max_length=32)]


class StaffAuthorisation(WireModel):
    """A hall staff member vouches at the kiosk (an assisted unlock, an identity check)."""

    staff_id: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    staff_pin: Annotated[str, StringConstraints(min_length=4, max_length=32)]


class StaffAccountView(WireModel):
    """A hall staff account as a kiosk keeps it for signing staff in, offline too: the PIN only
    as its scrypt hash (kiosk.core.staff_pins), never in clear."""

    staff_id: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    name: Annotated[str, StringConstraints(max_length=40)]
    pin_hash: Annotated[str, StringConstraints(pattern=r"^scrypt\$", max_length=200)]


class StaffDirectory(WireModel):
    accounts: list[StaffAccountView]


# --- devices -----------------------------------------------------------------------------------
class Heartbeat(WireModel):
    queue_depth: int = Field(ge=0)
    oldest_pending_age_s: float | None = Field(default=None, ge=0)
    health: dict[
        Annotated[str, StringConstraints(max_length=40)], Annotated[str, StringConstraints(max_length=200)]
    ] = Field(default_factory=dict)
    app_version: Annotated[str, StringConstraints(max_length=40)] = ""


class HeartbeatAck(WireModel):
    server_time: datetime
