"""The backend as one object: settings, database, keys and the services, for the API and the CLI."""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path

from ca_backend.certificates import Certificates
from ca_backend.config import BackendSettings
from ca_backend.database import Database, now_iso
from ca_backend.devices import Devices
from ca_backend.orders.fulfilment import Fulfilment, fulfil
from ca_backend.orders.intake import Intake
from ca_backend.orders.ledger import OrderLedger
from ca_backend.orders.review import Review
from ca_backend.payments import Payments
from ca_backend.pki import CertificateAuthority
from ca_backend.subscribers import Subscribers
from ca_backend.tokens import Tokens
from kiosk.core.domain.catalog import SHIPPED_CATALOG, load_catalog
from kiosk.core.sealing import Sealer


class Backend:
    def __init__(self, settings: BackendSettings, catalog_path: Path = SHIPPED_CATALOG) -> None:
        self.settings = settings
        settings.home.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.db = Database(settings.database)
        keys = settings.keys_dir
        self.sealer = Sealer.from_key_file(keys / "data.key", create=True)
        lookup_key = _secret(keys / "lookup.key")
        merchant_key = _secret(keys / "merchant.key")
        self.catalog = load_catalog(catalog_path)
        self.ca = CertificateAuthority(keys / "ca")
        self.devices = Devices(self.db)
        self.subscribers = Subscribers(self.db, settings, self.sealer, lookup_key)
        # The orders: one ledger that every stage of an order's life shares, and the stages over it.
        self.orders = OrderLedger(self.db, self.sealer, self.subscribers, fulfil)
        self.intake = Intake(self.orders, self.catalog, settings.attachments_dir)
        self.review = Review(self.orders)
        self.fulfilment = Fulfilment(self.orders)
        self.payments = Payments(self.db, settings, self.orders, merchant_key)
        self.certificates = Certificates(self.db, self.orders, self.ca, self.catalog)
        self.tokens = Tokens(self.db, settings, self.sealer, self.orders)

    # --- reviewers: separate from subscribers and devices ----------------------------------------
    def add_reviewer(self, name: str) -> str:
        token = "rev_" + secrets.token_urlsafe(24)
        with self.db.write() as conn:
            conn.execute(
                "insert into reviewers (name, token_hash, created_at) values (?, ?, ?)"
                " on conflict (name) do update set token_hash = excluded.token_hash",
                (name, hashlib.sha256(token.encode()).hexdigest(), now_iso()),
            )
        return token

    def reviewer_for(self, token: str) -> str | None:
        with self.db.connect() as conn:
            row = conn.execute(
                "select name from reviewers where token_hash = ?",
                (hashlib.sha256(token.encode()).hexdigest(),),
            ).fetchone()
        return None if row is None else str(row["name"])


def _secret(path: Path) -> bytes:
    """A 32-byte secret kept in a 0600 file, made on first use."""
    Sealer.from_key_file(path, create=True)  # same creation rules as the data key
    return path.read_bytes()
