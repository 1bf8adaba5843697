"""The audit trail: staff actions and device events, append-only and chained, so that any change
to it is found (`kiosk audit verify`, the staff dashboard, `kiosk doctor`).

- Each record's hash is an HMAC over the previous hash and the record, keyed with a key derived
  from the store's key file (outside the database). Someone who can edit the database but not
  read the key cannot rewrite a record and compute the chain anew, as a plain hash would allow.
- The newest record's (seq, hash) is also written to an anchor file beside the database, MAC'd
  with the same key. Records cut off the end, or the whole trail swapped for an older copy of
  the database, no longer match it.
- A trail written before the key (plain SHA-256 chain) is checked with the old rule once and, if
  intact, chained anew with the key; a broken one is left as it is, to be reported.

Never put personal data or a PIN in a record's detail.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.core.i18n import Text
from kiosk.store.database import Database, utc_now

GENESIS_HASH = "0" * 64
KEY_PURPOSE = "kiosk audit chain v1"
FIELDS = ("seq", "at", "actor", "action", "detail")


@dataclass(frozen=True)
class AuditRecord:
    seq: int
    at: str
    actor: str
    action: str
    detail: dict[str, Any]


class AuditTrail:
    def __init__(self, database: Database, key: bytes, anchor: Path) -> None:
        self._db = database
        self._key = key
        self.anchor = anchor

    # --- writing ----------------------------------------------------------------------------------
    def append(self, actor: str, action: str, **detail: Any) -> None:
        """Append a chained record, dated now. Never pass personal data or PINs in `detail`."""
        at = utc_now()
        with self._db.write() as db:
            last = db.execute("select seq, hash from audit order by seq desc limit 1").fetchone()
            seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
            record = {
                "seq": seq,
                "at": at,
                "actor": actor,
                "action": action,
                "detail": json.dumps(detail, ensure_ascii=False, sort_keys=True),
            }
            digest = self._hash(prev_hash, record)
            db.table("audit").insert({**record, "prev_hash": prev_hash, "hash": digest})
            # Inside the transaction: a crash before the commit leaves the anchor one ahead,
            # which verify reports; after it, anchor and trail agree.
            self._write_anchor(seq, digest)

    def adopt_legacy_chain(self) -> bool:
        """A trail from before the key: if it is intact under the old rule, chain it anew with
        the key (and anchor it). True when it was rechained."""
        if self.anchor.exists():
            return False
        with self._db.read() as db:
            rows = list(db.table("audit").rows_where(order_by="seq"))
        if not rows or _first_break(rows, _plain_hash) is not None:
            return False
        with self._db.write() as db:
            prev_hash = GENESIS_HASH
            for row in rows:
                record = {key: row[key] for key in FIELDS}
                digest = self._hash(prev_hash, record)
                db.execute(
                    "update audit set prev_hash = ?, hash = ? where seq = ?", [prev_hash, digest, row["seq"]]
                )
                prev_hash = digest
            self._write_anchor(rows[-1]["seq"], prev_hash)
        return True

    # --- checking ---------------------------------------------------------------------------------
    def first_changed(self) -> int | None:
        """The seq of the first record that does not match the chain, or None if all do."""
        with self._db.read() as db:
            rows = list(db.table("audit").rows_where(order_by="seq"))
        return _first_break(rows, self._hash)

    def problem(self) -> Text | None:
        """What is wrong with the trail, in a sentence for staff; None when it is intact."""
        changed = self.first_changed()
        if changed is not None:
            return Text("审计记录第{seq}条被改动或删除", seq=changed)
        with self._db.read() as db:
            head = db.execute("select seq, hash from audit order by seq desc limit 1").fetchone()
        anchored = self._read_anchor()
        if head is None and anchored is None:
            return None
        if anchored is None:
            return Text("审计记录的锚点文件缺失或被改动")
        if head is None or (head[0], head[1]) != anchored:
            seq = head[0] if head else 0
            return Text(
                "审计记录与锚点不符：应有{expected}条，现有{actual}条", expected=anchored[0], actual=seq
            )
        return None

    def records(self, last: int | None = None) -> list[AuditRecord]:
        query = "select seq, at, actor, action, detail from audit order by seq desc"
        with self._db.read() as db:
            rows = db.execute(query + (" limit ?" if last else ""), [last] if last else []).fetchall()
        return [
            AuditRecord(seq, at, actor, action, json.loads(detail))
            for seq, at, actor, action, detail in reversed(rows)
        ]

    def count(self) -> int:
        with self._db.read() as db:
            return int(db.execute("select count(*) from audit").fetchone()[0])

    # --- internals --------------------------------------------------------------------------------
    def _hash(self, prev_hash: str, record: dict[str, Any]) -> str:
        return hmac.new(self._key, (prev_hash + _canonical(record)).encode(), hashlib.sha256).hexdigest()

    def _anchor_mac(self, seq: int, digest: str) -> str:
        return hmac.new(self._key, f"anchor:{seq}:{digest}".encode(), hashlib.sha256).hexdigest()

    def _write_anchor(self, seq: int, digest: str) -> None:
        content = json.dumps({"seq": seq, "hash": digest, "mac": self._anchor_mac(seq, digest)})
        temporary = self.anchor.with_name(self.anchor.name + ".tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, self.anchor)

    def _read_anchor(self) -> tuple[int, str] | None:
        """(seq, hash) of the newest record as anchored; None when missing or not this key's."""
        try:
            anchored = json.loads(self.anchor.read_text())
            seq, digest, mac = int(anchored["seq"]), str(anchored["hash"]), str(anchored["mac"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if not hmac.compare_digest(mac, self._anchor_mac(seq, digest)):
            return None
        return seq, digest


def _canonical(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _plain_hash(prev_hash: str, record: dict[str, Any]) -> str:
    """The chain's rule before it was keyed (kept to adopt such a trail)."""
    return hashlib.sha256((prev_hash + _canonical(record)).encode()).hexdigest()


def _first_break(rows: list[dict[str, Any]], chain: Callable[[str, dict[str, Any]], str]) -> int | None:
    prev_hash = GENESIS_HASH
    for expected_seq, row in enumerate(rows, start=1):
        record = {key: row[key] for key in FIELDS}
        if (
            row["seq"] != expected_seq
            or row["prev_hash"] != prev_hash
            or not hmac.compare_digest(row["hash"], chain(prev_hash, record))
        ):
            return int(row["seq"])
        prev_hash = row["hash"]
    return None
