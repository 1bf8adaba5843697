"""A Textual app served with textual-serve, read and tapped as Debian's Chromium shows it (driven
headless by Playwright, no browser download): what the page's WebSocket received is kept as text
(CAPTURE_OUTPUT), and replayed into the terminal's grid of cells (TerminalScreen) to find where a
text is drawn, so a test can tap it as a finger would. `kiosk serve-screen` started as the
kiosk's unit starts it (serving_screen)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.cells import get_character_cell_size

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]

# Every binary frame the page's WebSocket receives is terminal output: keep it, as text. Also the
# terminal's size in cells, as the page last told the app, and an id of this page load.
CAPTURE_OUTPUT = """
(() => {
  window.__screen = "";
  window.__size = null;
  window.__load = Math.random();
  const decoder = new TextDecoder();
  const Real = window.WebSocket;
  window.WebSocket = function (...args) {
    const socket = new Real(...args);
    const query = new URL(args[0]).searchParams;
    window.__size = { width: Number(query.get("width")), height: Number(query.get("height")) };
    const send = socket.send.bind(socket);
    socket.send = (data) => {
      const message = typeof data === "string" && data.startsWith('["resize"') ? JSON.parse(data) : null;
      if (message) window.__size = message[1];
      return send(data);
    };
    socket.addEventListener("message", (event) => {
      if (typeof event.data !== "string") {
        window.__screen += decoder.decode(new Uint8Array(event.data), { stream: true });
      }
    });
    return socket;
  };
  window.WebSocket.prototype = Real.prototype;
})();
"""
ANSI = re.compile(r"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>]|\x1b\][^\x07]*\x07")
SHOWS = "(text) => window.__screen.replace(/\\x1b\\[[0-9;?<>=]*[ -\\/]*[@-~]/g, '').includes(text)"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def shows(page: Any, text: str) -> bool:
    """`text` was drawn, in one piece, at some time since the page loaded."""
    return bool(page.evaluate(SHOWS, text))


_TOKEN = re.compile(
    r"\x1b\[(?P<params>[0-9;?<>=]*)[ -/]*(?P<final>[@-~])"  # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC
    r"|\x1b[()][0-9A-Za-z]|\x1b[=>78DEM]"
    r"|(?P<text>[^\x1b]+)"
)


class TerminalScreen:
    """The terminal's cells after `output`, as far as a test needs: cursor moves (CSI H), erases
    (CSI J and K) and text, a wide (CJK) character taking two cells. Colours are not kept."""

    def __init__(self, output: str, columns: int, rows: int) -> None:
        self.columns, self.rows = columns, rows
        self._cells = [[" "] * columns for _ in range(rows)]
        self._row = self._column = 0
        for token in _TOKEN.finditer(output):
            if token["text"] is not None:
                self._write(token["text"])
            elif token["final"] is not None:
                self._control(token["params"], token["final"])

    def _control(self, params: str, final: str) -> None:
        if params.startswith("?"):
            if params in ("?1049h", "?1049l", "?47h", "?47l"):  # the other screen: a clear one
                self._clear(0, self.rows)
            return
        numbers = [int(part) if part else 0 for part in params.split(";")] if params else []
        if final in "Hf":
            row, column = [*numbers, 1, 1][:2]
            self._row, self._column = max(row, 1) - 1, max(column, 1) - 1
        elif final == "J":
            mode = numbers[0] if numbers else 0
            if mode in (2, 3):
                self._clear(0, self.rows)
            elif mode == 0:
                self._erase_line(self._column, self.columns)
                self._clear(self._row + 1, self.rows)
        elif final == "K":
            mode = numbers[0] if numbers else 0
            start, end = {0: (self._column, self.columns), 1: (0, self._column + 1)}.get(
                mode, (0, self.columns)
            )
            self._erase_line(start, end)

    def _clear(self, first: int, last: int) -> None:
        for row in range(first, last):
            self._cells[row] = [" "] * self.columns

    def _erase_line(self, start: int, end: int) -> None:
        if 0 <= self._row < self.rows:
            for column in range(max(start, 0), min(end, self.columns)):
                self._cells[self._row][column] = " "

    def _write(self, text: str) -> None:
        for char in text:
            if char == "\n":
                self._row += 1
            elif char == "\r":
                self._column = 0
            else:
                width = get_character_cell_size(char)
                if width == 0:
                    continue
                if 0 <= self._row < self.rows and 0 <= self._column + width - 1 < self.columns:
                    self._put(self._cells[self._row], self._column, char, width)
                self._column += width

    @staticmethod
    def _put(cells: list[str], column: int, char: str, width: int) -> None:
        for covered in range(column, column + width):  # a wide character half overwritten goes
            if cells[covered] == "" and covered > 0:
                cells[covered - 1] = " "
            if covered + 1 < len(cells) and cells[covered + 1] == "":
                cells[covered + 1] = " "
        cells[column] = char
        if width == 2:
            cells[column + 1] = ""  # the right half of it

    def line(self, row: int) -> str:
        return "".join(self._cells[row])

    @property
    def text(self) -> str:
        return "\n".join(self.line(row) for row in range(self.rows))

    def find(self, text: str) -> list[Cell]:
        """Where `text` is drawn: the cell of its first character, each time, top to bottom."""
        return [cell for cell, _ in self.search(re.compile(re.escape(text)))]

    def search(self, pattern: re.Pattern[str]) -> list[tuple[Cell, str]]:
        """Each match of `pattern` within a line, with the cell where it starts, top to bottom."""
        found = []
        for row in range(self.rows):
            columns = [column for column, cell in enumerate(self._cells[row]) if cell != ""]
            for match in pattern.finditer(self.line(row)):
                width = sum(get_character_cell_size(char) for char in match.group())
                found.append((Cell(row, columns[match.start()], width), match.group()))
        return found


@dataclass(frozen=True)
class Cell:
    row: int
    column: int
    width: int = 1  # in cells, of the text found there


def read_screen(page: Any) -> TerminalScreen:
    size = page.evaluate("window.__size")
    return TerminalScreen(page.evaluate("window.__screen"), size["width"], size["height"])


def wait_for_screen(
    page: Any, ready: Callable[[TerminalScreen], bool], timeout_s: float = 30, what: str = ""
) -> TerminalScreen:
    """The screen once `ready` holds: read again each time the page receives output."""
    deadline = time.monotonic() + timeout_s
    while True:
        load, received = page.evaluate("[window.__load, window.__screen.length]")
        screen = read_screen(page)
        if ready(screen):
            return screen
        remaining = deadline - time.monotonic()
        try:
            if remaining <= 0:
                raise TimeoutError
            page.wait_for_function(
                "([load, received]) => window.__load !== load || window.__screen.length > received",
                arg=[load, received],
                timeout=remaining * 1000,
            )
        except Exception as error:  # Playwright's own TimeoutError
            if "Timeout" not in type(error).__name__:
                raise
            raise AssertionError(f"not on the screen in {timeout_s:.0f} s: {what}\n{screen.text}") from None


def wait_for_text(page: Any, text: str, timeout_s: float = 30) -> Cell:
    """Where `text` is drawn, once it is."""
    screen = wait_for_screen(page, lambda screen: bool(screen.find(text)), timeout_s, text)
    return screen.find(text)[0]


def tap_cell(page: Any, cell: Cell) -> None:
    """A touch tap in the middle of the text found at `cell` (touchstart/touchend: Chromium makes
    the click, xterm.js the mouse report, Textual the Click)."""
    box = page.evaluate(
        "() => { const r = document.querySelector('.xterm-screen').getBoundingClientRect();"
        " return [r.left, r.top, r.width, r.height]; }"
    )
    size = page.evaluate("window.__size")
    cell_width, cell_height = box[2] / size["width"], box[3] / size["height"]
    page.touchscreen.tap(
        box[0] + (cell.column + cell.width / 2) * cell_width, box[1] + (cell.row + 0.5) * cell_height
    )


def tap_text(page: Any, text: str, timeout_s: float = 30) -> None:
    """Wait until `text` is drawn, then tap it (the first place it is drawn)."""
    tap_cell(page, wait_for_text(page, text, timeout_s))


@dataclass
class ScreenServer:
    """`kiosk serve-screen`, running."""

    process: subprocess.Popen[bytes]
    port: int
    log: Path

    def url(self, font_size: int) -> str:
        return f"http://127.0.0.1:{self.port}/?fontsize={font_size}"

    def kiosk_apps(self) -> list[int]:
        """The kiosk apps it runs now: its child processes running `kiosk … run`."""
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
                command = (stat.parent / "cmdline").read_bytes().split(b"\0")
            except (OSError, IndexError, ValueError):
                continue  # it ended while being read
            if parent == self.process.pid and b"kiosk" in command and b"run" in command:
                found.append(int(stat.parent.name))
        return found


@contextmanager
def serving_screen(home: Path, log: Path) -> Iterator[ScreenServer]:
    """`kiosk serve-screen` on a free loopback port for the kiosk at `home`, yielded once it has
    told systemd's readiness protocol (Type=notify) READY=1, as kiosk-screen.service does; stopped
    with SIGTERM after, and it must exit 0."""
    port = free_port()
    name = f"kiosk-screen-test-{uuid.uuid4().hex}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as notify, log.open("wb") as output:
        notify.bind("\0" + name)  # the abstract namespace: nothing to clean up
        process = subprocess.Popen(
            [sys.executable, "-m", "kiosk", "--home", str(home), "serve-screen", "--port", str(port)],
            stdout=output,
            stderr=subprocess.STDOUT,
            env={**os.environ, "KIOSK_HOME": str(home), "NOTIFY_SOCKET": "@" + name},
        )
        try:
            notify.settimeout(60)
            assert notify.recv(64) == b"READY=1", log.read_text()
            yield ScreenServer(process, port, log)
        finally:
            if process.poll() is None:
                process.terminate()
                assert process.wait(timeout=30) == 0, log.read_text()
