"""The kiosk's own small state that must outlive a restart, in `kiosk_state`: values by key
(out of service, the staff entry's lockout) and the day's visits per business."""

from __future__ import annotations

from kiosk.store.database import Database


class KioskState:
    """Values by key: `out_of_service`, `staff_failures`, `staff_locked_until` ..."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def get(self, key: str, default: str = "") -> str:
        with self._db.read() as db:
            row = db.execute("select value from kiosk_state where key = ?", [key]).fetchone()
        return default if row is None else str(row[0])

    def set(self, **values: str) -> None:
        with self._db.write() as db:
            db.table("kiosk_state").upsert_all([{"key": k, "value": v} for k, v in values.items()], pk="key")


class Visits:
    """How many subscribers began each business, per day: counts, nothing about who."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def count(self, business: str, day: str) -> None:
        """One more subscriber began `business` on `day` (today)."""
        key = f"visits:{day}:{business}"
        with self._db.write() as db:
            db.execute(
                "insert into kiosk_state (key, value) values (?, '1')"
                " on conflict (key) do update set value = cast(value as integer) + 1",
                [key],
            )

    def on(self, day: str) -> dict[str, int]:
        """The visits of `day`, by business code."""
        prefix = f"visits:{day}:"
        with self._db.read() as db:
            rows = db.execute(
                "select key, value from kiosk_state where key like ?", [prefix + "%"]
            ).fetchall()
        return {key.removeprefix(prefix): int(value) for key, value in rows}
