"""Handwritten days and months the free reading misses, chosen among the dates the page allows
(`extractors.handwriting.candidates`, `extractors.handwritten_reread`): each case is a real
handwritten gap cut from a page of the corpus's dev half (tests/data/real/handwritten_digits,
labels.json there), read by the committed CNN."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from extractors.fields.admin_document import date_labels
from extractors.fields.lines import make_line
from extractors.handwriting.candidates import day_forms, rank
from extractors.handwriting.ink import clean_digits
from extractors.handwriting.protocol import DigitsRead
from extractors.handwritten_reread import (
    CONSTRAINED_CONFIDENCE,
    DOUBTFUL_CONFIDENCE,
    _gap,
    possible_dates,
    reread_handwritten,
)
from extractors.records import Box, Extraction, Field, Finding, PageSource, PageText, Severity, Word

CROPS = Path(__file__).parents[1] / "data/real/handwritten_digits"
REVIEW_THRESHOLD = 0.9


def ink(name: str) -> np.ndarray:
    cleaned = clean_digits(np.asarray(Image.open(CROPS / name).convert("L")))
    assert cleaned is not None
    return cleaned


def days(first: int, last: int) -> list[str]:
    return [form for d in range(first, last + 1) for form in day_forms(d)]


# --- scoring candidates against the glyphs ---------------------------------------------------


def test_a_flagged_one_is_found_among_the_possible_days() -> None:
    # quangngai-86-qd: "16" written with a flagged 1, read freely as "46" (no day); signed 17/01.
    ranked = rank(ink("86_day.png"), days(7, 17))
    assert ranked[0].value == "16"
    assert ranked[0].score > 3 * ranked[1].score


def test_two_touching_digits_are_read_as_two() -> None:
    # quangngai-07-ct: "20" written in one stroke, read freely as nothing; signed 21/03/2018.
    ranked = rank(ink("2352_07_day.png"), days(11, 21))
    assert ranked[0].value == "20"
    assert ranked[0].score > 3 * ranked[1].score


def test_possible_dates_are_the_days_up_to_signing_in_the_printed_year_and_month() -> None:
    from datetime import date

    signed = date(2021, 1, 5)
    assert possible_dates(2021, None, signed) == [date(2021, 1, d) for d in range(5, 0, -1)]
    assert possible_dates(2021, "12", signed) == []  # the printed month cannot be before signing
    assert len(possible_dates(2024, "2", None)) == 29  # unsigned: every day of the month
    assert possible_dates(2024, None, None) == []  # nothing bounds an unprinted month


# --- the re-read on a header holding the real gaps ---------------------------------------------


def test_a_day_read_as_no_day_is_chosen_among_the_days_before_signing() -> None:
    page, image = header({"day": "86_day.png"}, month="01")
    first = first_pass(signed="2025-01-17T13:33:23+07:00")
    result = reread_handwritten(first, [page], {1: image}, NoDigits())
    issued = result.field("issued_on")
    assert issued is not None and issued.value == "2025-01-16"  # the label of quangngai-86-qd
    assert issued.confidence == CONSTRAINED_CONFIDENCE < REVIEW_THRESHOLD
    note = next(f for f in result.findings if f.field == "issued_on")
    assert note.code == "issued_on.handwritten" and "17/01/2025" in note.message


def test_a_handwritten_month_is_bounded_by_the_signing_day() -> None:
    # quangngai-01-ct: "ngày 04 tháng 01 năm 2021" with day and month by hand, signed 05/01/2021;
    # the month's "0" touches the printed "tháng" and the free reading gave nothing.
    page, image = header({"day": "01CT_day.png", "month": "01CT_month.png"}, month=None, year=2021)
    first = first_pass(signed="2021-01-05T09:12:00+07:00")
    result = reread_handwritten(first, [page], {1: image}, NoDigits())
    issued = result.field("issued_on")
    assert issued is not None and issued.value == "2021-01-04"
    assert issued.confidence < REVIEW_THRESHOLD


def test_without_a_signature_an_unclear_day_stays_empty() -> None:
    # bacninh-322-ubnd-kgvx (a JPEG, no signature): "17" with a flagged 1 scores "4" best among
    # the days of May, by too narrow a margin: nothing is proposed, the finding stays.
    page, image = header({"day": "bacninh-322_day.png"}, month="5", year=2021, scale=1.96)
    result = reread_handwritten(first_pass(signed=None), [page], {1: image}, NoDigits())
    assert result.field("issued_on") is None
    assert any(f.code == "issued_on.missing" for f in result.findings)


def test_an_unsure_cnn_reading_of_a_number_is_proposed_at_the_bottom_of_the_scale() -> None:
    # bacninh-322-ubnd-kgvx: the CNN read "322" on the page with its last "2" at 0.60 (the real
    # page's probabilities), nothing to confirm it: proposed, for a steward, never dropped.
    page, image = header({"number": "bacninh-322_number.png"}, month="5", year=2021, scale=1.96)
    unsure = SureOf(DigitsRead("322", (0.9116, 0.9748, 0.5986)))
    result = reread_handwritten(first_pass(signed=None), [page], {1: image}, NoDigits(), cnn=unsure)
    number = result.field("number_symbol")
    assert number is not None and number.value == "322/UBND-KGVX"
    assert number.confidence == DOUBTFUL_CONFIDENCE
    note = next(f for f in result.findings if f.field == "number_symbol")
    assert "không chắc chắn" in note.message


# --- helpers ------------------------------------------------------------------------------------


class SureOf:
    """A CNN stand-in that reads the number's gap as `read` (and nothing else)."""

    def __init__(self, read: DigitsRead) -> None:
        self.reads = [read]

    def read_ink(self, ink: object) -> DigitsRead:
        return self.reads.pop(0) if self.reads else DigitsRead("", ())


class NoDigits:
    """A second opinion that reads nothing (the CNN decides alone)."""

    def read_digits(self, image: Image.Image, *, single_char: bool = False) -> str:
        return ""


def first_pass(signed: str | None) -> Extraction:
    """What extract() leaves when the handwritten number and date were unreadable."""
    signatures = [{"signed_at": signed, "timestamped": True}] if signed else []
    return Extraction(
        sha256="x",
        doc_type="admin_document",
        fields=(Field("place", "Quảng Ngãi", "Quảng Ngãi", 0.9, page=1),),
        findings=(
            Finding("number_symbol.number_unreadable", Severity.WARNING, "…", "number_symbol"),
            Finding("issued_on.missing", Severity.WARNING, "…", "issued_on"),
        ),
        provenance={"signatures": signatures},
    )


def header(
    gaps: dict[str, str], *, month: str | None, year: int = 2025, scale: float = 1.0
) -> tuple[PageText, Image.Image]:
    """ "Số: __ /UBND-KGVX" and "ngày __ tháng __ năm <year>" at 200 dpi (36-px words), the real
    crops `gaps` ("number", "day", "month") pasted into their blanks, enlarged by `scale` (a crop
    from a page image smaller than A4 at 200 dpi)."""
    image = Image.new("RGB", (1654, 600), "white")
    h, top = 36, 200
    spots = {"number": 220, "day": 1075, "month": 1265}
    for what, name in gaps.items():
        crop = Image.open(CROPS / name).convert("RGB")
        crop = crop.resize((round(crop.width * scale), round(crop.height * scale)), Image.BICUBIC)
        image.paste(crop, (spots[what], top + h // 2 - crop.height // 2))
    words = [
        Word("Số:", Box(150, top, 60, h), 0.95, line=0),
        Word("/UBND-KGVX", Box(340, top, 190, h), 0.93, line=0),
        Word("ngày", Box(1000, top, 70, h), 0.95, line=1, block=1),
        Word("tháng", Box(1170, top, 90, h), 0.95, line=1, block=1),
    ]
    right = 1350
    if month is not None:
        words.append(Word(month, Box(1270, top, 40, h), 0.95, line=1, block=1))
    words += [
        Word("năm", Box(right, top, 70, h), 0.95, line=1, block=1),
        Word(str(year), Box(right + 80, top, 80, h), 0.95, line=1, block=1),
    ]
    return PageText(1, 1654, 600, PageSource.OCR, tuple(words)), image


def test_a_handwritten_number_read_as_print_is_read_again_by_the_cnn() -> None:
    # cp-135-2020-nd (dev half): "Số:135/2020/NĐ-CP" with "135" by hand, read by the first pass
    # as one word "Số:425/2020/NĐ-CP" at 0.36. The header strip of its page image is kept in
    # tests/data/real/corpus_pages/cp-135-2020-nd.header.png (page pixels 250-1450 × 300-460).
    image = Image.open(CROPS.parent / "corpus_pages/cp-135-2020-nd.header.png").convert("RGB")
    glued = Word("Số:425/2020/NĐ-CP", Box(66, 68, 302, 36), 0.36, line=0)
    page = PageText(1, image.width, image.height, PageSource.OCR, (glued,))
    printed = Field("number_symbol", "425/2020/NĐ-CP", glued.text, 0.36, page=1)
    first = Extraction(
        sha256="x",
        doc_type="admin_document",
        fields=(printed, Field("issued_on", "2020-11-18", "…", 0.9, page=1)),
    )
    result = reread_handwritten(first, [page], {1: image}, NoDigits())
    number = result.field("number_symbol")
    assert number is not None and number.value == "135/2020/NĐ-CP"  # the corpus label
    assert number.confidence < REVIEW_THRESHOLD
    assert [f.name for f in result.fields].count("number_symbol") == 1


def test_a_confident_printed_number_is_not_read_again() -> None:
    image = Image.open(CROPS.parent / "corpus_pages/cp-135-2020-nd.header.png").convert("RGB")
    glued = Word("Số:135/2020/NĐ-CP", Box(66, 68, 302, 36), 0.96, line=0)
    page = PageText(1, image.width, image.height, PageSource.OCR, (glued,))
    printed = Field("number_symbol", "135/2020/NĐ-CP", glued.text, 0.96, page=1)
    first = Extraction(
        sha256="x",
        doc_type="admin_document",
        fields=(printed, Field("issued_on", "2020-11-18", "…", 0.9, page=1)),
    )
    assert reread_handwritten(first, [page], {1: image}, NoDigits()) is first


def test_the_gaps_of_a_date_glued_into_one_word_are_cut_where_its_letters_fall() -> None:
    # dhdl-275-tb: "ngàw¿2§háng0năm 2022", day, "tháng", month and "năm" read as one word (here
    # with a two-glyph month, "l0"): the day's gap runs from after "ngàw" (the "w" is the printed
    # "y": counted in the day, it gave 08 for 28) to "§háng", the month's from after it to "năm".
    glued = Word("ngàw¿2§hángl0năm", Box(1000, 400, 320, 50), 0.4, line=2, block=3)
    year = Word("2022", Box(1320, 400, 80, 50), 0.9, line=2, block=3)
    line = make_line(1, [glued, year])
    labels = date_labels(line, 0)
    assert labels is not None and labels.year == 2022 and labels.printed_month is None
    image = Image.new("RGB", (1654, 2339), "white")
    page = PageText(1, 1654, 2339, PageSource.OCR, (glued, year))
    day = _gap(image, page, line, labels.day_from, labels.month_label)
    month = _gap(image, page, line, labels.month_from, labels.year_label)
    per_letter = 320 / len(glued.text)
    assert day is not None and abs(day.left - (1000 + 4 * per_letter)) <= 1
    assert abs(day.right - (1000 + 6 * per_letter)) <= 1
    assert month is not None and abs(month.left - (1000 + 11 * per_letter)) <= 1
    assert abs(month.right - (1000 + 13 * per_letter)) <= 1
