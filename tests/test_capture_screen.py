"""The capture screen driven by a pilot, with the demo video as the camera (real OpenCV) and the
real store: the preview is drawn, the page is captured by itself into the order's draft, retake
replaces a page, pictures are imported from a folder, a corrupt file and a missing camera get
clear messages in both languages, and nothing captured is lost on the way."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import cv2
import numpy as np
import pytest
from test_app import SIZE, make_app, ready, screen_text
from textual.message import Message
from textual.widgets import Button, OptionList

from kiosk.config import KioskSettings
from kiosk.devices.camera import synthetic
from kiosk.devices.camera.session import TAKEN_AWAY
from kiosk.domain.businesses import BUSINESSES, BusinessCode
from kiosk.domain.documents import MAX_DOCUMENT_BYTES, DocumentKind
from kiosk.screens.capture import CameraPicture, DocumentCaptureScreen
from kiosk.screens.import_picture import ImportPictureScreen, picture_candidates
from kiosk.screens.messages import CameraFailed, CameraFrame, CaptureRefused, PageCaptured
from kiosk.screens.pixels import Picture
from kiosk.store import Store

DOCUMENTS = BUSINESSES[BusinessCode.NEW].documents
MessageT = TypeVar("MessageT", bound=Message)


class Messages:
    """Every message the app handles, and a way to wait for one (the worker's report), not a time."""

    def __init__(self) -> None:
        self.seen: list[Message] = []
        self._arrived = asyncio.Event()

    def hook(self, message: Message) -> None:
        self.seen.append(message)
        self._arrived.set()

    def of(self, kind: type[MessageT]) -> list[MessageT]:
        return [message for message in self.seen if isinstance(message, kind)]

    async def wait(
        self, kind: type[MessageT], where: Callable[[MessageT], bool] = lambda _: True, timeout: float = 30
    ) -> MessageT:
        async def arrival() -> MessageT:
            while True:
                for message in self.of(kind):
                    if where(message):
                        return message
                self._arrived.clear()
                await self._arrived.wait()

        return await asyncio.wait_for(arrival(), timeout)


@pytest.fixture(scope="module")
def demo_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synthetic.write_demo_video(tmp_path_factory.mktemp("camera") / "demo.mp4")


def _settings(camera_source: str, import_dir: Path) -> KioskSettings:
    return KioskSettings(camera_source=camera_source, camera_steady_s=0.4, camera_import_dirs=[import_dir])


async def _open_capture(pilot, store: Store) -> tuple[DocumentCaptureScreen, str]:  # type: ignore[no-untyped-def]
    await ready(pilot)
    draft = store.create_order(BusinessCode.NEW)
    screen = DocumentCaptureScreen(DOCUMENTS, order_id=draft.id)
    await pilot.app.push_screen(screen)
    await pilot.pause()
    return screen, draft.id


async def test_the_page_is_captured_by_itself_into_the_draft(
    where, store: Store, clock, demo_video: Path, tmp_path: Path
) -> None:
    messages = Messages()
    app = make_app(where, _settings(str(demo_video), tmp_path), store, clock)
    async with app.run_test(size=SIZE, message_hook=messages.hook) as pilot:
        screen, order_id = await _open_capture(pilot, store)
        assert "第1份，共5份：数字证书申请表" in screen_text(app)

        await messages.wait(CameraFrame)
        await pilot.pause()
        assert not screen.query_one("#preview", CameraPicture).is_blank
        captured = await messages.wait(PageCaptured)
        await pilot.pause()

        assert captured.document is DocumentKind.APPLICATION_FORM
        kept = store.attachments(order_id)[DocumentKind.APPLICATION_FORM]
        data = store.read_attachment(kept.sha256)
        assert kept.media_type == "image/jpeg" and len(data) <= MAX_DOCUMENT_BYTES
        page = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
        assert abs(page.shape[0] / page.shape[1] - 297 / 210) < 0.01
        text = screen_text(app)
        assert "✓ 1. 数字证书申请表 · 已拍摄" in text
        assert "第2份，共5份：公章印样表" in text
        assert "数字证书申请表：" in text and "KB" in text  # the thumbnail's caption
        assert not screen.query_one("#thumbnail", Picture).is_blank
        assert not screen.query_one("#retake", Button).disabled

        # The page still lies there: it is not taken again for the seal sample form.
        await messages.wait(CameraFrame, lambda frame: frame.instruction == TAKEN_AWAY)
        await pilot.pause()
        assert "请拿走已拍摄的文件，放入：公章印样表" in screen_text(app)
        assert len(messages.of(PageCaptured)) == 1
        assert set(store.attachments(order_id)) == {DocumentKind.APPLICATION_FORM}


async def test_retake_replaces_the_page_and_done_names_what_is_missing(
    where, store: Store, clock, demo_video: Path, tmp_path: Path
) -> None:
    messages = Messages()
    app = make_app(where, _settings(str(demo_video), tmp_path), store, clock)
    async with app.run_test(size=SIZE, message_hook=messages.hook) as pilot:
        screen, order_id = await _open_capture(pilot, store)
        await messages.wait(PageCaptured)
        await pilot.pause()
        first = store.attachments(order_id)[DocumentKind.APPLICATION_FORM]

        await pilot.click("#done")
        missing = "还缺少：公章印样表、营业执照复印件、法人代表身份证复印件、经办人身份证复印件"
        assert missing in screen_text(app)
        assert app.screen is screen

        await pilot.click("#document-application_form")
        await pilot.click("#retake")
        # The page still in view is taken again once still (or at once, by the button).
        again = await messages.wait(PageCaptured, lambda message: message is not messages.of(PageCaptured)[0])
        assert again.document is DocumentKind.APPLICATION_FORM
        await pilot.pause()
        second = store.attachments(order_id)[DocumentKind.APPLICATION_FORM]
        assert second.sha256 != first.sha256, "the retake did not replace the page"
        assert len(store.attachments(order_id)) == 1
        assert not (store.attachments_dir / f"{first.sha256}.sealed").exists()  # the old image left
        assert screen.current is DocumentKind.SEAL_SAMPLE_FORM

        await pilot.click("#back")
        assert app.screen is not screen
        assert DocumentKind.APPLICATION_FORM in store.attachments(order_id), "going back lost the page"


async def test_pictures_are_imported_and_a_corrupt_one_is_refused_keeping_the_rest(
    where, store: Store, clock, tmp_path: Path
) -> None:
    stick = tmp_path / "usb-stick"
    (stick / "scans").mkdir(parents=True)
    page = synthetic.make_page(900)
    cv2.imwrite(str(stick / "scans" / "seal-form.png"), page)
    (stick / "licence.jpg").write_bytes(b"\xff\xd8\xff\xe0" + b"not really a jpeg" * 20)
    (stick / "notes.pdf").write_bytes(b"%PDF-1.7\n")
    (stick / ".hidden.png").write_bytes(b"")
    listed = {path.name for path in picture_candidates([stick])}
    assert listed == {"seal-form.png", "licence.jpg", "notes.pdf"}

    messages = Messages()
    no_camera = str(tmp_path / "no-camera.mp4")
    app = make_app(where, _settings(no_camera, stick), store, clock)
    async with app.run_test(size=SIZE, message_hook=messages.hook) as pilot:
        screen, order_id = await _open_capture(pilot, store)
        await messages.wait(CameraFailed)
        await pilot.pause()
        assert "未检测到文件拍摄仪，请联系大厅工作人员。也可以点击“导入图片”" in screen_text(app)
        assert screen.query_one("#retry-camera", Button).display

        async def import_file(name: str) -> None:
            await pilot.click("#import")
            await pilot.pause()
            dialog = app.screen
            assert isinstance(dialog, ImportPictureScreen)
            options = dialog.query_one("#files", OptionList)
            while options.option_count == 0:  # the listing worker reports
                await pilot.pause()
            index = next(i for i, path in enumerate(dialog.files) if path.name == name)
            options.highlighted = index
            options.action_select()
            await pilot.pause()

        await import_file("seal-form.png")
        await messages.wait(PageCaptured)
        await pilot.pause()
        assert set(store.attachments(order_id)) == {DocumentKind.APPLICATION_FORM}
        kept = store.read_attachment(store.attachments(order_id)[DocumentKind.APPLICATION_FORM].sha256)
        assert kept.startswith(b"\xff\xd8\xff")  # re-encoded from PNG to JPEG

        await import_file("licence.jpg")
        refused = await messages.wait(CaptureRefused)
        await pilot.pause()
        assert refused.instruction == "图片文件已损坏，无法打开，请换一张"
        assert "图片文件已损坏，无法打开，请换一张" in screen_text(app)
        await import_file("notes.pdf")
        await messages.wait(CaptureRefused, lambda message: "格式" in message.instruction)
        assert set(store.attachments(order_id)) == {DocumentKind.APPLICATION_FORM}, "a refusal lost work"
        assert screen.current is DocumentKind.SEAL_SAMPLE_FORM

        app.toggle_language()
        await pilot.pause()
        await pilot.pause()
        english = screen_text(app)
        assert "Only jpg, jpeg, bmp, gif or png pictures can be imported" in english
        assert "✓ 1. Digital certificate application form · captured" in english
        assert "2 of 5: Seal sample form" in english


async def test_a_camera_that_stops_gets_a_retry_that_brings_it_back(
    where, store: Store, clock, tmp_path: Path
) -> None:
    frames = tmp_path / "frames"
    frames.mkdir()
    for number in range(4):
        cv2.imwrite(str(frames / f"f-{number:02d}.png"), synthetic.scene(20 + number).frame)
    messages = Messages()
    app = make_app(where, _settings(str(frames / "f-%02d.png"), tmp_path), store, clock)
    async with app.run_test(size=SIZE, message_hook=messages.hook) as pilot:
        screen, _ = await _open_capture(pilot, store)
        failed = await messages.wait(CameraFailed)
        await pilot.pause()
        assert failed.message == "文件拍摄仪没有画面，请稍候重试或联系大厅工作人员"
        assert screen.query_one("#capture", Button).disabled
        frames_before = len(messages.of(CameraFrame))
        assert frames_before >= 1

        await pilot.click("#retry-camera")
        await messages.wait(CameraFrame, lambda frame: len(messages.of(CameraFrame)) > frames_before)
        await messages.wait(CameraFailed, lambda message: message is not failed)
        assert len(messages.of(CameraFailed)) == 2


async def test_leaving_the_screen_stops_the_camera(where, store: Store, clock, demo_video, tmp_path) -> None:
    messages = Messages()
    app = make_app(where, _settings(str(demo_video), tmp_path), store, clock)
    async with app.run_test(size=SIZE, message_hook=messages.hook) as pilot:
        screen, _ = await _open_capture(pilot, store)
        await messages.wait(CameraFrame)
        workers = [worker for worker in app.workers if worker.group == "camera"]
        assert workers
        await pilot.click("#back")
        finished = asyncio.gather(*(worker.wait() for worker in workers), return_exceptions=True)
        await asyncio.wait_for(finished, 10)
        assert all(worker.is_finished for worker in workers)
        assert screen.camera is None  # closed by the worker on its way out
