"""A real small file system for the disk-full tests: a tmpfs mounted for the test (root only, as
the kiosk's CI and its set-up run; elsewhere the tests are skipped), and a filler that takes the
last byte of it."""

from __future__ import annotations

import errno
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

DISK_BYTES = 8 * 1024 * 1024


@contextmanager
def mounted_small_disk(mount_point: Path, size: int = DISK_BYTES) -> Iterator[Path]:
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root (CI and the set-up run as root)")
    mount_point.mkdir()
    subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "kiosk-test", str(mount_point)],
        check=True,
    )
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "--lazy", str(mount_point)], check=True)


def fill(disk: Path) -> Path:
    """Write a filler file until the file system says it is full; returns it."""
    filler = disk / "filler"
    chunk = os.urandom(64 * 1024)
    with filler.open("wb", buffering=0) as out:
        while True:
            try:
                out.write(chunk)
            except OSError as error:
                assert error.errno == errno.ENOSPC
                break
    # The last bytes too: a write smaller than a chunk may still fit.
    with filler.open("ab", buffering=0) as out:
        for size in (4096, 512, 1):
            while True:
                try:
                    out.write(b"\0" * size)
                except OSError:
                    break
    return filler


def integrity(database: Path) -> str:
    with sqlite3.connect(database) as conn:
        return str(conn.execute("pragma integrity_check").fetchone()[0])
