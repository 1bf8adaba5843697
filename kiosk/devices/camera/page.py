"""Finding the page in a frame, and straightening it into an A4 image.

The page is found on a quarter-scale copy: an Otsu threshold separates the bright paper from
the desk, a closing fills the text, and the largest contour is reduced to four corners. On
these machines that finds the page in 150 of 150 cluttered frames at under 1 ms, where Canny
edges at full 1080p cost 5 ms and picked the wrong shape in a quarter of them (bench/capture.py)."""

from __future__ import annotations

import cv2
import numpy as np

DETECT_SCALE = 4  # find the page on a copy this many times smaller
MAX_PAPER_SATURATION = 60  # of 255: white or grey paper under warm or cool light
MIN_PAGE_FRACTION = 0.08  # of the frame's area: anything smaller is not the page
A4_RATIO = 297 / 210
_CLOSE_TEXT = cv2.getStructuringElement(cv2.MORPH_RECT, (7, 7))  # fills the text lines into the paper
_OPEN_SPECKS = cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5))  # drops bright specks on the desk
MAX_PAGE_WIDTH = 2480  # A4 at 300 dpi: the page is never enlarged past what a scanner gives


def find_page(frame: np.ndarray) -> np.ndarray | None:
    """The page's corners in frame coordinates (4x2 float32: top-left, top-right, bottom-right,
    bottom-left), or None when no page-like shape is there."""
    # Bilinear sampling, not INTER_AREA: averaging all 16 pixels cost 1.3 ms of a 2 ms frame,
    # and the Gaussian blur below does the smoothing that matters for the threshold. Nor
    # nearest-neighbour, which halves this step's 0.3 ms: under sensor noise (sigma 45 on 300
    # noisy frames) it found 108 pages where bilinear found all 300.
    small_size = (frame.shape[1] // DETECT_SCALE, frame.shape[0] // DETECT_SCALE)
    small = cv2.resize(frame, small_size, interpolation=cv2.INTER_LINEAR)
    gray = cv2.GaussianBlur(cv2.cvtColor(small, cv2.COLOR_BGR2GRAY), (5, 5), 0)
    _, bright = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    # Paper is bright and nearly grey; a hand holding it is bright too, but coloured.
    saturation = cv2.GaussianBlur(cv2.extractChannel(cv2.cvtColor(small, cv2.COLOR_BGR2HSV), 1), (5, 5), 0)
    _, grey = cv2.threshold(saturation, MAX_PAPER_SATURATION, 255, cv2.THRESH_BINARY_INV)
    paper = cv2.bitwise_and(bright, grey)
    paper = cv2.morphologyEx(paper, cv2.MORPH_CLOSE, _CLOSE_TEXT)
    paper = cv2.morphologyEx(paper, cv2.MORPH_OPEN, _OPEN_SPECKS)
    contours, _ = cv2.findContours(paper, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    contour = max(contours, key=cv2.contourArea)
    if cv2.contourArea(contour) < MIN_PAGE_FRACTION * gray.shape[0] * gray.shape[1]:
        return None
    quad = _four_corners(contour)
    return order_corners(quad * DETECT_SCALE + (DETECT_SCALE - 1) / 2)


def _four_corners(contour: np.ndarray) -> np.ndarray:
    """The contour as a quadrilateral: its convex hull simplified until four points remain, or
    the hull's minimum-area rectangle when a hand or a fold leaves no clean four."""
    hull = cv2.convexHull(contour)
    perimeter = cv2.arcLength(hull, True)
    for fraction in (0.01, 0.02, 0.03, 0.05, 0.08):
        approx = cv2.approxPolyDP(hull, fraction * perimeter, True)
        if len(approx) == 4:
            return approx.reshape(4, 2).astype(np.float32)
    return cv2.boxPoints(cv2.minAreaRect(hull)).astype(np.float32)


def order_corners(points: np.ndarray) -> np.ndarray:
    """Top-left, top-right, bottom-right, bottom-left, whatever order they came in."""
    points = points.reshape(4, 2).astype(np.float32)
    center = points.mean(axis=0)
    angles = np.arctan2(points[:, 1] - center[1], points[:, 0] - center[0])
    ordered = points[np.argsort(angles)]  # from the left, clockwise on screen (y grows down)
    start = int(np.argmin(ordered.sum(axis=1)))  # top-left has the smallest x + y
    return np.roll(ordered, -start, axis=0)


def corner_error(found: np.ndarray, truth: np.ndarray) -> float:
    """The largest corner distance, as a fraction of the true page's diagonal."""
    diagonal = float(np.linalg.norm(truth[0] - truth[2]))
    return float(np.max(np.linalg.norm(order_corners(found) - order_corners(truth), axis=1))) / diagonal


def page_size(corners: np.ndarray) -> tuple[int, int]:
    """Output size for the straightened page: A4 proportions, at the resolution the camera saw
    it (never more than 300 dpi)."""
    top = np.linalg.norm(corners[1] - corners[0])
    bottom = np.linalg.norm(corners[2] - corners[3])
    left = np.linalg.norm(corners[3] - corners[0])
    right = np.linalg.norm(corners[2] - corners[1])
    seen = float(max(top, bottom, max(left, right) / A4_RATIO))
    width = int(min(MAX_PAGE_WIDTH, round(seen)))
    return width, round(width * A4_RATIO)


def straighten(frame: np.ndarray, corners: np.ndarray) -> np.ndarray:
    """The page cut out of the full-resolution frame and corrected to an upright A4 image."""
    width, height = page_size(corners)
    target = np.array([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], np.float32)
    transform = cv2.getPerspectiveTransform(order_corners(corners), target)
    return cv2.warpPerspective(frame, transform, (width, height), flags=cv2.INTER_CUBIC)
