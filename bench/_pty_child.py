"""Shared by the bench scripts that run a Textual app as a child on a real pseudo-terminal of
120x40 (cold_start.py, memory.py): the child reports on a marker pipe when it is where it
should be measured; the parent keeps the pty drained meanwhile (a child that cannot write its
screen would stall). Not a bench itself: `make bench` and scripts/performance_report.py skip
files whose name starts with an underscore."""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time


def run_child(code: str, args: list[str], home: str, timeout_s: float) -> tuple[bytes, float]:
    """Runs `python -c code <marker fd> *args` on a 120x40 pty under KIOSK_HOME=home, until it
    writes a line on the marker fd (passed as its first argument). Returns that line and the
    seconds from the start to it; the child is killed then."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    marker_read, marker_write = os.pipe()
    env = {**os.environ, "KIOSK_HOME": home, "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "40"}
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", code, str(marker_write), *args],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        pass_fds=(marker_write,),
        env=env,
        close_fds=True,
    )
    os.close(slave)
    os.close(marker_write)
    answer = b""
    deadline = started + timeout_s
    try:
        while not answer.endswith(b"\n"):
            if time.perf_counter() > deadline:
                raise RuntimeError(f"{args}: no report within {timeout_s} s")
            ready, _, _ = select.select([master, marker_read], [], [], 1.0)
            if marker_read in ready:
                answer += os.read(marker_read, 64)
            if master in ready:
                with contextlib.suppress(OSError):
                    os.read(master, 65536)
        return answer, time.perf_counter() - started
    finally:
        child.kill()
        child.wait()
        os.close(master)
        os.close(marker_read)
