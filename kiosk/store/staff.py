"""The hall staff's accounts as the backend last gave them, kept sealed (AES-GCM: the PIN hashes
are worth guarding too) so that staff can sign in while the kiosk is offline."""

from __future__ import annotations

import json
from collections.abc import Sequence

from kiosk.core.sealing import Sealer
from kiosk.core.staff_pins import StaffAccount
from kiosk.store.database import Database, utc_now


class StaffAccounts:
    def __init__(self, database: Database, sealer: Sealer) -> None:
        self._db = database
        self._sealer = sealer

    def replace(self, accounts: Sequence[StaffAccount]) -> None:
        """The backend's staff accounts, as they are now (one that left is gone here too)."""
        now = utc_now()
        rows = [
            {
                "staff_id": account.staff_id,
                "sealed": self._sealer.seal(
                    json.dumps({"name": account.name, "pin_hash": account.pin_hash}).encode(),
                    f"staff:{account.staff_id}",
                ),
                "refreshed_at": now,
            }
            for account in accounts
        ]
        with self._db.write() as db:
            db.execute("delete from staff_accounts")
            if rows:
                db.table("staff_accounts").insert_all(rows)

    def accounts(self) -> dict[str, StaffAccount]:
        """The accounts by staff ID."""
        with self._db.read() as db:
            rows = db.execute("select staff_id, sealed from staff_accounts").fetchall()
        accounts = {}
        for staff_id, sealed in rows:
            values = json.loads(self._sealer.open(sealed, f"staff:{staff_id}"))
            accounts[staff_id] = StaffAccount(staff_id, values["name"], values["pin_hash"])
        return accounts
