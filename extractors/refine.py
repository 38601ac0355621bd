"""A second look at handwritten digits in an administrative document's number and date.

Issuing offices print "Số:      /QĐ-UBND" and "ngày    tháng 01 năm 2025" and write the number and
the day in by hand after signing. The first OCR pass (a print model) turns them into noise, so
`extract` leaves `number_symbol` / `issued_on` out with a finding. Here we crop exactly the gap
where the digits must be (left of "/QĐ-…" on the "Số:" line; between "ngày" and "tháng", and
between "tháng" and "năm" when the month is missing) from the stored page image, clean it,
and read it again with a digit-only recognizer, under several binarizations.

Honesty over coverage: a print OCR reading handwriting is not reliable, so a value found here is
always left for a steward (confidence below the review threshold): higher when independent
readings agree and the value is plausible (a day 1–31 that makes a real date, not after the
document was signed and not long before), lower when only one reading supports it, and nothing
at all when the readings disagree.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Protocol

import cv2
import numpy as np
from PIL import Image

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

# Calibrated to stay below the review threshold (0.9): handwriting always gets a human look.
# Measured on the real admin scans: of the values on which every reading way agreed, about three in
# four were right (a flagged handwritten "1" reads as "4" in every way), so agreement is worth 0.7.
AGREED_CONFIDENCE = 0.7  # every way that found digits agrees, and the value is plausible
SINGLE_CONFIDENCE = 0.5  # two ways agree, another disagrees; value plausible
DIGIT_CONFIG = "--psm 7 -c tessedit_char_whitelist=0123456789"
SINGLE_DIGIT_CONFIG = "--psm 10 -c tessedit_char_whitelist=0123456789"
MAX_DAYS_BEFORE_SIGNING = 60
HEADER_LINES = 40

_SO = re.compile(r"^S[ỐốOoÓóỒồỔổÔô0][:;.]?$", re.IGNORECASE)
_SYMBOL = re.compile(r"/\s*[A-ZĐ]")


class DigitReader(Protocol):
    """Reads a short run of digits from a small image (tesseract in production, a fake in tests)."""

    def read_digits(self, image: Image.Image, *, single_char: bool = False) -> str: ...


@dataclass(frozen=True)
class Reading:
    value: str | None  # the agreed digits, None when the readings disagree or found nothing
    votes: int  # readings that gave this value
    readings: tuple[str, ...]  # every reading (for the finding and for tests)


def reread_handwritten(
    extraction: Extraction,
    pages: Sequence[PageText],
    images: Mapping[int, Image.Image],
    engine: Any,
) -> Extraction:
    """`extraction` with `number_symbol` / `issued_on` filled from a digit-only re-read, when the
    first pass could not read them; unchanged for other documents or when nothing fits."""
    if extraction.doc_type != "admin_document" or not pages:
        return extraction
    page = pages[0]
    image = images.get(page.number)
    if image is None or page.source is not PageSource.OCR:
        return extraction
    reader = _reader(engine)
    if reader is None:
        return extraction
    fields = list(extraction.fields)
    findings = list(extraction.findings)
    lines = _lines(page)[:HEADER_LINES]
    signed = first_signing_date(extraction.provenance.get("signatures", ()))

    if extraction.field("number_symbol") is None:
        result = _reread_number(lines, image, page, reader)
        if result is not None:
            field, note = result
            fields.append(field)
            findings = [f for f in findings if f.field != "number_symbol"]
            findings.append(note)

    if extraction.field("issued_on") is None:
        result = _reread_date(lines, image, page, reader, signed)
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
    lines: list[list[Word]], image: Image.Image, page: PageText, reader: DigitReader
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
        reading = read_region(image, region, reader)
        if reading.value is None or not (1 <= len(reading.value) <= 5):
            return None
        number = reading.value
        if int(number) == 0:
            return None
        if len(number) == 1:
            number = f"0{number}"  # Decree 30/2020: numbers below 10 are zero-padded
        value = f"{number}{symbol_tail}"
        field = Field(
            "number_symbol", value, value, _confidence(reading), page=page.number, box=region
        )
        return field, _note("number_symbol", "số văn bản", number, reading)
    return None


# --- the date -----------------------------------------------------------------------------------


def _reread_date(
    lines: list[list[Word]],
    image: Image.Image,
    page: PageText,
    reader: DigitReader,
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
        day = read_region(image, day_region, reader)
        readings = [day]
        box = day_region
        if printed_month is not None:
            month_value: str | None = printed_month
        else:
            month_region = _gap(image, page, words, thang, "THANG", nam, "NAM")
            if month_region is None:
                return None
            month = read_region(image, month_region, reader)
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
        weakest = min(readings, key=_confidence)
        raw = f"ngày {day.value} tháng {month_value} năm {year}"
        field = Field(
            "issued_on", issued.isoformat(), raw, _confidence(weakest), page=page.number, box=box
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


def read_region(image: Image.Image, region: Box, reader: DigitReader) -> Reading:
    """Read the digits in `region` of `image` in several independent ways; vote.

    Ways: the whole gap as one line of digits at two sizes, and each ink blob as one digit. A
    value counts only when two different ways agree and no other value has as many votes.
    """
    crop = np.asarray(
        image.crop((region.left, region.top, region.right, region.bottom)).convert("L")
    )
    ink = clean_digits(crop)
    if ink is None:
        return Reading(None, 0, ())
    readings: list[tuple[str, str]] = []
    for height in (40, 64):
        readings.append((f"line{height}", reader.read_digits(_sized(ink, height))))
    glyphs = _glyphs(ink)
    if 1 <= len(glyphs) <= 6:
        per_char = [reader.read_digits(_sized(g, 36), single_char=True)[:1] for g in glyphs]
        readings.append(("chars", "".join(per_char) if all(per_char) else ""))
    found = [(way, r) for way, r in readings if r]
    texts = tuple(r for _, r in readings)
    if not found:
        return Reading(None, 0, texts)
    counts: dict[str, set[str]] = {}
    for way, r in found:
        counts.setdefault(r, set()).add(way)
    ranked = sorted(counts.items(), key=lambda kv: -len(kv[1]))
    best, ways = ranked[0]
    if len(ways) < 2 or (len(ranked) > 1 and len(ranked[1][1]) == len(ways)):
        return Reading(None, len(ways), texts)
    return Reading(best, len(ways), texts)


def clean_digits(gray: np.ndarray) -> np.ndarray | None:
    """The gap as black ink on white, flattened and thresholded, printed rules and dust removed,
    trimmed to the ink; None when there is no ink (the number was never written in)."""
    size = max(15, int(gray.shape[0] * 0.8) | 1)
    background = cv2.morphologyEx(gray, cv2.MORPH_CLOSE, np.ones((size, size), np.uint8))
    flat = cv2.divide(gray, np.maximum(background, 1), scale=255)
    _, binary = cv2.threshold(flat, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(255 - binary, connectivity=8)
    height = gray.shape[0]
    keep = np.zeros(count, dtype=bool)
    for i in range(1, count):
        _, _, w, h, area = stats[i]
        rule = w > 3 * h and h < 0.15 * height
        keep[i] = not rule and area >= 0.002 * gray.size and h >= 0.2 * height
    if not keep.any():
        return None
    ink = np.where(keep[labels], 0, 255).astype(np.uint8)
    ys, xs = np.nonzero(ink == 0)
    return ink[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]


def _glyphs(ink: np.ndarray) -> list[np.ndarray]:
    """Ink blobs left to right, each as its own image (handwritten digits rarely touch)."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(255 - ink, connectivity=8)
    order = sorted(range(1, count), key=lambda i: stats[i][0])
    out = []
    for i in order:
        x, y, w, h, _ = stats[i]
        if h < 0.3 * ink.shape[0]:
            continue
        out.append(np.where(labels[y : y + h, x : x + w] == i, 0, 255).astype(np.uint8))
    return out


def _sized(ink: np.ndarray, height: int) -> Image.Image:
    scale = height / max(1, ink.shape[0])
    interpolation = cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA
    resized = cv2.resize(ink, None, fx=scale, fy=scale, interpolation=interpolation)
    _, resized = cv2.threshold(resized, 128, 255, cv2.THRESH_BINARY)
    margin = height // 2
    padded = cv2.copyMakeBorder(
        resized, margin, margin, margin, margin, cv2.BORDER_CONSTANT, value=255
    )
    return Image.fromarray(padded)


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


def _confidence(reading: Reading) -> float:
    """All ways that found digits agree: AGREED; a majority of ways: SINGLE (see the top)."""
    found = [r for r in reading.readings if r]
    return AGREED_CONFIDENCE if reading.votes == len(found) else SINGLE_CONFIDENCE


def _note(field: str, what: str, value: str, reading: Reading) -> Finding:
    agreed = _confidence(reading) == AGREED_CONFIDENCE
    how = "các cách đọc thống nhất" if agreed else "đa số cách đọc thống nhất"
    return Finding(
        f"{field}.handwritten",
        Severity.WARNING,
        f"{what[:1].upper()}{what[1:]} viết tay, máy đọc lại được “{value}” ({how}): "
        "hãy đối chiếu với bản scan",
        field,
    )


# --- the digit reader ---------------------------------------------------------------------------


class TesseractDigits:
    """Tesseract as a single-line, digits-only recognizer."""

    def __init__(self, timeout: int = 20) -> None:
        self._timeout = timeout

    def read_digits(self, image: Image.Image, *, single_char: bool = False) -> str:
        import pytesseract

        from extractors.ocr.tesseract import _run

        text = _run(
            pytesseract.image_to_string,
            image,
            lang="eng",
            config=(SINGLE_DIGIT_CONFIG if single_char else DIGIT_CONFIG),
            timeout=self._timeout,
        )
        return re.sub(r"\D", "", str(text))


def _reader(engine: Any) -> DigitReader | None:
    """The digit reader for `engine`: its own `read_digits`, or tesseract's digit mode."""
    if engine is None:
        return None
    if hasattr(engine, "read_digits"):
        return engine  # type: ignore[no-any-return]
    if getattr(engine, "name", "") == "tesseract":
        return TesseractDigits()
    return None


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
    if signatures:
        extraction = with_signatures(extraction, signatures)
    return reread_handwritten(extraction, pages, images, engine)


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


def _extract_again(
    extraction: Extraction, today: date | None
) -> Callable[[Sequence[PageText]], Extraction]:
    """`extract` of better pages of the same file, its type kept (after a second reading)."""
    from extractors.document import extract  # extract() does not call back here

    def again(better: Sequence[PageText]) -> Extraction:
        hint = extraction.doc_type
        return extract(better, sha256=extraction.sha256, hint=hint, today=today)

    return again
