"""Generated documents on a cluttered desk, with the page's true corners: the demo camera's
video, and ground truth for the tests and the bench.

A page is an A4 sheet (title, text lines, a table, optionally a red seal), warped at a random
angle and perspective onto a desk with clutter (a mug, pens, a phone, sticky notes) and a hand
holding the page's edge. Optional blur and glare make the frames a quality check must refuse."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

A4_RATIO = 297 / 210
FRAME_SIZE = (1920, 1080)


@dataclass(frozen=True)
class Scene:
    frame: np.ndarray  # BGR uint8
    corners: np.ndarray  # 4x2 float32: top-left, top-right, bottom-right, bottom-left of the page


def make_page(width: int = 840, *, seal: bool = True, seed: int = 0) -> np.ndarray:
    """An A4 page as the camera would see it flat: white paper, dark text, a red seal."""
    rng = np.random.default_rng(seed)
    height = round(width * A4_RATIO)
    page = np.full((height, width, 3), 246, np.uint8)
    page += rng.integers(0, 6, page.shape, dtype=np.uint8)
    scale = width / 840
    cv2.putText(
        page,
        "APPLICATION FORM",
        (int(190 * scale), int(90 * scale)),
        cv2.FONT_HERSHEY_SIMPLEX,
        1.4 * scale,
        (30, 30, 30),
        max(1, int(3 * scale)),
        cv2.LINE_AA,
    )
    y = int(150 * scale)
    while y < height * 0.55:
        length = int(rng.integers(int(300 * scale), int(720 * scale)))
        cv2.rectangle(
            page, (int(60 * scale), y), (int(60 * scale) + length, y + int(9 * scale)), (60, 60, 60), -1
        )
        y += int(rng.integers(int(26 * scale), int(38 * scale)))
    top, bottom = int(height * 0.6), int(height * 0.88)
    for row in np.linspace(top, bottom, 7):
        cv2.line(
            page,
            (int(60 * scale), int(row)),
            (width - int(60 * scale), int(row)),
            (40, 40, 40),
            max(1, int(2 * scale)),
        )
    for column in np.linspace(60 * scale, width - 60 * scale, 4):
        cv2.line(page, (int(column), top), (int(column), bottom), (40, 40, 40), max(1, int(2 * scale)))
    if seal:
        center = (int(width * 0.7), int(height * 0.78))
        radius = int(95 * scale)
        overlay = page.copy()
        cv2.circle(overlay, center, radius, (40, 40, 205), max(2, int(7 * scale)))
        cv2.drawMarker(
            overlay, center, (40, 40, 205), cv2.MARKER_STAR, int(70 * scale), max(2, int(6 * scale))
        )
        cv2.ellipse(
            overlay,
            center,
            (int(radius * 0.7), int(radius * 0.7)),
            0,
            200,
            340,
            (40, 40, 205),
            max(2, int(5 * scale)),
        )
        page = cv2.addWeighted(overlay, 0.85, page, 0.15, 0)
    return page


def make_desk(size: tuple[int, int] = FRAME_SIZE, *, seed: int = 0) -> np.ndarray:
    """A wooden desk with clutter on it."""
    rng = np.random.default_rng(seed + 1000)
    width, height = size
    grain = rng.normal(0, 1, (height, width // 8)).astype(np.float32)
    grain = cv2.resize(cv2.GaussianBlur(grain, (0, 0), 1.5), (width, height))
    desk = np.empty((height, width, 3), np.float32)
    for channel, base in enumerate((55, 85, 125)):  # brown in BGR
        desk[:, :, channel] = base + 14 * grain
    desk = np.clip(desk + rng.normal(0, 4, desk.shape), 0, 255).astype(np.uint8)
    for _ in range(int(rng.integers(5, 9))):  # pens, a phone, sticky notes, a mug
        kind = rng.integers(0, 4)
        x, y = int(rng.integers(0, width)), int(rng.integers(0, height))
        color = tuple(int(value) for value in rng.integers(20, 200, 3))
        if kind == 0:
            angle = rng.uniform(0, np.pi)
            end = (int(x + 260 * np.cos(angle)), int(y + 260 * np.sin(angle)))
            cv2.line(desk, (x, y), end, color, int(rng.integers(8, 16)))
        elif kind == 1:
            cv2.rectangle(desk, (x, y), (x + 90, y + 170), (25, 25, 25), -1)
        elif kind == 2:
            cv2.rectangle(desk, (x, y), (x + 120, y + 120), (90, 220, 235), -1)  # a yellow note
        else:
            cv2.circle(desk, (x, y), int(rng.integers(60, 110)), color, -1)
    return desk


def random_corners(rng: np.random.Generator, size: tuple[int, int] = FRAME_SIZE) -> np.ndarray:
    """Where the page lies: rotated up to 25 degrees, with some perspective, fully in frame."""
    width, height = size
    page_height = rng.uniform(0.6, 0.85) * height
    page_width = page_height / A4_RATIO
    angle = np.deg2rad(rng.uniform(-25, 25))
    half = (
        np.array(
            [
                [-page_width, -page_height],
                [page_width, -page_height],
                [page_width, page_height],
                [-page_width, page_height],
            ],
            np.float32,
        )
        / 2
    )
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]], np.float32)
    corners = half @ rotation.T
    corners += rng.uniform(-0.04, 0.04, corners.shape).astype(np.float32) * page_height  # perspective
    margin = 30
    span = corners.max(axis=0) - corners.min(axis=0)
    fits = min(1.0, (width - 2 * margin) / span[0], (height - 2 * margin) / span[1])
    corners *= fits * 0.999
    span *= fits * 0.999
    center = np.array(
        [
            rng.uniform(margin + span[0] / 2, width - margin - span[0] / 2),
            rng.uniform(margin + span[1] / 2, height - margin - span[1] / 2),
        ],
        np.float32,
    )
    return (corners + center).astype(np.float32)


def compose(
    page: np.ndarray,
    desk: np.ndarray,
    corners: np.ndarray | None,
    *,
    hand: bool = True,
    seed: int = 0,
    noise: np.ndarray | None = None,
) -> np.ndarray:
    """The page warped onto the desk at `corners` (None: the desk alone), a hand holding one
    long edge. `noise` (int16, the frame's shape) is the sensor's; made here when not given."""
    rng = np.random.default_rng(seed + 2000)
    if corners is None:
        return _add_noise(desk, noise if noise is not None else sensor_noise(desk.shape, rng))
    height, width = page.shape[:2]
    source = np.array([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], np.float32)
    transform = cv2.getPerspectiveTransform(source, corners)
    size = (desk.shape[1], desk.shape[0])
    warped = cv2.warpPerspective(page, transform, size, flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(np.full((height, width), 255, np.uint8), transform, size)
    frame = desk.copy()
    cv2.copyTo(warped, cv2.threshold(mask, 127, 255, cv2.THRESH_BINARY)[1], frame)
    shade = rng.uniform(0.85, 1.0)  # the room's light
    frame = cv2.convertScaleAbs(frame, alpha=shade)
    if hand:
        edge = int(rng.integers(0, 4))
        a, b = corners[edge], corners[(edge + 1) % 4]
        t = rng.uniform(0.35, 0.65)
        point = a + (b - a) * t
        outward = point - corners.mean(axis=0)
        outward /= np.linalg.norm(outward) + 1e-6
        palm = point + outward * 70
        skin = (110, 150, 205)
        cv2.ellipse(
            frame,
            (int(palm[0]), int(palm[1])),
            (85, 60),
            float(np.degrees(np.arctan2(outward[1], outward[0]))),
            0,
            360,
            skin,
            -1,
        )
        thumb = point - outward * 18
        cv2.circle(frame, (int(thumb[0]), int(thumb[1])), 22, skin, -1)
    return _add_noise(frame, noise if noise is not None else sensor_noise(frame.shape, rng))


def _add_noise(frame: np.ndarray, noise: np.ndarray) -> np.ndarray:
    return cv2.add(frame, noise, dtype=cv2.CV_8U)  # saturating: no wrap-around at 0 and 255


def sensor_noise(shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    """A document camera's sensor noise under hall lighting."""
    return rng.normal(0, 6, shape).astype(np.int16)


def blur(frame: np.ndarray, sigma: float = 6.0) -> np.ndarray:
    return cv2.GaussianBlur(frame, (0, 0), sigma)


def glare(frame: np.ndarray, corners: np.ndarray, *, strength: float = 1.0) -> np.ndarray:
    """A lamp's reflection: a saturated bright patch on the page."""
    center = corners.mean(axis=0)
    spot = np.zeros(frame.shape[:2], np.float32)
    radius = int(np.linalg.norm(corners[0] - corners[2]) * 0.16)
    cv2.circle(spot, (int(center[0]), int(center[1] - radius)), radius, 1.0, -1)
    spot = cv2.GaussianBlur(spot, (0, 0), radius / 4)[:, :, None]
    return np.clip(frame.astype(np.float32) + spot * 255 * strength, 0, 255).astype(np.uint8)


def scene(seed: int, *, seal: bool = True, hand: bool = True, size: tuple[int, int] = FRAME_SIZE) -> Scene:
    rng = np.random.default_rng(seed)
    corners = random_corners(rng, size)
    frame = compose(
        make_page(seal=seal, seed=seed), make_desk(size, seed=seed), corners, hand=hand, seed=seed
    )
    return Scene(frame, corners)


def write_demo_video(path: Path, *, fps: int = 15, seed: int = 7) -> Path:
    """The demo camera, played in a loop: an empty desk, a page slid in by hand, held still
    long enough to be captured, then taken away, so each pass gives one capture."""
    rng = np.random.default_rng(seed)
    size = FRAME_SIZE
    desk = make_desk(size, seed=seed)
    page = make_page(seed=seed)
    resting = random_corners(rng, size)
    noises = [sensor_noise(desk.shape, rng) for _ in range(3)]  # drawn once: they cost 100 ms each
    away = np.array([size[0] * 0.75, 0], np.float32)  # off to the right, where the hand brings it from
    phases = [(1.0, "empty"), (1.2, "in"), (3.5, "still"), (1.0, "out")]
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial.mp4")
    writer = cv2.VideoWriter(str(partial), cv2.VideoWriter_fourcc(*"mp4v"), fps, size)
    if not writer.isOpened():
        raise OSError(f"cannot write {partial}")
    index = 0
    try:
        for seconds, phase in phases:
            count = round(seconds * fps)
            for step in range(count):
                corners: np.ndarray | None
                if phase == "empty":
                    corners = None
                elif phase == "still":
                    corners = resting + rng.normal(0, 0.6, (4, 2)).astype(np.float32)
                else:
                    progress = (step + 1) / count if phase == "in" else 1 - (step + 1) / count
                    corners = resting + away * (1 - progress) ** 2  # slows as it settles
                frame = compose(page, desk, corners, seed=seed, noise=noises[index % len(noises)])
                writer.write(frame)
                index += 1
    finally:
        writer.release()
    partial.replace(path)
    return path
