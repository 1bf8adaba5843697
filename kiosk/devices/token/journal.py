"""The renewal journal: a small public data object on the key itself that names the pair being
replaced and the pair replacing it, so whichever kiosk sees the key next can finish or roll
back a renewal the subscriber interrupted by pulling the key out.

The journal lives on the key, not in the kiosk's database, because the key can be taken to
another kiosk. It holds key identifiers and a label, nothing secret. It is written once, before
the new pair is made, and removed once the old pair is gone; how far the renewal got is read
from the objects themselves (kiosk/devices/token/renewal.py), which saves a write per stage
(each costs a file write on SoftHSM, and a flash write on a real key)."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pkcs11
from pkcs11 import Attribute, ObjectClass

from kiosk.devices.token.module import find_objects

JOURNAL_APPLICATION = "ca-kiosk"
JOURNAL_LABEL = "ca-kiosk renewal journal"


@dataclass(frozen=True)
class Journal:
    old_id: bytes | None  # the pair being replaced; None on a blank key
    new_id: bytes
    label: str  # the label both pairs carry: the new one takes the old one's place
    kind: str  # the key kind asked for (ec, rsa)

    def encode(self) -> bytes:
        return json.dumps(
            {
                "old_id": self.old_id.hex() if self.old_id else None,
                "new_id": self.new_id.hex(),
                "label": self.label,
                "kind": self.kind,
            }
        ).encode()

    @classmethod
    def decode(cls, data: bytes) -> Journal | None:
        try:
            raw = json.loads(data)
            return cls(
                old_id=bytes.fromhex(raw["old_id"]) if raw["old_id"] else None,
                new_id=bytes.fromhex(raw["new_id"]),
                label=str(raw["label"]),
                kind=str(raw["kind"]),
            )
        except (ValueError, KeyError, TypeError):
            return None  # a torn or foreign object: treated as no journal


def _journal_objects(session: pkcs11.Session) -> list[pkcs11.Object]:
    return find_objects(
        session,
        {
            Attribute.CLASS: ObjectClass.DATA,
            Attribute.APPLICATION: JOURNAL_APPLICATION,
            Attribute.LABEL: JOURNAL_LABEL,
        },
    )


def read_journal(session: pkcs11.Session) -> Journal | None:
    entries = [Journal.decode(bytes(obj[Attribute.VALUE])) for obj in _journal_objects(session)]
    return next((entry for entry in entries if entry is not None), None)


def write_journal(session: pkcs11.Session, journal: Journal) -> None:
    """Record `journal` (the caller has checked that none is open)."""
    session.create_object(
        {
            Attribute.CLASS: ObjectClass.DATA,
            Attribute.TOKEN: True,
            Attribute.PRIVATE: False,
            Attribute.MODIFIABLE: True,
            Attribute.APPLICATION: JOURNAL_APPLICATION,
            Attribute.LABEL: JOURNAL_LABEL,
            Attribute.VALUE: journal.encode(),
        }
    )


def clear_journal(session: pkcs11.Session) -> None:
    for obj in _journal_objects(session):
        obj.destroy()
