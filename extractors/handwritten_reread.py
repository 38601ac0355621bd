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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import numpy as np
from PIL import Image

from extractors.fields.admin_document import date_labels, date_line, read_header
from extractors.fields.lines import Line
from extractors.handwriting.candidates import day_forms, rank
from extractors.handwriting.engine_digits import EngineDigits, Vote, vote_digits
from extractors.handwriting.ink import clean_digits
from extractors.handwriting.protocol import DigitReader, DigitsRead, ScoredDigitReader
from extractors.ocr.engine import OcrEngine
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
from extractors.signatures import first_signing_date, issue_date_findings

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
# The CNN alone with its weakest digit between CNN_DOUBTFUL and CNN_SURE: right 69 % of the time on
# the held-out fonts, 4 of 6 on the real dev crops (the 2 wrong were "46" and "41" for a day and a
# month, which no date allows). Worth proposing to a steward, at the bottom of the scale.
DOUBTFUL_CONFIDENCE = 0.3
MAX_DAYS_BEFORE_SIGNING = 60
# A number the first pass read with print OCR at under this (a handwritten number read as print,
# cp-135-2020-nd: "425" for "135" at 0.36) is read again by the CNN, which replaces it when it
# reads another value.
PRINT_DOUBTFUL = 0.5
# A date the free reading could not make is chosen among the dates the page allows, each scored
# against the glyphs (`extractors.handwriting.candidates`): among the days up to a signed PDF's
# signing day ("same day or a few days after", real dev half: 0-5 days), by a clear margin, or
# among every day of the printed month only by a wide one. Always for a steward: the glyphs were
# not clear enough to be read freely.
NEAR_DAYS_BEFORE_SIGNING = 10
CONSTRAINED_CONFIDENCE = 0.4
SIGNED_FLOOR, SIGNED_MARGIN = 0.03, 3.0
UNSIGNED_FLOOR, UNSIGNED_MARGIN = 0.2, 10.0

_SO = re.compile(r"^S[ỐốOoÓóỒồỔổÔô0][:;.]?$", re.IGNORECASE)
_SO_GLUED = re.compile(r"^(S[ỐốOoÓóỒồỔổÔô0][:;.]?)[^/\s]{1,6}/", re.IGNORECASE)
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
    number = extraction.field("number_symbol")
    doubtful = number is not None and number.confidence < PRINT_DOUBTFUL
    if number is not None and not doubtful and extraction.field("issued_on"):
        return extraction
    readers = Readers(cnn if cnn is not None else _default_cnn(), _second_opinion(engine))
    fields = list(extraction.fields)
    findings = list(extraction.findings)
    header = read_header(page)  # the rows and the date line the first pass read
    signed = first_signing_date(extraction.provenance.get("signatures", ()))

    if number is None or doubtful:
        result = _reread_number([list(r.words) for r in header.rows], image, page, readers)
        if result is not None and (number is None or result[0].value != number.value):
            field, note = result
            fields = [f for f in fields if f.name != "number_symbol"] + [field]
            findings = [f for f in findings if f.field != "number_symbol"]
            findings.append(note)

    dated = date_line(page, header.rows, header.number_row)
    if extraction.field("issued_on") is None and dated is not None:
        result = _reread_date(*dated, image, page, readers, signed)
        if result is not None:
            field, note = result
            fields.append(field)
            findings = [f for f in findings if f.field != "issued_on"]
            findings.append(note)
            findings += issue_date_findings(
                field.value, extraction.provenance.get("signatures", ())
            )

    if fields == list(extraction.fields):
        return extraction
    return replace(extraction, fields=tuple(fields), findings=tuple(findings))


# --- the number ---------------------------------------------------------------------------------


def _reread_number(
    lines: list[list[Word]], image: Image.Image, page: PageText, readers: Readers
) -> tuple[Field, Finding] | None:
    for words in lines:
        so = next((i for i, w in enumerate(words[:3]) if _SO.match(w.text.strip())), None)
        if so is None:
            glued = next((w for w in words[:3] if _SO_GLUED.match(w.text.strip())), None)
            if glued is not None:
                return _reread_glued_number(glued, image, page, readers)
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
        return _number_field(image, region, symbol_tail, page, readers)
    return None


def _reread_glued_number(
    word: Word, image: Image.Image, page: PageText, readers: Readers
) -> tuple[Field, Finding] | None:
    """ "Số:425/2020/NĐ-CP" read as one word (cp-135-2020-nd, "135" by hand): the gap is where
    the characters after "Số:" and before the first "/" would be."""
    text = word.text.strip()
    label = _SO_GLUED.match(text)
    assert label is not None
    at = text.index("/", label.end(1))
    symbol_tail = text[at:]
    if not _SYMBOL.match(symbol_tail) and not re.match(r"/\d{4}/[A-ZĐ]", symbol_tail):
        return None
    # the glyph widths are guessed from the print's: a little of "Số:" is let in (the reader
    # drops print fragments at the ends), none of the number is left out
    left = _x_at(word, label.end(1)) - 0.4 * word.box.height
    region = _region(image, left, _x_at(word, at), word.box, page)
    if region is None:
        return None
    return _number_field(image, region, symbol_tail, page, readers)


def _number_field(
    image: Image.Image, region: Box, symbol_tail: str, page: PageText, readers: Readers
) -> tuple[Field, Finding] | None:
    reading = read_region(image, region, readers)
    if reading.value is None or not (1 <= len(reading.value) <= 5):
        return None
    number = reading.value
    if int(number) == 0:
        return None
    if len(number) == 1:
        number = f"0{number}"  # Decree 30/2020: numbers below 10 are zero-padded
    value = f"{number}{symbol_tail}"
    field = Field("number_symbol", value, value, reading.confidence, page=page.number, box=region)
    return field, _note("number_symbol", "số văn bản", number, reading)


# --- the date -----------------------------------------------------------------------------------


def _reread_date(
    line: Line,
    start: int,
    image: Image.Image,
    page: PageText,
    readers: Readers,
    signed: date | None,
) -> tuple[Field, Finding] | None:
    """The issue date read again from the gaps of the place-and-date `line`, whose "ngày" starts
    at character `start` (`admin_document.date_labels` says where its printed labels are)."""
    labels = date_labels(line, start)
    if labels is None:
        return None
    year, printed_month = labels.year, labels.printed_month
    day_region = _gap(image, page, line, labels.day_from, labels.month_label)
    if day_region is None:
        return None
    day = read_region(image, day_region, readers)
    readings = [day]
    box = day_region
    month_region: Box | None = None
    if printed_month is not None:
        month_value: str | None = printed_month
    else:
        month_region = _gap(image, page, line, labels.month_from, labels.year_label)
        if month_region is None:
            return None
        month = read_region(image, month_region, readers)
        readings.append(month)
        month_value = month.value
        box = box.union(month_region)
    issued = _free_date(year, month_value, day.value, signed)
    far = signed is not None and issued is not None
    if issued is None or (far and (signed - issued).days > NEAR_DAYS_BEFORE_SIGNING):
        # The free reading failed, does not fit, or lies far before the signing day: the page
        # says which days (and months) are likely, so each is scored against the glyphs.
        gaps = DateGaps(year, printed_month, day_region, month_region)
        constrained = _constrained_date(image, page, readers, gaps, signed)
        if constrained is not None or issued is None:
            return constrained
    weakest = min(readings, key=lambda r: r.confidence)
    raw = f"ngày {day.value} tháng {month_value} năm {year}"
    field = Field(
        "issued_on", issued.isoformat(), raw, weakest.confidence, page=page.number, box=box
    )
    what = "ngày ban hành" if printed_month is not None else "ngày, tháng ban hành"
    return field, _note("issued_on", what, f"{issued:%d/%m/%Y}", weakest)


@dataclass(frozen=True)
class DateGaps:
    """Where a date line's handwriting is: the day's gap, and the month's when it is not printed."""

    year: int
    printed_month: str | None
    day: Box
    month: Box | None


def _free_date(year: int, month: str | None, day: str | None, signed: date | None) -> date | None:
    """The date the free readings make, when they make one that fits the signing time."""
    if day is None or month is None:
        return None
    try:
        issued = date(year, int(month), int(day))
    except ValueError:  # "46 tháng 01": a misread, not a date
        return None
    if signed is not None and not 0 <= (signed - issued).days <= MAX_DAYS_BEFORE_SIGNING:
        return None
    return issued


def possible_dates(year: int, printed_month: str | None, signed: date | None) -> list[date]:
    """The dates the page allows: the few days up to a signed PDF's signing day (in the printed
    year and month), else every day of the printed month; none when neither bounds the month."""
    if signed is not None:
        days = [signed - timedelta(days=k) for k in range(NEAR_DAYS_BEFORE_SIGNING + 1)]
        return [
            d
            for d in days
            if d.year == year and (printed_month is None or d.month == int(printed_month))
        ]
    if printed_month is None:
        return []
    month = int(printed_month)
    return [date(year, month, d) for d in range(1, 32) if d <= _days_in(year, month)]


def _days_in(year: int, month: int) -> int:
    following = date(year + month // 12, month % 12 + 1, 1)
    return (following - timedelta(days=1)).day


def _constrained_date(
    image: Image.Image, page: PageText, readers: Readers, gaps: DateGaps, signed: date | None
) -> tuple[Field, Finding] | None:
    """The possible date the glyphs support best, when it stands well clear of the next one."""
    model = getattr(readers.cnn, "model", None)  # the CNN itself (a fake reader has none)
    dates = possible_dates(gaps.year, gaps.printed_month, signed)
    day_ink = _ink(image, gaps.day)
    month_ink = _ink(image, gaps.month) if gaps.month is not None else None
    unread_month = gaps.month is not None and month_ink is None
    if model is None or not dates or day_ink is None or unread_month:
        return None
    day_scores = _scores(day_ink, {d.day for d in dates}, model)
    month_scores = None
    if month_ink is not None:
        month_scores = _scores(month_ink, {d.month for d in dates}, model)

    def score(d: date) -> float:
        value = day_scores.get(d.day, 0.0)
        return value * month_scores.get(d.month, 0.0) if month_scores is not None else value

    ranked = sorted(dates, key=score, reverse=True)
    best = score(ranked[0])
    runner_up = score(ranked[1]) if len(ranked) > 1 else 0.0
    floor, margin = (SIGNED_FLOOR, SIGNED_MARGIN) if signed else (UNSIGNED_FLOOR, UNSIGNED_MARGIN)
    if best < floor or best < margin * runner_up:
        return None
    issued = ranked[0]
    box = gaps.day if gaps.month is None else gaps.day.union(gaps.month)
    raw = f"ngày {issued.day} tháng {issued.month} năm {issued.year}"
    field = Field(
        "issued_on", issued.isoformat(), raw, CONSTRAINED_CONFIDENCE, page=page.number, box=box
    )
    if signed is not None:
        among = f"{dates[-1]:%d/%m} đến {dates[0]:%d/%m/%Y} (ngày ký số {signed:%d/%m/%Y})"
    else:
        among = f"các ngày của tháng {int(gaps.printed_month or 0):02d}/{gaps.year}"
    what = "Ngày ban hành" if gaps.month is None else "Ngày, tháng ban hành"
    note = Finding(
        "issued_on.handwritten",
        Severity.WARNING,
        f"{what} viết tay, máy không đọc chắc từng chữ số; trong các ngày có thể, từ {among}, "
        f"“{issued:%d/%m/%Y}” khớp nét chữ nhất: hãy đối chiếu với bản scan",
        "issued_on",
    )
    return field, note


def _scores(ink: np.ndarray, values: set[int], model: Any) -> dict[int, float]:
    """Each day or month in `values` scored against the gap's glyphs, in its best written form."""
    ranked = {r.value: r.score for r in rank(ink, [f for v in values for f in day_forms(v)], model)}
    return {v: max(ranked.get(f, 0.0) for f in day_forms(v)) for v in values}


def _ink(image: Image.Image, region: Box) -> np.ndarray | None:
    crop = image.crop((region.left, region.top, region.right, region.bottom)).convert("L")
    return clean_digits(np.asarray(crop))


def _gap(image: Image.Image, page: PageText, line: Line, start: int, end: int) -> Box | None:
    """The box of `line` between its characters `start` and `end` (the ink between two printed
    labels; a word they share, handwriting glued to print, is cut where the characters fall)."""
    left, box = _x_of(line, start)
    right, _ = _x_of(line, end)
    return _region(image, left, right, box, page)


def _x_of(line: Line, index: int) -> tuple[float, Box]:
    """The x of character `index` of `line` and the box of the word it falls in (or the next)."""
    for word, (s, e) in zip(line.words, line.spans, strict=True):
        if index <= e:
            return _x_at(word, max(0, index - s)), word.box
    last = line.words[-1]
    return last.box.right, last.box


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
    if main.weakest >= CNN_DOUBTFUL:
        return Reading(main.digits, DOUBTFUL_CONFIDENCE, readings)
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


def _note(field: str, what: str, value: str, reading: Reading) -> Finding:
    how = {
        AGREED_CONFIDENCE: "hai cách đọc độc lập thống nhất",
        SINGLE_CONFIDENCE: "chỉ một cách đọc chắc chắn",
    }.get(reading.confidence, "máy đọc không chắc chắn")
    return Finding(
        f"{field}.handwritten",
        Severity.WARNING,
        f"{what[:1].upper()}{what[1:]} viết tay, máy đọc lại được “{value}” ({how}): "
        "hãy đối chiếu với bản scan",
        field,
    )


# --- the digit reader ---------------------------------------------------------------------------


def _second_opinion(engine: OcrEngine | DigitReader) -> DigitReader | None:
    """The independent second opinion: the OCR engine's digit mode (`EngineDigits`), or a digit
    reader handed in the engine's place (another model, a fake in tests)."""
    if isinstance(engine, OcrEngine):
        return EngineDigits(engine)
    if isinstance(engine, DigitReader):
        return engine
    return None


def _default_cnn() -> ScoredDigitReader:
    from extractors.handwriting.reader import CnnDigits

    return CnnDigits()
