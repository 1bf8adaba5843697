"""The store's one SQLite connection, shared by its parts (orders, attachments, outbox, staff,
state, audit) and by the UI and its worker threads, and the one way any of them writes.

- `write()`: one transaction, taken up front (IMMEDIATE); a write that touches several parts
  (an order's status and its outbox items) is one `write()`, handed to each part's helper;
- a full disk, however a write finds it, is raised as `StorageFull`, and a COMMIT that failed
  is rolled back, so nothing of the write is kept;
- `read()`: the connection under the lock, for queries.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from kiosk.core.domain.status import OrderStatus


class StoreError(RuntimeError):
    pass


class StorageFull(StoreError):
    """The disk (or the folder's quota) has no room left: nothing of the write was kept, and
    everything written before it is intact. Room made by staff lets the same write succeed."""

    def __init__(self) -> None:
        super().__init__("no space left for the kiosk's store")


class OrderNotFound(StoreError):
    def __init__(self, order_id: str) -> None:
        super().__init__(f"no order {order_id} in this kiosk's store")
        self.order_id = order_id


_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})


@contextlib.contextmanager
def full_is_said() -> Iterator[None]:
    """A full disk raised as `StorageFull`, however the write found it: SQLite's SQLITE_FULL
    (13) or the file system's ENOSPC/EDQUOT."""
    try:
        yield
    except sqlite3.OperationalError as error:
        if getattr(error, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL:
            raise StorageFull() from error
        raise
    except OSError as error:
        if error.errno in _FULL_ERRNOS:
            raise StorageFull() from error
        raise


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class Database:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock = threading.RLock()
        conn = sqlite3.connect(path, check_same_thread=False, timeout=10)
        os.chmod(path, 0o600)
        conn.execute("PRAGMA journal_mode=WAL")
        # FULL: a committed order survives a power cut, not only a crash of the process.
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        self.conn = conn
        self.tables = sqlite_utils.Database(conn)

    def close(self) -> None:
        with self.lock:
            self.conn.close()

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite_utils.Database]:
        """One write transaction, taken up front (IMMEDIATE) so another process's writer
        makes this one wait rather than fail half-way."""
        with self.lock, full_is_said():
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.tables
                self.conn.execute("COMMIT")
            except BaseException:
                # A COMMIT that failed (the disk filled) may leave the transaction open.
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise

    @contextlib.contextmanager
    def read(self) -> Iterator[sqlite_utils.Database]:
        """The tables for a query, with no other thread's statement in between."""
        with self.lock:
            yield self.tables


def order_status(db: sqlite_utils.Database, order_id: str) -> OrderStatus:
    """The order's status, read inside the caller's `write()` (OrderNotFound if it is not here):
    every part that writes rows of an order checks it this way."""
    row = db.execute("select status from orders where id = ?", [order_id]).fetchone()
    if row is None:
        raise OrderNotFound(order_id)
    return OrderStatus(row[0])
