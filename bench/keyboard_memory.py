"""Keyboard memory: what the on-screen keyboard adds to the kiosk's resident set, idle. Measured as
bench/memory.py measures the idle kiosk: each figure in a fresh process on a real
pseudo-terminal of 120x40, offline (nothing listens on the backend's port), the child reporting
its own VmRSS from /proc/self/status after SETTLE_S seconds of rest at the point measured.

- home (the baseline): the kiosk idle at the home screen, no keyboard ever opened;
- keyboard: the information step (InfoEntryScreen, 证书新办) with its Chinese field 单位名称
  focused, the pinyin keyboard open, and `chongqing` tapped on its keys letter by letter (each
  letter a lookup in the pinyin index, the candidates drawn), then rest;
- open (said for what it tells, not targeted): the same screen and field focused, its keys open,
  nothing tapped: the keyboard's and the screen's widgets without the index.

The taps are mouse presses posted to the app as its terminal driver posts them (MouseDown,
MouseUp at the key's middle; the app makes the Click), so they take the path a finger's do.
Each variant runs ROUNDS times, alternating, and the medians are compared. The home figure is
lower than bench/memory.py's kiosk_idle_rss_mb (about 80 MB against 100 on the same machine):
that probe imports the capture screen, and OpenCV with it, before its app starts, in every
target; this one imports only what the app does.

Target: growth (keyboard - home) <= 15 MB. Prints each median, then last
`keyboard_rss_growth_mb=<MB>`.
"""

from __future__ import annotations

import os
import statistics
import tempfile
from pathlib import Path

from _pty_child import run_child

TIMEOUT_S = 90.0
SETTLE_S = float(os.environ.get("MEMORY_SETTLE_S", "3"))
ROUNDS = int(os.environ.get("KEYBOARD_MEMORY_ROUNDS", "2"))
TYPED = "chongqing"

CHILD = r"""
import os, sys
marker_fd, target, settle_s, typed = int(sys.argv[1]), sys.argv[2], float(sys.argv[3]), sys.argv[4]

def report(app, problem=""):
    status = dict(line.split(":", 1) for line in open("/proc/self/status") if ":" in line)
    answer = problem or f"{status['VmRSS'].split()[0]} {status['VmHWM'].split()[0]}"
    os.write(marker_fd, f"{answer}\n".encode())
    app.exit()

from textual import events
from kiosk.ui.app import KioskApp

FIELD = "#field-unit-unit_name"

class Probe(KioskApp):
    def on_runtime_ready(self, message) -> None:
        super().on_runtime_ready(message)
        if target == "home":
            self.set_timer(settle_s, lambda: report(self))
            return
        from kiosk.core.domain.businesses import BUSINESSES, BusinessCode
        from kiosk.core.i18n import Text
        from kiosk.screens.info_entry import InfoEntryScreen

        self.push_screen(InfoEntryScreen(Text("证书新办"), BUSINESSES[BusinessCode.NEW].sections, {}))
        self.set_timer(0.5, self.open_keys)

    def tap(self, widget) -> None:
        # What the terminal driver posts for a finger's press and lift; the app makes the Click.
        region = widget.region
        x, y = region.x + region.width // 2, region.y + region.height // 2
        for kind in (events.MouseDown, events.MouseUp):
            self.post_message(kind(None, x, y, 0, 0, 1, False, False, False, screen_x=x, screen_y=y))

    def keyboard(self):
        from kiosk.screens.widgets.keyboard import OnScreenKeyboard

        return self.screen.query_one(OnScreenKeyboard)

    def open_keys(self) -> None:
        field = self.screen.query_one(FIELD)
        field.scroll_visible(animate=False, immediate=True)
        self.call_after_refresh(self.tap, field)
        self.set_timer(0.5, lambda: self.type_letters(0))

    def type_letters(self, done: int) -> None:
        from kiosk.screens.widgets.keyboard import Key

        board = self.keyboard()
        if board.target is None or board.composer is None:
            report(self, "the pinyin keys did not open")
            return
        if target == "open" or done == len(typed):
            composed = board.composer.letters
            wanted = "" if target == "open" else typed
            if composed != wanted or (wanted and not board.composer.offered):
                report(self, f"composed {composed!r} with {len(board.composer.offered)} candidates")
                return
            self.set_timer(settle_s, lambda: report(self))
            return
        key = next(key for key in board.query(Key) if key.value == typed[done] and key.display)
        self.tap(key)
        self.set_timer(0.2, lambda: self.type_letters(done + 1))

Probe().run()
"""


def measure(target: str, home: str) -> float:
    """RSS in MB of one child at its measuring point."""
    answer, _ = run_child(CHILD, [target, str(SETTLE_S), TYPED], home, TIMEOUT_S)
    fields = answer.decode().split()
    if len(fields) != 2 or not all(field.isdigit() for field in fields):
        raise RuntimeError(f"{target}: {answer.decode().strip()}")
    return int(fields[0]) / 1024


def main() -> None:
    rss: dict[str, list[float]] = {"home": [], "keyboard": [], "open": []}
    with tempfile.TemporaryDirectory(prefix="kiosk-keyboard-memory-") as home:
        Path(home, "kiosk.toml").write_text('backend_url = "http://127.0.0.1:9"\n')
        measure("home", home)  # first start: the store, its key and the demo video are made
        for run in range(ROUNDS):
            # Alternate the order so drift on a noisy machine hits each alike.
            order = ("home", "keyboard", "open") if run % 2 == 0 else ("open", "keyboard", "home")
            for target in order:
                rss[target].append(measure(target, home))
    home_mb, keyboard_mb, open_mb = (statistics.median(rss[name]) for name in ("home", "keyboard", "open"))
    print(f"kiosk idle at home (baseline): {home_mb:.1f} MB (median of {ROUNDS})")
    print(
        f"information step, pinyin keys open, {TYPED!r} tapped and looked up: {keyboard_mb:.1f} MB; "
        f"the same with nothing tapped: {open_mb:.1f} MB"
    )
    growth = keyboard_mb - home_mb
    print(
        f"growth {growth:.1f} MB (screen and keys {open_mb - home_mb:.1f}, "
        f"the lookups {keyboard_mb - open_mb:.1f}); target<=15"
    )
    print(f"keyboard_rss_growth_mb={growth:.1f}")


if __name__ == "__main__":
    main()
