"""One sender per store, across processes: on a kiosk both the app and `kiosk sync` (its
systemd unit keeps the queue moving while the screen is down) may run. Sending twice at once is
harmless (the backend deduplicates on the order's UUID forever) but wasteful, and two senders
would back off and report the link twice; so whoever holds the lock sends, the other waits.

The lock is flock(2) on a file beside the store: the kernel drops it when its holder dies, so
a killed sender never blocks the next one."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def sending_alone(path: Path) -> Iterator[bool]:
    """Yields True while this holder may send (the lock taken), False when another holds it."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
