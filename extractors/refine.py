"""A second look at handwritten digits in an administrative document's number and date.

Issuing offices print "Số:      /QĐ-UBND" and "ngày    tháng 01 năm 2025" and write the number and
the day in by hand after signing. The first OCR pass (a print model) turns them into noise, so
`extract` leaves `number_symbol` / `issued_on` out with a finding. Here we crop exactly the gap
where the digits must be (left of "/QĐ-…" on the "Số:" line; between "ngày" and "tháng", and
between "tháng" and "năm" when the month is missing) from the stored page image, clean it, and
read it with the handwritten-digit CNN (`extractors.handwriting`); tesseract's digit mode, voting
over several ways of reading the same ink, is an independent second opinion.

Honesty over coverage: a value found here is always left for a steward (confidence below the
review threshold): higher when the CNN is sure of every digit and tesseract's vote reads the same
value, lower when only one of them supports it, and nothing at all when the CNN is unsure and
tesseract does not confirm it. Every value must also be plausible (a day 1–31 that makes a real
date, not after the document was signed and not long before).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import numpy as np
from PIL import Image

from extractors.explain import explain_low_confidence
from extractors.handwriting.ink import clean_digits
from extractors.handwriting.protocol import DigitReader, DigitsRead, ScoredDigitReader
from extractors.handwriting.tesseract_digits import TesseractDigits, Vote, vote_digits
from extractors.records import (
    Box,
    Extraction,
    Field,
    Finding,
    PageSource,
    PageText,
    Severity,
    Word,
)
from extractors.signatures import first_signing_date, issue_date_findings, with_signatures
from extractors.text import fold

# Calibrated to stay below the review threshold (0.9): handwriting always gets a human look, however
# sure the readers are (see BENCHMARKS.md, "Handwritten digits", for the real crops measured).
AGREED_CONFIDENCE = 0.7  # the CNN is sure of every digit and tesseract's vote reads the same value
SINGLE_CONFIDENCE = 0.5  # one reader alone: the CNN sure, or the CNN unsure and tesseract agreeing
# The CNN's probability every digit must reach to count as sure. On gaps drawn in held-out fonts
# (bench/digits.py --synthetic 600) values whose weakest digit is at 0.8 or more were right 85 % of
# the time, below 0.5 only 34 %: so a digit under CNN_DOUBTFUL is not rescued by tesseract agreeing
# (on a real crop both dropped the same open "0").
CNN_SURE = 0.8
CNN_DOUBTFUL = 0.5
MAX_DAYS_BEFORE_SIGNING = 60
HEADER_LINES = 40

_SO = re.compile(r"^S[ỐốOoÓóỒồỔổÔô0][:;.]?$", re.IGNORECASE)
_SYMBOL = re.compile(r"/\s*[A-ZĐ]")


@dataclass(frozen=True)
class Reading:
    value: str | None  # the digits read, None when nothing trustworthy was read
    confidence: float  # AGREED_CONFIDENCE, SINGLE_CONFIDENCE, or 0.0 with no value
    readings: tuple[str, ...]  # the CNN's digits, then tesseract's readings (findings, tests)


def reread_handwritten(
    extraction: Extraction,
    pages: Sequence[PageText],
    images: Mapping[int, Image.Image],
    engine: Any,
    *,
    cnn: ScoredDigitReader | None = None,
) -> Extraction:
    """`extraction` with `number_symbol` / `issued_on` filled from a re-read of the handwriting,
    when the first pass could not read them; unchanged for other documents or when nothing fits.
    `cnn` is the main reader (default: the committed model); the engine gives the second opinion."""
    if extraction.doc_type != "admin_document" or not pages:
        return extraction
    page = pages[0]
    image = images.get(page.number)
    if image is None or page.source is not PageSource.OCR or engine is None:
        return extraction
    if extraction.field("number_symbol") and extraction.field("issued_on"):
        return extraction
    readers = Readers(cnn if cnn is not None else _default_cnn(), _second_opinion(engine))
    fields = list(extraction.fields)
    findings = list(extraction.findings)
    lines = _lines(page)[:HEADER_LINES]
    signed = first_signing_date(extraction.provenance.get("signatures", ()))

    if extraction.field("number_symbol") is None:
        result = _reread_number(lines, image, page, readers)
        if result is not None:
            field, note = result
            fields.append(field)
            findings = [f for f in findings if f.field != "number_symbol"]
            findings.append(note)

    if extraction.field("issued_on") is None:
        result = _reread_date(lines, image, page, readers, signed)
        if result is not None:
            field, note = result
            fields.append(field)
            findings = [f for f in findings if f.field != "issued_on"]
            findings.append(note)
            findings += issue_date_findings(
                field.value, extraction.provenance.get("signatures", ())
            )

    if len(fields) == len(extraction.fields):
        return extraction
    return replace(extraction, fields=tuple(fields), findings=tuple(findings))


# --- the number ---------------------------------------------------------------------------------


def _reread_number(
    lines: list[list[Word]], image: Image.Image, page: PageText, readers: Readers
) -> tuple[Field, Finding] | None:
    for words in lines:
        so = next((i for i, w in enumerate(words[:3]) if _SO.match(w.text.strip())), None)
        if so is None:
            continue
        slash = next(
            (j for j in range(so + 1, min(len(words), so + 5)) if "/" in words[j].text), None
        )
        if slash is None:
            return None
        symbol_word = words[slash]
        at = symbol_word.text.index("/")
        symbol_tail = re.sub(r"\s+", "", " ".join(w.text for w in words[slash : slash + 1]))[at:]
        if not _SYMBOL.match(symbol_tail):
            return None
        left = words[so].box.right
        right = _x_at(symbol_word, at)
        region = _region(image, left, right, words[so].box, page)
        if region is None:
            return None
        reading = read_region(image, region, readers)
        if reading.value is None or not (1 <= len(reading.value) <= 5):
            return None
        number = reading.value
        if int(number) == 0:
            return None
        if len(number) == 1:
            number = f"0{number}"  # Decree 30/2020: numbers below 10 are zero-padded
        value = f"{number}{symbol_tail}"
        field = Field(
            "number_symbol", value, value, reading.confidence, page=page.number, box=region
        )
        return field, _note("number_symbol", "số văn bản", number, reading)
    return None


# --- the date -----------------------------------------------------------------------------------


def _reread_date(
    lines: list[list[Word]],
    image: Image.Image,
    page: PageText,
    readers: Readers,
    signed: date | None,
) -> tuple[Field, Finding] | None:
    for words in lines:
        folded = [fold(w.text) for w in words]
        ngay = next((i for i, f in enumerate(folded) if f.startswith("NGAY")), None)
        thang = next(
            (i for i, f in enumerate(folded) if "THANG" in f and (ngay is None or i > ngay)), None
        )
        nam = next(
            (
                i
                for i, f in enumerate(folded)
                if f.startswith("NAM") and thang is not None and i > thang
            ),
            None,
        )
        if ngay is None or thang is None or nam is None or nam + 1 >= len(words):
            continue
        year_text = re.sub(r"\D", "", words[nam].text[3:] + words[nam + 1].text)[:4]
        if len(year_text) != 4:
            continue
        year = int(year_text)
        printed_month = _printed_digits(words, folded, thang, "THANG", nam)
        day_region = _gap(image, page, words, ngay, "NGAY", thang, "THANG")
        if day_region is None:
            return None
        day = read_region(image, day_region, readers)
        readings = [day]
        box = day_region
        if printed_month is not None:
            month_value: str | None = printed_month
        else:
            month_region = _gap(image, page, words, thang, "THANG", nam, "NAM")
            if month_region is None:
                return None
            month = read_region(image, month_region, readers)
            readings.append(month)
            month_value = month.value
            box = box.union(month_region)
        if day.value is None or month_value is None:
            return None
        try:
            issued = date(year, int(month_value), int(day.value))
        except ValueError:  # "46 tháng 01": a misread, not a date
            return None
        if signed is not None and not 0 <= (signed - issued).days <= MAX_DAYS_BEFORE_SIGNING:
            return None
        weakest = min(readings, key=lambda r: r.confidence)
        raw = f"ngày {day.value} tháng {month_value} năm {year}"
        field = Field(
            "issued_on", issued.isoformat(), raw, weakest.confidence, page=page.number, box=box
        )
        what = "ngày ban hành" if printed_month is not None else "ngày, tháng ban hành"
        return field, _note("issued_on", what, f"{issued:%d/%m/%Y}", weakest)
    return None


def _printed_digits(
    words: list[Word], folded: list[str], start: int, label: str, stop: int
) -> str | None:
    """The digits printed after `label` (e.g. the month after "tháng"), if clearly printed."""
    text = folded[start][folded[start].index(label) + len(label) :]
    text += "".join(words[i].text for i in range(start + 1, stop))
    if re.fullmatch(r"\s*\d{1,2}\s*", text):
        value = int(text)
        if 1 <= value <= 12:
            return str(value)
    return None


def _gap(
    image: Image.Image,
    page: PageText,
    words: list[Word],
    a: int,
    a_label: str,
    b: int,
    b_label: str,
) -> Box | None:
    """The box between the end of label `a_label` in word `a` and the start of `b_label` in `b`."""
    wa, wb = words[a], words[b]
    fa, fb = fold(wa.text), fold(wb.text)
    left = _x_at(wa, fa.index(a_label) + len(a_label))
    right = _x_at(wb, fb.index(b_label)) if b_label in fb else wb.box.left
    return _region(image, left, right, wa.box, page)


# --- reading a region ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Readers:
    """The main reader of handwritten digits and the independent second opinion (if any)."""

    cnn: ScoredDigitReader
    second: DigitReader | None


def read_region(image: Image.Image, region: Box, readers: Readers) -> Reading:
    """Read the handwritten digits in `region` of `image`: the CNN's reading, confirmed or not by
    the second opinion's vote (see the module notes for what each case is worth)."""
    crop = np.asarray(
        image.crop((region.left, region.top, region.right, region.bottom)).convert("L")
    )
    ink = clean_digits(crop)
    if ink is None:
        return Reading(None, 0.0, ())
    main = readers.cnn.read_ink(ink)
    vote = vote_digits(ink, readers.second) if readers.second is not None else None
    return judge(main, vote)


def judge(main: DigitsRead, vote: Vote | None) -> Reading:
    """The value and its confidence from the CNN's reading and the second opinion's vote."""
    readings = (main.digits, *(vote.readings if vote is not None else ()))
    if not main.digits:
        return Reading(None, 0.0, readings)
    sure = main.weakest >= CNN_SURE
    confirmed = vote is not None and vote.value == main.digits and main.weakest >= CNN_DOUBTFUL
    if sure and confirmed:
        return Reading(main.digits, AGREED_CONFIDENCE, readings)
    if sure or confirmed:
        return Reading(main.digits, SINGLE_CONFIDENCE, readings)
    return Reading(None, 0.0, readings)


def _region(
    image: Image.Image, left: float, right: float, line_box: Box, page: PageText
) -> Box | None:
    """The gap between two printed words, taller than the line (handwriting overshoots)."""
    sx, sy = image.width / max(1, page.width), image.height / max(1, page.height)
    h = line_box.height
    left_px, right_px = int(left * sx), int(right * sx)
    top, bottom = int((line_box.top - 0.6 * h) * sy), int((line_box.bottom + 0.5 * h) * sy)
    left_px, top = max(0, left_px), max(0, top)
    right_px, bottom = min(image.width, right_px), min(image.height, bottom)
    if right_px - left_px < 0.5 * h * sx or bottom <= top:
        return None
    return Box(left_px, top, right_px - left_px, bottom - top)


def _x_at(word: Word, index: int) -> float:
    """Estimated x of character `index` inside `word` (OCR glues handwriting to print)."""
    n = max(1, len(word.text))
    return word.box.left + word.box.width * min(index, n) / n


def _lines(page: PageText) -> list[list[Word]]:
    rows: dict[tuple[int, int], list[Word]] = {}
    for w in page.words:
        rows.setdefault((w.block, w.line), []).append(w)
    return [sorted(ws, key=lambda w: w.box.left) for ws in rows.values()]


def _note(field: str, what: str, value: str, reading: Reading) -> Finding:
    agreed = reading.confidence == AGREED_CONFIDENCE
    how = "hai cách đọc độc lập thống nhất" if agreed else "chỉ một cách đọc chắc chắn"
    return Finding(
        f"{field}.handwritten",
        Severity.WARNING,
        f"{what[:1].upper()}{what[1:]} viết tay, máy đọc lại được “{value}” ({how}): "
        "hãy đối chiếu với bản scan",
        field,
    )


# --- the digit reader ---------------------------------------------------------------------------


def _second_opinion(engine: Any) -> DigitReader | None:
    """The engine's own `read_digits`, or tesseract's digit mode, or none."""
    if hasattr(engine, "read_digits"):
        return engine  # type: ignore[no-any-return]
    if getattr(engine, "name", "") == "tesseract":
        return TesseractDigits()
    return None


def _default_cnn() -> ScoredDigitReader:
    from extractors.handwriting.reader import CnnDigits

    return CnnDigits()


def finish_extraction(
    extraction: Extraction,
    pages: Sequence[PageText],
    images: Mapping[int, Image.Image],
    engine: Any,
    signatures: list[dict[str, Any]],
    *,
    today: date | None = None,
) -> Extraction:
    """What the pipeline and `sohoa extract` both do after `extract()`: read an ID card's values
    again where the first pass failed (the MRZ when its check digits fail, the band of a value
    that was not found) and extract again from the better reading, record the file's digital
    signatures (and cross-check the issue date with them), then re-read handwritten digits
    (whose plausibility check uses the signing date). One function, so both give the same
    result. `today` is what `extract` was given (None: the clock)."""
    extraction = second_card_reading(extraction, pages, images, engine, today)
    extraction = _boxed_ids(extraction, pages, images, engine, today)
    extraction = _signing_block(extraction, pages, images, engine, today)
    if signatures:
        extraction = with_signatures(extraction, signatures)
    extraction = reread_handwritten(extraction, pages, images, engine)
    return explain_low_confidence(extraction)  # last: every doubtful value says why


def second_card_reading(
    extraction: Extraction,
    pages: Sequence[PageText],
    images: Mapping[int, Image.Image],
    engine: Any,
    today: date | None = None,
) -> Extraction:
    """An ID card extracted again after a targeted second reading, when that adds values."""
    from extractors import card_reread
    from extractors.mrz_reread import reread_mrz

    if extraction.doc_type != "id_card":
        return extraction
    again = _extract_again(extraction, today)
    current = list(pages)
    if any(f.code.startswith("mrz.") for f in extraction.findings):
        better = reread_mrz(current, images, engine)
        if better is not None:
            # The check digits judged the new lines (reread_mrz keeps them only when more hold).
            extraction, current = again(better), better
    return card_reread.reread_card(extraction, current, images, engine, again)


def _boxed_ids(
    extraction: Extraction,
    pages: Sequence[PageText],
    images: Mapping[int, Image.Image],
    engine: Any,
    today: date | None,
) -> Extraction:
    """An application form extracted again after its boxed ID digits were read a second time."""
    from extractors.boxed_digits import reread_boxed_ids
    from extractors.fields.application_form import APPLICANT

    if extraction.doc_type != "application_form":
        return extraction
    again = _extract_again(extraction, today)
    return reread_boxed_ids(extraction, pages, images, engine, APPLICANT, again)


def _signing_block(
    extraction: Extraction,
    pages: Sequence[PageText],
    images: Mapping[int, Image.Image],
    engine: Any,
    today: date | None,
) -> Extraction:
    """An administrative document extracted again after its signing block was read a second
    time (`extractors.signing_reread`), when the first pass found no signer."""
    from extractors.signing_reread import reread_signing

    if extraction.doc_type != "admin_document" or extraction.field("signer") is not None:
        return extraction
    return reread_signing(extraction, pages, images, engine, _extract_again(extraction, today))


def _extract_again(
    extraction: Extraction, today: date | None
) -> Callable[[Sequence[PageText]], Extraction]:
    """`extract` of better pages of the same file, its type kept (after a second reading)."""
    from extractors.document import extract  # extract() does not call back here

    def again(better: Sequence[PageText]) -> Extraction:
        hint = extraction.doc_type
        return extract(better, sha256=extraction.sha256, hint=hint, today=today)

    return again
