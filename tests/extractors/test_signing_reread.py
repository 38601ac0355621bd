"""The signing block read a second time when Tesseract's layout analysis dropped it (real dev
half: ttg-464-cv, vace-103-qd, daknong-syt-2734-cv lost the whole block under the signature)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from PIL import Image, ImageDraw, ImageFont

from extractors.confidence import REVIEW_THRESHOLD
from extractors.document import extract
from extractors.ocr.engine import OcrEngine
from extractors.options import ReadOptions
from extractors.pages import SourcePage
from extractors.reading import read_page
from extractors.records import PageText
from extractors.refine import _extract_again
from extractors.regions import inside
from extractors.signing_reread import reread_signing, signing_band

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf"
TODAY = date(2026, 6, 1)


def _page_image() -> Image.Image:
    """An A4 page at 200 dpi: header, a body line, "Nơi nhận:" and the signing block."""
    page = Image.new("RGB", (1654, 2339), "white")
    draw = ImageDraw.Draw(page)
    bold, plain = ImageFont.truetype(BOLD, 30), ImageFont.truetype(FONT, 30)
    draw.text((200, 150), "ỦY BAN NHÂN DÂN", fill="black", font=bold)
    draw.text((230, 195), "TỈNH BẮC NINH", fill="black", font=bold)
    draw.text((830, 150), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", fill="black", font=bold)
    draw.text((950, 195), "Độc lập - Tự do - Hạnh phúc", fill="black", font=bold)
    draw.text((230, 280), "Số: 322/UBND-KGVX", fill="black", font=plain)
    draw.text((900, 280), "Bắc Ninh, ngày 17 tháng 5 năm 2021", fill="black", font=plain)
    draw.text((200, 400), "V/v giãn cách xã hội", fill="black", font=plain)
    draw.text(
        (200, 600), "Yêu cầu các cơ quan nghiêm túc tổ chức thực hiện./.", fill="black", font=plain
    )
    draw.text((200, 800), "Nơi nhận:", fill="black", font=bold)
    draw.text((200, 845), "- Như trên;", fill="black", font=plain)
    draw.text((1050, 800), "KT. CHỦ TỊCH", fill="black", font=bold)
    draw.text((1030, 845), "PHÓ CHỦ TỊCH", fill="black", font=bold)
    draw.text((1000, 1100), "Vương Quốc Tuấn", fill="black", font=bold)
    return page


def _first_pass(engine: OcrEngine) -> tuple[list[PageText], dict[int, Image.Image]]:
    """The page read, then the signing block's words taken out, as the layout analysis did."""
    image = _page_image()
    page, shown = read_page(SourcePage(1, image), ReadOptions(), engine)
    band = signing_band(page)
    assert band is not None
    dropped = tuple(w for w in page.words if not inside(w.box, band) or w.box.left < band[0])
    return [replace(page, words=dropped)], {1: shown}


def test_a_dropped_signing_block_is_read_again(tesseract: OcrEngine) -> None:
    pages, images = _first_pass(tesseract)
    first = extract(pages, sha256="0" * 64, today=TODAY)
    assert first.field("signer") is None and first.field("signer_title") is None
    again = reread_signing(first, pages, images, tesseract, _extract_again(first, TODAY))
    assert again.value("signer") == "Vương Quốc Tuấn"
    assert again.value("signer_title") == "KT. CHỦ TỊCH PHÓ CHỦ TỊCH"
    assert again.field("signer").confidence < REVIEW_THRESHOLD  # a scanned name: reviewed
    # The second reading changed nothing else.
    for field in first.fields:
        assert again.value(field.name) == field.value


def test_no_second_reading_when_the_signer_was_found(tesseract: OcrEngine) -> None:
    page, shown = read_page(SourcePage(1, _page_image()), ReadOptions(), tesseract)
    first = extract([page], sha256="0" * 64, today=TODAY)
    assert first.field("signer") is not None
    again = reread_signing(first, [page], {1: shown}, object(), _extract_again(first, TODAY))
    assert again is first
