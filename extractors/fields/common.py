"""What every field extractor needs: lines with word spans, labels, dates, sex, fields."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from extractors.records import Box, Field, PageText, Word
from extractors.text import fold, nfc, similarity

# A value that needed repairs (O read for 0, a date rebuilt from pieces) is worth less.
REPAIR_PENALTY = 0.75
NO_EXPIRY = "9999-12-31"  # "Không thời hạn": an ISO date that every validity query accepts


@dataclass(frozen=True)
class Line:
    """A line of words on a page, with its text and where each word sits in that text."""

    page: int
    words: tuple[Word, ...]
    text: str
    spans: tuple[tuple[int, int], ...]  # (start, end) of each word in `text`

    @property
    def folded(self) -> str:
        return fold(self.text)

    @property
    def box(self) -> Box:
        return union_boxes(self.words)

    def words_in(self, start: int, end: int) -> tuple[Word, ...]:
        """Words overlapping the character range [start, end) of `text`."""
        return tuple(
            w for w, (s, e) in zip(self.words, self.spans, strict=True) if s < end and e > start
        )

    def sub(self, words: Sequence[Word]) -> Line:
        return make_line(self.page, words)


def make_line(page: int, words: Sequence[Word]) -> Line:
    spans = []
    pos = 0
    for w in words:
        spans.append((pos, pos + len(w.text)))
        pos += len(w.text) + 1
    return Line(page, tuple(words), " ".join(w.text for w in words), tuple(spans))


def page_lines(page: PageText) -> list[Line]:
    """The page's lines in reading order (a new line wherever `block` or `line` changes)."""
    lines: list[Line] = []
    current: list[Word] = []
    last: tuple[int, int] | None = None
    for w in page.words:
        key = (w.block, w.line)
        if key != last and current:
            lines.append(make_line(page.number, current))
            current = []
        current.append(w)
        last = key
    if current:
        lines.append(make_line(page.number, current))
    return lines


def union_boxes(words: Sequence[Word]) -> Box:
    box = words[0].box
    for w in words[1:]:
        box = box.union(w.box)
    return box


def mean_confidence(words: Sequence[Word]) -> float:
    return sum(w.confidence for w in words) / len(words) if words else 0.0


def make_field(
    name: str, value: str, raw: str, words: Sequence[Word], *, page: int, repaired: bool = False
) -> Field:
    """A Field whose confidence starts from its words' OCR confidence (lowered after repairs)."""
    confidence = mean_confidence(words) * (REPAIR_PENALTY if repaired else 1.0)
    return Field(
        name=name,
        value=nfc(value),
        raw=nfc(raw),
        confidence=round(confidence, 4),
        page=page,
        box=union_boxes(words) if words else None,
    )


# --- labels --------------------------------------------------------------------------------------


def find_label(
    line: Line, labels: Sequence[str], threshold: float = 0.82
) -> tuple[int, int] | None:
    """Character range of the best match of any (folded) label in `line`, tolerant to OCR noise.

    Matches word-aligned windows of the line's folded text, so "Ngay sinh" inside "Ngay sinh / Date"
    is found while "NAM" inside "VIET NAM" is not mistaken for a label.
    """
    folded_words = [fold(w.text) for w in line.words]
    best: tuple[float, int, int] | None = None
    for label in labels:
        k = len(label.split())
        for size in {k, k - 1, k + 1} - {0}:
            for i in range(0, len(folded_words) - size + 1):
                window = " ".join(folded_words[i : i + size]).rstrip(":.;")
                ratio = similarity(window, label)
                if ratio >= threshold and (best is None or ratio > best[0]):
                    best = (ratio, i, i + size)
    if best is None:
        return None
    _, first, last = best
    return line.spans[first][0], line.spans[last - 1][1]


# --- values --------------------------------------------------------------------------------------

_DATE_WORDS = re.compile(
    r"ng[aà]y\s*(\d{1,2})\s*[,.]?\s*th[aá]ng\s*(\d{1,2})\s*[,.]?\s*n[aă]m\s*(\d{4})", re.IGNORECASE
)
_DATE_NUMERIC = re.compile(r"(?<!\d)(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})(?!\d)")
_OCR_DIGITS = str.maketrans(
    {
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
        repaired = text.translate(_OCR_DIGITS)
        for m in _DATE_NUMERIC.finditer(repaired):
            candidates.append((m.start(), m.end(), *m.groups(), True))
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
    fixed = plain.translate(_OCR_DIGITS)
    return re.sub(r"\D", "", fixed), True
