"""Cold start: time from process start to the first painted frame of the home screen,
against a minimal Textual app showing one label, measured in the same run on a real
pseudo-terminal of 120x40. Prints the medians and, last, `cold_start_ratio=<kiosk/baseline>`.

Target: ratio <= 1.3 (the kiosk may cost at most 30 % more than Textual itself).
"""

from __future__ import annotations

import os
import statistics
import tempfile

from _pty_child import run_child

RUNS = int(os.environ.get("COLD_START_RUNS", "9"))
TIMEOUT_S = 30.0

# The child paints its first frame, then reports on fd MARKER_FD and leaves.
CHILD = r"""
import os, sys
marker_fd, target = int(sys.argv[1]), sys.argv[2]
if target == "kiosk":
    from kiosk.ui.app import KioskApp as Base
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
    _, seconds = run_child(CHILD, [target], home, TIMEOUT_S)
    return seconds


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
