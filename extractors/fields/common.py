"""What every field extractor needs: lines with word spans, labels, dates, sex, fields."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import cache

from rapidfuzz.distance import Levenshtein

from extractors.confidence import field_confidence
from extractors.data import family_names, name_syllables
from extractors.data.places import restore_address_units, restore_province_marks
from extractors.data.units import restore_unit_names
from extractors.declaration import FieldSpec
from extractors.kinds import NO_EXPIRY
from extractors.records import Box, Field, Finding, PageText, Severity, SubjectRef, Word
from extractors.text import fold, nfc, similarity


@dataclass
class TypeResult:
    """What a type's extractor hands to `extractors.document`: fields, findings, subjects, the
    type's extra attributes, and values an independent reading proves (name → value)."""

    fields: list[Field]
    findings: list[Finding]
    subjects: tuple[SubjectRef, ...] = ()
    attributes: dict[str, str] | None = None
    checked: dict[str, str] | None = None  # e.g. what the MRZ's check digits prove
    check_findings: list[Finding] | None = None


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
        current.extend(_unglued(w))
        last = key
    if current:
        lines.append(make_line(page.number, current))
    return lines


# "số.915", "sinh:1994": a label's last word and a number that OCR read without the space (two
# letters at least: "C:0,5" is the distance of an identification mark, written as one).
_GLUED_NUMBER = re.compile(r"^([^\W\d_]{2,12}[.:])(\d[\d.,/]*)$")


def _unglued(word: Word) -> list[Word]:
    """The word, or its label part and its number as two words (the box split by characters)."""
    m = _GLUED_NUMBER.match(word.text)
    if m is None:
        return [word]
    head, tail = m.groups()
    box = word.box
    cut = round(box.width * len(head) / len(word.text))
    return [
        replace(word, text=head, box=Box(box.left, box.top, cut, box.height)),
        replace(word, text=tail, box=Box(box.left + cut, box.top, box.width - cut, box.height)),
    ]


def union_boxes(words: Sequence[Word]) -> Box:
    box = words[0].box
    for w in words[1:]:
        box = box.union(w.box)
    return box


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
_OCR_DIGITS = str.maketrans(
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
        repaired = text.translate(_OCR_DIGITS)
        for m in _DATE_NUMERIC.finditer(repaired):
            candidates.append((m.start(), m.end(), *m.groups(), True))
        for m in _DATE_WORDS_LOOSE.finditer(folded):
            d, mo, y = m.groups()
            if any(c.isdigit() for c in d) and any(c.isdigit() for c in mo):
                d, mo = (re.sub(r"\s", "", g.translate(_OCR_DIGITS)) for g in (d, mo))
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


def _sex_misread(text: str) -> str | None:
    """ "Nửứ" → female: a first word of at most four letters that starts like only one of "Nam"
    and "Nữ" (marks doubled or smeared by noise); sent to review as a repair."""
    token = re.sub(r"[^A-Z]", "", fold(text))
    if not 2 <= len(token) <= 4 or token[0] != "N":
        return None
    if token.startswith("NU") and "A" not in token:
        return "female"
    if token.startswith("NAM") and len(token) == 4:
        return "male"
    return None


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


# --- label → value layout engine -----------------------------------------------------------------
#
# Every printed form here is "Label: value" with the value on the label's row (to its right) or,
# for names and addresses, on the rows below, in the label's column. The engine finds the labels of
# a type's table (data in the type's module), then reads each value by geometry: the words after
# the label on its row up to the next label or a wide gap, else the rows below whose words start in
# the label's column, until another label, a wide vertical gap, or the allowed number of rows.

GAP_BREAK = 2.2  # a horizontal gap wider than this many word heights ends a value
ROW_GAP_BREAK = 2.6  # a vertical gap wider than this many row heights ends a multi-row value
MISREAD_LABEL = 0.6  # a run of words this close to a label is that label, misread


@dataclass(frozen=True)
class LabelHit:
    line: int  # index into the lines handed to the engine
    first: int  # first word index of the label in that line
    last: int  # one past its last word
    name: str
    box: Box


def _label_word(text: str) -> str:
    """A word folded for label matching: Vietnamese has no "rn", so one is a misread "m"
    ("người rnẹ" is "người mẹ", which otherwise loses to the shorter "Họ, chữ đệm, tên")."""
    return fold(text).replace("RN", "M")


def _hits_in_line(li: int, line: Line, specs: Sequence[FieldSpec]) -> list[LabelHit]:
    found: list[tuple[float, int, int, str]] = []
    folded_words = [_label_word(w.text) for w in line.words]
    for spec in specs:
        for label in spec.labels:
            k = len(label.split())
            best: tuple[float, int, int] | None = None
            # A label of one short word ("Ông:", "Bà:", "Số:") only counts at the start of a line,
            # where it is printed; inside a value it is part of the value ("… Bà Triệu").
            last_start = 1 if len(label) <= 3 else len(folded_words)
            for size in {k, k - 1, k + 1} - {0}:
                for i in range(0, min(last_start, len(folded_words) - size + 1)):
                    window = " ".join(folded_words[i : i + size])
                    window = _FOOTNOTE.sub("", window).strip(":.;/|,")  # "Nơi cư trú(2):"
                    ratio = similarity(window, label)
                    # Fewer words than the label: only a near-exact match (a word lost to OCR),
                    # so "nội dung ghi" in a sentence is not "Nội dung đề nghị".
                    threshold = _label_threshold(label) + (0.06 if size < k else 0.0)
                    if ratio >= threshold and (best is None or ratio > best[0]):
                        best = (ratio, i, i + size)
            if best:
                # Near-equal matches: the label covering more words wins ("Số định danh cá nhân
                # của chủ hộ" over "Số định danh cá nhân").
                found.append((best[0] + 0.02 * (best[2] - best[1]), best[1], best[2], spec.name))
    # Longest, best matches first; a word belongs to one label only.
    found.sort(key=lambda h: -h[0])
    taken: list[LabelHit] = []
    for _, first, last, name in found:
        if any(h.first < last and first < h.last for h in taken):
            continue
        taken.append(LabelHit(li, first, last, name, union_boxes(line.words[first:last])))
    taken.sort(key=lambda h: h.first)
    merged: list[LabelHit] = []
    for hit in taken:  # "Ngày sinh / Date of birth": one label in two languages
        if merged and merged[-1].name == hit.name:
            between = line.words[merged[-1].last : hit.first]
            if all(not w.text.strip(_SEPARATORS_ALL) for w in between):
                prev = merged[-1]
                merged[-1] = LabelHit(li, prev.first, hit.last, hit.name, prev.box.union(hit.box))
                continue
        merged.append(hit)
    return merged


def _label_threshold(label: str) -> float:
    """Short labels must match almost exactly ("SO" must not match "SO:" of another field)."""
    return 0.95 if len(label) <= 6 else 0.86 if len(label) <= 12 else 0.82


_SEPARATORS_ALL = " :/.;,-_|"
_SPLIT_DECIMAL = re.compile(r"(\d),\s+(\d+\s*(?:cm|mm|m²|m2|ha)\b)")
_ABBREVIATION_END = re.compile(r"\b(?:[A-Z]{1,4}|Co|Ltd|Inc|Corp|Jsc)\.$")
_LEADING_JUNK = re.compile(r"^[^A-Z0-9]+(?=[A-Z0-9])")
_ITEM_NUMBER = re.compile(r"^(?:\d{1,2}|[a-zđ])[.)]$")
_FOOTNOTE = re.compile(r"\(\d\)")


def find_hits(lines: Sequence[Line], specs: Sequence[FieldSpec]) -> list[LabelHit]:
    hits: list[LabelHit] = []
    for li, line in enumerate(lines):
        hits.extend(_hits_in_line(li, line, specs))
    return hits


def _word_height(words: Sequence[Word]) -> float:
    heights = sorted(w.box.height for w in words if w.text.strip())
    return float(heights[len(heights) // 2]) if heights else 20.0


def _segment(words: Sequence[Word], height: float) -> list[Word]:
    """Words up to the first gap wider than GAP_BREAK word heights."""
    out: list[Word] = []
    for w in words:
        if out and w.box.left - out[-1].box.right > GAP_BREAK * height:
            break
        out.append(w)
    return out


def _skip_misread_label(words: Sequence[Word], spec: FieldSpec) -> list[Word]:
    """`words` without a leading second-language label that OCR misread too badly to be matched
    as part of the label ("Quốc tịch / Nauonaity: Việt Nam"): a run of the label's length that
    resembles one of the spec's labels and ends with ":" (or is followed by the value)."""
    for label in spec.labels:
        k = len(label.split())
        if len(words) < k:
            continue
        window = " ".join(fold(w.text) for w in words[:k]).strip(_SEPARATORS_ALL)
        if similarity(window, label) >= MISREAD_LABEL and words[k - 1].text.endswith(":"):
            return list(words[k:])
        if similarity(window, label) >= MISREAD_LABEL + 0.1:
            return list(words[k:])
    return list(words)


def value_words(
    lines: Sequence[Line], hits: Sequence[LabelHit], hit: LabelHit, spec: FieldSpec
) -> list[Word]:
    """The words of the value of `hit` (see the module notes above)."""
    line = lines[hit.line]
    height = _word_height(line.words[hit.first : hit.last])
    same: list[Word] = []
    if spec.same_row:
        nxt = min(
            (h.first for h in hits if h.line == hit.line and h.first >= hit.last), default=None
        )
        after = [w for w in line.words[hit.last : nxt] if w.text.strip(_SEPARATORS_ALL)]
        # "Quốc tịch / Nauonaity: Việt Nam": after a slash the second-language label follows.
        slash = line.words[hit.last - 1].text.endswith("/") or (
            hit.last < len(line.words) and line.words[hit.last].text.startswith("/")
        )
        same = _segment(_skip_misread_label(after, spec) if slash else after, height)
    rows = spec.rows if (same or not spec.same_row) else max(1, spec.rows)
    if same and spec.rows == 0:
        return same
    words = list(same)
    if not rows:
        return words
    column_left = hit.box.left - 1.5 * height
    column_right = hit.box.right if not same else max(hit.box.right, same[-1].box.right)
    last_bottom = hit.box.bottom
    taken = 0
    labelled = {h.line: h for h in hits}
    # A line's position is its words' median top: one tall speck must not lift it above the label.
    tops = [sorted(w.box.top for w in ln.words)[len(ln.words) // 2] for ln in lines]
    below = sorted(
        (i for i in range(len(lines)) if i != hit.line and tops[i] > hit.box.top + 0.5 * height),
        key=tops.__getitem__,
    )
    for li in below:
        ln = lines[li]
        start = next(
            (k for k, w in enumerate(ln.words) if column_left <= w.box.left <= column_right), None
        )
        if start is None:
            continue
        if any(h.line == li and h.last > start for h in hits):
            break  # the next label in this column
        if any(_ITEM_NUMBER.match(w.text) for w in ln.words[:start]):
            break  # "11. Những thành viên …": the form's next numbered item
        segment = _segment([w for w in ln.words[start:] if w.text.strip(_SEPARATORS_ALL)], height)
        if not segment:
            continue
        top = min(w.box.top for w in segment)
        if top - last_bottom > ROW_GAP_BREAK * height:
            break
        words.extend(segment)
        last_bottom = max(w.box.bottom for w in segment)
        taken += 1
        if taken >= rows:
            break
    del labelled
    return words


# --- values by kind ------------------------------------------------------------------------------

NATIONALITIES = {"VIET NAM": "Việt Nam", "VIETNAM": "Việt Nam", "VIETNAMESE": "Việt Nam"}


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


def parse_value(spec: FieldSpec, words: Sequence[Word], page: int) -> Field | None:
    """The value of `spec` read from `words`, or None when it does not parse (never guessed)."""
    if not words:
        return None
    raw = " ".join(w.text for w in words)
    text = clean_text(raw)
    kind = spec.kind
    if not text or kind == "stop":
        return None
    if kind in ("date", "expiry_date"):
        parsed = parse_date(text)
        if parsed is None:
            return None
        return make_field(spec.name, parsed.iso, raw, words, page=page, repaired=parsed.repaired)
    if kind == "sex":  # the first word that reads as a sex ("/Sex:" glued to the label is skipped)
        for word in words[:3]:
            sex = normalize_sex(word.text)
            if sex is not None:
                return make_field(spec.name, sex, word.text, [word], page=page)
        sex = _sex_misread(words[0].text)
        if sex is not None:
            return make_field(spec.name, sex, words[0].text, words[:1], page=page, repaired=True)
        return None
    if kind == "nationality":
        key = re.sub(r"\s+", " ", re.sub(r"[^A-Z ]", "", fold(text))).strip()
        if key in NATIONALITIES:
            return make_field(spec.name, NATIONALITIES[key], raw, words, page=page, kind="text")
        for name, written in NATIONALITIES.items():  # "7 Natonaty Việt Nam": a misread label
            if key.endswith(" " + name):
                used = words[len(words) - len(name.split(" ")) :]
                return make_field(
                    spec.name, written, raw, used, page=page, kind="text", repaired=True
                )
        return make_field(spec.name, text, raw, words, page=page, kind="text")
    if kind == "year":
        m = re.search(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)", text)
        if m is None:
            return None
        used = [w for w in words if m.group(1) in w.text] or list(words)
        return make_field(spec.name, m.group(1), raw, used, page=page)
    if kind in ("id12", "digits", "cmnd9", "phone"):
        digits, repaired = digits_repaired(text.split(" ")[0] if kind == "id12" else text)
        if kind == "id12" and len(digits) != 12:
            digits, repaired = digits_repaired(text)
            if len(digits) not in (9, 12):
                return None
        if not digits:
            return None
        return make_field(spec.name, digits, raw, words, page=page, repaired=repaired)
    if kind == "tax_code":  # an enterprise code: 10 digits, or 13 as 0123456789-001
        first = re.match(r"[\dOoDIl|SB]{10}(?:\s*-\s*[\dOoDIl|SB]{3})?", text.replace(" ", ""))
        if first is None:
            return None
        fixed = first.group(0).translate(_OCR_DIGITS)
        repaired = bool(re.search(r"[^\d-]", first.group(0)))
        return make_field(spec.name, fixed, raw, words, page=page, repaired=repaired)
    if kind == "money":  # "5.000.000.000 đồng" → "5000000000"
        m = re.match(r"(\d{1,3}(?:[.,:;\s]\d{3})+|\d+)", text)  # ":" a smudged "."
        if m is None:
            return None
        used = [w for w in words if re.search(r"\d", w.text)]
        smudged = bool(re.search(r"[:;]", m.group(1)))
        value = re.sub(r"\D", "", m.group(1))
        return make_field(spec.name, value, raw, used, page=page, repaired=smudged)
    if kind == "area":  # "754,5 m² (Bằng chữ: …)" → "754.5"
        m = re.match(r"(\d+(?:[.,]\d{1,2})?)\s*m", text)
        if m is None:
            return None
        return make_field(spec.name, m.group(1).replace(",", "."), raw, words[:2], page=page)
    if kind == "serial":  # "CT 50165768", "CS 06964"
        m = re.match(r"([A-ZĐ]{1,3})\s?(\d{4,8})\b", text)
        if m is None:
            return None
        value = f"{m.group(1)} {m.group(2)}"
        return make_field(spec.name, value, raw, words[:2], page=page)
    if kind == "name":
        letters = re.sub(r"[^\w\s]", "", text).strip()
        if not letters or any(ch.isdigit() for ch in letters) or len(letters.split()) < 2:
            return None
        name, repaired = restore_name(title_case_name(letters))
        return make_field(spec.name, name, raw, words, page=page, kind="name", repaired=repaired)
    return make_field(spec.name, text, raw, words, page=page, kind="text")


def extract_labelled(
    page: PageText, specs: Sequence[FieldSpec], lines: Sequence[Line] | None = None
) -> dict[str, Field]:
    """Fields of `specs` found in `lines` (default: the whole page); the first parse wins."""
    lines = list(page_lines(page) if lines is None else lines)
    by_name = {s.name: s for s in specs}
    hits = find_hits(lines, specs)
    fields: dict[str, Field] = {}
    for hit in hits:
        if hit.name in fields:
            continue
        spec = by_name[hit.name]
        parsed = parse_value(spec, value_words(lines, hits, hit, spec), page.number)
        if parsed is not None:
            fields[hit.name] = parsed
    return fields


def missing_findings(
    specs: Sequence[FieldSpec], fields: dict[str, Field], where: str = "trên giấy tờ"
) -> list[Finding]:
    """A `<field>.missing` warning for each required field not found (a field is never invented)."""
    return [
        missing_finding(s.name, s.vi or s.name, where)
        for s in specs
        if s.required and s.name not in fields
    ]


def missing_finding(name: str, vi: str, where: str = "trên giấy tờ") -> Finding:
    return Finding(
        f"{name}.missing",
        Severity.WARNING,
        f"Không tìm thấy hoặc không đọc được “{vi}” {where}: hãy nhập từ bản scan",
        name,
    )


def section(lines: Sequence[Line], start: Sequence[str], stop: Sequence[str] = ()) -> list[Line]:
    """Lines from the first whose folded text starts with one of `start` (fuzzy) up to, not
    including, the first after it that starts with one of `stop`; [] when `start` is not found."""
    begin = next((i for i, ln in enumerate(lines) if _starts(ln, start)), None)
    if begin is None:
        return []
    end = next((i for i in range(begin + 1, len(lines)) if _starts(lines[i], stop)), len(lines))
    return list(lines[begin:end])


# A section number "II." or "III." that OCR read with a "1", "l" or "|" for one of its "I"s.
_ROMAN_MISREAD = re.compile(r"^(?=[1LI|]{0,2}[LI|])(?![1]+\.)[1LI|]{2,3}(?=\.)")


def _starts(line: Line, prefixes: Sequence[str]) -> bool:
    folded = _LEADING_JUNK.sub("", line.folded)  # "| TM. ỦY BAN": a table rule or a speck
    folded = _ROMAN_MISREAD.sub(lambda m: "I" * len(m.group()), folded)  # "1I." is "II."
    return any(similarity(folded[: len(p)], p) >= 0.94 for p in prefixes)


def column_parts(line: Line) -> list[Line]:
    """A line split where a gap wider than GAP_BREAK word heights separates two columns: a form
    prints "Nơi nhận:" and "TM. ỦY BAN NHÂN DÂN" on one row, OCR returns them as one line."""
    if not line.words:
        return []
    height = _word_height(line.words)
    parts: list[list[Word]] = [[line.words[0]]]
    for w in line.words[1:]:
        if w.box.left - parts[-1][-1].box.right > GAP_BREAK * height:
            parts.append([w])
        else:
            parts[-1].append(w)
    return [make_line(line.page, p) for p in parts]


_NAME_PUNCTUATION = "._,;:|'\"-"


def _is_name_word(text: str) -> bool:
    return bool(re.fullmatch(r"[^\W\d_]+", text)) and text[:1].isupper() and text[1:].islower()


def name_below(lines: Sequence[Line], start: int, heading: Box, max_lines: int = 8) -> Field | None:
    """The signer's name: in the `max_lines` lines after `start`, the first run of 2–5 capitalized
    words (not all capitals) centred under `heading` (the signing title). Words of another column
    on the same OCR line (a footer, "Nơi nhận") are left out by position, not by text."""
    centre = (heading.left + heading.right) / 2
    reach = max(heading.width, 200) * 0.75
    for line in lines[start + 1 : start + 1 + max_lines]:
        for part in column_parts(line):
            mid = (part.box.left + part.box.right) / 2
            if abs(mid - centre) > reach:
                continue
            words = [w for w in part.words if w.text.strip(_NAME_PUNCTUATION)]
            texts = [w.text.strip(_NAME_PUNCTUATION) for w in words]
            if 2 <= len(words) <= 5 and all(_is_name_word(t) for t in texts):
                raw = " ".join(texts)
                name, repaired = restore_name(raw)
                return make_field(
                    "signer", name, raw, words, page=line.page, kind="name", repaired=repaired
                )
    return None


def signer_below(lines: Sequence[Line], heading: Sequence[str], skip: int = 0) -> Field | None:
    """The signer's name under the signature heading (after at most `skip` title lines); the
    heading may share its OCR line with another column."""
    for i, line in enumerate(lines):
        for part in column_parts(line):
            if _starts(part, heading):
                return name_below(lines, i, part.box, max_lines=8 + skip)
    return None


def restore_phrases(
    text: str, phrases: Sequence[str], *, keep_case: bool = True, slack: int = 0
) -> tuple[str, bool]:
    """Marks restored in the fixed legal phrases a form prints ("không thu tiến sử dụng đất" →
    "không thu tiền sử dụng đất"): a run of words whose folded form is exactly a phrase's takes
    the phrase's marks, each word keeping its own capital (`keep_case=False`: the phrase's
    capitals too, for proper names). `slack`: a phrase of two words or more may also differ by
    that many letters of its folded form (a misread vowel: "Sạo chấm" → "Sẹo chấm"), when no
    other phrase is as close. Returns (text, whether it changed)."""
    words = text.split(" ")
    folded = [fold(w) for w in words]
    changed = False
    settled: set[int] = set()  # words a longer phrase already matched ("đuôi mày" vs "dưới")

    def put(i: int, canon: list[str]) -> None:
        nonlocal changed
        settled.update(range(i, i + len(canon)))
        for k, right in enumerate(canon):
            old = words[i + k]
            new = right
            if keep_case:
                first = right[:1].upper() if old[:1].isupper() else right[:1].lower()
                new = first + right[1:]
            if new != old:
                words[i + k] = new
                changed = True

    ordered = sorted(phrases, key=lambda p: -len(p.split(" ")))
    for phrase in ordered:
        canon = phrase.split(" ")
        key = [fold(w) for w in canon]
        for i in range(len(words) - len(canon) + 1):
            span = range(i, i + len(canon))
            if folded[i : i + len(canon)] == key and not settled.intersection(span):
                put(i, canon)
    if slack:  # only after every exact match is settled ("đuôi mắt" is not "đuôi mày")
        for size in sorted({len(p.split(" ")) for p in phrases if " " in p}, reverse=True):
            for i in range(len(words) - size + 1):
                if settled.intersection(range(i, i + size)):
                    continue
                window = " ".join(folded[i : i + size])
                close = [
                    p
                    for p in ordered
                    if len(p.split(" ")) == size
                    and Levenshtein.distance(window, fold(p), score_cutoff=slack) <= slack
                ]
                if len(close) == 1:
                    put(i, close[0].split(" "))
    return " ".join(words), changed


def restore_family_name(name: str) -> tuple[str, bool]:
    """ "Nguyen Văn An" → ("Nguyễn Văn An", True): a common family name whose marks OCR lost."""
    family, _, rest = name.partition(" ")
    written = family_names().get(fold(family))
    if written is None or written == family:
        return name, False
    return f"{written} {rest}".strip(), True


@cache
def _syllables_by_fold() -> dict[str, str]:
    by_fold: dict[str, set[str]] = {}
    for syllable in name_syllables():
        by_fold.setdefault(fold(syllable), set()).add(syllable)
    return {key: next(iter(found)) for key, found in by_fold.items() if len(found) == 1}


def restore_name(name: str) -> tuple[str, bool]:
    """ "Nguyen Giá Tuyet" → ("Nguyễn Gia Tuyết", True): the family name from its list, then each
    other word that is no name syllable but folds like exactly one ("Giá" is a word, not a name).
    A word that folds like two syllables ("Hiến": Hiền or Hiển?) or like none is kept as read.
    The flag is True when the name was changed or keeps a word outside the list: either way a
    steward should look (a rare name is rare; a misread one is common)."""
    name, doubtful = restore_family_name(name)
    family, _, rest = name.partition(" ")
    known, by_fold = name_syllables(), _syllables_by_fold()
    words = rest.split(" ") if rest else []
    for i, word in enumerate(words):
        if word in known:
            continue
        words[i] = by_fold.get(fold(word), word)
        doubtful = True
    return " ".join([family, *words]), doubtful
