"""Header fields of an administrative document (Decree 30/2020/NĐ-CP layout).

Header: issuer (left column, beside the national motto), "Số: 86/QĐ-UBND" under it, the date line
"Quảng Ngãi, ngày 16 tháng 01 năm 2025" on the right, then the title (QUYẾT ĐỊNH, …) and the
subject line ("Về việc …"; for a công văn "V/v …" under the number). The signer's name closes the
last page. Handwritten numbers and days are common on scans: when they cannot be read the field is
left out with a finding, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from extractors.data.places import match_province
from extractors.declaration import Cue, DocumentType, DuplicateKey, FieldSpec, Slot
from extractors.fields.admin_kinds import (
    ADMIN_KINDS,
    HEADER_LINES,
    KIND_LABELS,
    QUOC_HIEU,
    SYMBOL_KINDS,
    admin_kind,
)
from extractors.fields.common import (
    Line,
    TypeResult,
    column_parts,
    make_field,
    make_line,
    name_below,
    page_lines,
    parse_date,
    restore_phrases,
)
from extractors.records import Field, Finding, PageText, Role, Severity, SubjectKind, Word
from extractors.text import fold, fuzzy_find, nfc, similarity

MOTTO = "DOC LAP - TU DO - HANH PHUC"
# Printed abbreviations in issuer names, expanded so the issuer reads the same on every document.
ISSUER_ABBREVIATIONS = {"UBND": "Ủy ban nhân dân", "HĐND": "Hội đồng nhân dân"}
# Words kept capitalized inside an issuer name (proper names of institutions).
ISSUER_PROPER = {"CHÍNH PHỦ": "Chính phủ", "QUỐC HỘI": "Quốc hội", "CHỈ ĐẠO": "Chỉ đạo"}
# Provincial departments (Sở …) as Decree 30/2020 writes their names, capitals included.
DEPARTMENTS = (
    "Kế hoạch và Đầu tư", "Tài nguyên và Môi trường", "Tư pháp", "Nội vụ", "Tài chính", "Y tế",
    "Giáo dục và Đào tạo", "Công Thương", "Xây dựng", "Giao thông vận tải",
    "Nông nghiệp và Phát triển nông thôn", "Nông nghiệp và Môi trường",
    "Lao động - Thương binh và Xã hội", "Khoa học và Công nghệ", "Thông tin và Truyền thông",
    "Văn hóa, Thể thao và Du lịch", "Dân tộc và Tôn giáo",
)  # fmt: skip
# Names of bodies (capitals included): a misread mark or the sentence-casing of a header printed
# in capitals is put right by the name.
ISSUER_PHRASES = ("Ủy ban nhân dân", "Hội đồng nhân dân", "Ban Chỉ đạo", "Văn phòng", "Công an",
                  *DEPARTMENTS)  # fmt: skip
LOCALITY_WORDS = ("TỈNH", "THÀNH PHỐ", "HUYỆN", "QUẬN", "XÃ", "PHƯỜNG", "THỊ XÃ", "THỊ TRẤN")
# Lines that start the body after the subject (folded prefixes).
BODY_STARTS = (
    "CAN CU",
    "THUC HIEN",
    "KINH GUI",
    "THEO DE NGHI",
    "XET DE NGHI",
    "NGAY 0",
    "NGAY 1",
    "NGAY 2",
    "NGAY 3",
    "NGAY 4",
    "NGAY 5",
    "NGAY 6",
    "NGAY 7",
    "NGAY 8",
    "NGAY 9",
)
SIGNING_PREFIXES = ("TM.", "KT.", "TL.", "Q.", "TUQ.")
# A signing title printed alone (a chairman signing in his own name has no "TM." line).
SIGNING_TITLES = ("CHU TICH", "PHO CHU TICH", "THU TUONG", "GIAM DOC", "BO TRUONG", "TRUONG BAN")

_NUMBER_LINE = re.compile(r"^\W{0,3}S[ỐốOoÓóỒồỔổÔô0]\s*[:;.]\s*", re.IGNORECASE)
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


def extract_admin_document(
    pages: Sequence[PageText], kind: str | None
) -> tuple[list[Field], list[Finding]]:
    """Header fields of an administrative document and findings for what could not be read."""
    page = pages[0]
    lines = page_lines(page)[:HEADER_LINES]
    fields: list[Field] = []
    findings: list[Finding] = []
    number_line = next((i for i, ln in enumerate(lines) if _NUMBER_LINE.match(ln.text)), None)

    symbol_end = 0
    if number_line is None:
        findings.append(_missing("number_symbol", "Không tìm thấy dòng “Số:” của văn bản"))
    else:
        result = _number_symbol(lines[number_line])
        if isinstance(result, Field):
            fields.append(result)
        elif result is not None:
            findings.append(result)
        symbol_end = _symbol_end(lines[number_line])

    date_line = _date_line(lines)
    if date_line is None:
        findings.append(_missing("issued_on", "Không tìm thấy dòng địa danh, ngày tháng năm"))
    else:
        line, start = date_line
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
        place = _place(
            line, start, symbol_end if number_line is not None and lines[number_line] is line else 0
        )
        if place is not None:
            fields.append(place)

    issuer = _issuer(page, lines, number_line)
    if issuer is not None:
        fields.append(issuer)
    else:
        findings.append(_missing("issuer", "Không xác định được cơ quan ban hành (góc trái)"))

    subject = _subject(page, lines, number_line, kind)
    if subject is not None:
        fields.append(subject)
    else:
        findings.append(_missing("subject", "Không tìm thấy trích yếu (“Về việc …”, “V/v …”)"))

    signer = _signer(pages[-1])
    if signer is not None:
        fields.append(signer)
    return fields, findings


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


def _date_line(lines: list[Line]) -> tuple[Line, int] | None:
    """The line holding "…, ngày … tháng … năm …" and where ", ngày" starts in it."""
    for line in lines:
        folded = fold(line.text)
        if "THANG" in folded and "NAM" in folded:
            m = re.search(r"ng[aà]y", line.text, re.IGNORECASE)
            if m and re.search(r"n[aă]m\s*\d{4}", line.text, re.IGNORECASE):
                return line, m.start()
    return None


def _place(line: Line, date_start: int, after: int) -> Field | None:
    """The place name before ", ngày" (text of the number column on the same line removed)."""
    head = line.text[after:date_start].rstrip(" ,.")
    head = re.sub(r"^[^\wÀ-ỹ]+", "", head)
    if not head:
        return None
    offset = line.text.index(head, after)
    words = line.words_in(offset, offset + len(head))
    return make_field("place", nfc(head), head, words, page=line.page, kind="text")


def _issuer(page: PageText, lines: list[Line], number_line: int | None) -> Field | None:
    """Left-column lines from the national-motto row down to the number line."""
    top_line = next(
        (i for i, ln in enumerate(lines) if fuzzy_find(QUOC_HIEU, fold(ln.text), 0.75)), None
    )
    if top_line is None or number_line is None or number_line <= top_line:
        return None
    first_top = lines[top_line].box.top - lines[top_line].box.height
    stop = lines[number_line].box.top
    column_limit = page.width * 0.45
    words = [
        w
        for ln in lines[:number_line]
        for w in ln.words
        if w.box.left + w.box.width / 2 < column_limit
        and w.box.top >= first_top
        and w.box.bottom <= stop + 2
        and re.search(r"\w", w.text)
    ]
    if not words:
        return None
    rows: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (w.box.top, w.box.left)):
        if rows and abs(rows[-1][0].box.top - w.box.top) < 0.6 * max(1, w.box.height):
            rows[-1].append(w)
        else:
            rows.append([w])
    texts = [" ".join(w.text for w in sorted(r, key=lambda w: w.box.left)) for r in rows]
    texts = [t for t in texts if not fuzzy_find(MOTTO, fold(t), 0.7)]
    if not texts:
        return None
    raw = " / ".join(texts)
    return make_field("issuer", issuer_name(texts), raw, words, page=page.number, kind="text")


def issuer_name(rows: list[str]) -> str:
    """Printed header rows → a readable issuer: "UBND TỈNH QUẢNG NGÃI / BAN CHỈ ĐẠO 138" →
    "Ban Chỉ đạo 138 tỉnh Quảng Ngãi" (the lower row issues; the upper one is its parent)."""
    rows = [re.sub(r"\s+", " ", nfc(r)).strip(" -_—") for r in rows if r.strip(" -_—")]
    rows = [_locality_marks(r) for r in rows]
    if not rows:
        return ""
    body = rows[-1] if len(rows) > 1 and not _starts_with_locality(rows[-1]) else " ".join(rows)
    if len(rows) > 1 and body == rows[-1] and not _locality(body):
        parent_place = _locality(" ".join(rows[:-1]))
        if parent_place:
            body = f"{body} {parent_place}"
    # The bodies' own names are fixed words: a misread mark in them is restored (the value's
    # confidence still comes from the OCR of the words, so a doubtful reading is reviewed).
    return restore_phrases(_sentence_case(body), ISSUER_PHRASES, keep_case=False)[0]


def _starts_with_locality(text: str) -> bool:
    folded = fold(text)
    return any(folded.startswith(fold(w) + " ") for w in LOCALITY_WORDS)


def _locality_marks(row: str) -> str:
    """ "TÍNH QUẢNG NAM" → "TỈNH QUẢNG NAM": a locality word starting a header row, its marks
    misread (the words are a closed list)."""
    folded = fold(row)
    for word in sorted(LOCALITY_WORDS, key=len, reverse=True):
        if folded.startswith(fold(word) + " ") and not row.upper().startswith(word + " "):
            return word + row[len(word) :]
    return row


def _locality(text: str) -> str | None:
    upper = text.upper()
    for word in LOCALITY_WORDS:
        idx = upper.find(word + " ")
        if idx >= 0:
            return text[idx:]
    return None


def _sentence_case(text: str) -> str:
    words = []
    for token in text.split():
        words.append(ISSUER_ABBREVIATIONS.get(token.upper(), token))
    text = " ".join(words)
    lowered = text[:1].upper() + text[1:].lower()
    for upper, proper in ISSUER_PROPER.items():
        lowered = re.sub(upper, proper, lowered, flags=re.IGNORECASE)

    # Place names after a locality word keep capitals: "tỉnh Quảng Ngãi".
    def capitalize_place(m: re.Match[str]) -> str:
        return m.group(1) + " ".join(p[:1].upper() + p[1:] for p in m.group(2).split())

    pattern = r"((?:tỉnh|thành phố|huyện|quận|thị xã|thị trấn|xã|phường) )([^,;/]+)"
    return re.sub(pattern, capitalize_place, lowered)


def _subject(
    page: PageText, lines: list[Line], number_line: int | None, kind: str | None
) -> Field | None:
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
        return _collect_subject(page, lines, start, left_column=True)
    title = next(
        (
            i
            for i, ln in enumerate(lines)
            if any(
                similarity(re.sub(r"[^A-Z ]", "", fold(ln.text)).strip(), t) >= 0.85
                for t in ADMIN_KINDS
            )
        ),
        None,
    )
    if title is None or title + 1 >= len(lines):
        return None
    return _collect_subject(page, lines, title + 1, left_column=False)


def _collect_subject(
    page: PageText, lines: list[Line], start: int, *, left_column: bool
) -> Field | None:
    chosen: list[Word] = []
    texts: list[str] = []
    previous: Line | None = None
    upper_title = False
    for line in lines[start : start + 5]:
        words = list(line.words)
        if left_column:
            words = [w for w in words if w.box.left + w.box.width / 2 < page.width * 0.5]
            if not words:
                continue
        sub = make_line(line.page, words)
        folded = fold(sub.text)
        if previous is not None and (
            folded.startswith(BODY_STARTS)
            or (_mostly_upper(sub.text) and not upper_title)
            or sub.box.top - previous.box.bottom > 1.5 * previous.box.height
            # body paragraphs run the full width; the subject block is narrower and centered
            or (sub.box.width > 1.6 * previous.box.width and sub.box.width > 0.6 * page.width)
            # a line running most of the page's width is body text (the trích yếu is a centered
            # block, well inside the margins)
            or sub.box.width > 0.7 * page.width
        ):
            break
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
    value = re.sub(r"\s+", " ", raw).strip(" .;")
    # The subject is what follows "Về việc" / "V/v" (a thông báo prints it without a prefix).
    value = re.sub(rf"^(?:{_VV}|V[eề]\s+vi[eệ]c)\s*[:.]?\s*", "", value, flags=re.IGNORECASE)
    return make_field("subject", value, raw, chosen, page=page.number, kind="text")


def _mostly_upper(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 6 and sum(ch.isupper() for ch in letters) / len(letters) > 0.8


def _signer(page: PageText) -> Field | None:
    """The name under the signing block (TM./KT./TL. … then the title, the signature, the name).
    The block sits in the right column and often shares OCR lines with "Nơi nhận:" on the left."""
    lines = page_lines(page)
    block: tuple[int, Line] | None = None
    for i, line in enumerate(lines):
        for part in column_parts(line):
            if part.box.left < page.width * 0.4:
                continue
            if part.text.upper().startswith(SIGNING_PREFIXES) or fold(part.text) in SIGNING_TITLES:
                block = block or (i, part)
    if block is None:
        return None
    return name_below(lines, block[0], block[1].box, max_lines=12)


# Issuing bodies whose name is the body plus the locality it serves (the rest, e.g. "Ban Chỉ đạo
# 138", carry words no list holds, so no agreement can vouch for them).
LOCAL_BODIES = frozenset(
    {"Ủy ban nhân dân", "Hội đồng nhân dân", *(f"Sở {d}" for d in DEPARTMENTS)}
)


def place_agrees_with_issuer(place: str, issuer: str) -> bool:
    """True when the place of issue is a province (by the closed list) and the issuer is a local
    body of that same province ("Quảng Ngãi" / "Ủy ban nhân dân tỉnh Quảng Ngãi"): the two are
    read from different parts of the page, so agreeing on one listed name vouches for both."""
    match = _issuer_locality.match(issuer)
    if match is None or match.group("body") not in LOCAL_BODIES:
        return False
    province = match_province(place, threshold=1.0)
    return (
        province is not None
        and province.exact
        and province.name == place
        and match.group("place") == place
    )


_issuer_locality = re.compile(r"^(?P<body>.+?) (?:tỉnh|thành phố) (?P<place>[^,;/]+)$")


# The header fields Decree 30/2020 fixes, each read from its own part of the page.
FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("number_symbol", kind="number_symbol", vi="Số, ký hiệu"),
    FieldSpec("issued_on", kind="date", vi="Ngày ban hành"),
    FieldSpec("place", vi="Địa danh"),
    FieldSpec("issuer", vi="Cơ quan ban hành", slot=Role.ISSUER.value, attribute="name"),
    FieldSpec("subject", vi="Trích yếu"),
    FieldSpec("signer", kind="name", vi="Người ký", required=False),
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
    cues=(Cue(((QUOC_HIEU,), ("SO:", "SO :")), prior=0.9),),
    classify_attributes=admin_kind,
    attribute_labels={"kind": KIND_LABELS},
    valid_from=("issued_on",),
    duplicate_key=DuplicateKey(("issuer", "number_symbol", "issued_on")),
    issuer_keyed=True,
)
