"""The token registry (each token's SO PIN, sealed under the backend's key), single-use unlock
grants, hall staff accounts and their authorisations.

The SO PIN never rests on a kiosk. A grant carries the SO PIN to log in with and the next one
to set; the backend promotes the next only when the kiosk reports success. When no report came
(the key was pulled, the network fell), the next grant offers the newer PIN first, then the
older: whichever the token holds opens it."""

from __future__ import annotations

import logging
import secrets
import time
from datetime import UTC, datetime

from ca_backend.config import BackendSettings
from ca_backend.database import Database, now_iso
from ca_backend.errors import ApiError, conflict, not_found
from ca_backend.orders.ledger import Caller, OrderLedger
from kiosk.core.contract import (
    StaffAccountView,
    StaffAuthorisation,
    StaffDirectory,
    UnlockGrant,
    UnlockResult,
)
from kiosk.core.domain.businesses import Fulfilment, business
from kiosk.core.domain.status import OrderStatus
from kiosk.core.domain.token_policy import UnlockRoute, load_token_policy
from kiosk.core.i18n import Text
from kiosk.core.sealing import Sealer
from kiosk.core.staff_pins import hash_pin, verify_pin

log = logging.getLogger(__name__)

SO_PIN_LENGTH = 8


def needs_assistance(serial: str) -> bool:
    """Keys that unlock only with hall staff or remote assistance (data/tokens.json): the
    assisted prefixes, and any prefix the CA does not know."""
    return load_token_policy().unlock_route(serial) is not UnlockRoute.SELF_SERVICE


class Tokens:
    def __init__(self, db: Database, settings: BackendSettings, sealer: Sealer, orders: OrderLedger) -> None:
        self.db = db
        self.settings = settings
        self.sealer = sealer
        self.orders = orders

    # --- registry -------------------------------------------------------------------------------
    def register(self, serial: str, so_pin: str) -> None:
        with self.db.write() as conn:
            conn.execute(
                "insert into tokens (serial, so_pin_sealed, registered_at) values (?, ?, ?)"
                " on conflict (serial) do update set so_pin_sealed = excluded.so_pin_sealed,"
                " pending_so_pin_sealed = null",
                (serial, self._seal(serial, so_pin), now_iso()),
            )

    def register_from_kiosk(self, device_id: str, serial: str, so_pin: str) -> None:
        """A kiosk personalised a blank key (instant issuance). A key that has had a certificate
        or an unlock keeps its registration; until then a retry may replace it (the kiosk makes
        a fresh SO PIN on each attempt, and a key pulled out mid-way still holds the factory
        one). Repeating the same registration is a no-op."""
        with self.db.write() as conn:
            row = conn.execute("select * from tokens where serial = ?", (serial,)).fetchone()
            if row is not None and self._open(serial, row["so_pin_sealed"]) != so_pin:
                used = conn.execute(
                    "select 1 from certificates where token_serial = ?"
                    " union all select 1 from grants where token_serial = ?",
                    (serial, serial),
                ).fetchone()
                if used is not None:
                    raise conflict("token_registered", Text("该证书盘已登记，不能重新登记"))
            conn.execute(
                "insert into tokens (serial, so_pin_sealed, registered_at) values (?, ?, ?)"
                " on conflict (serial) do update set so_pin_sealed = excluded.so_pin_sealed,"
                " pending_so_pin_sealed = null",
                (serial, self._seal(serial, so_pin), now_iso()),
            )
            log.info("token %s registered by kiosk %s", serial, device_id)

    def so_pins(self, serial: str) -> list[str]:
        """The SO PINs the token may hold, newest first (for tests and the registry's owner)."""
        with self.db.connect() as conn:
            row = conn.execute("select * from tokens where serial = ?", (serial,)).fetchone()
        if row is None:
            return []
        pins = [self._open(serial, row["pending_so_pin_sealed"])] if row["pending_so_pin_sealed"] else []
        return [*pins, self._open(serial, row["so_pin_sealed"])]

    # --- grants ---------------------------------------------------------------------------------
    def grant(self, caller: Caller, order_id: str, serial: str) -> UnlockGrant:
        order = self.orders.get(caller, order_id)
        if business(order.business).fulfilment is not Fulfilment.UNLOCK:
            raise conflict("not_unlock", Text("该订单不是解锁业务"))
        if order.status is not OrderStatus.AWAITING_UNLOCK:
            raise conflict("not_unlockable", Text("订单尚未审核通过，不能解锁"))
        if order.token_serial != serial:
            raise ApiError(
                403, "other_token", Text("插入的证书盘（芯片号{serial}）不是该订单的证书盘", serial=serial)
            )
        now = time.time()
        with self.db.write() as conn:
            if (
                needs_assistance(serial)
                and conn.execute("select 1 from authorisations where order_id = ?", (order_id,)).fetchone()
                is None
            ):
                raise ApiError(403, "needs_staff", Text("该证书盘需由大厅工作人员授权后才能解锁"))
            token = conn.execute("select * from tokens where serial = ?", (serial,)).fetchone()
            if token is None:
                raise not_found(Text("证书盘未登记，请联系工作人员"))
            # One live grant at a time: a new request voids the unused ones.
            conn.execute(
                "update grants set used_at = ? where order_id = ? and used_at is null", (now_iso(), order_id)
            )
            candidates = [self._open(serial, token["so_pin_sealed"])]
            if token["pending_so_pin_sealed"]:
                candidates.insert(0, self._open(serial, token["pending_so_pin_sealed"]))
            next_pin = "".join(secrets.choice("0123456789") for _ in range(SO_PIN_LENGTH))
            grant_id = "grant_" + secrets.token_hex(12)
            expires_at = now + self.settings.grant_ttl_s
            conn.execute(
                "insert into grants (grant_id, order_id, token_serial, next_so_pin_sealed, expires_at)"
                " values (?, ?, ?, ?, ?)",
                (grant_id, order_id, serial, self._seal(serial, next_pin), expires_at),
            )
            conn.execute(
                "update tokens set pending_so_pin_sealed = ? where serial = ?",
                (self._seal(serial, next_pin), serial),
            )
        return UnlockGrant(
            grant_id=grant_id,
            token_serial=serial,
            so_pin_candidates=candidates,
            next_so_pin=next_pin,
            expires_at=datetime.fromtimestamp(expires_at, UTC),
        )

    def report(self, caller: Caller, grant_id: str, result: UnlockResult) -> None:
        now = time.time()
        with self.db.write() as conn:
            grant = conn.execute("select * from grants where grant_id = ?", (grant_id,)).fetchone()
            if grant is None:
                raise not_found(Text("没有找到该解锁授权"))
            self.orders.get(caller, grant["order_id"])  # the caller must see the order
            if grant["used_at"] is not None:
                raise conflict("grant_used", Text("该解锁授权已使用"))
            if grant["expires_at"] < now and result.so_pin_changed is False:
                raise conflict("grant_expired", Text("解锁授权已过期，请重新申请"))
            serial = grant["token_serial"]
            conn.execute(
                "update grants set used_at = ?, succeeded = ? where grant_id = ?",
                (now_iso(), int(result.succeeded), grant_id),
            )
            if result.so_pin_changed:
                conn.execute(
                    "update tokens set so_pin_sealed = ?, pending_so_pin_sealed = null where serial = ?",
                    (grant["next_so_pin_sealed"], serial),
                )
            else:
                conn.execute("update tokens set pending_so_pin_sealed = null where serial = ?", (serial,))
            if result.succeeded:
                order = conn.execute(
                    "select * from orders where order_id = ?", (grant["order_id"],)
                ).fetchone()
                self.orders.move(
                    conn, order, OrderStatus.COMPLETED, f"device:{caller.device_id}", "证书盘已解锁"
                )

    # --- staff ----------------------------------------------------------------------------------
    def add_staff(self, staff_id: str, name: str, pin: str) -> None:
        with self.db.write() as conn:
            conn.execute(
                "insert into staff (staff_id, name, pin_hash, created_at) values (?, ?, ?, ?)"
                " on conflict (staff_id) do update set name = excluded.name, pin_hash = excluded.pin_hash",
                (staff_id, name, hash_pin(pin), now_iso()),
            )

    def staff_directory(self) -> StaffDirectory:
        """The hall staff accounts, for an enrolled kiosk to sign staff in (offline too)."""
        with self.db.connect() as conn:
            rows = conn.execute("select staff_id, name, pin_hash from staff order by staff_id").fetchall()
        return StaffDirectory(
            accounts=[
                StaffAccountView(staff_id=row["staff_id"], name=row["name"], pin_hash=row["pin_hash"])
                for row in rows
            ]
        )

    def authorise(self, caller: Caller, order_id: str, authorisation: StaffAuthorisation) -> None:
        order = self.orders.get(caller, order_id)
        with self.db.connect() as conn:
            staff = conn.execute(
                "select * from staff where staff_id = ?", (authorisation.staff_id,)
            ).fetchone()
        if staff is None or not verify_pin(authorisation.staff_pin, staff["pin_hash"]):
            raise ApiError(403, "bad_staff_pin", Text("工作人员工号或PIN不正确"))
        with self.db.write() as conn:
            conn.execute(
                "insert into authorisations (order_id, staff_id, device_id, at) values (?, ?, ?, ?)",
                (order_id, authorisation.staff_id, caller.device_id, now_iso()),
            )
            self.orders.record_event(
                conn,
                order_id,
                order.status,
                f"staff:{authorisation.staff_id}",
                "工作人员已现场授权",
            )

    def _seal(self, serial: str, pin: str) -> bytes:
        return self.sealer.seal(pin.encode(), f"so-pin:{serial}")

    def _open(self, serial: str, sealed: bytes) -> str:
        return self.sealer.open(sealed, f"so-pin:{serial}").decode()
