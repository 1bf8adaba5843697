"""Pictures read back in tests: a PNG a form was rendered to, a JPEG the kiosk kept. OpenCV
answers None for a file it cannot read; here that fails the test at once, with the reason."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np


def read_image(path: Path, flags: int = cv2.IMREAD_COLOR) -> np.ndarray:
    image = cv2.imread(str(path), flags)
    assert image is not None, f"OpenCV cannot read {path}"
    return image


def decode_jpeg(data: bytes) -> np.ndarray:
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    assert image is not None, f"not a picture OpenCV can read ({len(data)} bytes)"
    return image
