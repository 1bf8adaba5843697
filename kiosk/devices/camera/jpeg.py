"""Document images under the backend's 3 MB limit, at the highest JPEG quality that fits.

Encoding a 12-megapixel capture costs 40–65 ms here, so blind bisection (six or seven full
encodes) is too slow. The size is predicted instead: a mosaic of tiles sampled evenly across
the image (1/16 of its pixels) is encoded at a few qualities, which costs a few milliseconds,
and scaled up. Then one full encode at the predicted quality, usually the only one; if it
overshoots, the prediction is corrected by the measured error and tried once more.

Imports (a USB stick, a folder) are recognised from their bytes, not their names: JPEG, BMP,
GIF and PNG only."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from kiosk.core.domain.documents import MAX_DOCUMENT_BYTES
from kiosk.core.i18n import Text

QUALITIES = (95, 92, 90, 88, 85, 82, 80, 77, 75, 72, 70, 65, 60, 55, 50, 45, 40)
TILE = 64  # JPEG blocks are 8x8: whole tiles keep the sample's blocks like the image's
SAMPLE_EVERY = 4  # one tile in 4 along each axis: 1/16 of the pixels
SAFETY = 0.97  # aim this far under the limit: the prediction is an estimate
MAX_FULL_ENCODES = 3


class ImageRejected(ValueError):
    def __init__(self, message: Text) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class FittedJpeg:
    data: bytes
    quality: int
    full_encodes: int
    scale: float = 1.0  # below 1 when even the lowest quality did not fit and the image shrank


def _encode(image: np.ndarray, quality: int) -> bytes:
    ok, buffer = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ImageRejected(Text("图片无法保存，请重新拍摄"))
    return buffer.tobytes()


def _mosaic(image: np.ndarray) -> tuple[np.ndarray, float]:
    """Evenly spread tiles put side by side, and how many times more pixels the image has."""
    rows = image.shape[0] // TILE
    columns = image.shape[1] // TILE
    picked_rows = range(SAMPLE_EVERY // 2, rows, SAMPLE_EVERY)
    picked_columns = range(SAMPLE_EVERY // 2, columns, SAMPLE_EVERY)
    if len(picked_rows) < 2 or len(picked_columns) < 2:
        return image, 1.0
    strips = [
        np.hstack([image[r * TILE : (r + 1) * TILE, c * TILE : (c + 1) * TILE] for c in picked_columns])
        for r in picked_rows
    ]
    mosaic = np.vstack(strips)
    return mosaic, (image.shape[0] * image.shape[1]) / (mosaic.shape[0] * mosaic.shape[1])


def fit_jpeg(image: np.ndarray, limit: int = MAX_DOCUMENT_BYTES) -> FittedJpeg:
    """The image as a JPEG of at most `limit` bytes, at the highest quality of QUALITIES that
    fits (predicted, then confirmed by a full encode)."""
    mosaic, area_ratio = _mosaic(image)
    correction = 1.0
    tried: dict[int, int] = {}
    encodes = 0
    while encodes < MAX_FULL_ENCODES:
        quality = _predict(mosaic, area_ratio * correction, limit, tried)
        data = _encode(image, quality)
        encodes += 1
        tried[quality] = len(data)
        if len(data) <= limit:
            return FittedJpeg(data, quality, encodes)
        predicted = len(_encode(mosaic, quality)) * area_ratio
        correction = max(correction, len(data) / predicted) * 1.02
        if quality == QUALITIES[-1]:
            break
    # Even the lowest quality is too big (a huge or very noisy image): shrink it.
    scale = 0.8
    while scale > 0.1:
        smaller = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        data = _encode(smaller, 85)
        if len(data) <= limit:
            return FittedJpeg(data, 85, encodes + 1, scale)
        scale *= 0.8
    raise ImageRejected(Text("图片无法压缩到3MB以内，请重新拍摄"))


def _predict(mosaic: np.ndarray, ratio: float, limit: int, tried: dict[int, int]) -> int:
    """The highest quality whose predicted size fits, skipping qualities already too big."""
    too_big = min((quality for quality, size in tried.items() if size > limit), default=101)
    candidates = [quality for quality in QUALITIES if quality < too_big]
    if not candidates:
        return QUALITIES[-1]
    low, high = 0, len(candidates) - 1  # candidates run from high quality to low
    if len(_encode(mosaic, candidates[0])) * ratio <= limit * SAFETY:
        return candidates[0]
    while low < high:  # first candidate whose predicted size fits
        middle = (low + high) // 2
        if len(_encode(mosaic, candidates[middle])) * ratio <= limit * SAFETY:
            high = middle
        else:
            low = middle + 1
    return candidates[low]


# --- imports --------------------------------------------------------------------------------------
SIGNATURES = (
    (b"\xff\xd8\xff", "jpeg"),
    (b"BM", "bmp"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"\x89PNG\r\n\x1a\n", "png"),
)


def kind_of(data: bytes) -> str | None:
    for signature, kind in SIGNATURES:
        if data.startswith(signature):
            return kind
    return None


@dataclass(frozen=True)
class ImportedImage:
    data: bytes  # JPEG, within the limit
    kind: str  # what the file was: jpeg, bmp, gif or png
    image: np.ndarray  # decoded BGR, for a thumbnail


def import_image(data: bytes, limit: int = MAX_DOCUMENT_BYTES) -> ImportedImage:
    """An image brought on a USB stick or from a folder, ready to attach: a JPEG within the limit
    is kept as it is; anything else allowed is decoded and re-encoded to fit."""
    kind = kind_of(data)
    if kind is None:
        raise ImageRejected(Text("只能导入jpg、jpeg、bmp、gif或png格式的图片"))
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if image is None or image.size == 0:
        raise ImageRejected(Text("图片文件已损坏，无法打开，请换一张"))
    if kind == "jpeg" and len(data) <= limit:
        return ImportedImage(data, kind, image)
    return ImportedImage(fit_jpeg(image, limit).data, kind, image)
