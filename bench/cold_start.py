"""Cold start: time from process start to the first painted frame of the home screen,
against a minimal Textual app showing one label, measured in the same run on a real
pseudo-terminal of 120x40. Prints the medians and, last, `cold_start_ratio=<kiosk/baseline>`.

Target: ratio <= 1.3 (the kiosk may cost at most 30 % more than Textual itself).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time

RUNS = int(os.environ.get("COLD_START_RUNS", "9"))
TIMEOUT_S = 30.0

# The child paints its first frame, then reports on fd MARKER_FD and leaves.
CHILD = r"""
import os, sys
target, marker_fd = sys.argv[1], int(sys.argv[2])
if target == "kiosk":
    from kiosk.app import KioskApp as Base
    base_args = {}
else:
    from textual.app import App, ComposeResult
    from textual.widgets import Label

    class Base(App):
        def compose(self) -> ComposeResult:
            yield Label("数字证书自助服务终端")
    base_args = {}

class Probe(Base):
    def on_ready(self) -> None:
        if hasattr(super(), "on_ready"):
            super().on_ready()
        os.write(marker_fd, b"painted\n")
        self.exit()

Probe(**base_args).run()
"""


def one_start(target: str, home: str) -> float:
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    marker_read, marker_write = os.pipe()
    env = {**os.environ, "KIOSK_HOME": home, "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "40"}
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, target, str(marker_write)],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        pass_fds=(marker_write,),
        env=env,
        close_fds=True,
    )
    os.close(slave)
    os.close(marker_write)
    painted_at = None
    deadline = started + TIMEOUT_S
    try:
        while painted_at is None:
            if time.perf_counter() > deadline:
                raise RuntimeError(f"{target}: no first paint within {TIMEOUT_S} s")
            ready, _, _ = select.select([master, marker_read], [], [], 1.0)
            if marker_read in ready and os.read(marker_read, 64):
                painted_at = time.perf_counter()
            if master in ready:
                with contextlib.suppress(OSError):  # keep the pty drained: the child never blocks
                    os.read(master, 65536)
    finally:
        child.kill()
        child.wait()
        os.close(master)
        os.close(marker_read)
    return painted_at - started


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="kiosk-cold-start-") as home:
        one_start("kiosk", home)  # warm the file cache and create the store once
        one_start("baseline", home)
        times: dict[str, list[float]] = {"kiosk": [], "baseline": []}
        for run in range(RUNS):
            # Alternate the order so drift on a noisy machine hits both alike.
            order = ("kiosk", "baseline") if run % 2 == 0 else ("baseline", "kiosk")
            for target in order:
                times[target].append(one_start(target, home))
    kiosk, baseline = statistics.median(times["kiosk"]), statistics.median(times["baseline"])
    print(f"runs={RUNS} kiosk_median_s={kiosk:.3f} baseline_median_s={baseline:.3f}")
    print(f"cold_start_ratio={kiosk / baseline:.2f}")


if __name__ == "__main__":
    main()
