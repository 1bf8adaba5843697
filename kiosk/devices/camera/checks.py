"""Quality checks on a found page, each with its own plain instruction for the subscriber.

The checks run on the straightened page at a small working size (600 px wide), so they cost
the same whatever the camera's resolution."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import cv2
import numpy as np

from kiosk.core.i18n import Text

CHECK_WIDTH = 600
EDGE_MARGIN = 0.012  # of the frame's size: a corner this close to the border is cut off
MIN_PAGE_AREA = 0.10  # of the frame: smaller and the text is too small to read
MIN_SHARPNESS = 60.0  # variance of the Laplacian on the 600 px page
GLARE_LEVEL = 253  # a pixel at or above this is burnt out
MAX_GLARE = 0.012  # of the page's pixels
MIN_SEAL = 0.002  # of the page's pixels in seal red


class Problem(StrEnum):
    NO_PAGE = "no_page"
    FRAMING = "framing"
    BLUR = "blur"
    GLARE = "glare"
    NO_SEAL = "no_seal"


INSTRUCTIONS: dict[Problem, Text] = {
    Problem.NO_PAGE: Text("请将文件平放在拍摄区内"),
    Problem.FRAMING: Text("请把整页放入框内"),
    Problem.BLUR: Text("请保持静止"),
    Problem.GLARE: Text("反光，请调整角度"),
    Problem.NO_SEAL: Text("请加盖公章"),
}


@dataclass(frozen=True)
class Assessment:
    problems: tuple[Problem, ...]
    sharpness: float
    glare: float
    seal: float

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def instruction(self) -> Text | None:
        """The one thing to fix first."""
        return INSTRUCTIONS[self.problems[0]] if self.problems else None


def framing_ok(corners: np.ndarray, frame_size: tuple[int, int]) -> bool:
    width, height = frame_size
    margin_x, margin_y = EDGE_MARGIN * width, EDGE_MARGIN * height
    inside = (
        (corners[:, 0] > margin_x).all()
        and (corners[:, 0] < width - margin_x).all()
        and (corners[:, 1] > margin_y).all()
        and (corners[:, 1] < height - margin_y).all()
    )
    area = cv2.contourArea(corners.astype(np.float32)) / (width * height)
    return bool(inside) and area >= MIN_PAGE_AREA


def assess(page: np.ndarray, *, framed: bool, needs_seal: bool) -> Assessment:
    """Checks on the straightened page (any size; scaled to the working size here)."""
    scale = CHECK_WIDTH / page.shape[1]
    small = cv2.resize(page, (CHECK_WIDTH, round(page.shape[0] * scale)), interpolation=cv2.INTER_AREA)
    gray = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    sharpness = float(cv2.Laplacian(gray, cv2.CV_64F).var())
    glare = float(np.count_nonzero(gray >= GLARE_LEVEL)) / gray.size
    hsv = cv2.cvtColor(small, cv2.COLOR_BGR2HSV)
    hue, saturation, value = hsv[:, :, 0], hsv[:, :, 1], hsv[:, :, 2]
    red = ((hue <= 10) | (hue >= 170)) & (saturation >= 90) & (value >= 70)
    seal = float(np.count_nonzero(red)) / red.size
    problems = []
    if not framed:
        problems.append(Problem.FRAMING)
    if sharpness < MIN_SHARPNESS:
        problems.append(Problem.BLUR)
    if glare > MAX_GLARE:
        problems.append(Problem.GLARE)
    if needs_seal and seal < MIN_SEAL:
        problems.append(Problem.NO_SEAL)
    return Assessment(tuple(problems), sharpness, glare, seal)
