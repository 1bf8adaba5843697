"""拍摄资料: the document camera's live preview with the page's outline, the documents the
business needs (which are still missing), a thumbnail of each captured page with retake, and
import from a USB stick.

The camera runs in a thread worker (kiosk/devices/camera/session.py) and reports with
messages; each capture goes into the order's draft in the store at once, so leaving the
screen, a power cut or the idle wipe's countdown never loses a page already taken. Without
an order (staff testing the camera) nothing is stored."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import cv2
import numpy as np
from textual import events, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.strip import Strip
from textual.worker import get_current_worker

from kiosk.core.domain.documents import DOCUMENTS, DocumentKind
from kiosk.core.i18n import Bilingual, Listing, Text
from kiosk.devices.camera.session import TAKEN_AWAY, thumbnail_of
from kiosk.screens.base import KioskMixin
from kiosk.screens.messages import CameraFailed, CameraFrame, CaptureRefused, PageCaptured, PageNotKept
from kiosk.screens.widgets.pixels import Picture, half_block_strips
from kiosk.screens.widgets.plain import Button, Static
from kiosk.screens.widgets.status_line import StatusLine
from kiosk.screens.widgets.tile import Tile
from kiosk.store import StorageFull

if TYPE_CHECKING:
    from kiosk.devices.camera.session import DocumentCamera

PREVIEW_FPS = 12  # previews drawn per second at most; the camera may deliver more
JPEG = "image/jpeg"
ALL_CAPTURED = Text("资料已拍摄齐全，请点击“完成拍摄”")
OPENING = Text("正在打开文件拍摄仪…")
CAPTURE_TITLE = Text("拍摄资料")
STORAGE_FULL = Text("本机存储空间已满，本页未保存，请联系工作人员；已拍摄的页面都在")


class CameraPicture(Picture):
    """The live preview; tells the screen how many pixels it can show."""

    @property
    def box(self) -> tuple[int, int]:
        return max(2, self.size.width), max(2, self.size.height * 2)  # two pixels a cell, stacked

    class Resized(Message):
        def __init__(self, box: tuple[int, int]) -> None:
            super().__init__()
            self.box = box

    def on_resize(self, _: events.Resize) -> None:
        self.post_message(self.Resized(self.box))


class DocumentCaptureScreen(KioskMixin, Screen[bool]):
    """Dismisses with True when every document is captured and the subscriber pressed 完成拍摄,
    False when they went back (what they captured stays in the draft)."""

    AUTO_FOCUS = "#capture"
    DEFAULT_CSS: ClassVar[str] = """
    #capture-body { height: 1fr; }
    #camera-side { width: 1fr; }
    #preview { height: 1fr; background: $background; }
    #current-document { height: auto; min-height: 2; padding: 0 1; text-style: bold; }
    #instruction { height: 3; content-align: center middle; text-style: bold; width: 100%; }
    #instruction.refused { color: $warning; }
    #instruction.failed { color: $error; }
    #documents-side { width: 44; padding: 0 1; }
    #documents-side Tile { height: auto; padding: 0 1; }
    #documents-side Tile.current { background: $primary 50%; text-style: bold; }
    #documents-side Tile.captured { color: $success; }
    #thumbnail { height: 1fr; }
    #thumbnail-caption { height: 2; color: $text-muted; }
    """

    def __init__(
        self,
        documents: Sequence[DocumentKind],
        *,
        order_id: str | None,
        title: Text = CAPTURE_TITLE,
        retake: Mapping[DocumentKind, str] | None = None,
        id: str | None = "capture-documents",
    ) -> None:
        super().__init__(id=id)
        self.documents = tuple(documents)
        # Pages the reviewer rejected, with the reviewer's note: the copy the CA already has does
        # not count; a new one must be taken (one taken on an earlier visit, not yet sent, does).
        self.retake: Mapping[DocumentKind, str] = dict(retake or {})
        self.order_id = order_id
        self.heading = title
        self.thumbnails: dict[DocumentKind, list[Strip]] = {}
        self.sizes: dict[DocumentKind, int] = {}
        self.current: DocumentKind | None = self.documents[0] if self.documents else None
        self.selected: DocumentKind | None = self.current  # whose thumbnail is shown
        self.instruction: Text = OPENING
        self.instruction_kind = ""  # "", "refused" or "failed": how the instruction is shown
        self.camera: DocumentCamera | None = None
        self.camera_failed = False
        self._last_preview: list[Strip] = []
        self._restored = False  # earlier captures read back from the store
        self._preview_box = (96, 54)  # pixels; the preview widget reports its real size

    # --- layout -------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        t = self.t
        with Horizontal(id="masthead"):
            yield Static(t(self.heading), id="title")
        with Horizontal(id="capture-body"):
            with Vertical(id="camera-side"):
                yield Static("", id="current-document")
                yield CameraPicture(id="preview")
                yield Static(t(self.instruction), id="instruction", classes=self.instruction_kind)
            with Vertical(id="documents-side"):
                yield Static(t(Text("需拍摄的资料（复印件须加盖公章）：")), classes="section")
                for number, kind in enumerate(self.documents, start=1):
                    yield Tile(self._document_line(number, kind), id=f"document-{kind.value}")
                yield Picture(id="thumbnail")
                yield Static("", id="thumbnail-caption")
        with Horizontal(id="actions"):
            yield Button(t(Text("拍摄")), id="capture", variant="primary")
            yield Button(t(Text("重拍")), id="retake")
            yield Button(t(Text("导入图片")), id="import")
            yield Button(t(Text("重试")), id="retry-camera", variant="warning")
            yield Button(t(Text("完成拍摄")), id="done", variant="success")
            yield Button(t(Text("返回")), id="back")
        yield StatusLine(id="status-line")

    def _document_line(self, number: int, kind: DocumentKind) -> str:
        mark = "✓" if kind in self.thumbnails else "○"
        state = Text("已拍摄") if kind in self.thumbnails else Text("待拍摄")
        return f"{mark} {number}. {self.t(DOCUMENTS[kind].title)} · {self.t(state)}"

    def _current_line(self) -> str:
        if self.current is None:
            return self.t(ALL_CAPTURED)
        spec = DOCUMENTS[self.current]
        place = self.documents.index(self.current) + 1
        line = self.t(
            Text(
                "第{number}份，共{total}份：{document}（{hint}）",
                number=place,
                total=len(self.documents),
                document=spec.title,
                hint=spec.hint,
            )
        )
        note = self.retake.get(self.current)
        if note:
            line += "\n" + self.t(Text("审核意见：{note}", note=Bilingual(note, note)))
        return line

    def on_mount(self) -> None:
        self._refresh_widgets()
        self._run_camera()

    def _refresh_widgets(self) -> None:
        """Bring every widget in line with the screen's state (also after a language switch,
        which composes the screen anew)."""
        for number, kind in enumerate(self.documents, start=1):
            tile = self.query_one(f"#document-{kind.value}", Tile)
            tile.update(self._document_line(number, kind))
            tile.set_class(kind == self.current, "current")
            tile.set_class(kind in self.thumbnails, "captured")
        self.query_one("#current-document", Static).update(self._current_line())
        instruction = self.query_one("#instruction", Static)
        instruction.update(self.t(self.instruction))
        instruction.set_classes(self.instruction_kind)
        if self._last_preview:
            self.query_one("#preview", CameraPicture).show(self._last_preview)
        thumbnail = self.query_one("#thumbnail", Picture)
        caption = self.query_one("#thumbnail-caption", Static)
        if self.selected is not None and self.selected in self.thumbnails:
            thumbnail.show(self.thumbnails[self.selected])
            caption.update(
                self.t(
                    Text(
                        "{document}：{size} KB",
                        document=DOCUMENTS[self.selected].title,
                        size=round(self.sizes[self.selected] / 1024),
                    )
                )
            )
        else:
            thumbnail.clear()
            caption.update("")
        self.query_one("#retake", Button).disabled = self.selected not in self.thumbnails
        self.query_one("#retry-camera", Button).display = self.camera_failed
        self.query_one("#capture", Button).disabled = self.camera_failed

    async def recompose(self) -> None:
        """After a language switch: the new widgets get the screen's state."""
        await super().recompose()
        self._refresh_widgets()

    # --- state --------------------------------------------------------------------------------
    @property
    def missing(self) -> list[DocumentKind]:
        return [kind for kind in self.documents if kind not in self.thumbnails]

    def _say(self, instruction: Text, kind: str = "") -> None:
        if (instruction, kind) == (self.instruction, self.instruction_kind):
            return  # the camera repeats itself 12 times a second: no update, no repaint
        self.instruction, self.instruction_kind = instruction, kind
        widget = self.query_one("#instruction", Static)
        widget.update(self.t(instruction))
        widget.set_classes(kind)

    def _advance(self) -> None:
        """The next missing document becomes current; none left: stop capturing by itself."""
        missing = self.missing
        self.current = missing[0] if missing else None
        if self.camera is not None:
            self.camera.auto_capture = self.current is not None
        if self.current is None:
            self._say(ALL_CAPTURED)
            self.query_one("#done", Button).focus()  # Enter finishes, as the line says

    # --- the camera worker --------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="camera", exit_on_error=False, description="document camera")
    def _run_camera(self) -> None:
        from kiosk.devices.camera.runtime import open_camera
        from kiosk.devices.camera.source import CameraError

        worker = get_current_worker()
        self._restore_earlier_captures()
        settings = self.kiosk.settings
        if settings is None:
            self.post_message(CameraFailed(Text("终端尚未就绪，请稍候"), "settings not loaded"))
            return
        try:
            camera = open_camera(settings, self.kiosk.where)
        except CameraError as error:
            self.post_message(CameraFailed(error.message, error.detail))
            return
        camera.preview_box = self._preview_box
        camera.auto_capture = self.current is not None
        self.camera = camera
        next_preview = 0.0
        try:
            while not worker.is_cancelled:
                try:
                    step = camera.step()
                except CameraError as error:
                    self.post_message(CameraFailed(error.message, error.detail))
                    return
                document = self.current
                if step.captured is not None and document is not None:
                    self._keep(document, step.captured.jpeg.data, step.captured.thumbnail)
                elif step.refused is not None and step.refused.instruction is not None:
                    self.post_message(CaptureRefused(step.refused.instruction))
                now = time.monotonic()
                if now >= next_preview:
                    # On a schedule, not "since the last one": a 15 fps camera then gives 12,
                    # where "at least 1/12 s apart" would give every other frame, 7.5.
                    next_preview = max(next_preview + 1 / PREVIEW_FPS, now - 1 / PREVIEW_FPS)
                    preview = half_block_strips(step.view.preview)
                    self.post_message(CameraFrame(preview, step.view.instruction))
        finally:
            self.camera = None
            camera.close()

    def _keep(self, document: DocumentKind, data: bytes, thumbnail: np.ndarray) -> None:
        """From a worker: store the picture for the document and tell the screen."""
        store = self.kiosk.store
        if self.order_id is not None and store is not None:
            try:
                store.attachments.add(self.order_id, document, data, JPEG)
            except StorageFull:
                self.post_message(PageNotKept(document))
                return
        self.post_message(PageCaptured(document, half_block_strips(thumbnail), len(data)))

    def _restore_earlier_captures(self) -> None:
        """From the camera's worker, before the camera opens (so that it cannot capture a
        document again before the screen knows it is there): pages captured on an earlier
        visit to this screen, or for a resubmission."""
        store = self.kiosk.store
        if self._restored or store is None or self.order_id is None:
            return
        self._restored = True
        for document, record in store.attachments.of(self.order_id).items():
            if document not in self.documents or (document in self.retake and record.uploaded_at):
                continue
            data = store.attachments.read(record.sha256)
            image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_REDUCED_COLOR_8)
            if image is None:
                continue
            thumbnail = half_block_strips(thumbnail_of(image))
            self.post_message(PageCaptured(document, thumbnail, record.size, restored=True))

    @work(thread=True, exclusive=True, group="import", exit_on_error=False, description="import picture")
    def _import(self, path: Path, document: DocumentKind) -> None:
        from kiosk.devices.camera.jpeg import ImageRejected, import_image

        try:
            data = path.read_bytes()
        except OSError:
            self.post_message(CaptureRefused(Text("无法读取该文件，请换一个文件或重新插入U盘")))
            return
        try:
            imported = import_image(data)
        except ImageRejected as rejected:
            self.post_message(CaptureRefused(rejected.message))
            return
        # Kept for the document it was chosen for, even if the subscriber moved on meanwhile.
        self._keep(document, imported.data, thumbnail_of(imported.image))

    # --- messages from the workers ------------------------------------------------------------
    def on_camera_frame(self, message: CameraFrame) -> None:
        self._last_preview = message.lines
        self.query_one("#preview", CameraPicture).show(message.lines)
        if self.current is not None and self.instruction_kind != "refused":
            instruction = message.instruction
            if instruction == TAKEN_AWAY:  # name the document that comes next
                instruction = Text(
                    "请拿走已拍摄的文件，放入：{document}", document=DOCUMENTS[self.current].title
                )
            self._say(instruction)

    def on_page_captured(self, message: PageCaptured) -> None:
        self.thumbnails[message.document] = message.thumbnail
        self.sizes[message.document] = message.size
        self.selected = message.document
        if message.document == self.current:
            self._advance()
        if self.current is not None and not message.restored:
            # Until the camera's next frame says what to do, say what happened (after an
            # import with the camera down, no frame comes to replace "正在导入…").
            self._say(Text("已保存：{document}", document=DOCUMENTS[message.document].title))
        self._refresh_widgets()

    def on_page_not_kept(self, message: PageNotKept) -> None:
        # Said until a page is kept: the camera's instructions would hide it at once.
        self.app.log.warning("storage full: page not kept", document=message.document.value)
        self.kiosk.device_event("storage_full", document=message.document.value)
        self._say(STORAGE_FULL, "refused")
        if self.camera is not None and message.document == self.current:
            self.camera.retake()  # the page still on the desk is taken once there is room

    def on_capture_refused(self, message: CaptureRefused) -> None:
        self._say(message.instruction, "refused")
        self.set_timer(3.0, self._clear_refusal, name="clear-refusal")

    def _clear_refusal(self) -> None:
        if self.instruction_kind == "refused":
            self.instruction_kind = ""

    def on_camera_failed(self, message: CameraFailed) -> None:
        self.camera_failed = True
        self.app.log.warning("camera failed", detail=message.detail)
        self.kiosk.device_event("camera_failed", detail=message.detail[:200])
        self._say(Text("{problem}。也可以点击“导入图片”", problem=message.message), "failed")
        self.query_one("#preview", CameraPicture).clear()
        self._last_preview = []
        self._refresh_widgets()

    def on_camera_picture_resized(self, message: CameraPicture.Resized) -> None:
        self._preview_box = message.box
        if self.camera is not None:
            self.camera.preview_box = message.box

    # --- the subscriber's presses -------------------------------------------------------------
    def on_tile_pressed(self, event: Tile.Pressed) -> None:
        kind = DocumentKind(str(event.tile.id).removeprefix("document-"))
        self.selected = kind
        if kind not in self.thumbnails:
            self.current = kind
            if self.camera is not None:
                self.camera.auto_capture = True
        self._refresh_widgets()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        button = event.button.id
        if button == "capture":
            if self.current is None:
                self._say(ALL_CAPTURED)
            elif self.camera is not None:
                self.camera.request_capture()
        elif button == "retake" and self.selected in self.thumbnails:
            self.current = self.selected
            if self.camera is not None:
                self.camera.auto_capture = True
                self.camera.retake()
            self._refresh_widgets()
        elif button == "import":
            self._choose_import()
        elif button == "retry-camera":
            self.camera_failed = False
            self._say(OPENING)
            self._refresh_widgets()
            self._run_camera()
        elif button == "done":
            self._finish()
        elif button == "back":
            self.dismiss(False)

    def _finish(self) -> None:
        missing = self.missing
        if missing:
            names = Listing(DOCUMENTS[kind].title for kind in missing)
            self._say(Text("还缺少：{documents}", documents=names), "refused")
            return
        self.dismiss(True)

    def _choose_import(self) -> None:
        from kiosk.screens.import_picture import ImportPictureScreen

        document = self.current or self.selected
        if document is None:
            return

        def chosen(path: Path | None) -> None:
            if path is not None:
                self.current = document
                self._say(Text("正在导入…"))
                self._import(path, document)

        settings = self.kiosk.settings
        folders = settings.camera_import_dirs if settings is not None else []
        self.open_once(ImportPictureScreen(folders, DOCUMENTS[document].title, id="import-picture"), chosen)
