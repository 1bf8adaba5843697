"""Pictures in the terminal with half blocks: each cell is "▀", its foreground the upper pixel and
its background the lower, so a cell shows two square-ish pixels.

Written here rather than taken from rich-pixels, because the camera preview redraws several
times a second: colours are quantised so that Styles repeat and come from a cache, and runs of
equal cells become one Segment. A 96x27-cell frame costs about 3 ms (bench/preview.py)."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widget import Widget

UPPER_HALF = "▀"
LEVEL_BITS = 5  # bits kept per colour channel: 32 levels, invisible in a preview, and cacheable
_MAX_CACHED_STYLES = 50_000


class _StyleCache:
    def __init__(self) -> None:
        self._styles: dict[int, Style] = {}

    def style(self, key: int) -> Style:
        style = self._styles.get(key)
        if style is None:
            if len(self._styles) >= _MAX_CACHED_STYLES:
                self._styles.clear()
            upper, lower = key >> 24, key & 0xFFFFFF
            style = Style(
                color=Color.from_rgb(upper >> 16, (upper >> 8) & 0xFF, upper & 0xFF),
                bgcolor=Color.from_rgb(lower >> 16, (lower >> 8) & 0xFF, lower & 0xFF),
            )
            self._styles[key] = style
        return style


_CACHE = _StyleCache()


def half_block_strips(image: np.ndarray) -> list[Strip]:
    """A BGR uint8 image as lines of cells, one line per two rows of pixels."""
    if image.shape[0] % 2:
        image = np.vstack([image, image[-1:]])
    shift = 8 - LEVEL_BITS
    rgb = (image[:, :, ::-1] >> shift << shift).astype(np.uint64)
    packed = (rgb[:, :, 0] << 16) | (rgb[:, :, 1] << 8) | rgb[:, :, 2]
    keys = (packed[0::2] << 24) | packed[1::2]
    strips = []
    for row in keys.tolist():
        segments = []
        run_key, run_length = row[0], 0
        for key in row:
            if key == run_key:
                run_length += 1
                continue
            segments.append(Segment(UPPER_HALF * run_length, _CACHE.style(run_key)))
            run_key, run_length = key, 1
        segments.append(Segment(UPPER_HALF * run_length, _CACHE.style(run_key)))
        strips.append(Strip(segments, len(row)))
    return strips


class Picture(Widget):
    """Shows strips made by `half_block_strips`, centred in the widget's area."""

    DEFAULT_CSS: ClassVar[str] = "Picture { width: 1fr; height: 1fr; }"

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._lines: list[Strip] = []

    def show(self, lines: list[Strip]) -> None:
        self._lines = lines
        self.refresh()

    def clear(self) -> None:
        self.show([])

    @property
    def is_blank(self) -> bool:
        return not self._lines

    def render_line(self, y: int) -> Strip:
        width, height = self.size
        top = max(0, (height - len(self._lines)) // 2)
        index = y - top
        if not 0 <= index < len(self._lines):
            return Strip.blank(width, self.rich_style)
        line = self._lines[index]
        left = max(0, (width - line.cell_length) // 2)
        padded = Strip.join([Strip.blank(left, self.rich_style), line]) if left else line
        return padded.crop_extend(0, width, self.rich_style)
