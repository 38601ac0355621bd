"""A synthetic chip-CCCD front drawn with PIL (DejaVu Sans) with the real labels, then OCRed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from extractors.document import extract
from extractors.ocr.engine import OcrEngine
from extractors.options import ReadOptions
from extractors.reading import read_document
from extractors.records import Box, PageSource, PageText, Role, Word

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")

CARD_LINES = [
    ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", True),
    ("Độc lập - Tự do - Hạnh phúc", False),
    ("CĂN CƯỚC CÔNG DÂN", True),
    ("Citizen Identity Card", False),
    ("Số / No.: 051190012345", True),
    ("Họ và tên / Full name:", False),
    ("TRẦN THỊ MINH THƯ", True),
    ("Ngày sinh / Date of birth: 14/03/1990", False),
    ("Giới tính / Sex: Nữ    Quốc tịch / Nationality: Việt Nam", False),
    ("Quê quán / Place of origin:", False),
    ("Tịnh Phong, Sơn Tịnh, Quảng Ngãi", False),
    ("Nơi thường trú / Place of residence:", False),
    ("12 Lê Lợi, Nghĩa Chánh, Quảng Ngãi", False),
    ("Có giá trị đến: 14/03/2030", False),
    ("Date of expiry", False),
]


def draw_card(path: Path) -> None:
    if not (FONT_DIR / "DejaVuSans.ttf").exists():
        pytest.skip(reason="DejaVu fonts not installed")
    regular = ImageFont.truetype(str(FONT_DIR / "DejaVuSans.ttf"), 30)
    bold = ImageFont.truetype(str(FONT_DIR / "DejaVuSans-Bold.ttf"), 32)
    image = Image.new("RGB", (1400, 900), (235, 242, 236))
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 200, 300, 540), outline=(120, 120, 120), width=3)  # the photo frame
    y = 30
    for text, strong in CARD_LINES:
        x = 340 if y > 180 else 260
        draw.text((x, y), text, fill=(20, 20, 20), font=bold if strong else regular)
        y += 56
    image.save(path)


@pytest.fixture(scope="module")
def card_pages(tmp_path_factory: pytest.TempPathFactory, tesseract: OcrEngine) -> list[PageText]:
    path = tmp_path_factory.mktemp("card") / "card.png"
    draw_card(path)
    return [p for p, _ in read_document(path, ReadOptions(), tesseract)]


def test_synthetic_card_front_fields(card_pages: list[PageText]) -> None:
    assert card_pages[0].source is PageSource.OCR
    result = extract(card_pages, sha256="1" * 64, today=date(2026, 1, 1))
    assert result.doc_type == "id_card"
    assert result.attributes == {"variant": "cccd_chip", "side": "front"}
    expected = {
        "id_number": "051190012345",
        "full_name": "Trần Thị Minh Thư",
        "date_of_birth": "1990-03-14",
        "sex": "female",
        "nationality": "Việt Nam",
        "place_of_origin": "Tịnh Phong, Sơn Tịnh, Quảng Ngãi",
        "place_of_residence": "12 Lê Lợi, Nghĩa Chánh, Quảng Ngãi",
        "expiry_date": "2030-03-14",
    }
    got = {name: result.value(name) for name in expected}
    assert got == expected
    assert [f.code for f in result.findings] == []
    for field in result.fields:
        assert field.page == 1 and field.box is not None and 0.5 < field.confidence <= 1
    (holder,) = result.subjects
    assert holder.role is Role.HOLDER and holder.fields["id_number"] == "id_number"


def _words(lines: list[str]) -> tuple[Word, ...]:
    return tuple(
        Word(w, Box(100 + j * 80, 100 + i * 50, 70, 40), 0.95, line=i)
        for i, line in enumerate(lines)
        for j, w in enumerate(line.split())
    )


def test_card_whose_number_disagrees_with_birth_year_is_flagged() -> None:
    lines = [text for text, _ in CARD_LINES]
    lines[4] = "Số / No.: 051185012345"  # says born in '85
    page = PageText(1, 1400, 900, PageSource.OCR, _words(lines))
    result = extract([page], sha256="2" * 64, today=date(2026, 1, 1))
    codes = {f.code for f in result.findings}
    assert "id_number.birth_year_mismatch" in codes
    assert result.field("id_number").confidence < 0.5
    assert result.field("date_of_birth").confidence < 0.5


def test_missing_field_is_absent_with_a_finding() -> None:
    lines = [text for text, _ in CARD_LINES if not text.startswith("Có giá trị")]
    page = PageText(1, 1400, 900, PageSource.OCR, _words(lines))
    result = extract([page], sha256="3" * 64, today=date(2026, 1, 1))
    assert result.value("expiry_date") is None
    assert any(f.code == "expiry_date.missing" for f in result.findings)
