"""Each clean-up step of `extractors.preprocess` does what it claims, on constructed images (no OCR,
so these run in well under a second each)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from extractors.options import ReadOptions
from extractors.preprocess import (
    estimate_skew,
    estimate_text_height,
    flatten_background,
    prepare_for_ocr,
)
from extractors.records import Box, Word

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
LINE = "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015"


def text_page(
    size: tuple[int, int] = (1654, 2339), font_px: int = 36, lines: int = 30
) -> Image.Image:
    """A white A4 page at 200 dpi with lines of 13-pt Vietnamese text, as our renders have."""
    page = Image.new("L", size, 255)
    draw = ImageDraw.Draw(page)
    try:
        font = ImageFont.truetype(FONT, font_px)
    except OSError:
        pytest.skip(reason="DejaVu fonts not installed")
    for i in range(lines):
        draw.text((120, 150 + i * int(font_px * 1.7)), LINE, fill=0, font=font)
    return page


def ink_blobs(gray: np.ndarray, max_area: int) -> int:
    import cv2

    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    return int((stats[1:, cv2.CC_STAT_AREA] <= max_area).sum())


def test_two_degree_skew_is_corrected_within_a_third_of_a_degree() -> None:
    skewed = text_page().rotate(2.0, resample=Image.BICUBIC, fillcolor=255)  # counter-clockwise
    prepared = prepare_for_ocr(skewed.convert("RGB"), ReadOptions())
    assert abs(prepared.angle + 2.0) <= 0.3, prepared.angle
    assert abs(estimate_skew(np.asarray(prepared.image))) <= 0.3


def test_straight_page_is_not_rotated() -> None:
    prepared = prepare_for_ocr(text_page().convert("RGB"), ReadOptions())
    assert prepared.angle == 0.0
    assert not any("deskewed" in n for n in prepared.notes)


def test_speckle_is_removed_and_text_kept() -> None:
    clean = np.asarray(text_page())
    rng = np.random.default_rng(4)
    noisy = clean.copy()
    ys = rng.integers(0, noisy.shape[0], 4000)
    xs = rng.integers(0, noisy.shape[1], 4000)
    noisy[ys, xs] = 0  # pepper
    noisy = np.clip(noisy.astype(np.int16) + rng.normal(0, 18, noisy.shape), 0, 255)
    noisy_image = Image.fromarray(noisy.astype(np.uint8)).convert("RGB")
    assert ink_blobs(np.asarray(noisy_image.convert("L")), 4) > 3000
    prepared = prepare_for_ocr(noisy_image, ReadOptions())
    assert any("median" in n for n in prepared.notes)
    out = np.asarray(prepared.image)
    assert ink_blobs(out, 4) < 50  # specks gone
    # The text is kept: ink within 25 % of the clean page's.
    clean_ink = (clean < 128).sum()
    assert abs((out < 128).sum() - clean_ink) < 0.25 * clean_ink


def test_clean_page_is_left_grey_for_tesseract() -> None:
    prepared = prepare_for_ocr(text_page().convert("RGB"), ReadOptions())
    assert not any("median" in n or "specks" in n for n in prepared.notes)
    assert prepared.scale == 1.0


def test_uneven_lighting_is_flattened() -> None:
    page = np.asarray(text_page()).astype(np.float32)
    shade = np.linspace(0.45, 1.0, page.shape[1])[None, :]  # dark on the left
    dim = (page * shade).astype(np.uint8)
    flat = flatten_background(dim, 22.0)
    paper = np.asarray(text_page()) > 200
    assert flat[paper].mean() > 240  # paper is white again on both sides
    assert flat[:, :400][paper[:, :400]].mean() > 235


def test_low_resolution_photo_is_upscaled_towards_the_working_text_height() -> None:
    small = text_page().resize((576, 815), Image.BILINEAR)  # ~70 dpi
    height = estimate_text_height(np.asarray(small))
    assert height is not None and height < 12
    prepared = prepare_for_ocr(small.convert("RGB"), ReadOptions())
    assert prepared.scale == pytest.approx(2.0, abs=0.01)  # capped: x3 blurred more than it helped


def test_large_text_is_downscaled() -> None:
    big = text_page(size=(3300, 4700), font_px=100, lines=20)
    prepared = prepare_for_ocr(big.convert("RGB"), ReadOptions())
    assert 0.4 < prepared.scale < 0.8


def test_a_300_dpi_page_is_read_at_the_text_height_of_a_200_dpi_page() -> None:
    at_200 = text_page()
    assert prepare_for_ocr(at_200.convert("RGB"), ReadOptions()).scale == 1.0
    at_300 = text_page(size=(2481, 3508), font_px=54)
    height = estimate_text_height(np.asarray(at_300))
    assert height is not None and height > 26
    prepared = prepare_for_ocr(at_300.convert("RGB"), ReadOptions())
    assert prepared.scale == pytest.approx(20 / height, abs=0.01)
    # boxes still come back in the 300-dpi page's pixels
    box = prepared.map_box(Box(100, 200, 50, 20))
    assert abs(box.left - 100 / prepared.scale) <= 2 and abs(box.width - 50 / prepared.scale) <= 3


def test_boxes_map_back_to_the_page_image() -> None:
    """A marker drawn on the page is found on the prepared (scaled, deskewed) image; its box
    mapped back lands on the marker in the page image."""
    page = text_page(lines=15).resize((900, 1273), Image.BILINEAR)  # upscaled when prepared
    page = page.rotate(1.5, resample=Image.BICUBIC, fillcolor=255)
    draw = ImageDraw.Draw(page)
    draw.rectangle((600, 1150, 700, 1220), fill=0)
    prepared = prepare_for_ocr(page.convert("RGB"), ReadOptions())
    assert prepared.scale > 1 and prepared.angle != 0
    out = np.asarray(prepared.image)
    # the marker is the only big solid blob in the lower right
    region = out[int(out.shape[0] * 0.8) :, int(out.shape[1] * 0.55) :] < 128
    ys, xs = np.nonzero(region)
    top, left = ys.min() + int(out.shape[0] * 0.8), xs.min() + int(out.shape[1] * 0.55)
    box = Box(int(left), int(top), int(xs.max() - xs.min()), int(ys.max() - ys.min()))
    mapped = prepared.map_words([Word("■", box, 0.9)])[0].box
    assert abs(mapped.left - 600) <= 4 and abs(mapped.top - 1150) <= 4
    assert abs(mapped.right - 700) <= 5 and abs(mapped.bottom - 1220) <= 5


def test_no_preprocess_is_identity() -> None:
    page = text_page().convert("RGB")
    prepared = prepare_for_ocr(page, ReadOptions(preprocess=False))
    assert prepared.image is page and prepared.scale == 1.0 and prepared.angle == 0.0
    box = Box(10, 20, 30, 40)
    assert prepared.map_box(box) == box
