"""One frame at a time from the camera to the subscriber: find the page, follow it, draw a small
preview with its outline, and capture it, by itself once the page is still or when asked.

A capture is straightened from the full-resolution frame, checked (framing, sharpness, glare,
seal), and encoded under the backend's 3 MB limit. A refused capture comes back with the one
instruction that fixes it, and the camera keeps looking.

Plain Python: the capture screen runs `step()` in a thread worker; a script or the bench can too."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from kiosk.core.i18n import Text
from kiosk.devices.camera.checks import INSTRUCTIONS, Assessment, Problem, assess
from kiosk.devices.camera.jpeg import FittedJpeg, fit_jpeg
from kiosk.devices.camera.page import find_page, straighten
from kiosk.devices.camera.source import FrameSource
from kiosk.devices.camera.tracker import PageTracker, TrackState

# Outline colours (BGR) on the preview.
SETTLING = (0, 200, 255)  # amber: found, not yet still or not all in frame
STEADY = (80, 220, 80)  # green: about to be captured
THUMBNAIL_WIDTH = 20  # pixels (and cells) across a captured page's thumbnail: 14 lines high
TAKEN_AWAY = Text("已拍摄，请换下一份文件")
CAPTURING = Text("请保持静止，即将自动拍摄")
READY_FOR_BUTTON = Text("可以点击“拍摄”")


@dataclass(frozen=True)
class CameraView:
    preview: np.ndarray  # BGR, fitted in preview_box, the outline drawn on it
    state: TrackState
    instruction: Text  # what the subscriber should do now


@dataclass(frozen=True)
class CapturedPage:
    jpeg: FittedJpeg
    thumbnail: np.ndarray  # BGR, THUMBNAIL_WIDTH wide, A4 proportions
    assessment: Assessment


@dataclass(frozen=True)
class CameraStep:
    view: CameraView
    captured: CapturedPage | None = None
    refused: Assessment | None = None  # a capture was tried and failed its checks


class DocumentCamera:
    def __init__(
        self,
        source: FrameSource,
        *,
        steady_s: float = 1.0,
        needs_seal: bool = True,
        preview_box: tuple[int, int] = (96, 54),
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.source = source
        self.needs_seal = needs_seal  # the document being captured must carry the unit's seal
        # The most pixels the preview may have (wide, high); the frame is fitted inside it.
        # The screen sets it when it is resized.
        self.preview_box = preview_box
        self.steady_s = steady_s
        self.clock = clock
        self._tracker: PageTracker | None = None
        self._capture_asked = threading.Event()  # set from the UI thread, read by the camera's
        self._retake_asked = threading.Event()
        self.auto_capture = True  # off: only the button captures (nothing left to capture, say)

    def request_capture(self) -> None:
        """The subscriber pressed 拍摄: capture the next frame with a page, still or not."""
        self._capture_asked.set()

    def retake(self) -> None:
        """The page in view may be captured again (the subscriber asked to retake it)."""
        self._retake_asked.set()

    def step(self) -> CameraStep:
        """Read one frame and act on it. Raises CameraError when the source fails."""
        frame = self.source.read().image
        now = self.clock()
        height, width = frame.shape[:2]
        if self._tracker is None or self._tracker.frame_size != (width, height):
            self._tracker = PageTracker((width, height), steady_s=self.steady_s)
        if self._retake_asked.is_set():
            self._retake_asked.clear()
            self._tracker.forget_capture()
            self._tracker.restart_stillness(now)  # time to straighten the page before it is taken
        state = self._tracker.update(find_page(frame), now)
        asked = self._capture_asked.is_set()
        if asked:
            self._capture_asked.clear()
        view = self._view(frame, state)
        if not (asked or (state.ready and self.auto_capture)):
            return CameraStep(view)
        if state.corners is None:
            refusal = Assessment((Problem.NO_PAGE,), 0.0, 0.0, 0.0)
            return CameraStep(view, refused=refusal)
        page = straighten(frame, state.corners)
        assessment = assess(page, framed=state.framed, needs_seal=self.needs_seal)
        if not assessment.ok:
            self._tracker.restart_stillness(now)
            return CameraStep(view, refused=assessment)
        self._tracker.captured()
        return CameraStep(view, captured=CapturedPage(fit_jpeg(page), thumbnail_of(page), assessment))

    def _view(self, frame: np.ndarray, state: TrackState) -> CameraView:
        width, height = fit_inside(self.preview_box, frame.shape[1], frame.shape[0])
        preview = cv2.resize(frame, (width, height), interpolation=cv2.INTER_AREA)
        if state.corners is not None:
            scale = np.array([width / frame.shape[1], height / frame.shape[0]], np.float32)
            outline = np.round(state.corners * scale).astype(np.int32)
            colour = STEADY if state.framed and state.still_for > 0.3 * self.steady_s else SETTLING
            cv2.polylines(preview, [outline], True, colour, 1, cv2.LINE_8)
        return CameraView(preview, state, self._instruction(state))

    def _instruction(self, state: TrackState) -> Text:
        if state.corners is None:
            return INSTRUCTIONS[Problem.NO_PAGE]
        if not state.framed:
            return INSTRUCTIONS[Problem.FRAMING]
        assert self._tracker is not None
        if self._tracker.holding_capture:
            return TAKEN_AWAY
        if not self.auto_capture:
            return READY_FOR_BUTTON
        return CAPTURING if state.still_for > 0 else INSTRUCTIONS[Problem.BLUR]

    def close(self) -> None:
        self.source.close()


def thumbnail_of(page: np.ndarray) -> np.ndarray:
    """A page (captured, imported or read back from the store) at thumbnail size."""
    height = max(2, round(THUMBNAIL_WIDTH * page.shape[0] / page.shape[1]))
    return cv2.resize(page, (THUMBNAIL_WIDTH, height), interpolation=cv2.INTER_AREA)


def fit_inside(box: tuple[int, int], width: int, height: int) -> tuple[int, int]:
    """The largest size with the frame's proportions that fits in `box` (at least 2 x 2)."""
    scale = min(box[0] / width, box[1] / height)
    return max(2, int(width * scale)), max(2, int(height * scale))
