"""Values read from words: a `Field` made with its confidence, dates (`parse_date`), sex,
nationalities, names in title case, digits with OCR's letter-for-digit swaps undone, and text
cleaned of a form's footnote marks and stray separators."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from extractors.confidence import field_confidence
from extractors.data.places import restore_address_units, restore_province_marks
from extractors.data.units import restore_unit_names
from extractors.fields.lines import union_boxes
from extractors.kinds import NO_EXPIRY
from extractors.records import Field, Word
from extractors.text import fold, nfc


def mean_confidence(words: Sequence[Word]) -> float:
    return sum(w.confidence for w in words) / len(words) if words else 0.0


def make_field(
    name: str,
    value: str,
    raw: str,
    words: Sequence[Word],
    *,
    page: int,
    repaired: bool = False,
    kind: str = "structured",
) -> Field:
    """A Field whose confidence follows `extractors.confidence` (OCR word confidences, the kind of
    value, repairs; words of a real text layer carry confidence 1.0, see `records.Word`)."""
    text_layer = bool(words) and all(w.confidence >= 1.0 for w in words)
    if kind == "text" and not text_layer:
        value, restored = restore_province_marks(value)
        value, unit_restored = restore_address_units(value)
        value, name_restored = restore_unit_names(value)
        repaired = repaired or restored or unit_restored or name_restored
    confidence = field_confidence(words, kind=kind, repaired=repaired, text_layer=text_layer)
    return Field(
        name=name,
        value=nfc(value),
        raw=nfc(raw),
        confidence=confidence,
        page=page,
        box=union_boxes(words) if words else None,
    )


_DATE_WORDS = re.compile(
    r"ng[aà]y\s*[,.:]?\s*(\d{1,2})\s*[,.]?\s*th[aá]ng\s*[,.:]?\s*(\d{1,2})\s*[,.]?\s*n[aă]m\s*[,.:]?\s*(\d{4})",
    re.IGNORECASE,
)
_DATE_NUMERIC = re.compile(r"(?<!\d)(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})(?!\d)")
# "ngày Q5 tháng 1 1 năm 2025": a written day or month with a look-alike letter, or its two digits
# drawn apart; each part must hold a real digit (a smudge in a blank is not a date).
_LOOKALIKE = "0-9OQDIL|ZSBG†"
_DATE_WORDS_LOOSE = re.compile(
    rf"NGAY\s*[,.:]?\s*([{_LOOKALIKE}]{{1,2}})\s*[,.]?\s*THANG\s*[,.:]?\s*"
    rf"([{_LOOKALIKE}](?: ?[{_LOOKALIKE}])?)\s*[,.]?\s*NAM\s*[,.:]?\s*(\d{{4}})"
)
OCR_DIGITS = str.maketrans(
    {
        "L": "1",
        "O": "0",
        "o": "0",
        "D": "0",
        "Q": "0",
        "I": "1",
        "l": "1",
        "|": "1",
        "i": "1",
        "Z": "2",
        "S": "5",
        "s": "5",
        "B": "8",
        "G": "6",
        "g": "9",
        "†": "1",
    }
)


@dataclass(frozen=True)
class ParsedDate:
    iso: str
    start: int  # where the date sits in the parsed text
    end: int
    repaired: bool = False


def parse_date(text: str) -> ParsedDate | None:
    """The first date in `text`: "ngày 05 tháng 01 năm 2024", "05/01/2024", "Không thời hạn".

    Returns None when no valid calendar date is found (a date is never guessed).
    """
    text = nfc(text)
    folded = fold(text)
    no_expiry = re.search(r"KHONG\s+THOI\s+HAN", folded)
    candidates: list[tuple[int, int, str, str, str, bool]] = []
    for pattern in (_DATE_WORDS, _DATE_NUMERIC):
        for m in pattern.finditer(folded if pattern is _DATE_WORDS else text):
            candidates.append((m.start(), m.end(), *m.groups(), False))
    if not candidates:
        repaired = text.translate(OCR_DIGITS)
        for m in _DATE_NUMERIC.finditer(repaired):
            candidates.append((m.start(), m.end(), *m.groups(), True))
        for m in _DATE_WORDS_LOOSE.finditer(folded):
            d, mo, y = m.groups()
            if any(c.isdigit() for c in d) and any(c.isdigit() for c in mo):
                d, mo = (re.sub(r"\s", "", g.translate(OCR_DIGITS)) for g in (d, mo))
                candidates.append((m.start(), m.end(), d, mo, y, True))
    for start, end, d, mo, y, fixed in sorted(candidates):
        try:
            value = date(int(y), int(mo), int(d))
        except ValueError:
            continue
        return ParsedDate(value.isoformat(), start, end, fixed)
    if no_expiry:
        return ParsedDate(NO_EXPIRY, no_expiry.start(), no_expiry.end())
    return None


SEX_VALUES = {"NAM": "male", "MALE": "male", "NU": "female", "FEMALE": "female"}


def normalize_sex(text: str) -> str | None:
    """ "Nam" → male, "Nữ" → female (also "Nu" when OCR lost the mark); None otherwise."""
    token = re.sub(r"[^A-Z]", "", fold(text).split(" ")[0]) if text.strip() else ""
    return SEX_VALUES.get(token)


def title_case_name(text: str) -> str:
    """A person's name as "Nguyễn Văn An" (cards print it in capitals)."""
    return " ".join(part[:1].upper() + part[1:].lower() for part in nfc(text).split())


def digits_repaired(text: str) -> tuple[str, bool]:
    """Digits of `text` with common OCR letter-for-digit swaps undone; (digits, repaired?)."""
    plain = re.sub(r"\s", "", text)
    if plain.isdigit():
        return plain, False
    fixed = plain.translate(OCR_DIGITS)
    return re.sub(r"\D", "", fixed), True


NATIONALITIES = {"VIET NAM": "Việt Nam", "VIETNAM": "Việt Nam", "VIETNAMESE": "Việt Nam"}


_SPLIT_DECIMAL = re.compile(r"(\d),\s+(\d+\s*(?:cm|mm|m²|m2|ha)\b)")
_ABBREVIATION_END = re.compile(r"\b(?:[A-Z]{1,4}|Co|Ltd|Inc|Corp|Jsc)\.$")


# A token made only of accent marks (spacing ones like "ˆ" or "˜", or combining ones alone).
_LONE_MARK = re.compile(r"(?<!\S)[\u02b0-\u02ff\u0300-\u036f`´¨^~]+(?!\S)")


def clean_text(text: str) -> str:
    """Spaces collapsed, a form's footnote mark "(2):" and stray separators at both ends removed,
    NFC."""
    text = re.sub(r"^\s*\(\d\)\s*", "", text)
    text = re.sub(r"^[^\w(]+(?=\w)", "", text)  # "§ Yên Hòa": a speck before the value
    text = re.sub(r"^[l|!]\s+(?=[^\W\d_])", "", text)  # "l Hòa Thuận": a speck read as "l"
    text = _LONE_MARK.sub(" ", text)  # "Krông Pắc, ˆ Tỉnh": a mark OCR set apart from its letter
    text = re.sub(r"(?<=[^\W\d_])[\[\]|{}](?=[^\W\d_])", "", text)  # "J]OINT": a speck in a word
    text = re.sub(r"\s+", " ", text).strip(" :;|_-—").rstrip(",")
    text = _SPLIT_DECIMAL.sub(r"\1,\2", text)  # "C:0, 5cm": OCR split a decimal comma
    if text.endswith(".") and not _ABBREVIATION_END.search(text):
        text = text[:-1]  # a sentence's full stop, not the dot of "Co., LTD."
    return nfc(text).strip()
