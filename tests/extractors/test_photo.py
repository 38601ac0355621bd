"""Photos, screenshots and seals: the sheet is found and unwarped, red ink fades before OCR, and
OCR boxes still land on the photo's pixels (issue 15, §2 "Photos and screenshots")."""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from extractors.options import ReadOptions
from extractors.photo import find_sheet, unwarp
from extractors.preprocess import prepare_for_ocr, without_red_ink
from extractors.records import Box

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"


def _sheet(width: int = 900, height: int = 1270) -> np.ndarray:
    """A white page with lines of black text."""
    page = Image.new("L", (width, height), 250)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(FONT, 28)
    for i in range(20):
        draw.text((80, 80 + 55 * i), "Căn cứ Luật Tổ chức chính quyền địa phương", 10, font=font)
    return np.asarray(page)


def _photographed(sheet: np.ndarray, corners: list[tuple[int, int]]) -> np.ndarray:
    """The sheet on a dark desk, seen at an angle: its corners land on `corners`."""
    h, w = sheet.shape
    source = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], dtype=np.float32)
    target = np.array(corners, dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(source, target)
    desk = np.full((1600, 1200), 60, dtype=np.uint8)
    warped = cv2.warpPerspective(sheet, matrix, (1200, 1600), borderValue=0)
    mask = cv2.warpPerspective(np.full_like(sheet, 255), matrix, (1200, 1600), borderValue=0)
    return np.where(mask > 0, warped, desk)


def test_a_photographed_sheet_is_found_at_its_corners() -> None:
    corners = [(140, 120), (1050, 180), (1100, 1450), (90, 1500)]
    found = find_sheet(_photographed(_sheet(), corners))
    assert found is not None
    assert np.abs(found.corners - np.array(corners)).max() < 15


def test_the_unwarped_sheet_has_level_lines() -> None:
    photo = _photographed(_sheet(), [(140, 120), (1050, 220), (1100, 1450), (90, 1500)])
    found = find_sheet(photo)
    assert found is not None
    upright = unwarp(photo, found)
    ink = upright < 128
    rows = ink.sum(axis=1)
    # Level text lines leave blank rows between them: a tilted page has ink on every row.
    assert (rows[100:-100] == 0).mean() > 0.3


def test_a_scan_that_fills_its_picture_is_left_as_it_is() -> None:
    assert find_sheet(_sheet()) is None


def test_ocr_boxes_map_back_onto_the_photo() -> None:
    corners = [(140, 120), (1050, 180), (1100, 1450), (90, 1500)]
    photo = Image.fromarray(_photographed(_sheet(), corners)).convert("RGB")
    prepared = prepare_for_ocr(photo, ReadOptions())
    assert "sheet found and unwarped" in prepared.notes
    # The prepared image's top-left corner is the sheet's top-left corner on the photo.
    mapped = prepared.map_box(Box(0, 0, 2, 2))
    assert abs(mapped.left - 140) < 20 and abs(mapped.top - 120) < 20


def test_red_seal_fades_and_black_and_blue_ink_stay() -> None:
    image = Image.new("RGB", (400, 200), (250, 250, 250))
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, 100, 60), fill=(20, 20, 20))  # print
    draw.rectangle((150, 10, 240, 60), fill=(210, 40, 45))  # a seal's red
    draw.rectangle((290, 10, 380, 60), fill=(30, 40, 160))  # blue handwriting
    gray, found = without_red_ink(image)
    assert found
    assert gray[30, 50] < 60  # black stays black
    assert gray[30, 200] > 180  # red fades to near white
    assert gray[30, 330] < 100  # blue ink stays dark


def test_a_grey_scan_has_no_red_ink() -> None:
    image = Image.new("L", (100, 100), 200)
    gray, found = without_red_ink(image)
    assert not found and gray.shape == (100, 100)


def test_a_bright_wedge_of_a_desk_photo_is_no_sheet(tmp_path) -> None:
    # The bad-input desk photo (colourful blobs, no writing): its brightest region is a wedge; read
    # as a sheet and unwarped, OCR found "words" in it and it was loaded as a document.
    from tests.reliability.badfiles import photo_not_a_document

    photo = Image.open(photo_not_a_document(tmp_path / "desk.jpg"))
    assert find_sheet(np.asarray(photo.convert("L"))) is None
    assert "sheet found and unwarped" not in prepare_for_ocr(photo, ReadOptions()).notes
