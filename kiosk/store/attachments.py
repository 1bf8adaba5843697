"""The document images of the orders: one sealed (AES-GCM) file per distinct image, named by the
sha256 of its plain bytes and written atomically, and a row per order and document."""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from kiosk.core.domain.documents import DocumentKind
from kiosk.core.sealing import Sealer
from kiosk.store.database import Database, StoreError, full_is_said, order_status, utc_now

SEALED_SUFFIX = ".sealed"


@dataclass(frozen=True)
class AttachmentRecord:
    order_id: str
    document: DocumentKind
    sha256: str
    size: int
    media_type: str
    captured_at: str
    uploaded_at: str | None


class Attachments:
    def __init__(self, database: Database, folder: Path, sealer: Sealer) -> None:
        self._db = database
        self.folder = folder
        self._sealer = sealer

    def add(self, order_id: str, document: DocumentKind, data: bytes, media_type: str) -> AttachmentRecord:
        """Keep a captured image for the order (replacing an earlier capture of the document)."""
        sha256 = hashlib.sha256(data).hexdigest()
        self._write_sealed_file(sha256, data)
        now = utc_now()
        with self._db.write() as db:
            order_status(db, order_id)
            old = list(
                db.table("attachments").rows_where(
                    "order_id = ? and document = ?", [order_id, document.value]
                )
            )
            db.table("attachments").upsert(
                {
                    "order_id": order_id,
                    "document": DocumentKind(document).value,
                    "sha256": sha256,
                    "size": len(data),
                    "media_type": media_type,
                    "captured_at": now,
                    "uploaded_at": None,
                },
                pk=("order_id", "document"),
            )
        self.delete_unreferenced_files([row["sha256"] for row in old if row["sha256"] != sha256])
        return self.of(order_id)[DocumentKind(document)]

    def of(self, order_id: str) -> dict[DocumentKind, AttachmentRecord]:
        """The order's images, by document."""
        with self._db.read() as db:
            rows = list(db.table("attachments").rows_where("order_id = ?", [order_id]))
        return {
            DocumentKind(row["document"]): AttachmentRecord(
                order_id=row["order_id"],
                document=DocumentKind(row["document"]),
                sha256=row["sha256"],
                size=row["size"],
                media_type=row["media_type"],
                captured_at=row["captured_at"],
                uploaded_at=row["uploaded_at"],
            )
            for row in rows
        }

    def read(self, sha256: str) -> bytes:
        """The plain bytes of the image; StoreError if they are not the ones named."""
        sealed = self._file(sha256).read_bytes()
        data = self._sealer.open(sealed, f"attachment:{sha256}")
        if hashlib.sha256(data).hexdigest() != sha256:
            raise StoreError(f"attachment {sha256} does not match its name")
        return data

    # --- in an order's own transaction (kiosk/store/orders.py) -----------------------------------
    def hashes(self, db: sqlite_utils.Database, order_id: str) -> list[str]:
        """The sha256 of each of the order's images, inside the caller's `write()`."""
        return [row["sha256"] for row in db.table("attachments").rows_where("order_id = ?", [order_id])]

    def forget(self, db: sqlite_utils.Database, order_id: str) -> list[str]:
        """Delete the order's rows inside the caller's `write()`; the sha256 of their files, for
        `delete_unreferenced_files` once the transaction is committed."""
        hashes = self.hashes(db, order_id)
        db.table("attachments").delete_where("order_id = ?", [order_id])
        return hashes

    def delete_unreferenced_files(self, hashes: Sequence[str]) -> None:
        """Delete image files no order still needs. A purged order no longer needs its own."""
        for sha256 in set(hashes):
            with self._db.read() as db:
                query = (
                    "select count(*) from attachments a join orders o on o.id = a.order_id "
                    "where a.sha256 = ? and o.purged_at is null"
                )
                still_used = db.execute(query, [sha256]).fetchone()[0]
            if not still_used:
                self._file(sha256).unlink(missing_ok=True)

    # --- internals ---------------------------------------------------------------------------
    def _file(self, sha256: str) -> Path:
        return self.folder / f"{sha256}{SEALED_SUFFIX}"

    def _write_sealed_file(self, sha256: str, data: bytes) -> None:
        final = self._file(sha256)
        if final.exists():
            return  # content-addressed: the same bytes are already here
        temporary = final.with_suffix(f".{uuid.uuid4().hex}.tmp")
        with full_is_said():
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                with os.fdopen(fd, "wb") as out:
                    out.write(self._sealer.seal(data, f"attachment:{sha256}"))
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(temporary, final)
            except BaseException:
                temporary.unlink(missing_ok=True)
                raise
        directory = os.open(self.folder, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
