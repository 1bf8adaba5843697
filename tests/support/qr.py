"""Reading a QR code from a picture, as a phone does: OpenCV's classic detector first, then its
ArUco-based one, which reads the codes the classic one misses at print resolution (a receipt
for order 4799cd72-b03a-4d23-8f82-94ad750ece03, at 150 dpi, say)."""

from __future__ import annotations

import cv2
import numpy as np


def read_qr(image: np.ndarray) -> str:
    decoded, _, _ = cv2.QRCodeDetector().detectAndDecode(image)
    if decoded:
        return str(decoded)
    decoded, _, _ = cv2.QRCodeDetectorAruco().detectAndDecode(image)
    return str(decoded)
