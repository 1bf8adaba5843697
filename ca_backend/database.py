"""The backend's SQLite database (WAL): schema, and a connection per unit of work."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

SCHEMA = """
create table if not exists devices (
    device_id text primary key, public_key blob not null, status text not null,
    enrolled_at text not null, last_seen text, heartbeat text
);
create table if not exists nonces (
    device_id text not null, nonce text not null, seen_at real not null,
    primary key (device_id, nonce)
);
create table if not exists subscribers (
    id integer primary key, phone_key text unique not null, phone_sealed blob not null,
    created_at text not null
);
create table if not exists sms_messages (
    id integer primary key, phone blob not null, text text not null, sent_at text not null
);
create table if not exists sms_codes (
    phone_key text primary key, code_hash text not null, expires_at real not null,
    attempts integer not null, sent_at real not null
);
create table if not exists rate_events (key text not null, at real not null);
create index if not exists rate_events_key on rate_events (key, at);
create table if not exists sessions (
    token_hash text primary key, subscriber_id integer not null, expires_at real not null
);
create table if not exists orders (
    order_id text primary key, business text not null, status text not null,
    subscriber_id integer, device_id text not null, form_sealed blob not null, project text,
    token_serial text, redirect_of text, fee_fen integer not null, created_at text not null,
    received_at text not null, updated_at text not null, submitted_at text,
    rejection text, shipment text, certificate_serial text, revoked_at text, payment_id text,
    phone_sealed blob, submissions integer not null default 0
);
create index if not exists orders_subscriber on orders (subscriber_id);
create index if not exists orders_device on orders (device_id);
create table if not exists attachments (
    order_id text not null, document text not null, sha256 text not null, size integer not null,
    media_type text not null, stored_at text not null, primary key (order_id, document)
);
create table if not exists events (
    id integer primary key, order_id text not null, at text not null, status text not null,
    actor text not null, note text not null
);
create index if not exists events_order on events (order_id);
create table if not exists notifications (
    id integer primary key, order_id text not null, channel text not null,
    recipient text not null, text text not null, at text not null
);
create table if not exists payments (
    payment_id text primary key, order_id text not null, amount_fen integer not null,
    channel text not null, status text not null, created_at text not null,
    expires_at text not null, paid_at text, transaction_id text
);
create table if not exists certificates (
    serial_hex text primary key, order_id text not null, token_serial text not null,
    subject text not null, unit_code text, not_before text not null, not_after text not null,
    pem text not null, revoked_at text, revocation_reason text
);
create table if not exists tokens (
    serial text primary key, so_pin_sealed blob not null, pending_so_pin_sealed blob,
    registered_at text not null
);
create table if not exists grants (
    grant_id text primary key, order_id text not null, token_serial text not null,
    next_so_pin_sealed blob not null, expires_at real not null, used_at text, succeeded integer
);
create table if not exists staff (
    staff_id text primary key, name text not null, pin_hash text not null, created_at text not null
);
create table if not exists reviewers (
    name text primary key, token_hash text unique not null, created_at text not null
);
create table if not exists authorisations (
    order_id text not null, staff_id text not null, device_id text not null, at text not null
);
"""


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class Database:
    """One SQLite connection per thread, reused: uvicorn's thread pool serves many requests,
    and opening a connection (with its pragmas) cost more than the query it served."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with self.connect() as conn:
            conn.execute("pragma journal_mode = wal")
            conn.executescript(SCHEMA)

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute("pragma synchronous = normal")
        conn.execute("pragma busy_timeout = 30000")
        return conn

    def _connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._open()
        return conn

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        """This thread's connection, for reads (autocommit, or inside the thread's transaction)."""
        yield self._connection()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One transaction, taken for writing at once so concurrent writers queue up."""
        conn = self._connection()
        if conn.in_transaction:  # nested in this thread's transaction: part of it
            yield conn
            return
        conn.execute("begin immediate")
        try:
            yield conn
        except BaseException:
            conn.execute("rollback")
            raise
        conn.execute("commit")
