"""The kiosk's store. One `Store` per process, shared by the UI and its worker threads: one
SQLite database (kiosk/store/database.py) and its parts, each over it:

- `orders` (kiosk/store/orders.py): drafts, owner, submit, status, what the backend says, purge;
- `attachments` (attachments.py): the document images, sealed, one file per distinct image;
- `outbox` (outbox.py): what the sync is to send, and the link's state for the status line;
- `staff` (staff.py): the hall staff's accounts, sealed, for signing in offline;
- `state` and `visits` (state.py): the kiosk's own small state, and the day's visits;
- `audit_trail` (audit.py): staff actions and device events, HMAC-chained and anchored.

The form, the owner's phone, the document images and the staff accounts are sealed (AES-GCM)
at rest, under a key kept outside the database; the database and the attachment folder hold
none of them in clear.
"""

from __future__ import annotations

from pathlib import Path

from kiosk.core.sealing import Sealer
from kiosk.store.attachments import Attachments
from kiosk.store.audit import KEY_PURPOSE, AuditTrail
from kiosk.store.database import Database
from kiosk.store.orders import Orders
from kiosk.store.outbox import Outbox
from kiosk.store.schema import migrate
from kiosk.store.staff import StaffAccounts
from kiosk.store.state import KioskState, Visits


class Store:
    def __init__(self, database: Path, attachments_dir: Path, sealer: Sealer) -> None:
        database.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        attachments_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.path = database
        self.database = Database(database)
        migrate(self.database.conn)
        self.attachments = Attachments(self.database, attachments_dir, sealer)
        self.outbox = Outbox(self.database)
        self.orders = Orders(self.database, sealer, self.attachments, self.outbox)
        self.staff = StaffAccounts(self.database, sealer)
        self.state = KioskState(self.database)
        self.visits = Visits(self.database)
        self.audit_trail = AuditTrail(
            self.database, sealer.derive_key(KEY_PURPOSE), database.with_suffix(".audit-anchor")
        )
        self.audit_trail.adopt_legacy_chain()

    @classmethod
    def open(cls, data_dir: Path, key_file: Path) -> Store:
        """The store in `data_dir` with its key; a new key is made only for a new store."""
        database = data_dir / "kiosk.db"
        sealer = Sealer.from_key_file(key_file, create=not database.exists())
        return cls(database, data_dir / "attachments", sealer)

    def close(self) -> None:
        self.database.close()

    def integrity_problem(self) -> str | None:
        """SQLite's own check of the database file (pages, indexes); None when it is sound."""
        with self.database.read() as db:
            rows = [row[0] for row in db.execute("PRAGMA quick_check").fetchall()]
        return None if rows == ["ok"] else "; ".join(rows[:5])
