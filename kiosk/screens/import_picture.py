"""导入图片: pick a picture from a USB stick or a folder. The files are listed by a worker (a
slow stick must not freeze the screen); whether a file is a picture is decided from its bytes
when it is chosen (kiosk/devices/camera/jpeg.py), not from its name."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets.option_list import Option

from kiosk.core.i18n import Text
from kiosk.screens.base import KioskModal
from kiosk.screens.widgets.plain import Button, OptionList, Static

MAX_LISTED = 200  # files shown; a stick with more is not a subscriber's document folder
MAX_DEPTH = 3  # folder levels below a mount point


def picture_candidates(folders: Iterable[Path]) -> list[Path]:
    """Files under the folders (hidden ones left out), newest first."""
    found: list[Path] = []
    for folder in folders:
        found.extend(_files_under(folder, MAX_DEPTH))
        if len(found) >= MAX_LISTED:
            break

    def modified(path: Path) -> float:
        try:
            return path.stat().st_mtime
        except OSError:
            return 0.0

    return sorted(found[:MAX_LISTED], key=modified, reverse=True)


def _files_under(folder: Path, depth: int) -> list[Path]:
    try:
        entries = sorted(folder.iterdir())
    except OSError:  # not mounted, no permission, removed while listed
        return []
    files: list[Path] = []
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            if entry.is_file():
                files.append(entry)
            elif entry.is_dir() and depth > 0:
                files.extend(_files_under(entry, depth - 1))
        except OSError:
            continue
        if len(files) >= MAX_LISTED:
            break
    return files


class ImportPictureScreen(KioskModal[Path | None]):
    DEFAULT_CSS: ClassVar[str] = """
    ImportPictureScreen #dialog { width: 80; }
    ImportPictureScreen OptionList { height: 16; }
    """

    def __init__(self, folders: Sequence[Path], document_title: Text, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.folders = list(folders)
        self.document_title = document_title
        self.files: list[Path] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(
                self.t(Text("导入图片：{document}", document=self.document_title)), classes="dialog-title"
            )
            yield Static(self.t(Text("请插入U盘，选择jpg、jpeg、bmp、gif或png图片（不超过3MB的原样使用）")))
            yield OptionList(id="files")
            yield Static(self.t(Text("正在查找图片…")), id="import-message")
            with Horizontal(classes="dialog-actions"):
                yield Button(self.t(Text("刷新")), id="rescan")
                yield Button(self.t(Text("取消")), id="cancel")

    def on_mount(self) -> None:
        self._scan()

    @work(thread=True, exclusive=True, exit_on_error=False, description="list pictures")
    def _scan(self) -> None:
        files = picture_candidates(self.folders)
        self.app.call_from_thread(self._show, files)

    def _show(self, files: list[Path]) -> None:
        self.files = files
        options = self.query_one("#files", OptionList)
        options.clear_options()
        options.add_options(Option(_label(path), id=str(index)) for index, path in enumerate(files))
        message = self.query_one("#import-message", Static)
        if files:
            message.update("")
            options.focus()
        else:
            message.update(self.t(Text("没有找到文件，请插入U盘后点击“刷新”")))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.files[int(str(event.option.id))])

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "rescan":
            self.query_one("#import-message", Static).update(self.t(Text("正在查找图片…")))
            self._scan()
        else:
            self.dismiss(None)


def _label(path: Path) -> str:
    try:
        size = f"{max(1, math.ceil(path.stat().st_size / 1024)):,} KB"  # a tiny file is not "0 KB"
    except OSError:
        size = "?"
    return f"{path.name}  ({size})  {path.parent}"
