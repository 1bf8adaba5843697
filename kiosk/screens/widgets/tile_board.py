"""The home screen's grid of business tiles, drawn by one widget.

Why one widget and not ten: the home screen is what a walk-up waits for, and Textual lays out,
styles and renders every widget several times before the first frame. Ten tile widgets cost
the kiosk about 30 ms of a 0.3 s cold start (bench/cold_start.py); one board that renders its
own lines, cached per size and cursor, costs almost nothing.

A tile presses like a Button: a tap, or Enter / space on the cursor, which the arrow keys move.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text as RichText
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Offset, Region
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget


@dataclass(frozen=True, slots=True)
class TileSpec:
    tile_id: str
    title: str
    summary: str
    highlighted: bool = False  # drawn in the accent colour (order query)


class TileBoard(Widget, can_focus=True):
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "tile-board--tile",
        "tile-board--highlighted",
        "tile-board--cursor",
    }
    DEFAULT_CSS = """
    TileBoard { height: 1fr; padding: 0 2; }
    TileBoard > .tile-board--tile { background: $boost; text-style: bold; }
    TileBoard > .tile-board--highlighted { background: $accent 30%; text-style: bold; }
    TileBoard > .tile-board--cursor { background: $primary 60%; text-style: bold reverse; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,space", "press", show=False),
        Binding("left", "move(-1, 0)", show=False),
        Binding("right", "move(1, 0)", show=False),
        Binding("up", "move(0, -1)", show=False),
        Binding("down", "move(0, 1)", show=False),
    ]
    COLUMN_GAP = 2
    ROW_GAP = 1

    cursor: reactive[int] = reactive(0, init=False)

    class Pressed(Message):
        def __init__(self, board: TileBoard, tile_id: str) -> None:
            super().__init__()
            self.board = board
            self.tile_id = tile_id

        @property
        def control(self) -> TileBoard:
            return self.board

    def __init__(self, tiles: list[TileSpec], *, columns: int = 4, id: str | None = None) -> None:
        super().__init__(id=id)
        self.tiles = tiles
        self.columns = columns
        self._lines: dict[tuple[int, int, int, bool], list[Strip]] = {}

    # --- where each tile is ---------------------------------------------------------------------
    @property
    def rows(self) -> int:
        return math.ceil(len(self.tiles) / self.columns)

    def _cell_size(self) -> tuple[int, int]:
        width, height = self.content_size
        cell_width = (width - self.COLUMN_GAP * (self.columns - 1)) // self.columns
        cell_height = (height - self.ROW_GAP * (self.rows - 1)) // self.rows
        return max(cell_width, 1), max(cell_height, 1)

    def tile_region(self, index: int) -> Region:
        """The tile's cells, relative to the board's content area."""
        cell_width, cell_height = self._cell_size()
        row, column = divmod(index, self.columns)
        return Region(
            column * (cell_width + self.COLUMN_GAP),
            row * (cell_height + self.ROW_GAP),
            cell_width,
            cell_height,
        )

    def tile_at(self, offset: Offset) -> int | None:
        for index in range(len(self.tiles)):
            if self.tile_region(index).contains_point(offset):
                return index
        return None

    def offset_of(self, tile_id: str) -> Offset:
        """The middle of a tile relative to the widget (what a tap on it would hit)."""
        index = self.index_of(tile_id)
        region = self.tile_region(index)
        left, top = self.styles.gutter.left, self.styles.gutter.top
        return Offset(left + region.x + region.width // 2, top + region.y + region.height // 2)

    def index_of(self, tile_id: str) -> int:
        for index, tile in enumerate(self.tiles):
            if tile.tile_id == tile_id:
                return index
        raise KeyError(tile_id)

    def label_of(self, tile_id: str) -> str:
        tile = self.tiles[self.index_of(tile_id)]
        return f"{tile.title}\n{tile.summary}"

    # --- input ----------------------------------------------------------------------------------
    def press(self, tile_id: str) -> None:
        self.post_message(self.Pressed(self, tile_id))

    def action_press(self) -> None:
        self.press(self.tiles[self.cursor].tile_id)

    def action_move(self, columns: int, rows: int) -> None:
        target = self.cursor + columns + rows * self.columns
        if 0 <= target < len(self.tiles):
            self.cursor = target

    def on_click(self, event: events.Click) -> None:
        event.stop()
        offset = event.get_content_offset(self)
        index = None if offset is None else self.tile_at(offset)
        if index is not None:
            self.cursor = index
            self.press(self.tiles[index].tile_id)

    def watch_cursor(self) -> None:
        self.refresh()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._lines.clear()

    # --- drawing --------------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        width, height = self.content_size
        key = (width, height, self.cursor if self.has_focus else -1, self.has_focus)
        lines = self._lines.get(key)
        if lines is None:
            lines = self._lines[key] = self._draw(width, height, key[2])
        return lines[y] if y < len(lines) else Strip.blank(width, self.rich_style)

    def _draw(self, width: int, height: int, cursor: int) -> list[Strip]:
        base = self.rich_style
        blank_row = Strip.blank(width, base)
        rows: list[Strip] = [blank_row] * height
        cell_width, cell_height = self._cell_size()
        gap = Segment(" " * self.COLUMN_GAP, base)
        for row in range(self.rows):
            cells = [
                self._draw_tile(index, cell_width, cell_height, index == cursor)
                for index in range(row * self.columns, min((row + 1) * self.columns, len(self.tiles)))
            ]
            top = row * (cell_height + self.ROW_GAP)
            for line in range(cell_height):
                if top + line >= height:
                    break
                segments: list[Segment] = []
                for column, cell in enumerate(cells):
                    if column:
                        segments.append(gap)
                    segments.extend(cell[line])
                rows[top + line] = Strip(segments).adjust_cell_length(width, base)
        return rows

    @staticmethod
    def _summary_width(summary: str, inner: int) -> int:
        """Chinese has no spaces to wrap at: even lines rather than a last line of one
        character ("…重新办" / "理"). Words wrap where they end."""
        if " " in summary:
            return inner
        length = cell_len(summary)
        lines = max(math.ceil(length / inner), 1)
        return min(inner, math.ceil(length / lines) + 1)

    def _draw_tile(self, index: int, width: int, height: int, under_cursor: bool) -> list[list[Segment]]:
        tile = self.tiles[index]
        if under_cursor:
            style = self.get_component_rich_style("tile-board--cursor")
        elif tile.highlighted:
            style = self.get_component_rich_style("tile-board--highlighted")
        else:
            style = self.get_component_rich_style("tile-board--tile")
        inner = max(width - 2, 1)  # one column of padding each side
        console = self.app.console
        content = [*RichText(tile.title).wrap(console, inner, justify="center", overflow="fold")]
        summary = RichText(tile.summary, Style(bold=False))
        for line in summary.wrap(console, self._summary_width(tile.summary, inner), overflow="fold"):
            line.align("center", inner)
            content.append(line)
        content = content[:height]
        top = (height - len(content)) // 2
        blank = [Segment(" " * width, style)]
        cell: list[list[Segment]] = [blank] * height
        for number, line in enumerate(content):
            line.truncate(inner, pad=True)
            body = [
                Segment(segment.text, style + segment.style if segment.style else style)
                for segment in line.render(self.app.console)
            ]
            cell[top + number] = [Segment(" ", style), *body, Segment(" ", style)]
        return cell
