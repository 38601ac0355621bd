"""Fields of the chip CCCD front (2021–06/2024 card; the 2024 card's front shares most labels).

The card prints each label in Vietnamese and English ("Ngày sinh / Date of birth:"); the value
follows on the same line or, for names and addresses, on the next line(s).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from extractors.fields.common import (
    Line,
    digits_repaired,
    find_label,
    make_field,
    normalize_sex,
    page_lines,
    parse_date,
    title_case_name,
)
from extractors.records import (
    Field,
    Finding,
    PageText,
    Role,
    Severity,
    SubjectKind,
    SubjectRef,
    Word,
)
from extractors.text import fold

# field → folded labels (Vietnamese and English; both card generations).
LABELS: dict[str, tuple[str, ...]] = {
    "full_name": ("HO VA TEN", "FULL NAME", "HO, CHU DEM VA TEN KHAI SINH", "HO, CHU DEM VA TEN"),
    "date_of_birth": ("NGAY SINH", "DATE OF BIRTH", "NGAY, THANG, NAM SINH"),
    "sex": ("GIOI TINH", "SEX"),
    "nationality": ("QUOC TICH", "NATIONALITY"),
    "place_of_origin": ("QUE QUAN", "PLACE OF ORIGIN", "NOI DANG KY KHAI SINH", "PLACE OF BIRTH"),
    "place_of_residence": ("NOI THUONG TRU", "PLACE OF RESIDENCE", "NOI CU TRU"),
    "expiry_date": ("CO GIA TRI DEN", "DATE OF EXPIRY", "NGAY, THANG, NAM HET HAN"),
}
ID_LABELS = ("SO / NO", "SO", "NO", "SO DINH DANH CA NHAN", "PERSONAL IDENTIFICATION NUMBER")
# How many lines below its label a value may continue (addresses wrap on the card).
CONTINUATION_LINES = {"place_of_origin": 2, "place_of_residence": 2, "full_name": 1}
REQUIRED = (
    "id_number",
    "full_name",
    "date_of_birth",
    "sex",
    "nationality",
    "place_of_origin",
    "place_of_residence",
    "expiry_date",
)
_ID_RUN = re.compile(r"(?<![\dA-Za-z])[\dOoDIl|SB]{12}(?![\dA-Za-z])")
_SEPARATORS = " :/.;,-_|"


@dataclass(frozen=True)
class _Hit:
    line: int
    start: int
    end: int
    name: str


def extract_id_card_front(pages: Sequence[PageText]) -> tuple[list[Field], list[Finding]]:
    """Fields of an ID card front; a field not found is left out and reported as a finding."""
    page = pages[0]
    lines = page_lines(page)
    hits = _label_hits(lines)
    fields: dict[str, Field] = {}
    id_field = _id_number(lines)
    if id_field:
        fields["id_number"] = id_field
    for index, hit in enumerate(hits):
        if hit.name in fields:
            continue
        following = hits[index + 1] if index + 1 < len(hits) else None
        value_words = _value_words(lines, hit, following, hits)
        if not value_words:
            continue
        field = _make_value(hit.name, value_words, page.number)
        if field is not None:
            fields[hit.name] = field
    findings = [
        Finding(
            code=f"{name}.missing",
            severity=Severity.WARNING,
            message=f"Không tìm thấy trường “{_VI_NAMES[name]}” trên thẻ: hãy nhập từ ảnh thẻ",
            field=name,
        )
        for name in REQUIRED
        if name not in fields
    ]
    return [fields[n] for n in REQUIRED if n in fields], findings


def id_card_subjects() -> tuple[SubjectRef, ...]:
    return (
        SubjectRef(
            Role.HOLDER,
            SubjectKind.PERSON,
            {
                "id_number": "id_number",
                "full_name": "full_name",
                "date_of_birth": "date_of_birth",
                "sex": "sex",
            },
        ),
    )


_VI_NAMES = {
    "id_number": "Số định danh cá nhân",
    "full_name": "Họ và tên",
    "date_of_birth": "Ngày sinh",
    "sex": "Giới tính",
    "nationality": "Quốc tịch",
    "place_of_origin": "Quê quán",
    "place_of_residence": "Nơi thường trú",
    "expiry_date": "Có giá trị đến",
}


def _label_hits(lines: list[Line]) -> list[_Hit]:
    """Every label on the card, in reading order; "Vietnamese / English" pairs merged into one."""
    hits: list[_Hit] = []
    for li, line in enumerate(lines):
        found: list[_Hit] = []
        for name, labels in LABELS.items():
            for label in labels:
                span = find_label(line, (label,))
                if span and not any(h.start < span[1] and span[0] < h.end for h in found):
                    found.append(_Hit(li, span[0], span[1], name))
        found.sort(key=lambda h: h.start)
        merged: list[_Hit] = []
        for hit in found:
            between = line.text[merged[-1].end : hit.start] if merged else ""
            if merged and merged[-1].name == hit.name and not between.strip(_SEPARATORS):
                merged[-1] = _Hit(li, merged[-1].start, hit.end, hit.name)
            else:
                merged.append(hit)
        hits.extend(merged)
    return hits


def _value_words(
    lines: list[Line], hit: _Hit, following: _Hit | None, hits: list[_Hit]
) -> list[Word]:
    line = lines[hit.line]
    end = following.start if following and following.line == hit.line else len(line.text)
    words = [w for w in line.words_in(hit.end, end) if w.text.strip(_SEPARATORS)]
    # The label's own trailing ":" or "/ English" may be glued to the first value word.
    words = [w for w in words if fold(w.text).strip(_SEPARATORS) not in ("NO", "SEX", "NAME")]
    labelled = {h.line for h in hits}
    extra = CONTINUATION_LINES.get(hit.name, 0)
    if not words or extra > 1:
        limit = extra if words else max(1, extra)
        for li in range(hit.line + 1, min(len(lines), hit.line + 1 + limit)):
            if li in labelled:
                break
            words.extend(w for w in lines[li].words if w.text.strip(_SEPARATORS))
    return words


def _make_value(name: str, words: list[Word], page: int) -> Field | None:
    raw = " ".join(w.text for w in words).strip(_SEPARATORS)
    if name in ("date_of_birth", "expiry_date"):
        parsed = parse_date(raw)
        if parsed is None:
            return None
        return make_field(name, parsed.iso, raw, words, page=page, repaired=parsed.repaired)
    if name == "sex":
        sex = normalize_sex(raw)
        if sex is None:
            return None
        return make_field(name, sex, raw, words[:1], page=page)
    if name == "nationality":
        value = "Việt Nam" if fold(raw).replace(" ", "") in ("VIETNAM", "VIETNAMESE") else raw
        return make_field(name, value, raw, words, page=page)
    if name == "full_name":
        letters = re.sub(r"[^\w\s]", "", raw).strip()
        if not letters or any(ch.isdigit() for ch in letters):
            return None
        return make_field(name, title_case_name(letters), raw, words, page=page)
    return make_field(name, raw, raw, words, page=page)


def _id_number(lines: list[Line]) -> Field | None:
    """The 12-digit number, preferring the line labelled "Số / No."; OCR letter swaps repaired."""
    ordered = sorted(
        range(len(lines)), key=lambda i: 0 if find_label(lines[i], ID_LABELS, 0.9) else 1
    )
    for li in ordered:
        line = lines[li]
        for match in _ID_RUN.finditer(line.text):
            digits, repaired = digits_repaired(match.group(0))
            if len(digits) != 12:
                continue
            words = line.words_in(match.start(), match.end())
            return make_field(
                "id_number", digits, match.group(0), words, page=line.page, repaired=repaired
            )
    return None
