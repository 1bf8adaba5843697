"""Following the page from frame to frame: corners smoothed so the outline on screen does not
shiver, how long the page has been still, and when to capture by itself.

After a capture the tracker waits for the page to leave (or move well away) before it
captures again, so a page left lying under the camera is not taken for the next document."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kiosk.devices.camera.checks import framing_ok

SMOOTHING = 0.5  # weight of the newest corners in the shown outline
STILL = 0.006  # of the page's diagonal: a corner moving less than this per frame is still
JUMP = 0.05  # of the diagonal: a move this large is a new position, not jitter to smooth
REARM_MOVE = 0.10  # of the diagonal: a page moved this far since the capture is a new page
LOST_AFTER = 3  # frames without the page before it counts as gone (one missed frame is noise)


@dataclass(frozen=True)
class TrackState:
    corners: np.ndarray | None  # smoothed, frame coordinates; None when no page
    framed: bool  # the whole page is inside the frame and large enough
    still_for: float  # seconds the page has been still (0 when moving or absent)
    ready: bool  # still long enough, framed, and not the page just captured

    @property
    def found(self) -> bool:
        return self.corners is not None


class PageTracker:
    def __init__(self, frame_size: tuple[int, int], *, steady_s: float = 1.0) -> None:
        self.frame_size = frame_size
        self.steady_s = steady_s
        self._corners: np.ndarray | None = None
        self._still_since: float | None = None
        self._missed = 0
        self._captured_at: np.ndarray | None = None  # corners of the last capture, while it lies there

    def update(self, found: np.ndarray | None, now: float) -> TrackState:
        if found is None:
            self._missed += 1
            if self._missed >= LOST_AFTER:
                self._corners, self._still_since, self._captured_at = None, None, None
            return self._state(now, still=False)
        self._missed = 0
        if self._corners is None:
            self._corners, self._still_since = found, now
            return self._state(now, still=True)
        diagonal = float(np.linalg.norm(found[0] - found[2])) or 1.0
        moved = float(np.max(np.linalg.norm(found - self._corners, axis=1))) / diagonal
        if moved > JUMP:
            self._corners = found
        else:
            self._corners = SMOOTHING * found + (1 - SMOOTHING) * self._corners
        if moved > STILL:
            self._still_since = now
        if self._captured_at is not None:
            away = float(np.max(np.linalg.norm(self._corners - self._captured_at, axis=1))) / diagonal
            if away > REARM_MOVE:
                self._captured_at = None
        return self._state(now, still=True)

    def captured(self) -> None:
        """The page in view was just captured: do not capture it again until it is replaced."""
        self._captured_at = self._corners

    @property
    def holding_capture(self) -> bool:
        """The page in view is the one just captured."""
        return self._captured_at is not None

    def forget_capture(self) -> None:
        """The page in view may be captured again."""
        self._captured_at = None

    def restart_stillness(self, now: float) -> None:
        """A capture was refused (blur, glare, no seal): wait for a fresh still moment."""
        self._still_since = now

    def _state(self, now: float, *, still: bool) -> TrackState:
        if self._corners is None:
            return TrackState(None, False, 0.0, False)
        framed = framing_ok(self._corners, self.frame_size)
        still_for = now - self._still_since if still and self._still_since is not None else 0.0
        ready = framed and still_for >= self.steady_s and self._captured_at is None
        return TrackState(self._corners.astype(np.float32), framed, still_for, ready)
