"""The renewal journal: a small public data object on the key itself that says how far a
renewal got, so whichever kiosk sees the key next can finish or roll it back.

The journal lives on the token, not in the kiosk's database, because the key can be pulled out
and taken to another kiosk. It holds key identifiers and a stage, nothing secret. SoftHSM (like
many tokens) makes a data object's value read-only, so a stage is advanced by writing a new
object and then destroying the older ones; a reader takes the most advanced stage it finds."""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum

import pkcs11
from pkcs11 import Attribute, ObjectClass

from kiosk.devices.token.module import find_objects

JOURNAL_APPLICATION = "ca-kiosk"
JOURNAL_LABEL = "ca-kiosk renewal journal"


class Stage(StrEnum):
    GENERATING = "generating"  # the new pair is being made; no request has left the kiosk
    REQUESTED = "requested"  # the request may have reached the CA: the new pair is kept
    INSTALLED = "installed"  # the new certificate is on the key and checked: finish the swap


STAGE_ORDER = (Stage.GENERATING, Stage.REQUESTED, Stage.INSTALLED)


@dataclass(frozen=True)
class Journal:
    stage: Stage
    old_id: bytes | None  # the pair being replaced; None on a blank key
    new_id: bytes
    label: str  # the label the new objects take once the old ones are gone
    kind: str  # the key kind asked for (ec, rsa)

    def at(self, stage: Stage) -> Journal:
        return Journal(stage, self.old_id, self.new_id, self.label, self.kind)

    def encode(self) -> bytes:
        return json.dumps(
            {
                "stage": self.stage.value,
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
                stage=Stage(raw["stage"]),
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
    valid = [entry for entry in entries if entry is not None]
    return max(valid, key=lambda entry: STAGE_ORDER.index(entry.stage), default=None)


def write_journal(session: pkcs11.Session, journal: Journal) -> None:
    """Record `journal`; the older entries go only once the new one is on the key."""
    older = _journal_objects(session)
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
    for obj in older:
        obj.destroy()


def clear_journal(session: pkcs11.Session) -> None:
    for obj in _journal_objects(session):
        obj.destroy()
