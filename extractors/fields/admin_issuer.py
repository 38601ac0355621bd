"""The issuing block of an administrative document: `issuer` and `issuer_parent`.

Decree 30/2020 prints the issuing body top left, beside the national motto; a body under another
prints its parent on the line above ("UBND TỈNH ĐẮK NÔNG" / "SỞ Y TẾ"). The lower body issued the
document (`issuer`, in sentence case), the upper one is `issuer_parent`. A long name wraps over two
lines ("ỦY BAN NHÂN DÂN" / "TỈNH BẮC NINH", "BỘ LAO ĐỘNG - THƯƠNG BINH" / "VÀ XÃ HỘI"): a line
that starts with a locality word or a joining word, or follows a line ending in one, continues the
name above; a line that starts with the word of a body (Sở, Trường, Viện, Ban …) is a new body.

Every name is looked up in the closed list (`extractors.data.bodies`): a listed name takes the
list's spelling; an OCR-broken one is restored to the one listed name this close, and goes to a
steward; a name of a kind the list holds all of (a ministry, a people's committee, a department)
that is not in it goes to a steward too. Other bodies (universities, institutes, associations) keep
what OCR read, in sentence case.
"""

from __future__ import annotations

import re
from dataclasses import replace

from extractors.confidence import needs_review
from extractors.data.bodies import ABBREVIATIONS, CITIES, BodyMatch, match_body, province_names
from extractors.fields.admin_kinds import QUOC_HIEU
from extractors.fields.lines import Line
from extractors.fields.values import make_field
from extractors.records import Field, Finding, PageText, Severity, Word
from extractors.text import fold, fuzzy_find, nfc

MOTTO = "DOC LAP - TU DO - HANH PHUC"
LOCALITY_WORDS = ("TỈNH", "THÀNH PHỐ", "HUYỆN", "QUẬN", "XÃ", "PHƯỜNG", "THỊ XÃ", "THỊ TRẤN")
# Words that join a wrapped name's lines ("… THƯƠNG BINH" / "VÀ XÃ HỘI").
JOINING = ("VA", "-", "&", ",")
# First words of a body's name (folded): a header line starting so is a body of its own.
BODY_HEADS = (
    "SO", "BO", "TRUONG", "VIEN", "HOC VIEN", "DAI HOC", "BAN", "CUC", "CHI CUC", "TONG CUC",
    "PHONG", "TRUNG TAM", "VAN PHONG", "UY BAN", "UBND", "HDND", "HOI DONG", "CONG AN", "KHOA",
    "BENH VIEN", "THANH TRA", "KHO BAC", "BAO HIEM", "TOA AN", "HOI", "DOAN", "LIEN DOAN",
    "TONG CONG TY", "CONG TY", "THUE", "DAI", "NGAN HANG", "DANG UY", "THU TUONG", "CHINH PHU",
    "QUOC HOI",
)  # fmt: skip
# Words that name a kind of body, after which a proper name starts with a capital ("Trường Đại
# học Công nghệ", "Học viện Kỹ thuật quân sự").
TYPE_WORDS = (
    "trường", "đại học", "học viện", "viện", "hội", "ban", "trung tâm", "sở", "bộ", "cục",
    "tổng cục", "chi cục", "khoa", "bệnh viện", "phòng", "đài", "công ty",
)  # fmt: skip
_ABBREVIATED = {a.rstrip(".").upper() for a, _ in ABBREVIATIONS}


def issuer_fields(
    page: PageText, lines: list[Line], number_line: int | None
) -> tuple[list[Field], list[Finding]]:
    """`issuer` and `issuer_parent` (when the block has one) with the findings they raise."""
    block = issuing_block(page, lines, number_line)
    if block is None:
        return [], []
    bodies = split_bodies(block)
    if not bodies:
        return [], []
    fields: list[Field] = []
    findings: list[Finding] = []
    roles = [("issuer", bodies[-1])]
    if len(bodies) > 1:
        roles.append(("issuer_parent", bodies[-2]))
    for name, rows in roles:
        field, finding = _body_field(name, rows, page.number)
        fields.append(field)
        if finding is not None:
            findings.append(finding)
    return fields, findings


def issuing_block(page: PageText, lines: list[Line], number_line: int | None) -> list[list[Word]]:
    """The rows of words of the header's left column, from the motto's row down to the number
    line (the words left of where the motto starts, so a long name is not cut at a fixed x)."""
    top_line = next(
        (i for i, ln in enumerate(lines) if fuzzy_find(QUOC_HIEU, fold(ln.text), 0.75)), None
    )
    if top_line is None:
        return []
    motto = lines[top_line]
    start = next((w for w in motto.words if fold(w.text).startswith(("CONG", "CONC", "COM"))), None)
    boundary = start.box.left if start is not None else page.width * 0.45
    if boundary < page.width * 0.25:  # the motto alone on its line: the column is to its left
        boundary = page.width * 0.45
    first_top = motto.box.top - motto.box.height
    if number_line is not None and number_line > top_line:
        stop = lines[number_line].box.top
    else:
        stop = motto.box.bottom + 4 * motto.box.height
    words = [
        w
        for ln in lines
        for w in ln.words
        if w.box.right <= boundary + 0.3 * w.box.height
        and w.box.top >= first_top
        and w.box.bottom <= stop + 2
        and (re.search(r"\w", w.text) or w.text in ("-", "&", "–"))
    ]
    rows: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (w.box.top, w.box.left)):
        if rows and abs(rows[-1][0].box.top - w.box.top) < 0.6 * max(1, w.box.height):
            rows[-1].append(w)
        else:
            rows.append([w])
    rows = [_one_reading(sorted(r, key=lambda w: w.box.left)) for r in rows]
    return [r for r in rows if not fuzzy_find(MOTTO, fold(_text(r)), 0.7)]


def _one_reading(row: list[Word]) -> list[Word]:
    """A row without the second reading OCR made of the same ink (two words whose boxes mostly
    overlap: the more confident one stays)."""
    kept: list[Word] = []
    for w in row:
        if kept:
            last = kept[-1]
            overlap = min(last.box.right, w.box.right) - max(last.box.left, w.box.left)
            if overlap > 0.5 * min(last.box.width, w.box.width):
                if w.confidence > last.confidence:
                    kept[-1] = w
                continue
        kept.append(w)
    return kept


def split_bodies(rows: list[list[Word]]) -> list[list[list[Word]]]:
    """The block's rows grouped into bodies (see the module notes)."""
    bodies: list[list[list[Word]]] = []
    for row in rows:
        text = _unglue(_text(row))
        if not re.search(r"[^\W\d_]{2}", text):
            continue
        if bodies and _continues(_unglue(_text(bodies[-1][-1])), text):
            bodies[-1].append(row)
        else:
            bodies.append([row])
    return bodies


def _continues(previous: str, text: str) -> bool:
    folded, before = fold(text), fold(previous)
    if folded.startswith(tuple(fold(w) + " " for w in LOCALITY_WORDS)):
        return True
    if folded.split(" ")[0] in JOINING or before.split(" ")[-1] in JOINING or text[:1].islower():
        return True
    return not any(folded == h or folded.startswith(h + " ") for h in BODY_HEADS)


def _body_field(name: str, rows: list[list[Word]], page: int) -> tuple[Field, Finding | None]:
    words = [w for row in rows for w in row]
    raw = " / ".join(_text(r) for r in rows)
    printed = " ".join(_text(r) for r in rows)
    match = match_body(_unglue(printed))
    value = match.name if match.listed else sentence_case(_unglue(printed))
    field = make_field(name, value, raw, words, page=page, kind="text", repaired=False)
    field = replace(field, value=value)  # the list's spelling, not a restyled one
    finding = _finding(name, printed, match)
    if finding is not None or not _plausible(value):
        field = replace(field, confidence=needs_review(field.confidence))
    if finding is None and not _plausible(value):
        finding = Finding(
            f"{name}.unrecognized",
            Severity.WARNING,
            f"“{value}” không giống tên một cơ quan, tổ chức: hãy đối chiếu với bản scan",
            name,
        )
    return field, finding


def _finding(name: str, printed: str, match: BodyMatch) -> Finding | None:
    what = "Cơ quan ban hành" if name == "issuer" else "Cơ quan chủ quản"
    if match.how == "restored":
        return Finding(
            f"{name}.restored",
            Severity.WARNING,
            f"{what}: máy đọc được “{printed}”, đã đối chiếu với danh mục cơ quan thành "
            f"“{match.name}”: hãy kiểm tra",
            name,
        )
    if match.how == "unlisted":
        return Finding(
            f"{name}.unlisted",
            Severity.WARNING,
            f"{what} “{printed}” không có trong danh mục cơ quan nhà nước: "
            "hãy đối chiếu với bản scan",
            name,
        )
    return None


def _plausible(value: str) -> bool:
    """A body's name starts with the word of a body (or is a listed one)."""
    folded = fold(value)
    return any(folded == h or folded.startswith(h + " ") for h in BODY_HEADS)


def _text(row: list[Word]) -> str:
    text = " ".join(w.text for w in row)
    text = re.sub(r"\s+", " ", nfc(text)).strip(" _—–-|.")
    return text


def _unglue(text: str) -> str:
    """ "VIỆNCNTT" → "VIỆN CNTT": OCR glued a body's word to an abbreviation."""
    heads = ("VIỆN", "TRƯỜNG", "SỞ", "BỘ", "BAN", "CỤC", "PHÒNG", "KHOA", "HỘI")
    text = re.sub(r"(?i)\b(việt)(nam)\b", r"\1 \2", text)  # "VIỆTNAM"
    out = []
    for token in text.split(" "):
        upper = token.upper()
        head = next(
            (h for h in heads if upper.startswith(h) and upper[len(h) :] in _ABBREVIATED), None
        )
        out.append(f"{token[: len(head)]} {token[len(head) :]}" if head else token)
    return " ".join(out)


def sentence_case(text: str) -> str:
    """A header printed in capitals, as a name is written: "TRƯỜNG ĐẠI HỌC CÔNG NGHỆ" →
    "Trường Đại học Công nghệ" (the first word, the word after a body's kind, places and
    abbreviations keep their capitals; "UBND" → "Ủy ban nhân dân")."""
    tokens = []
    for token in text.split():
        if token.upper() in ("UBND", "HĐND"):
            tokens.append("Ủy ban nhân dân" if token.upper() == "UBND" else "Hội đồng nhân dân")
        elif token.rstrip(".").upper() in _ABBREVIATED or re.fullmatch(r"\d+\w*", token):
            tokens.append(token.upper())
        else:
            tokens.append(token.lower())
    out = " ".join(tokens)
    out = out[:1].upper() + out[1:]
    # A body's kind, then its proper name with a capital: "Học viện Kỹ thuật quân sự".
    kinds = "|".join(sorted((re.escape(t) for t in TYPE_WORDS), key=len, reverse=True))
    out = re.sub(
        rf"(?i)(^|\s)((?:{kinds})\s+)([^\W\d_])",
        lambda m: m.group(1) + m.group(2) + m.group(3).upper(),
        out,
    )
    # Places keep their capitals: after a locality word, and the provinces' names anywhere.
    out = re.sub(
        r"((?:tỉnh|thành phố|huyện|quận|thị xã|thị trấn|xã|phường) )([^,;/]+)$",
        lambda m: m.group(1) + " ".join(p[:1].upper() + p[1:] for p in m.group(2).split()),
        out,
    )
    for place in (*province_names(), *CITIES, "Việt Nam"):
        out = re.sub(rf"(?i)(?<!\w){re.escape(place)}(?!\w)", place, out)
    for word, proper in (("chính phủ", "Chính phủ"), ("quốc hội", "Quốc hội")):
        out = re.sub(rf"(?i)(?<!\w){word}(?!\w)", proper, out)
    return out
