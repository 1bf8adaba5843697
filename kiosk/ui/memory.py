"""The kiosk's memory habits, set once at start (plain Python).

glibc gives each thread that allocates its own malloc arena and keeps what was freed there for
the next time. The camera's worker hands a 6 MB frame to the UI thread twelve times a second,
and the two arenas then hold about 25 MB each that nobody uses: bench/memory.py measured the
camera preview at 252 MB resident with the default, 227 MB with two arenas (target: 250 MB).
Two arenas keep threads from waiting on each other's allocations, which is all a kiosk's few
threads need."""

from __future__ import annotations

import ctypes

M_ARENA_MAX = -8  # glibc's mallopt parameter
ARENAS = 2


def limit_malloc_arenas() -> bool:
    """Before threads allocate: at most ARENAS arenas. False where the C library is not glibc.
    (By its soname: ctypes.util.find_library would run ldconfig at every start.)"""
    try:
        libc = ctypes.CDLL("libc.so.6")
        return bool(libc.mallopt(M_ARENA_MAX, ARENAS))
    except (OSError, AttributeError):
        return False
