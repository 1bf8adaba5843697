"""The capture screen driven by a pilot, with the demo video as the camera (real OpenCV) and the
real store: the preview is drawn, the page is captured by itself into the order's draft, retake
replaces a page, pictures are imported from a folder, a corrupt file and a missing camera get
clear messages in both languages, and nothing captured is lost on the way."""

from __future__ import annotations

import asyncio
from pathlib import Path

import cv2
from support.capture import DOCUMENTS, capturing
from support.images import decode_jpeg
from support.pilot import screen_text
from textual.geometry import Region
from textual.widgets import Button, OptionList

from kiosk.core.domain.documents import MAX_DOCUMENT_BYTES, DocumentKind
from kiosk.devices.camera import synthetic
from kiosk.devices.camera.session import TAKEN_AWAY
from kiosk.screens.capture import CameraPicture, DocumentCaptureScreen
from kiosk.screens.import_picture import ImportPictureScreen, picture_candidates
from kiosk.screens.messages import CameraFailed, CameraFrame, CaptureRefused, PageCaptured
from kiosk.screens.widgets.pixels import Picture
from kiosk.store import Store


async def test_the_page_is_captured_by_itself_into_the_draft(
    where, store: Store, clock, demo_video: Path, tmp_path: Path
) -> None:
    async with capturing(where, store, clock, str(demo_video), tmp_path) as at:
        app, pilot, screen, messages = at.app, at.pilot, at.screen, at.messages
        order_id = at.order_id
        assert "第1份，共5份：数字证书申请表" in screen_text(app)

        await messages.wait(CameraFrame)
        await pilot.pause()
        assert not screen.query_one("#preview", CameraPicture).is_blank
        captured = await messages.wait(PageCaptured)
        await pilot.pause()

        assert captured.document is DocumentKind.APPLICATION_FORM
        kept = store.attachments.of(order_id)[DocumentKind.APPLICATION_FORM]
        data = store.attachments.read(kept.sha256)
        assert kept.media_type == "image/jpeg" and len(data) <= MAX_DOCUMENT_BYTES
        page = decode_jpeg(data)
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
        assert set(store.attachments.of(order_id)) == {DocumentKind.APPLICATION_FORM}


async def test_retake_replaces_the_page_and_done_names_what_is_missing(
    where, store: Store, clock, demo_video: Path, tmp_path: Path
) -> None:
    async with capturing(where, store, clock, str(demo_video), tmp_path) as at:
        app, pilot, screen, messages = at.app, at.pilot, at.screen, at.messages
        order_id = at.order_id
        await messages.wait(PageCaptured)
        await pilot.pause()
        first = store.attachments.of(order_id)[DocumentKind.APPLICATION_FORM]

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
        second = store.attachments.of(order_id)[DocumentKind.APPLICATION_FORM]
        assert second.captured_at > first.captured_at, "the retake did not replace the page"
        assert len(store.attachments.of(order_id)) == 1
        # On a busy machine the video may hand the retake the very frame of the first capture:
        # the same bytes, the same file. Otherwise the old image is gone.
        if second.sha256 != first.sha256:
            assert not (store.attachments.folder / f"{first.sha256}.sealed").exists()
        assert screen.current is DocumentKind.SEAL_SAMPLE_FORM

        await pilot.click("#back")
        assert app.screen is not screen
        assert DocumentKind.APPLICATION_FORM in store.attachments.of(order_id), "going back lost the page"

        # Coming back to the same draft shows the page taken before, and goes on from there.
        await app.push_screen(DocumentCaptureScreen(DOCUMENTS, order_id=order_id, id="capture-again"))
        await messages.wait(PageCaptured, lambda message: message.restored)
        await pilot.pause()
        assert "✓ 1. 数字证书申请表 · 已拍摄" in screen_text(app)
        assert "第2份，共5份：公章印样表" in screen_text(app)


async def test_pictures_are_imported_and_a_corrupt_one_is_refused_keeping_the_rest(
    where, store: Store, clock, tmp_path: Path
) -> None:
    stick = tmp_path / "usb-stick"
    (stick / "scans").mkdir(parents=True)
    page = synthetic.make_page(900)
    cv2.imwrite(
        str(stick / "scans" / "seal-form[bold].png"), page
    )  # brackets in a name: markup once hid them
    (stick / "licence.jpg").write_bytes(b"\xff\xd8\xff\xe0" + b"not really a jpeg" * 20)
    (stick / "notes.pdf").write_bytes(b"%PDF-1.7\n")
    (stick / ".hidden.png").write_bytes(b"")
    listed = {path.name for path in picture_candidates([stick])}
    assert listed == {"seal-form[bold].png", "licence.jpg", "notes.pdf"}

    async with capturing(where, store, clock, str(tmp_path / "no-camera.mp4"), stick) as at:
        app, pilot, screen, messages, order_id = at.app, at.pilot, at.screen, at.messages, at.order_id
        await messages.wait(CameraFailed)
        await pilot.pause()
        assert "未检测到文件拍摄仪，请联系大厅工作人员。也可以点击“导入图片”" in screen_text(app)
        assert screen.query_one("#retry-camera", Button).display
        events = [row for row in store.database.tables["audit"].rows if row["actor"] == "device"]
        assert events[-1]["action"] == "camera_failed" and "no-camera.mp4" in events[-1]["detail"]

        async def import_file(name: str) -> None:
            await pilot.click("#import")
            await pilot.pause()
            dialog = app.screen
            assert isinstance(dialog, ImportPictureScreen)
            options = dialog.query_one("#files", OptionList)
            while options.option_count == 0:  # the listing worker reports
                await pilot.pause()
            index = next(i for i, path in enumerate(dialog.files) if path.name == name)
            drawn = options.render_lines(Region(0, 0, options.size.width, options.size.height))
            assert name in "".join(
                segment.text for strip in drawn for segment in strip
            )  # as it is, not markup
            options.highlighted = index
            options.action_select()
            await pilot.pause()

        await import_file("seal-form[bold].png")
        await messages.wait(PageCaptured)
        await pilot.pause()
        assert set(store.attachments.of(order_id)) == {DocumentKind.APPLICATION_FORM}
        kept = store.attachments.read(store.attachments.of(order_id)[DocumentKind.APPLICATION_FORM].sha256)
        assert "已保存：数字证书申请表" in screen_text(app)  # not "正在导入…" left standing
        assert kept.startswith(b"\xff\xd8\xff")  # re-encoded from PNG to JPEG

        await import_file("licence.jpg")
        refused = await messages.wait(CaptureRefused)
        await pilot.pause()
        assert refused.instruction == "图片文件已损坏，无法打开，请换一张"
        assert "图片文件已损坏，无法打开，请换一张" in screen_text(app)
        await import_file("notes.pdf")
        await messages.wait(CaptureRefused, lambda message: "格式" in message.instruction)
        assert set(store.attachments.of(order_id)) == {DocumentKind.APPLICATION_FORM}, "a refusal lost work"
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
    async with capturing(where, store, clock, str(frames / "f-%02d.png"), tmp_path) as at:
        pilot, screen, messages = at.pilot, at.screen, at.messages
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
    async with capturing(where, store, clock, str(demo_video), tmp_path) as at:
        app, pilot, screen, messages = at.app, at.pilot, at.screen, at.messages
        await messages.wait(CameraFrame)
        workers = [worker for worker in app.workers if worker.group == "camera"]
        assert workers
        await pilot.click("#back")
        finished = asyncio.gather(*(worker.wait() for worker in workers), return_exceptions=True)
        await asyncio.wait_for(finished, 10)
        assert all(worker.is_finished for worker in workers)
        assert screen.camera is None  # closed by the worker on its way out
