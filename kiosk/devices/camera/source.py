"""Where frames come from: the document camera, or what stands in for it.

The setting `camera_source` names it, and its form says which kind it is:
- a number ("0"): a V4L2 device (a document camera on USB);
- an address ("rtsp://…", "http://…"): a network camera;
- a path with a printf pattern ("/srv/scans/page-%03d.png"): an image sequence;
- any other path: a video file, looped when `loop` is on (the demo's camera).

Opening or reading that fails raises CameraError, with a sentence for the subscriber and a
detail for staff; the capture screen shows it and offers a retry."""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import cv2
import numpy as np

from kiosk.core.i18n import Text

OPEN_TIMEOUT_MS = 5000  # a network camera that has not answered by then is not there
READ_TIMEOUT_MS = 3000
MAX_EMPTY_READS = 10  # a device that returns this many empty frames in a row has gone
WANTED_SIZE = (1920, 1080)  # asked of a device; it gives its nearest mode


class SourceKind(StrEnum):
    DEVICE = "device"
    NETWORK = "network"
    IMAGES = "images"
    FILE = "file"


class CameraError(RuntimeError):
    def __init__(self, message: Text, detail: str) -> None:
        super().__init__(f"{message} ({detail})")
        self.message = message
        self.detail = detail  # for staff and the log; never personal data


class CameraUnavailable(CameraError):
    """The source could not be opened."""


class CameraStopped(CameraError):
    """The source opened but gives no more frames (unplugged, stream ended)."""


CAMERA_UNAVAILABLE = Text("未检测到文件拍摄仪，请联系大厅工作人员")
CAMERA_STOPPED = Text("文件拍摄仪没有画面，请稍候重试或联系大厅工作人员")


def source_kind(spec: str) -> SourceKind:
    spec = spec.strip()
    if spec.isdigit():
        return SourceKind.DEVICE
    if "://" in spec:
        return SourceKind.NETWORK
    if "%" in Path(spec).name:
        return SourceKind.IMAGES
    return SourceKind.FILE


@dataclass(frozen=True)
class Frame:
    image: np.ndarray  # BGR uint8, the camera's full resolution
    number: int  # counts from 0 since the source opened


class FrameSource:
    """An open camera. `read()` blocks until the next frame is due: a device paces itself, a
    file is paced here at its own frame rate, so the demo looks like a live camera."""

    def __init__(
        self, spec: str, *, loop: bool = True, paced: bool = True, size: tuple[int, int] = WANTED_SIZE
    ) -> None:
        self.spec = spec.strip()
        self.kind = source_kind(self.spec)
        self.loop = loop and self.kind is SourceKind.FILE
        self._capture = self._open(size)
        fps = self._capture.get(cv2.CAP_PROP_FPS)
        paced = paced and self.kind in (SourceKind.FILE, SourceKind.IMAGES)
        self.frame_interval = 1.0 / fps if paced and 1.0 <= fps <= 120.0 else (1 / 15 if paced else 0.0)
        self._next_due = time.monotonic()
        self._count = 0

    def _open(self, size: tuple[int, int]) -> cv2.VideoCapture:
        if self.kind is SourceKind.DEVICE:
            capture = cv2.VideoCapture(int(self.spec), cv2.CAP_V4L2)
            if capture.isOpened():
                capture.set(cv2.CAP_PROP_FRAME_WIDTH, size[0])
                capture.set(cv2.CAP_PROP_FRAME_HEIGHT, size[1])
                capture.set(cv2.CAP_PROP_BUFFERSIZE, 1)  # the newest frame, not a queue of old ones
        elif self.kind is SourceKind.NETWORK:
            capture = cv2.VideoCapture(
                self.spec,
                cv2.CAP_FFMPEG,
                [
                    cv2.CAP_PROP_OPEN_TIMEOUT_MSEC,
                    OPEN_TIMEOUT_MS,
                    cv2.CAP_PROP_READ_TIMEOUT_MSEC,
                    READ_TIMEOUT_MS,
                ],
            )
        elif self.kind is SourceKind.IMAGES:
            capture = cv2.VideoCapture(self.spec, cv2.CAP_IMAGES)
        else:
            if not Path(self.spec).is_file():
                raise CameraUnavailable(CAMERA_UNAVAILABLE, f"no video file at {self.spec}")
            capture = cv2.VideoCapture(self.spec, cv2.CAP_FFMPEG)
        if not capture.isOpened():
            capture.release()
            raise CameraUnavailable(CAMERA_UNAVAILABLE, f"OpenCV cannot open {self.kind} source {self.spec}")
        return capture

    def read(self) -> Frame:
        self._pace()
        for _ in range(MAX_EMPTY_READS):
            ok, image = self._capture.read()
            if ok and image is not None and image.size:
                self._count += 1
                return Frame(_as_bgr(image), self._count - 1)
            if self.loop and self._count:
                self._capture.set(cv2.CAP_PROP_POS_FRAMES, 0)  # the demo's video starts again
                continue
            if self.kind is not SourceKind.DEVICE:
                break  # a file or a sequence that has ended; a device may just be slow
        raise CameraStopped(CAMERA_STOPPED, f"no frame from {self.kind} source {self.spec}")

    def _pace(self) -> None:
        if not self.frame_interval:
            return
        delay = self._next_due - time.monotonic()
        if delay > 0:
            time.sleep(delay)  # a file is played at its frame rate, as a camera would deliver it
        self._next_due = max(self._next_due + self.frame_interval, time.monotonic())

    def close(self) -> None:
        self._capture.release()

    def __enter__(self) -> FrameSource:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def _as_bgr(image: np.ndarray) -> np.ndarray:
    """A grey or BGRA camera gives the same three channels as a colour one."""
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    return image
