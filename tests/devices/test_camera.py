"""The document camera's image work on generated pages (a cluttered desk, a hand, random angles):
page detection, the quality checks and their instructions, the 3 MB JPEG fit, imports."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from support.images import decode_jpeg

from kiosk.core.domain.documents import MAX_DOCUMENT_BYTES
from kiosk.devices.camera import synthetic
from kiosk.devices.camera.checks import INSTRUCTIONS, Problem, assess, framing_ok
from kiosk.devices.camera.jpeg import QUALITIES, ImageRejected, fit_jpeg, import_image
from kiosk.devices.camera.page import corner_error, find_page, straighten


def _assess(frame: np.ndarray, *, needs_seal: bool = True):
    corners = find_page(frame)
    assert corners is not None
    framed = framing_ok(corners, (frame.shape[1], frame.shape[0]))
    return assess(straighten(frame, corners), framed=framed, needs_seal=needs_seal)


def test_the_page_is_found_within_two_percent_on_at_least_95_percent_of_frames() -> None:
    errors = []
    for seed in range(40):
        scene = synthetic.scene(seed)
        found = find_page(scene.frame)
        errors.append(1.0 if found is None else corner_error(found, scene.corners))
    within = sum(error <= 0.02 for error in errors)
    assert within >= 0.95 * len(errors), sorted(errors)[-3:]


def test_an_empty_desk_has_no_page() -> None:
    assert find_page(synthetic.make_desk(seed=3)) is None


def test_a_straightened_page_is_upright_a4() -> None:
    scene = synthetic.scene(4)
    corners = find_page(scene.frame)
    assert corners is not None
    page = straighten(scene.frame, corners)
    assert abs(page.shape[0] / page.shape[1] - 297 / 210) < 0.01
    # The title sits at the top: the top band is darker (text) than the bottom margin.
    band = cv2.cvtColor(page, cv2.COLOR_BGR2GRAY)
    assert band[: page.shape[0] // 12].mean() < band[-page.shape[0] // 30 :].mean()


def test_a_good_capture_passes_every_check() -> None:
    assessment = _assess(synthetic.scene(0).frame)
    assert assessment.ok and assessment.instruction is None


@pytest.mark.parametrize(
    ("spoil", "problem", "english"),
    [
        (lambda scene: synthetic.blur(scene.frame, 4), Problem.BLUR, "Hold still"),
        (lambda scene: synthetic.glare(scene.frame, scene.corners), Problem.GLARE, "Glare"),
    ],
)
def test_blur_and_glare_are_refused_with_their_instruction(spoil, problem: Problem, english: str) -> None:
    for seed in range(3):
        assessment = _assess(spoil(synthetic.scene(seed)))
        assert problem in assessment.problems
        assert assessment.instruction == INSTRUCTIONS[assessment.problems[0]]
    assert english in INSTRUCTIONS[problem].say("en")


def test_a_copy_without_the_seal_asks_for_it_only_when_a_seal_is_needed() -> None:
    unsealed = synthetic.scene(5, seal=False).frame
    assessment = _assess(unsealed)
    assert assessment.problems == (Problem.NO_SEAL,)
    assert str(assessment.instruction) == "请加盖公章"
    assert assessment.instruction is not None and "seal" in assessment.instruction.say("en")
    assert _assess(unsealed, needs_seal=False).ok


def test_a_page_cut_off_by_the_frame_edge_asks_for_the_whole_page() -> None:
    scene = synthetic.scene(6)
    shifted = np.roll(scene.frame, scene.frame.shape[1] - int(scene.corners[:, 0].max()) + 60, axis=1)
    corners = find_page(shifted)
    assert corners is not None
    assert not framing_ok(corners, (shifted.shape[1], shifted.shape[0]))
    assert str(INSTRUCTIONS[Problem.FRAMING]) == "请把整页放入框内"


# --- JPEG under 3 MB ------------------------------------------------------------------------------
def _noisy_capture(seed: int = 12) -> np.ndarray:
    rng = np.random.default_rng(seed)
    capture = cv2.resize(synthetic.scene(1).frame, (4000, 3000), interpolation=cv2.INTER_CUBIC)
    return np.clip(
        capture.astype(np.int16) + np.asarray(rng.normal(0, 12, capture.shape)).astype(np.int16), 0, 255
    ).astype(np.uint8)


def test_a_noisy_12_megapixel_capture_fits_at_the_highest_quality_that_does() -> None:
    capture = _noisy_capture()
    fitted = fit_jpeg(capture)
    assert len(fitted.data) <= MAX_DOCUMENT_BYTES
    assert fitted.full_encodes <= 3 and fitted.scale == 1.0
    higher = [quality for quality in QUALITIES if quality > fitted.quality]
    if higher:
        _, buffer = cv2.imencode(".jpg", capture, [cv2.IMWRITE_JPEG_QUALITY, min(higher)])
        assert len(buffer) > MAX_DOCUMENT_BYTES  # the next quality up would not fit
    assert decode_jpeg(fitted.data).shape == capture.shape


def test_a_small_limit_still_fits_by_shrinking() -> None:
    fitted = fit_jpeg(_noisy_capture(), limit=200_000)
    assert len(fitted.data) <= 200_000 and fitted.scale < 1.0


# --- imports --------------------------------------------------------------------------------------
@pytest.mark.parametrize("extension", [".png", ".bmp", ".gif", ".jpg"])
def test_allowed_formats_are_recognised_from_their_bytes(extension: str) -> None:
    page = synthetic.make_page(400)
    _, buffer = cv2.imencode(extension, page)
    imported = import_image(buffer.tobytes())
    data, kind = imported.data, imported.kind
    assert kind == {".png": "png", ".bmp": "bmp", ".gif": "gif", ".jpg": "jpeg"}[extension]
    assert data.startswith(b"\xff\xd8\xff") and len(data) <= MAX_DOCUMENT_BYTES


def test_a_large_bmp_is_reencoded_under_the_limit() -> None:
    _, buffer = cv2.imencode(".bmp", _noisy_capture())
    assert len(buffer) > MAX_DOCUMENT_BYTES
    imported = import_image(buffer.tobytes())
    data, kind = imported.data, imported.kind
    assert kind == "bmp" and len(data) <= MAX_DOCUMENT_BYTES


@pytest.mark.parametrize(
    ("data", "message", "english"),
    [
        (b"%PDF-1.7\n...", "只能导入jpg、jpeg、bmp、gif或png格式的图片", "Only jpg"),
        (b"", "只能导入jpg、jpeg、bmp、gif或png格式的图片", "Only jpg"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "图片文件已损坏，无法打开，请换一张", "damaged"),
        (b"\xff\xd8\xff\xe0" + b"garbage" * 10, "图片文件已损坏，无法打开，请换一张", "damaged"),
    ],
)
def test_wrong_or_corrupt_files_get_a_clear_message(data: bytes, message: str, english: str) -> None:
    with pytest.raises(ImageRejected) as rejected:
        import_image(data)
    assert rejected.value.message == message
    assert english in rejected.value.message.say("en")
