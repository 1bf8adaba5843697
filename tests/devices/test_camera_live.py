"""The camera as a live device: sources (a video file, an image sequence, a device number, a
missing file), following the page across frames, capturing by itself once the page is still,
and refusing a blurred or glaring capture with its instruction.

Everything runs on real OpenCV over generated video and images. The clock handed to the camera
is a test clock so that "still for one second" is decided by frame times, not by waiting."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from conftest import FakeClock
from support.images import decode_jpeg

from kiosk.core.domain.documents import MAX_DOCUMENT_BYTES
from kiosk.devices.camera import synthetic
from kiosk.devices.camera.checks import INSTRUCTIONS, Problem
from kiosk.devices.camera.page import corner_error
from kiosk.devices.camera.session import TAKEN_AWAY, THUMBNAIL_WIDTH, DocumentCamera, fit_inside
from kiosk.devices.camera.source import (
    CAMERA_STOPPED,
    CAMERA_UNAVAILABLE,
    CameraStopped,
    CameraUnavailable,
    FrameSource,
    SourceKind,
    source_kind,
)
from kiosk.devices.camera.tracker import PageTracker

FRAME_STEP = 1 / 15  # the demo video's frame rate


def _sequence(folder: Path, frames: list[np.ndarray]) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    for number, frame in enumerate(frames):
        cv2.imwrite(str(folder / f"frame-{number:03d}.png"), frame)
    return str(folder / "frame-%03d.png")


def _camera(spec: str, clock: FakeClock, **options: object) -> DocumentCamera:
    source = FrameSource(spec, paced=False, loop=bool(options.pop("loop", True)))
    return DocumentCamera(source, clock=clock, **options)  # type: ignore[arg-type]


def _steps(camera: DocumentCamera, clock: FakeClock, count: int):
    for _ in range(count):
        clock.advance(FRAME_STEP)
        yield camera.step()


# --- sources --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("spec", "kind"),
    [
        ("0", SourceKind.DEVICE),
        (" 2 ", SourceKind.DEVICE),
        ("rtsp://127.0.0.1:8554/camera", SourceKind.NETWORK),
        ("/srv/pages/page-%03d.png", SourceKind.IMAGES),
        ("/var/lib/kiosk/camera/demo.mp4", SourceKind.FILE),
    ],
)
def test_the_setting_says_which_kind_of_source(spec: str, kind: SourceKind) -> None:
    assert source_kind(spec) is kind


def test_a_missing_video_file_is_a_clear_message(tmp_path: Path) -> None:
    with pytest.raises(CameraUnavailable) as failed:
        FrameSource(str(tmp_path / "nowhere.mp4"))
    assert failed.value.message == "未检测到文件拍摄仪，请联系大厅工作人员"
    assert "No document camera found" in failed.value.message.say("en")
    assert "nowhere.mp4" in failed.value.detail  # for staff, in the log


def test_a_device_that_is_not_there_is_a_clear_message() -> None:
    assert not Path("/dev/video57").exists()
    with pytest.raises(CameraUnavailable) as failed:
        FrameSource("57")
    assert failed.value.message == "未检测到文件拍摄仪，请联系大厅工作人员"


def test_a_file_that_is_not_a_video_is_a_clear_message(tmp_path: Path) -> None:
    broken = tmp_path / "camera.mp4"
    broken.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64)
    with pytest.raises((CameraUnavailable, CameraStopped)) as failed:
        FrameSource(str(broken), loop=False, paced=False).read()
    assert failed.value.message in (CAMERA_UNAVAILABLE, CAMERA_STOPPED)


def test_an_image_sequence_plays_then_says_it_has_stopped(tmp_path: Path) -> None:
    frames = [synthetic.scene(seed).frame for seed in range(3)]
    with FrameSource(_sequence(tmp_path / "pages", frames), paced=False) as source:
        assert source.kind is SourceKind.IMAGES
        read = [source.read() for _ in range(3)]
        assert [frame.number for frame in read] == [0, 1, 2]
        assert np.array_equal(read[2].image, frames[2])  # PNG: exactly the frame written
        with pytest.raises(CameraStopped) as stopped:
            source.read()
    assert stopped.value.message == "文件拍摄仪没有画面，请稍候重试或联系大厅工作人员"
    assert "no picture" in stopped.value.message.say("en")


def test_the_demo_video_loops_like_a_camera_that_never_stops(demo_video: Path) -> None:
    with FrameSource(str(demo_video), paced=False) as looping:
        total = int(cv2.VideoCapture(str(demo_video)).get(cv2.CAP_PROP_FRAME_COUNT))
        numbers = [looping.read().number for _ in range(total + 5)]
    assert numbers == list(range(total + 5))
    with FrameSource(str(demo_video), paced=False, loop=False) as once:
        for _ in range(total):
            once.read()
        with pytest.raises(CameraStopped):
            once.read()


def test_grey_frames_come_out_in_colour(tmp_path: Path) -> None:
    grey = cv2.cvtColor(synthetic.scene(1).frame, cv2.COLOR_BGR2GRAY)
    with FrameSource(_sequence(tmp_path / "grey", [grey]), paced=False) as source:
        frame = source.read().image
    assert frame.shape == (*grey.shape, 3)


# --- following the page ---------------------------------------------------------------------------
def test_a_still_page_becomes_ready_after_the_steady_time_and_only_once() -> None:
    scene = synthetic.scene(3)
    tracker = PageTracker((1920, 1080), steady_s=1.0)
    rng = np.random.default_rng(0)
    states = [
        tracker.update(scene.corners + rng.normal(0, 0.8, (4, 2)).astype(np.float32), 100 + n / 15)
        for n in range(16)
    ]
    assert not any(state.ready for state in states[:15]), "ready before a second of stillness"
    assert states[15].ready and states[15].framed
    assert states[15].corners is not None
    assert corner_error(states[15].corners, scene.corners) < 0.005  # smoothed, not drifted
    tracker.captured()
    later = [tracker.update(scene.corners, 102 + n / 15) for n in range(30)]
    assert not any(state.ready for state in later), "the page just captured was taken again"


def test_a_moving_page_is_never_ready_and_a_new_page_rearms() -> None:
    scene = synthetic.scene(5)
    tracker = PageTracker((1920, 1080), steady_s=0.5)
    drift = np.array([10.0, 0.0], np.float32)  # 10 px a frame: being slid across the desk
    moving = [tracker.update(scene.corners + drift * n, n / 15) for n in range(30)]
    assert not any(state.ready for state in moving)
    assert all(state.still_for == 0 for state in moving[1:])
    resting = scene.corners + drift * 29
    for n in range(10):
        tracker.update(resting, 2 + n / 15)
    tracker.captured()
    for n in range(3):  # taken away: three frames without a page
        tracker.update(None, 3 + n / 15)
    again = [tracker.update(scene.corners, 4 + n / 15) for n in range(10)]
    assert again[-1].ready, "a page put down after the capture was not captured"


def test_one_missed_frame_does_not_lose_the_page() -> None:
    scene = synthetic.scene(6)
    tracker = PageTracker((1920, 1080), steady_s=0.3)
    for n in range(3):
        tracker.update(scene.corners, n / 15)
    assert tracker.update(None, 3 / 15).found
    assert tracker.update(scene.corners, 4 / 15).still_for > 0


def test_a_page_cut_off_by_the_frame_is_not_framed() -> None:
    scene = synthetic.scene(7)
    shifted = scene.corners + np.array([scene.corners[:, 0].min() * -1 - 40, 0], np.float32)
    state = PageTracker((1920, 1080), steady_s=0.1).update(shifted, 0)
    assert state.found and not state.framed


# --- the camera session ---------------------------------------------------------------------------
def test_the_demo_camera_captures_each_pass_once_under_3_mb(demo_video: Path, clock: FakeClock) -> None:
    camera = _camera(str(demo_video), clock, steady_s=1.0)
    total = int(cv2.VideoCapture(str(demo_video)).get(cv2.CAP_PROP_FRAME_COUNT))
    steps = list(_steps(camera, clock, 2 * total))
    captured = [(index, step.captured) for index, step in enumerate(steps) if step.captured]
    assert len(captured) == 2, [index for index, _ in captured]
    index, page = captured[0]
    assert steps[index].view.state.still_for >= 1.0
    image = decode_jpeg(page.jpeg.data)
    assert len(page.jpeg.data) <= MAX_DOCUMENT_BYTES and page.jpeg.quality == 95
    assert abs(image.shape[0] / image.shape[1] - 297 / 210) < 0.01  # upright A4
    assert page.assessment.ok and page.assessment.seal > 0
    assert page.thumbnail.shape[1] == THUMBNAIL_WIDTH
    instructions = [step.view.instruction for step in steps[:total]]
    assert instructions[0] == INSTRUCTIONS[Problem.NO_PAGE]  # the empty desk
    assert TAKEN_AWAY in instructions[index + 1 :]  # while the captured page still lies there
    camera.close()


def test_the_preview_fits_its_box_with_the_outline_drawn(demo_video: Path, clock: FakeClock) -> None:
    camera = _camera(str(demo_video), clock, preview_box=(80, 60))
    views = [step.view for step in _steps(camera, clock, 40)]
    assert views[-1].preview.shape == (45, 80, 3)  # 16:9 inside 80 x 60
    with_page = [view for view in views if view.state.found]
    assert with_page, "the page never appeared"
    outline_colours = {(0, 200, 255), (80, 220, 80)}
    drawn = {tuple(int(c) for c in pixel) for pixel in with_page[-1].preview.reshape(-1, 3)}
    assert drawn & outline_colours
    assert fit_inside((120, 20), 1920, 1080) == (35, 20)
    camera.close()


def test_the_button_without_a_page_says_where_to_put_it(tmp_path: Path, clock: FakeClock) -> None:
    desk = synthetic.make_desk(seed=2)
    camera = _camera(_sequence(tmp_path / "desk", [desk] * 3), clock)
    camera.request_capture()
    step = next(_steps(camera, clock, 1))
    assert step.captured is None and step.refused is not None
    assert step.refused.instruction == "请将文件平放在拍摄区内"
    camera.close()


@pytest.mark.parametrize(
    ("spoil", "problem", "english"),
    [
        (lambda scene: synthetic.blur(scene.frame), Problem.BLUR, "Hold still"),
        (lambda scene: synthetic.glare(scene.frame, scene.corners), Problem.GLARE, "Glare"),
    ],
)
def test_a_spoiled_capture_is_refused_with_its_instruction_and_the_camera_goes_on(
    tmp_path: Path, clock: FakeClock, spoil, problem: Problem, english: str
) -> None:
    scene = synthetic.scene(11)
    frames = [spoil(scene)] * 4 + [scene.frame] * 30
    camera = _camera(_sequence(tmp_path / "spoiled", frames), clock, steady_s=0.3, loop=False)
    camera.request_capture()
    first = next(_steps(camera, clock, 1))
    assert first.refused is not None and problem in first.refused.problems
    assert first.refused.instruction == INSTRUCTIONS[first.refused.problems[0]]
    assert english in INSTRUCTIONS[problem].say("en")
    later = list(_steps(camera, clock, 25))
    assert any(step.captured for step in later), "a good page after a refusal was not captured"
    camera.close()


def test_a_page_without_seal_is_refused_when_the_document_needs_one(tmp_path: Path, clock: FakeClock) -> None:
    scene = synthetic.scene(12, seal=False)
    camera = _camera(_sequence(tmp_path / "unsealed", [scene.frame] * 3), clock, needs_seal=True)
    camera.request_capture()
    step = next(_steps(camera, clock, 1))
    assert step.refused is not None and step.refused.instruction == "请加盖公章"
    camera.needs_seal = False
    camera.request_capture()
    assert next(_steps(camera, clock, 1)).captured is not None
    camera.close()


def test_auto_capture_off_leaves_capturing_to_the_button(demo_video: Path, clock: FakeClock) -> None:
    camera = _camera(str(demo_video), clock, steady_s=0.3)
    camera.auto_capture = False
    steps = list(_steps(camera, clock, 70))
    assert not any(step.captured for step in steps)
    assert steps[-1].view.instruction == "可以点击“拍摄”"
    camera.request_capture()
    assert next(_steps(camera, clock, 1)).captured is not None
    camera.close()
