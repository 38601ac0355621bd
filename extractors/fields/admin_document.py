"""Header fields of an administrative document (Decree 30/2020/NĐ-CP layout).

Header: issuing block (left column, beside the national motto: `extractors.fields.admin_issuer`),
"Số: 86/QĐ-UBND" under it, the place-and-date line "Quảng Ngãi, ngày 16 tháng 01 năm 2025" on the
right (or one line below the number), then the title (QUYẾT ĐỊNH, …) and the subject ("Về việc …";
for a công văn "V/v …" under the number), a centred block over as many lines as it runs. The
signing block closes the last page (`extractors.fields.admin_signing`). Handwritten numbers and
days are common on scans: when they cannot be read the field is left out with a finding, never
guessed. **The issue date is read from the place-and-date line of the header only**: a date the
body cites ("Thực hiện Chỉ thị số 11/CT-TTg ngày 16 tháng 4 năm 2021 …") is never the issue date.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from extractors.confidence import REPAIR_FACTOR, needs_review
from extractors.data.bodies import match_body
from extractors.data.places import match_province
from extractors.data.vocabulary import restore_marks
from extractors.declaration import Cue, DocumentType, DuplicateKey, FieldSpec, Slot
from extractors.fields.admin_issuer import MOTTO, issuer_fields
from extractors.fields.admin_kinds import (
    ADMIN_KINDS,
    HEADER_LINES,
    KIND_LABELS,
    QUOC_HIEU,
    SYMBOL_KINDS,
    TITLE_ANCHORS,
    admin_kind,
)
from extractors.fields.admin_signing import signing_fields
from extractors.fields.lines import Line, column_parts, make_line, page_lines
from extractors.fields.type_result import TypeResult
from extractors.fields.values import make_field, parse_date
from extractors.records import Field, Finding, PageText, Role, Severity, SubjectKind, Word
from extractors.text import fold, nfc, similarity

# Lines that start the body after the subject (folded prefixes).
BODY_STARTS = (
    "CAN CU", "THUC HIEN", "KINH GUI", "THEO DE NGHI", "XET DE NGHI", "DIEU 1", "CHUONG I",
    "NGAY 0", "NGAY 1", "NGAY 2", "NGAY 3", "NGAY 4", "NGAY 5", "NGAY 6", "NGAY 7", "NGAY 8",
    "NGAY 9",
)  # fmt: skip
# "Số:", "Số :", "Số.", "Số2624" (glued to the number), and a law's "Luật số:".
_NUMBER_LINE = re.compile(
    r"^\W{0,3}(?:(?:Luật|Pháp lệnh|Nghị quyết)\s+)?S[ỐốOoÓóỒồỔổÔô0]\s*(?:[:;.]\s*|(?=\d))",
    re.IGNORECASE,
)
_NUMBER_SYMBOL = re.compile(
    r"^(?P<number>[^\s/]{0,8}?)\s*/\s*(?:(?P<year>\d{4})\s*/\s*)?"
    # each part of the symbol ends where a word does: "UBNDTH - Nghệ An, ngày …" (the place on the
    # number's line) gives "UBNDTH", not "UBNDTH-Ngh"
    r"(?P<symbol>[A-ZĐ][A-Za-zĐđ0-9&.]*(?:\s*-\s*[A-ZĐ0-9][A-Za-zĐđ0-9&.]*(?![^\W_]))*)"
)
# "V/v" (về việc) as OCR reads it: "V/v", "Vv", "V|v", "VWw" (the slash lost or read as a letter).
_VV = r"V\s*[/|\\lI1]?\s*[VW]{1,2}"
_SMUDGED_VV = re.compile(r"^V[^A-Z0-9\s]?[VWN]?[^A-Z0-9\s]?$")  # a folded token: "VN", "V#", "VW"
_PARTY_NUMBER = re.compile(r"^(?P<number>\d{1,6})\s*-\s*(?P<symbol>[A-Z]{1,4}/[A-ZĐ0-9]+)")
# The place-and-date line sits on the number's row, or at most this many rows below it.
DATE_ROWS_BELOW_NUMBER = 2
# "ngày" as printed and as OCR reads its vowel ("ngây"); and with a handwritten day glued to it
# that ate its "y" ("ngàw)Ÿ", "ngàu"): its first three letters, not "Ngãi" (`date_labels` checks
# the rest of the phrase).
_NGAY = re.compile(r"ng[aàáạảãâầấậẩẫăằắặẳẵ]y", re.IGNORECASE)
_NGAY_GLUED = re.compile(r"\bng[aàáạảãâầấậẩẫăằắặẳẵ](?![iI])", re.IGNORECASE)
# A place name: a few capitalized words ("Hà Nội", "TP. Bắc Kạn", "Đắk Nông"), no digits.
_PLACE = re.compile(r"^(?:TP\.?\s*|Tp\.?\s*)?[A-ZĐÀ-Ỹ][^\d,;:()]{0,40}$")
# Titles a law or an ordinance shares its line with: "LUẬT VIỆC LÀM" (subject "VIỆC LÀM").
_TITLE_WITH_SUBJECT = ("LUAT ", "PHAP LENH ")


def extract_admin_document(
    pages: Sequence[PageText], kind: str | None
) -> tuple[list[Field], list[Finding]]:
    """Header fields of an administrative document and findings for what could not be read."""
    page = pages[0]
    header = read_header(page)
    lines, rows, number_row = header.lines, header.rows, header.number_row
    fields: list[Field] = []
    findings: list[Finding] = []

    symbol_end = 0
    if number_row is None:
        findings.append(_missing("number_symbol", "Không tìm thấy dòng “Số:” của văn bản"))
    else:
        result = _number_symbol(rows[number_row])
        if isinstance(result, Field):
            fields.append(result)
        elif result is not None:
            findings.append(result)
        symbol_end = _symbol_end(rows[number_row])

    dated = date_line(page, rows, number_row)
    annex = _annex_date(rows) if dated is None else None
    if annex is not None:
        fields.append(annex[0])
        findings.append(annex[1])
    elif dated is None:
        findings.append(_missing("issued_on", "Không tìm thấy dòng địa danh, ngày tháng năm"))
    else:
        line, start = dated
        parsed = parse_date(line.text[start:])
        date_words = line.words_in(start, len(line.text))
        if parsed is not None:
            fields.append(
                make_field(
                    "issued_on",
                    parsed.iso,
                    line.text[start:],
                    date_words,
                    page=line.page,
                    repaired=parsed.repaired,
                )
            )
        else:
            findings.append(
                _missing(
                    "issued_on",
                    "Không đọc được ngày ban hành (có thể viết tay): "
                    f"dòng đọc được là “{line.text[start:].strip()}”, hãy nhập ngày từ bản scan",
                )
            )
        on_number_row = number_row is not None and rows[number_row] is line
        place = _place(line, start, symbol_end if on_number_row else 0)
        if place is not None:
            fields.append(place)

    number_line = _line_of(lines, rows[number_row]) if number_row is not None else None
    issuer, issuer_findings = issuer_fields(page, lines, number_line)
    fields += issuer
    findings += issuer_findings
    if not any(f.name == "issuer" for f in issuer):
        findings.append(_missing("issuer", "Không xác định được cơ quan ban hành (góc trái)"))

    read = _subject(page, lines, number_line, kind)
    if read is not None:
        subject, restored = restore_subject_marks(*read)
        fields.append(subject)
        findings += restored
    else:
        findings.append(_missing("subject", "Không tìm thấy trích yếu (“Về việc …”, “V/v …”)"))

    signing, signing_findings = signing_fields(pages)
    fields += signing
    findings += signing_findings
    return fields, findings


@dataclass(frozen=True)
class Header:
    """A page's header as read here and by the handwritten re-read (`handwritten_reread`): its
    first `HEADER_LINES` OCR lines, their rows (lines printed on one row joined) and the row of the
    number ("Số: …"), if any."""

    lines: list[Line]
    rows: list[Line]
    number_row: int | None


def read_header(page: PageText) -> Header:
    lines = page_lines(page)[:HEADER_LINES]
    rows = header_rows(page.number, lines)
    number_row = next((i for i, r in enumerate(rows) if _NUMBER_LINE.match(r.text)), None)
    return Header(lines, rows, number_row)


def header_rows(page: int, lines: list[Line]) -> list[Line]:
    """The header's OCR lines with the lines printed on the same row joined, left to right
    ("Hà Nội, ngày" and "tháng năm 2025" of a text layer that set the blanks apart)."""
    rows: list[list[Word]] = []
    boxes = []
    for line in lines:
        box = line.box
        for i, other in enumerate(boxes):
            overlap = min(box.bottom, other.bottom) - max(box.top, other.top)
            if overlap > 0.5 * min(box.height, other.height) and (
                box.left >= other.right or box.right <= other.left
            ):
                rows[i].extend(line.words)
                boxes[i] = other.union(box)
                break
        else:
            rows.append(list(line.words))
            boxes.append(box)
    return [make_line(page, sorted(r, key=lambda w: w.box.left)) for r in rows]


def _line_of(lines: list[Line], row: Line) -> int | None:
    """The index of the OCR line that holds `row`'s first word."""
    first = row.words[0]
    return next((i for i, ln in enumerate(lines) if first in ln.words), None)


def _missing(name: str, message: str) -> Finding:
    return Finding(f"{name}.missing", Severity.WARNING, message, name)


def _number_symbol(line: Line) -> Field | Finding | None:
    prefix = _NUMBER_LINE.match(line.text)
    assert prefix is not None
    rest = line.text[prefix.end() :]
    match = _NUMBER_SYMBOL.match(rest) or _PARTY_NUMBER.match(rest)
    if match is None:
        return _missing("number_symbol", f"Không đọc được số, ký hiệu văn bản trong “{line.text}”")
    symbol = re.sub(r"\s+", "", match.group("symbol")).rstrip(".")
    number = match.group("number")
    year = match.groupdict().get("year")
    if not number or not number.isdigit():
        return Finding(
            "number_symbol.number_unreadable",
            Severity.WARNING,
            f"Không đọc được số văn bản (có thể viết tay); ký hiệu đọc được là “{symbol}”: "
            "hãy nhập số từ bản scan",
            "number_symbol",
        )
    symbol, repaired = _undouble_kind(symbol)
    symbol, rehyphened = _rehyphen(symbol)
    repaired = repaired or rehyphened
    separator = "-" if match.re is _PARTY_NUMBER else "/"
    value = f"{number}{separator}{year}/{symbol}" if year else f"{number}{separator}{symbol}"
    start = prefix.end()
    words = line.words_in(start, start + match.end())
    return make_field(
        "number_symbol", value, rest[: match.end()], words, page=line.page, repaired=repaired
    )


# Abbreviations of issuing bodies and of their drafting units as symbols write them (Decree
# 30/2020 Phụ lục III; folded): a symbol OCR read without its hyphen ("CTUBND") is split where
# a kind or body code meets one of these.
BODY_CODES = frozenset(
    (
        "UBND", "HDND", "VP", "VPCP", "CP", "TTG", "QH", "BCA", "BQP", "BNG", "BNV", "BTP", "BKHDT",
        "BTC", "BCT", "BNNPTNT", "BNNMT", "BXD", "BGTVT", "BTTTT", "BLDTBXH", "BVHTTDL", "BKHCN",
        "BGDDT", "BYT", "BTNMT", "BDTTG", "NHNN", "KBNN", "TCT", "TCHQ", "BHXH", "SKHDT", "STNMT",
        "STP", "SNV", "STC", "SYT", "SGDDT", "SCT", "SXD", "SGTVT", "SNNPTNT", "SNNMT", "SLDTBXH",
        "SKHCN", "STTTT", "SVHTTDL", "SDTTG", "CA", "CAT", "CAH", "CT", "CCT", "TTHC", "KT", "NC",
        "VX", "TH", "NNTN", "KGVX", "HCTC", "TCHC", "TCCB", "KHTC", "QLDT", "PC", "TTR", "HDQT",
        "BCD", "BQL",
    )
)  # fmt: skip


def _rehyphen(symbol: str) -> tuple[str, bool]:
    """ "CTUBND" → ("CT-UBND", True): the one place where a kind or body code meets a body or
    unit code; no hyphen is put in when there is none such place, or more than one."""
    if "-" in symbol:
        return symbol, False
    folded = fold(symbol)
    if len(folded) != len(symbol):
        return symbol, False
    heads = SYMBOL_KINDS.keys() | BODY_CODES
    cuts = [
        i for i in range(2, len(symbol) - 1) if folded[:i] in heads and folded[i:] in BODY_CODES
    ]
    if len(cuts) != 1:
        return symbol, False
    return f"{symbol[: cuts[0]]}-{symbol[cuts[0] :]}", True


def _undouble_kind(symbol: str) -> tuple[str, bool]:
    """ "QĐĐ-UBND" → ("QĐ-UBND", True): OCR doubled a letter of the document-kind part, and
    only the undoubled part is a kind the decree lists."""
    first, sep, rest = symbol.partition("-")
    if fold(first) in SYMBOL_KINDS:
        return symbol, False
    single = re.sub(r"(.)\1", r"\1", first)
    if single != first and fold(single) in SYMBOL_KINDS:
        return single + sep + rest, True
    return symbol, False


def _symbol_end(line: Line) -> int:
    prefix = _NUMBER_LINE.match(line.text)
    if prefix is None:
        return 0
    match = _NUMBER_SYMBOL.match(line.text[prefix.end() :])
    return prefix.end() + (match.end() if match else 0)


@dataclass(frozen=True)
class DateLabels:
    """Where the printed words of a date line are, as character offsets in its text: the day's
    gap runs from `day_from` to `month_label` ("tháng"), the month's from `month_from` to
    `year_label` ("năm"); the month when it is printed, and the printed year."""

    day_from: int
    month_label: int
    month_from: int
    year_label: int
    printed_month: str | None
    year: int


# In a folded date line, from its "ngày" on. Handwriting glued to the print eats or changes letters
# ("ngàw)Ÿ tháng", "ngàw¿2§háng0năm 2022", "ngàu ; Ô tháng"): "ngày" is known by "NGA" (in a word
# that runs on to "tháng", its "y" read as another sign is still its own, not the day's); "tháng"
# by "HANG" (its T may be read "§"); "năm" by "NAM" and the year's four digits after it.
_DAY_LABEL = re.compile(r"NGA(?:Y|[^\s\d](?=\S*HANG))?")
_MONTH_LABEL = re.compile(r"[T§]?HANG")
_YEAR_LABEL = re.compile(r"NAM\s*(\d{4})")
# The most characters between two labels of a date phrase (a handwritten day or month read as
# junk; "Ngân hàng Nhà nước Việt Nam năm 2025" is no date phrase).
LABEL_GAP = 16


def date_labels(line: Line, start: int) -> DateLabels | None:
    """Where the labels of the date phrase starting at `start` (its "ngày") are, or None when it is
    no date phrase: "tháng" and "năm YYYY" follow, each within `LABEL_GAP` characters."""
    folded = fold(line.text)  # a line's text folds letter for letter, so offsets carry over
    if len(folded) != len(line.text):
        return None
    day = _DAY_LABEL.match(folded, start)
    month = _MONTH_LABEL.search(folded, day.end(), day.end() + LABEL_GAP) if day else None
    year = _YEAR_LABEL.search(folded, month.end(), month.end() + LABEL_GAP + 6) if month else None
    if day is None or month is None or year is None:
        return None
    printed = re.fullmatch(r"\s*(\d{1,2})\s*", folded[month.end() : year.start()])
    printed_month = None
    if printed is not None and 1 <= int(printed.group(1)) <= 12:
        printed_month = str(int(printed.group(1)))
    return DateLabels(
        day.end(), month.start(), month.end(), year.start(), printed_month, int(year.group(1))
    )


def date_line(page: PageText, rows: list[Line], number_row: int | None) -> tuple[Line, int] | None:
    """The place-and-date row of the header and where its "ngày" starts: on the number's row or
    just below it (above the body), with a place before "ngày" or in the right column. A date
    the body cites is never taken (its line is not in this window, or begins "Căn cứ …")."""
    if number_row is not None:
        last = min(len(rows), number_row + DATE_ROWS_BELOW_NUMBER + 1)
        window = range(max(0, number_row - 1), last)
    else:  # no number line: the rows under the motto, before the title
        motto = next((i for i, r in enumerate(rows) if MOTTO[:8] in fold(r.text)), None)
        if motto is None:
            return None
        window = range(motto, min(len(rows), motto + 4))
    rows_above_body = []
    for i in window:
        if fold(rows[i].text).startswith(BODY_STARTS):
            break
        rows_above_body.append(i)
    # "ngày" whole first; one whose "y" a handwritten day ate only when no row has it whole (the
    # loose form would take "Ngãi" of "Quảng Ngãi, ngày …" for it).
    for ngay in (_NGAY, _NGAY_GLUED):
        found = _date_phrase(page, rows, rows_above_body, number_row, ngay)
        if found is not None:
            return found
    return None


def _date_phrase(
    page: PageText, rows: list[Line], window: list[int], number_row: int | None, ngay: re.Pattern
) -> tuple[Line, int] | None:
    for i in window:
        line = rows[i]
        for m in ngay.finditer(line.text):
            if date_labels(line, m.start()) is None:
                continue
            head = line.text[: m.start()].rstrip(" ,")
            after_symbol = _symbol_end(line) if i == number_row else 0
            place = head[after_symbol:].strip(" ,.-—") if len(head) > after_symbol else ""
            # A place's name stands before "ngày" (what precedes it on the row may be a number
            # the layout did not set apart), or the phrase starts in the right column: "Luật Phí
            # và lệ phí số 97/2015/QH13 ngày 25 tháng 11 năm 2015 …" under a law's title
            # (vpqh-05-2017-vbhn) is a citation, not the date line.
            phrase = line.text.index(place, after_symbol) if place else m.start()
            starts_at = line.words_in(phrase, m.end())[0].box.left
            if _place_tail(place) or starts_at > page.width * 0.4:
                return line, m.start()
    return None


def _place_tail(text: str) -> str:
    """The place's name that ends `text` ("-_ Số: 192/QĐ-BVĐK Quảng Ninh" → "Quảng Ninh"): its
    longest run of last words that reads as a place, or ""."""
    words = text.split()
    for start in range(max(0, len(words) - 6), len(words)):
        tail = " ".join(words[start:])
        if _PLACE.match(tail):
            return tail
    return ""


# "(Ban hành kèm theo Quyết định số 4618 /QĐ-ĐHQGHN, ngày 07/10/2024 của …)": a regulation issued
# as a decision's annex has no place-and-date line of its own; the decision's date is its date.
_ANNEX = re.compile(r"^\(\s*BAN HANH KEM THEO\b")


def _annex_date(rows: list[Line]) -> tuple[Field, Finding] | None:
    """The date an annex's "Ban hành kèm theo …" line gives, for a steward to confirm."""
    for row in rows:
        if fold(row.text).startswith(BODY_STARTS):
            return None
        if not _ANNEX.match(fold(row.text)):
            continue
        parsed = parse_date(re.sub(r"\s*/\s*", "/", row.text))
        if parsed is None:
            return None
        field = make_field("issued_on", parsed.iso, row.text, row.words, page=row.page)
        note = Finding(
            "issued_on.from_annex_line",
            Severity.INFO,
            "Văn bản ban hành kèm theo một văn bản khác, không có dòng địa danh, ngày tháng: "
            f"ngày lấy từ dòng “{row.text.strip()}”, hãy kiểm tra",
            "issued_on",
        )
        return replace(field, confidence=needs_review(field.confidence)), note
    return None


def _place(line: Line, date_start: int, after: int) -> Field | None:
    """The place name before ", ngày" (text of the number column on the same line removed); only
    a place-like name (a few words, a capital, no digits). When more than a place stands there (a
    number the layout did not set apart: "Só„2⁄⁄/6/TB-ĐHĐL Hà Nội"), its place-like last words,
    for a steward to confirm (a misread first word of the place may be what was left out)."""
    head = line.text[after:date_start].rstrip(" ,.")
    head = re.sub(r"^[^\wÀ-ỹ]+", "", head)
    place = _place_tail(head)
    if not place:
        return None
    offset = line.text.index(place, after + len(head) - len(place))
    words = line.words_in(offset, offset + len(place))
    field = make_field("place", nfc(place), place, words, page=line.page, kind="text")
    if place != head:
        field = replace(field, confidence=needs_review(field.confidence))
    return field


def _subject(
    page: PageText, lines: list[Line], number_line: int | None, kind: str | None
) -> tuple[Field, list[Word]] | None:
    """The trích yếu: lines under the title, or the V/v block under the number of a công văn."""
    start = None
    for i, line in enumerate(lines):
        folded = fold(line.text)
        if re.match(rf"^\W*{_VV}\b", folded):
            start = i
            break
    if start is None and number_line is not None and number_line + 1 < len(lines):
        # A công văn's "V/v" can come out of OCR as one smudged token ("VÑ", "V#"): the block
        # right under the number line that starts with such a token is the subject all the same.
        below = lines[number_line + 1]
        if below.words and _SMUDGED_VV.match(fold(below.words[0].text)):
            start = number_line + 1
    if start is not None:
        # A công văn's "V/v" block sits in the left column under the number; a decision may print
        # its subject "V/v …" centred under the title (dhntt-792-qd), which is no column.
        in_left_column = lines[start].words[0].box.left < page.width * LEFT_COLUMN_STARTS
        return _collect_subject(page, lines, start, left_column=in_left_column)
    for i, ln in enumerate(lines):
        for part in column_parts(ln):  # a title shares its row with a stamp at times
            bare = re.sub(r"[^A-Z ]", "", fold(part.text)).strip()
            if any(similarity(bare, t) >= 0.85 for t in ADMIN_KINDS):
                if i + 1 < len(lines):
                    return _collect_subject(page, lines, i + 1, left_column=False)
                return None
            if bare.startswith(_TITLE_WITH_SUBJECT) and _mostly_upper(part.text):
                # "LUẬT VIỆC LÀM": the law's name is its subject, on the title's line.
                head = next(t for t in _TITLE_WITH_SUBJECT if bare.startswith(t))
                words = list(part.words)[len(head.split()) :]
                if words:
                    sub = [make_line(ln.page, words), *lines[i + 1 :]]
                    # the title's own part of the row (a stamp beside it is another part):
                    # its faint words are the law's name, not debris ("LÀM" at 0.23)
                    return _collect_subject(page, sub, 0, left_column=False, title_row=True)
    return None


MAX_SUBJECT_LINES = 8
# A "V/v" starting left of this share of the page's width opens a left-column (công văn) block.
LEFT_COLUMN_STARTS = 0.2


def _collect_subject(
    page: PageText,
    lines: list[Line],
    start: int,
    *,
    left_column: bool,
    title_row: bool = False,
) -> tuple[Field, list[Word]] | None:
    chosen: list[Word] = []
    texts: list[str] = []
    previous: Line | None = None
    first: Line | None = None
    upper_title = False
    ended = False  # the block ended on a sign (a gap, the body), not on the line limit
    debris = False  # words of a stamp were cut from a line's ends
    for line in lines[start : start + MAX_SUBJECT_LINES]:
        words = list(line.words)
        if left_column:
            words = [w for w in words if w.box.left + w.box.width / 2 < page.width * 0.5]
        elif not (title_row and line is lines[start]):
            kept = _without_stamp_debris(words)
            debris = debris or len(kept) < len(words)
            words = kept
        if not words:
            continue
        sub = make_line(line.page, words)
        folded = fold(sub.text)
        if first is not None and not left_column and _off_centre(sub, first, page):
            continue  # a stamp's lines in the margin, beside the centred block
        if previous is not None and (
            folded.startswith(BODY_STARTS)
            or _ANNEX.match(folded)  # "(Ban hành kèm theo Quyết định …)" under a regulation's title
            or (_mostly_upper(sub.text) and not upper_title)
            or sub.box.top - previous.box.bottom > 1.5 * previous.box.height
            # body paragraphs run the full width; the subject block is narrower and centered
            or (sub.box.width > 1.6 * previous.box.width and sub.box.width > 0.6 * page.width)
        ):
            ended = True
            break
        first = first or sub
        if previous is None:
            upper_title = _mostly_upper(sub.text)
        if not chosen and _SMUDGED_VV.match(fold(words[0].text)):
            words = words[1:]
            sub = make_line(line.page, words)
            folded = fold(sub.text)
        if not chosen:
            m = re.search(rf"{_VV}\b|VE VIEC", folded)
            text = sub.text[m.start() :] if m and m.start() < 8 else sub.text
            if m and m.start() < 8:
                words = list(sub.words_in(m.start(), len(sub.text)))
            text = re.sub(rf"^{_VV}\b", "V/v", text, flags=re.IGNORECASE)
        else:
            text = sub.text
        chosen.extend(words)
        texts.append(text.strip())
        previous = sub
    if not chosen:
        return None
    raw = " ".join(texts)
    # A rule or a stamp's edge read as "|", "_" at the block's end is no part of the subject.
    value = re.sub(r"\s+", " ", raw).strip(" .;|_—-")
    # The subject is what follows "Về việc" / "V/v" (a thông báo prints it without a prefix).
    value = re.sub(rf"^(?:{_VV}|V[eề]\s+vi[eệ]c)\s*[:.]?\s*", "", value, flags=re.IGNORECASE)
    field = make_field("subject", value, raw, chosen, page=page.number, kind="text")
    if debris or (not ended and start + MAX_SUBJECT_LINES < len(lines)):
        # No gap, rule or body line closed the block (it may have run into the body), or words
        # were cut as a stamp's debris (one may have been the subject's): a steward looks.
        field = replace(field, confidence=needs_review(field.confidence))
    return field, chosen


def restore_subject_marks(field: Field, words: Sequence[Word]) -> tuple[Field, list[Finding]]:
    """The subject with tone marks OCR misread restored from the list of Vietnamese words
    (`extractors.data.vocabulary`: only syllables read at under the free-text floor, only where
    no word of the list stands as read), marked repaired, with a finding saying what changed."""
    if not words or all(w.confidence >= 1.0 for w in words):  # a text layer's own letters
        return field, []
    remaining = list(words)
    tokens = []
    for token in field.value.split(" "):
        at = next((k for k, w in enumerate(remaining) if w.text.endswith(token)), None)
        if at is None:
            tokens.append((token, 1.0))  # not a word as read (joined, rewritten): left alone
            continue
        confidence = remaining[at].confidence
        remaining = remaining[at + 1 :]
        tokens.append((token, confidence))
    restored, changes = restore_marks(tokens)
    if not changes:
        return field, []
    value = " ".join(restored)
    which = ", ".join(f"“{old}” → “{new}”" for old, new in changes)
    finding = Finding(
        "subject.marks_restored",
        Severity.WARNING,
        f"Trích yếu: dấu tiếng Việt máy đọc sai đã được sửa theo từ điển ({which}): "
        "hãy đối chiếu với bản scan",
        "subject",
    )
    confidence = needs_review(field.confidence * REPAIR_FACTOR)
    return replace(field, value=value, confidence=confidence), [finding]


def _without_stamp_debris(words: list[Word]) -> list[Word]:
    """A centred line's words without the OCR debris of a stamp at its ends (words read at
    under 0.5: "CS NGTUBN TƯ … quy định các danh mục …")."""
    while words and words[0].confidence < 0.5:
        words = words[1:]
    while words and words[-1].confidence < 0.5:
        words = words[:-1]
    return words


def _off_centre(line: Line, first: Line, page: PageText) -> bool:
    """A line whose centre is far from the block's first line's (a centred block's lines share
    one centre)."""
    centre = (first.box.left + first.box.right) / 2
    return abs((line.box.left + line.box.right) / 2 - centre) > 0.2 * page.width


def _mostly_upper(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 6 and sum(ch.isupper() for ch in letters) / len(letters) > 0.8


# Local bodies a place of issue can vouch for: a people's committee or council of a province
# (its own name), or a department under one (its parent's).
_LOCAL_ISSUER = re.compile(
    r"^(?:Ủy ban nhân dân|Hội đồng nhân dân) (?:tỉnh|thành phố) (?P<place>.+)$"
)


def place_agrees_with_issuer(place: str, issuer: str, parent: str | None = None) -> bool:
    """True when the place of issue is a province (by the closed list) and the issuer is a listed
    local body of that same province ("Quảng Ngãi" / "Ủy ban nhân dân tỉnh Quảng Ngãi"), or a
    listed department under that province's people's committee: the two are read from
    different parts of the page, so agreeing on one listed name vouches for both."""
    listed = match_body(issuer)
    if listed.how != "listed" or listed.name != issuer:
        return False
    body = issuer
    if parent is not None:
        if not issuer.startswith("Sở "):
            return False
        parent_match = match_body(parent)
        if parent_match.how != "listed":
            return False
        body = parent_match.name
    match = _LOCAL_ISSUER.match(body)
    if match is None:
        return False
    province = match_province(place, threshold=1.0)
    return (
        province is not None
        and province.exact
        and province.name == place
        and match.group("place") == place
    )


# The header fields Decree 30/2020 fixes, each read from its own part of the page.
FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("number_symbol", kind="number_symbol", vi="Số, ký hiệu"),
    FieldSpec("issued_on", kind="date", vi="Ngày ban hành"),
    FieldSpec("place", vi="Địa danh"),
    FieldSpec("issuer", vi="Cơ quan ban hành", slot=Role.ISSUER.value, attribute="name"),
    # The upper line of a two-line issuing block: the body the issuer belongs to (Decree 30/2020,
    # Phụ lục I: "tên cơ quan, tổ chức chủ quản trực tiếp").
    FieldSpec("issuer_parent", vi="Cơ quan chủ quản", required=False),
    FieldSpec("subject", vi="Trích yếu"),
    FieldSpec("signer", kind="name", vi="Người ký", required=False),
    # "TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH": the signing authority's lines.
    FieldSpec("signer_title", vi="Quyền hạn, chức vụ người ký", required=False),
)


def extract(pages: Sequence[PageText], attributes: dict[str, str]) -> TypeResult:
    fields, findings = extract_admin_document(pages, attributes.get("kind"))
    if "kind" not in attributes:
        findings.append(
            Finding(
                "kind.missing",
                Severity.WARNING,
                "Không xác định được loại văn bản (quyết định, công văn, …): hãy chọn loại",
                None,
            )
        )
    return TypeResult(fields, findings)


DECLARATION = DocumentType(
    code="admin_document",
    vi="Văn bản hành chính",
    fields=FIELDS,
    slots=(Slot(Role.ISSUER, SubjectKind.ORGANIZATION),),
    extract=extract,
    cues=(
        Cue(((QUOC_HIEU,), ("SO:", "SO :")), prior=0.9),
        # A page whose national motto's first line was cropped away still has its second line,
        # its number and its title.
        Cue(((MOTTO,), ("SO:", "SO :"), TITLE_ANCHORS), prior=0.6),
    ),
    classify_attributes=admin_kind,
    attribute_labels={"kind": KIND_LABELS},
    valid_from=("issued_on",),
    duplicate_key=DuplicateKey(("issuer", "number_symbol", "issued_on")),
    issuer_keyed=True,
)
