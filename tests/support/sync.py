"""Helpers for the sync tests: queue complete orders in a kiosk store, and check what the
reference backend holds of them (each order once, each attachment once, the same bytes)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from kiosk.backend_client.client import BackendClient, Timeouts
from kiosk.backend_client.sync import SyncEngine, SyncSettings
from kiosk.core.domain.businesses import BUSINESSES, BusinessCode
from kiosk.core.domain.catalog import ProjectSelection, load_catalog
from kiosk.core.domain.documents import DocumentKind
from kiosk.core.signing import DeviceCredentials
from kiosk.store import Owner, Store
from support.backend import LOST_KEY, Hub, form_for, image_bytes, project_for

PICTURE = image_bytes("jpg", (320, 240))
# Fast retries: a test waits for the sync, not for production backoff.
TEST_SYNC = SyncSettings(concurrency=4, retry_base_s=0.01, retry_max_s=0.05, link_retry_max_s=0.05)


def with_comment(jpeg: bytes, note: bytes) -> bytes:
    """The same picture with a JPEG comment segment (COM, FF FE) after the SOI marker: still a
    valid JPEG, and distinct bytes for every document of every order, like real captures."""
    return jpeg[:2] + b"\xff\xfe" + (len(note) + 2).to_bytes(2, "big") + note + jpeg[2:]


def required_documents(code: BusinessCode) -> tuple[DocumentKind, ...]:
    return BUSINESSES[code].documents + tuple(load_catalog().extra_documents.get(code, ()))


def queue_order(
    store: Store,
    code: BusinessCode = BusinessCode.NEW,
    *,
    picture: bytes = PICTURE,
    owner: Owner | None = None,
    order_id: str | None = None,
) -> str:
    """A complete order, captured and submitted at the kiosk: in the outbox, as a subscriber leaves it."""
    project = project_for(code)
    order = store.orders.create(
        code,
        form=form_for(code),
        project=ProjectSelection.from_json(project) if project else None,
        order_id=order_id,
        token_serial=LOST_KEY if code is BusinessCode.REVOKE else None,
    )
    if owner is not None:
        store.orders.set_owner(order.id, owner)
    for kind in required_documents(code):
        store.attachments.add(
            order.id, kind, with_comment(picture, f"{order.id}/{kind.value}".encode()), "image/jpeg"
        )
    store.orders.submit(order.id)
    return order.id


def kiosk_client(base_url: str, credentials: DeviceCredentials, read_timeout: float = 10.0) -> BackendClient:
    return BackendClient(base_url, credentials, timeouts=Timeouts(connect=1.0, read=read_timeout, write=5.0))


def engine_for(store: Store, client: BackendClient, settings: SyncSettings = TEST_SYNC) -> SyncEngine:
    import random

    return SyncEngine(store, client, settings, rng=random.Random(4))


@dataclass(frozen=True)
class Holdings:
    orders: int
    submissions: dict[str, int]  # order -> how many submissions the backend took
    submit_events: dict[str, int]  # order -> events recording a submission
    attachments: dict[str, dict[str, str]]  # order -> document -> sha256


def backend_holdings(hub: Hub, order_ids: Iterable[str]) -> Holdings:
    ids = list(order_ids)
    marks = ", ".join("?" * len(ids))
    with hub.backend.db.connect() as conn:
        rows = conn.execute(f"select order_id, submissions from orders where order_id in ({marks})", ids)
        submissions = {row["order_id"]: row["submissions"] for row in rows.fetchall()}
        events = conn.execute(
            f"select order_id, count(*) from events where order_id in ({marks})"
            " and note like '资料已%提交%' group by order_id",
            ids,
        ).fetchall()
        attachments: dict[str, dict[str, str]] = {}
        for row in conn.execute(
            f"select order_id, document, sha256 from attachments where order_id in ({marks})", ids
        ).fetchall():
            attachments.setdefault(row["order_id"], {})[row["document"]] = row["sha256"]
    return Holdings(
        orders=len(submissions),
        submissions=submissions,
        submit_events={row[0]: row[1] for row in events},
        attachments=attachments,
    )


def assert_each_exactly_once(hub: Hub, store: Store, order_ids: list[str]) -> None:
    """The backend holds every order once, submitted once, with every attachment once, and the
    bytes it keeps are the kiosk's bytes (sha256 of what the backend reads back)."""
    held = backend_holdings(hub, order_ids)
    assert held.orders == len(order_ids)
    assert set(held.submissions.values()) == {1}, held.submissions
    assert held.submit_events == dict.fromkeys(order_ids, 1)
    for order_id in order_ids:
        local = {kind.value: record.sha256 for kind, record in store.attachments.of(order_id).items()}
        assert held.attachments[order_id] == local
        for sha256 in local.values():
            assert hashlib.sha256(hub.backend.intake.read_attachment(sha256)).hexdigest() == sha256


def unenrolled_credentials() -> DeviceCredentials:
    """A well-formed device key no backend knows: for a kiosk talking to nothing."""
    import uuid

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return DeviceCredentials(f"test-{uuid.uuid4().hex[:6]}", pem.decode())
