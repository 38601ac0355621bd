"""The signing block of an administrative document: `signer_title` and `signer`.

Decree 30/2020 (Art. 8, Phụ lục I) closes a document with the signing authority in capitals in the
right column — "TM. ỦY BAN NHÂN DÂN" / "KT. CHỦ TỊCH" / "PHÓ CHỦ TỊCH", or a title alone ("BỘ
TRƯỞNG") — then the signature and the seal, then the signer's name. `signer_title` is those lines
as printed, joined by one space; `signer` is the name alone (an academic title or a military rank
printed before it, "PGS.TS." or "Trung tướng", is not part of the name).

OCR returns the block's lines interleaved with "Nơi nhận" on the left and out of order around a
seal, so the block is read by position: column parts of the page's lines, sorted top to bottom.

Honest confidence: a deputy's title ("PHÓ …", "THỨ TRƯỞNG") without the "KT." line it needs, or a
block with a hole where a line should be, is a title with a line lost (under a seal): below the
review threshold, with a finding.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import replace

from rapidfuzz.distance import Levenshtein

from extractors.confidence import needs_review
from extractors.data import family_names, name_syllables
from extractors.fields.lines import Line, column_parts, page_lines
from extractors.fields.names import restore_name, restore_phrases
from extractors.fields.values import make_field
from extractors.records import Field, Finding, PageSource, PageText, Severity, Word
from extractors.text import fold, nfc, similarity

# Lines that open a signing block (folded): on behalf of (TM.), for (KT.), by order of (TL.),
# authorised (TUQ.), acting (Q.).
PREFIXES = ("TM.", "T/M", "T.M.", "KT.", "K/T", "TL.", "T/L", "TUQ.", "Q.")
# Heads of collective bodies (a people's committee, the Government): they sign "TM. ỦY BAN NHÂN
# DÂN" / "TM. CHÍNH PHỦ" above their title, or the title alone for their own decisions. On a scan
# the title alone may be a block whose "TM." line the seal or the layout lost
# (backan-tp-2110-ubnd-vp: "CHỦ TỊCH" at 0.93 for "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH").
COLLECTIVE_HEADS = ("CHU TICH", "THU TUONG")
# Signing titles printed alone, as Decree 30 and the corpus print them.
WRITTEN_TITLES = (
    "CHỦ TỊCH", "PHÓ CHỦ TỊCH", "THỦ TƯỚNG", "PHÓ THỦ TƯỚNG", "BỘ TRƯỞNG", "THỨ TRƯỞNG",
    "GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "TỔNG GIÁM ĐỐC", "PHÓ TỔNG GIÁM ĐỐC", "HIỆU TRƯỞNG",
    "PHÓ HIỆU TRƯỞNG", "VIỆN TRƯỞNG", "PHÓ VIỆN TRƯỞNG", "TRƯỞNG BAN", "PHÓ TRƯỞNG BAN",
    "CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG", "CHỦ NHIỆM", "PHÓ CHỦ NHIỆM", "CỤC TRƯỞNG",
    "PHÓ CỤC TRƯỞNG", "TỔNG CỤC TRƯỞNG", "TRƯỞNG PHÒNG", "TỔNG THƯ KÝ", "CHÁNH ÁN",
    "TỔNG KIỂM TOÁN", "THỐNG ĐỐC", "TỔNG THANH TRA", "CHỦ TỊCH QUỐC HỘI", "BỘ TRƯỞNG, CHỦ NHIỆM",
)  # fmt: skip
TITLES = {fold(t): t for t in WRITTEN_TITLES}  # folded → written
DEPUTY = ("PHO ", "THU TRUONG")
# The words signing lines are made of, marks included: a misread mark in them is restored (the
# value is then marked repaired and goes to a steward).
TITLE_PHRASES = (
    "ỦY BAN NHÂN DÂN", "HỘI ĐỒNG NHÂN DÂN", "CHÍNH PHỦ", "QUỐC HỘI", "BAN THƯỜNG VỤ",
    "BAN CHẤP HÀNH", "THƯỜNG TRỰC", "PHÓ CHỦ TỊCH", "CHỦ TỊCH", "PHÓ THỦ TƯỚNG", "THỦ TƯỚNG",
    "BỘ TRƯỞNG", "THỨ TRƯỞNG", "PHÓ GIÁM ĐỐC", "GIÁM ĐỐC", "PHÓ HIỆU TRƯỞNG", "HIỆU TRƯỞNG",
    "PHÓ VIỆN TRƯỞNG", "VIỆN TRƯỞNG", "PHÓ CHÁNH VĂN PHÒNG", "CHÁNH VĂN PHÒNG", "VĂN PHÒNG",
    "PHÓ TRƯỞNG BAN", "TRƯỞNG BAN", "PHÓ CHỦ NHIỆM", "CHỦ NHIỆM", "PHÓ CỤC TRƯỞNG",
    "CỤC TRƯỞNG", "TỔNG GIÁM ĐỐC", "TRƯỞNG PHÒNG", "TỔNG THƯ KÝ", "CHÁNH ÁN", "THỐNG ĐỐC",
    "TỔNG THANH TRA", "TỔNG KIỂM TOÁN", "HỘI ĐỒNG", "GIÁM ĐỐC SỞ", "TUQ.", "KT.", "TM.", "TL.",
)  # fmt: skip
# Printed before a name, not part of it: academic titles and degrees, military and police ranks.
_ACADEMIC = re.compile(
    r"^(?:(?:G\s*S|P\s*G\s*S|T\s*S|Th\s*S|T\s*S\s*K\s*H|B\s*S|K\s*S|CN)\.\s*)+", re.I
)
RANKS = (
    "Đại tướng", "Thượng tướng", "Trung tướng", "Thiếu tướng", "Đại tá", "Thượng tá", "Trung tá",
    "Thiếu tá", "Đại úy", "Thượng úy", "Trung úy", "Thiếu úy",
)  # fmt: skip
MAX_NAME_DROP = 14  # row heights between the last title line and the name (signature, seal)


def signing_fields(pages: Sequence[PageText]) -> tuple[list[Field], list[Finding]]:
    """`signer_title` and `signer` from the last page that has a signing block."""
    for page in reversed(pages):
        parts = _parts(page)
        start = _block_start(page, parts)
        if start is None:
            continue
        titles = _title_lines(parts, start)
        fields, findings = _title_field(titles, page.number)
        name = _name(parts, titles)
        if name is not None:
            fields.append(name)
            if page.source is not PageSource.TEXT_LAYER:
                findings.append(
                    Finding(
                        "signer.scanned",
                        Severity.INFO,
                        f"Tên người ký “{name.value}” đọc từ bản scan, dưới chữ ký và con dấu: "
                        "không có gì trên trang để đối chiếu dấu thanh, hãy kiểm tra",
                        "signer",
                    )
                )
        return fields, findings
    return [], []


def _parts(page: PageText) -> list[Line]:
    """Every column part of every line, top to bottom; pieces of one printed line that OCR
    returned as separate lines (a seal cut "GIÁM ĐỐC" into "G", "IÁM ĐÓ", "0C") joined again."""
    parts = [p for line in page_lines(page) for p in column_parts(line) if p.words]
    parts.sort(key=lambda p: (p.box.top, p.box.left))
    joined: list[Line] = []
    for part in parts:
        for i, other in enumerate(joined):
            overlap = min(part.box.bottom, other.box.bottom) - max(part.box.top, other.box.top)
            gap = max(part.box.left - other.box.right, other.box.left - part.box.right)
            height = min(part.box.height, other.box.height)
            if overlap > 0.5 * height and gap < 1.5 * height:
                words = sorted([*other.words, *part.words], key=lambda w: w.box.left)
                joined[i] = other.sub(words)
                break
        else:
            joined.append(part)
    return sorted(joined, key=lambda p: (p.box.top, p.box.left))


def _folded(part: Line) -> str:
    return re.sub(r"^[^A-Z0-9]+", "", fold(part.text))


def _opens_block(part: Line) -> bool:
    folded = _folded(part)
    return folded.startswith(PREFIXES) or _title_of(folded) is not None


def _title_of(folded: str) -> str | None:
    """The signing title (folded) a line reads as, allowing a misread letter or a split word
    ("G IAM DO 0C" is "GIAM DOC"); None when it is no title or close to two."""
    bare = re.sub(r"[^A-Z ,]", "", folded).strip(" ,")
    if bare in TITLES:
        return bare
    compact = re.sub(r"[^A-Z0-9]", "", folded)
    close = {t for t in TITLES if similarity(compact, t.replace(" ", "").replace(",", "")) >= 0.85}
    return close.pop() if len(close) == 1 else None


def _block_start(page: PageText, parts: list[Line]) -> int | None:
    """The first part in the right half that opens a signing block (the last such group on the
    page: a body line never starts so, and the block closes the page)."""
    starts = [i for i, p in enumerate(parts) if p.box.left >= page.width * 0.4 and _opens_block(p)]
    if not starts:
        return None
    # Several blocks (a signature page with two signers is rare): the first of the last group.
    first = starts[-1]
    for i in reversed(starts[:-1]):
        if parts[first].box.top - parts[i].box.bottom > 3 * parts[i].box.height:
            break
        first = i
    return first


def _title_lines(parts: list[Line], start: int) -> list[Line]:
    """The block's lines in capitals, from `start` down while they stay in its column and close
    to one another."""
    head = parts[start]
    lines = [head]
    centre = (head.box.left + head.box.right) / 2
    reach = max(head.box.width, 8 * head.box.height) * 0.75
    for part in parts[start + 1 :]:
        last = lines[-1]
        if part.box.top - last.box.bottom > 1.6 * last.box.height:
            break
        mid = (part.box.left + part.box.right) / 2
        if abs(mid - centre) > reach or part.box.top <= last.box.top:
            continue
        if sum(w.confidence for w in part.words) / len(part.words) < 0.5:
            continue  # a seal's debris read as letters ("ÀÑ")
        if not _in_capitals(part.text):
            break
        if sum(ch.isalpha() for ch in part.text) < 4 and not _folded(part).startswith(PREFIXES):
            continue  # "LÀ", "Í": no title line is this short
        lines.append(part)
    return lines


def _in_capitals(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 2 and sum(ch.isupper() for ch in letters) / len(letters) > 0.8


def _title_field(titles: list[Line], page: int) -> tuple[list[Field], list[Finding]]:
    words = [w for line in titles for w in line.words]
    texts = [_clean_title(line.text) for line in titles]
    raw = " ".join(t for t in texts if t)
    canonical = [_canonical_title(t) for t in texts]
    if not raw:
        return [], []
    text_layer = all(w.confidence >= 1.0 for w in words)
    value, restored = (raw, False)
    if not text_layer:
        lines = [
            c or restore_phrases(t, TITLE_PHRASES, keep_case=False, slack=1)[0]
            for c, t in zip(canonical, texts, strict=True)
        ]
        value = " ".join(line for line in lines if line)
        restored = value != raw
    field = make_field("signer_title", value, raw, words, page=page, kind="text", repaired=restored)
    problem = _title_problem([fold(t) for t in texts], titles, scanned=not text_layer)
    if problem is None:
        return [field], []
    finding = Finding(
        "signer_title.incomplete",
        Severity.WARNING,
        f"Chức vụ người ký đọc được “{value}” có vẻ thiếu dòng ({problem}): "
        "hãy đối chiếu với bản scan",
        "signer_title",
    )
    return [replace(field, confidence=needs_review(field.confidence))], [finding]


def _canonical_title(text: str) -> str | None:
    """A line that reads as one signing title, written as the title is ("G IÁM ĐÓ 0C" →
    "GIÁM ĐỐC", "BỘ TRƯỞNG, CHỦ NHIỆM" as it is); None for other lines (a "TM. …" line)."""
    folded = fold(text)
    if folded.startswith(PREFIXES):
        return None
    title = _title_of(folded)
    return None if title is None else TITLES[title]


def _clean_title(text: str) -> str:
    text = nfc(text).strip(" ._-—|,;:")
    text = re.sub(r"^[^\w]+", "", text)
    text = re.sub(r"\s*\.\s*", ". ", text).replace(" ,", ",")
    text = re.sub(r"\b(TM|KT|TL|TUQ)\.\s*", r"\1. ", text)
    return re.sub(r"\s+", " ", text).strip()


def _title_problem(folded: list[str], titles: list[Line], *, scanned: bool) -> str | None:
    """Why the block looks like it lost a line, or None."""
    last = folded[-1]
    if scanned and len(folded) == 1 and re.sub(r"[^A-Z ]", "", last).strip() in COLLECTIVE_HEADS:
        return "người đứng đầu ký thay mặt tập thể thường có dòng “TM. …” phía trên"
    if any(last.startswith(p) for p in PREFIXES):
        return "dòng cuối là dòng “TM./KT./TL.”, thiếu chức vụ"
    bare = re.sub(r"[^A-Z ,]", "", last).strip(" ,")
    if bare.startswith(DEPUTY) and not any(f.startswith(("KT.", "K/T")) for f in folded[:-1]):
        return "cấp phó ký thay mà không có dòng “KT.”"
    pitches = [b.box.top - a.box.top for a, b in itertools.pairwise(titles)]
    if pitches and max(pitches) > 1.8 * min(pitches):
        return "khoảng trống giữa các dòng"
    return None


def _name(parts: list[Line], titles: list[Line]) -> Field | None:
    """The first run of 2–5 name words under the block, in its column, within the signature's
    drop."""
    head, last = titles[0], titles[-1]
    centre = (head.box.left + head.box.right) / 2
    reach = max(max(t.box.width for t in titles), 8 * head.box.height) * 0.75
    limit = last.box.bottom + MAX_NAME_DROP * last.box.height
    for part in parts:
        if part.box.top <= last.box.bottom or part.box.top > limit:
            continue
        mid = (part.box.left + part.box.right) / 2
        if abs(mid - centre) > reach:
            continue
        found = _name_words(part.words)
        if found is not None:
            words, raw = found
            if all(w.confidence >= 1.0 for w in words):  # a text layer's own letters
                return make_field("signer", raw, part.text, words, page=part.page, kind="name")
            nearest = _family_name_one_letter_off(raw)
            name, repaired = restore_name(nearest)
            repaired = repaired or nearest != raw
            field = make_field(
                "signer", name, part.text, words, page=part.page, kind="name", repaired=repaired
            )
            # Read under a signature and a seal, a name's tone marks go wrong with a confident
            # engine ("Mai Tiên Dũng" for "Mai Tiến Dũng" at 0.95+, real dev half) and nothing
            # on the page checks them: a scanned signer always gets a steward's look.
            return replace(field, confidence=needs_review(field.confidence))
    return None


def _name_words(words: Sequence[Word]) -> tuple[list[Word], str] | None:
    """The name in a part's words: titles and ranks before it dropped; 2–5 capitalized words
    (a name printed in capitals is written in title case)."""
    # Punctuation and a seal's debris (letters read at under 0.3, "&:", "Ỷ") are not the name,
    # nor a signature's tail read as a quote mark glued to it ("“Trần Hồng Mai", vace-103-qd).
    kept = [w for w in words if _bare(w.text) and w.confidence >= 0.3]
    text = " ".join(w.text for w in kept)
    academic = _ACADEMIC.match(text)
    if academic:
        dropped = len(text[: academic.end()].split())
        kept = kept[dropped:]
    for rank in RANKS:
        if fold(" ".join(w.text for w in kept[:2])).startswith(fold(rank)):
            kept = kept[len(rank.split()) :]
            break
    texts = [_bare(w.text) for w in kept]
    if not 2 <= len(texts) <= 5:
        return None
    if all(_is_name_word(t) for t in texts):
        return kept, " ".join(texts)
    if all(re.fullmatch(r"[^\W\d_]+", t) and t.isupper() for t in texts):
        # A name printed in capitals, not another title line ("CHỦ TỊCH UBND TỈNH" under the
        # signature of a chairman signing for a steering committee): every word a name's.
        written = [t[:1] + t[1:].lower() for t in texts]
        if fold(written[0]) in family_names() and all(w in name_syllables() for w in written[1:]):
            return kept, " ".join(written)
    return None


def _family_name_one_letter_off(name: str) -> str:
    """ "Vươấg Quốc Tuấn" → "Vương Quốc Tuấn": a first word of four letters or more that is no
    family name as read, one letter away from exactly one listed family name (a seal or a
    signature stroke over a letter, bacninh-322-ubnd-kgvx). The caller marks it repaired."""
    family, _, rest = name.partition(" ")
    folded = fold(family)
    names = family_names()
    if len(folded) < 4 or folded in names or not rest:
        return name
    close = [written for key, written in names.items() if Levenshtein.distance(folded, key) == 1]
    return f"{close[0]} {rest}" if len(close) == 1 else name


def _bare(text: str) -> str:
    """A word without the punctuation and marks at its ends ("“Trần" → "Trần", "Mai." → "Mai")."""
    return re.sub(r"^[\W_]+|[\W_]+$", "", text)


def _is_name_word(text: str) -> bool:
    return bool(re.fullmatch(r"[^\W\d_]+", text)) and text[:1].isupper() and text[1:].islower()
