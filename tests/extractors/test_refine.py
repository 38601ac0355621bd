"""The handwritten re-read of an administrative document's number and day: the CNN's reading and
tesseract's vote, plausibility and honest confidence on constructed pages (fake readers), and one
real scan of the corpus's dev half."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from extractors.document import extract
from extractors.handwriting.protocol import DigitsRead
from extractors.handwritten_reread import (
    AGREED_CONFIDENCE,
    DOUBTFUL_CONFIDENCE,
    SINGLE_CONFIDENCE,
    reread_handwritten,
)
from extractors.ocr.engine import OcrEngine
from extractors.options import ReadOptions
from extractors.reading import read_document
from extractors.records import (
    Extraction,
    Field,
    Finding,
    PageSource,
    PageText,
    Severity,
)
from extractors.refine import finish_extraction
from extractors.signatures import read_signatures
from tests.extractors.handwritten_header import header_words

REVIEW_THRESHOLD = 0.9
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
SIGNED_17_JAN = [{"signed_at": "2025-01-17T13:33:23+07:00", "timestamped": True}]


class FakeDigits:
    """Answers line reads from `lines` in turn and single-glyph reads from `chars` in turn."""

    def __init__(self, lines: Sequence[str], chars: str) -> None:
        self.lines, self.chars = list(lines), list(chars)
        self.calls = 0

    def read_digits(self, image: Image.Image, *, single_char: bool = False) -> str:
        self.calls += 1
        if single_char:
            return self.chars.pop(0) if self.chars else ""
        return self.lines.pop(0) if len(self.lines) > 1 else self.lines[0]


class FakeCnn:
    """Answers each gap with the next of `reads` ("86" sure, or ("86", 0.5) unsure)."""

    def __init__(self, *reads: str | tuple[str, float]) -> None:
        self.reads = [r if isinstance(r, tuple) else (r, 0.99) for r in reads]
        self.calls = 0

    def read_ink(self, ink: object) -> DigitsRead:
        self.calls += 1
        digits, p = self.reads.pop(0) if self.reads else ("", 0.0)
        return DigitsRead(digits, tuple(p for _ in digits))


def _page(number_gap: str, day_gap: str) -> tuple[PageText, Image.Image]:
    """A header with "Số: __ /QĐ-UBND" and "ngày __ tháng 01 năm 2025", digits drawn in the gaps."""
    image = Image.new("RGB", (1654, 600), "white")
    draw = ImageDraw.Draw(image)
    try:
        font = ImageFont.truetype(FONT, 34)
    except OSError:
        pytest.skip(reason="DejaVu fonts not installed")
    draw.text((250, 200), number_gap, fill="black", font=font)
    draw.text((1080, 200), day_gap, fill="black", font=font)
    words = header_words()
    return PageText(1, 1654, 600, PageSource.OCR, tuple(words)), image


def _first_pass() -> Extraction:
    """What extract() leaves when the handwritten number and day were unreadable."""
    return Extraction(
        sha256="x",
        doc_type="admin_document",
        fields=(Field("place", "Quảng Ngãi", "Quảng Ngãi", 0.9, page=1),),
        findings=(
            Finding("number_symbol.number_unreadable", Severity.WARNING, "…", "number_symbol"),
            Finding("issued_on.missing", Severity.WARNING, "…", "issued_on"),
        ),
        provenance={"signatures": SIGNED_17_JAN},
    )


def test_agreeing_readings_fill_number_and_day_below_the_review_threshold() -> None:
    page, image = _page("86", "16")
    reader = FakeDigits(["86", "86", "16", "16"], "8616")
    result = reread_handwritten(_first_pass(), [page], {1: image}, reader, cnn=FakeCnn("86", "16"))
    number, issued = result.field("number_symbol"), result.field("issued_on")
    assert number is not None and number.value == "86/QĐ-UBND"
    assert issued is not None and issued.value == "2025-01-16"
    assert number.confidence == issued.confidence == AGREED_CONFIDENCE < REVIEW_THRESHOLD
    codes = {f.code for f in result.findings}
    assert {"number_symbol.handwritten", "issued_on.handwritten"} <= codes
    assert "number_symbol.number_unreadable" not in codes and "issued_on.missing" not in codes
    assert "viết tay" in next(f for f in result.findings if f.field == "issued_on").message
    # the box is on the page image, around the gap
    assert number.box.left >= 210 and number.box.right <= 345


def test_single_digit_number_is_zero_padded() -> None:
    page, image = _page("4", "16")
    result = reread_handwritten(
        _first_pass(),
        [page],
        {1: image},
        FakeDigits(["4", "4", "16", "16"], "416"),
        cnn=FakeCnn("4", "16"),
    )
    assert result.value("number_symbol") == "04/QĐ-UBND"


def test_unsure_cnn_that_tesseract_does_not_confirm_is_proposed_at_the_bottom_of_the_scale() -> (
    None
):
    """Weakest digit between CNN_DOUBTFUL and CNN_SURE, no confirmation: 69 % right on held-out
    fonts, 4 of 6 on real dev crops (the 2 wrong were no date): proposed at 0.3, for a steward."""
    page, image = _page("86", "16")
    reader = FakeDigits(["86", "36", "16", "76"], "5111")
    cnn = FakeCnn(("86", 0.6), ("16", 0.6))
    result = reread_handwritten(_first_pass(), [page], {1: image}, reader, cnn=cnn)
    number, issued = result.field("number_symbol"), result.field("issued_on")
    assert number is not None and issued is not None
    assert number.confidence == issued.confidence == DOUBTFUL_CONFIDENCE < SINGLE_CONFIDENCE
    assert "number_symbol.handwritten" in {f.code for f in result.findings}


def test_one_reader_alone_fills_at_the_lower_confidence() -> None:
    """The CNN sure while tesseract's vote disagrees; the CNN unsure while the vote confirms it."""
    page, image = _page("86", "16")
    reader = FakeDigits(["36", "36", "16", "16"], "3616")
    cnn = FakeCnn("86", ("16", 0.6))
    result = reread_handwritten(_first_pass(), [page], {1: image}, reader, cnn=cnn)
    number, issued = result.field("number_symbol"), result.field("issued_on")
    assert number is not None and number.value == "86/QĐ-UBND"
    assert issued is not None and issued.value == "2025-01-16"
    assert number.confidence == issued.confidence == SINGLE_CONFIDENCE < AGREED_CONFIDENCE
    note = next(f for f in result.findings if f.field == "number_symbol")
    assert "chỉ một cách đọc" in note.message


def test_tesseract_does_not_rescue_a_digit_the_cnn_doubts() -> None:
    page, image = _page("86", "16")
    reader = FakeDigits(["86", "86", "16", "16"], "8616")
    cnn = FakeCnn(("86", 0.3), ("16", 0.3))
    result = reread_handwritten(_first_pass(), [page], {1: image}, reader, cnn=cnn)
    assert result.field("number_symbol") is None and result.field("issued_on") is None


def test_without_a_second_opinion_the_cnn_alone_fills_below_agreement() -> None:
    """An engine with no digit mode (not tesseract): the CNN's sure reading, never "agreed"."""
    page, image = _page("86", "16")

    class PlainEngine:
        name = "plain"

    result = reread_handwritten(
        _first_pass(), [page], {1: image}, PlainEngine(), cnn=FakeCnn("86", "16")
    )
    number = result.field("number_symbol")
    assert number is not None and number.value == "86/QĐ-UBND"
    assert number.confidence == SINGLE_CONFIDENCE


@pytest.mark.parametrize("day", ["46", "28", "00"])
def test_impossible_or_implausible_day_is_not_used(day: str) -> None:
    """46 is no day; the 28th is after the document was signed on the 17th."""
    page, image = _page("86", day)
    result = reread_handwritten(
        _first_pass(),
        [page],
        {1: image},
        FakeDigits(["86", "86", day, day], "86" + day),
        cnn=FakeCnn("86", day),
    )
    assert result.field("issued_on") is None
    assert result.value("number_symbol") == "86/QĐ-UBND"


def test_other_documents_and_text_layer_pages_are_untouched() -> None:
    page, image = _page("86", "16")
    reader = FakeDigits(["86"], "86")
    card = Extraction(sha256="x", doc_type="id_card")
    assert reread_handwritten(card, [page], {1: image}, reader) is card
    text_page = PageText(1, page.width, page.height, PageSource.TEXT_LAYER, page.words)
    first = _first_pass()
    assert reread_handwritten(first, [text_page], {1: image}, reader) is first
    assert reread_handwritten(first, [page], {}, reader) is first
    assert reader.calls == 0


@pytest.mark.slow
def test_real_scan_handwritten_number_and_day(real: Path, tesseract: OcrEngine) -> None:
    """86_QD_CT (corpus dev half): "Số: 86 /QĐ-UBND", "ngày 16 tháng 01 năm 2025", number and day
    by hand, signed on 17/01/2025. Measured: the number re-read by the CNN and confirmed by
    tesseract's vote; the day's flagged "1" is the CNN's hardest shape (see BENCHMARKS.md)."""
    path = real / "admin_scans/86_QD_CT.signed.pdf"
    pages, images = [], {}
    for page, image in read_document(path, ReadOptions(), tesseract):
        pages.append(page)
        if page.number == 1:
            images[1] = image
    first = extract(pages, sha256="x")
    result = finish_extraction(first, pages, images, tesseract, read_signatures(path))
    for name in ("number_symbol", "issued_on"):
        got = result.field(name)
        print(
            name, "first pass:", first.value(name), "re-read:", got and (got.value, got.confidence)
        )
    number, issued = result.field("number_symbol"), result.field("issued_on")
    assert number is not None and number.value == "86/QĐ-UBND"
    assert number.confidence < REVIEW_THRESHOLD  # handwriting: always a steward's look
    if issued is None:  # left for a steward, with the finding that says so
        assert any(f.field == "issued_on" for f in result.findings)
    else:  # never a wrong date, never auto-accepted
        assert issued.value == "2025-01-16" and issued.confidence < REVIEW_THRESHOLD
    assert result.provenance["signatures"][0]["intact"] is True
