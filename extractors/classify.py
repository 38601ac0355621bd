"""Which kind of document a file is, from printed label anchors (DOMAIN.md §5).

Anchors are compared on the folded text (no diacritics, upper case), with a fuzzy ratio, because OCR
drops and swaps Vietnamese marks ("QUYÉT ĐỊNH", "CHÍ THỊ"). The rules are data: adding a type means
adding a rule here and a field extractor in `extractors/fields/`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from extractors.records import DocType, PageText
from extractors.text import fold, fuzzy_find, similarity

ANCHOR_THRESHOLD = 0.8  # fuzzy ratio for an anchor to count as present
QUOC_HIEU = "CONG HOA XA HOI CHU NGHIA VIET NAM"


@dataclass(frozen=True)
class Rule:
    doc_type: DocType
    attributes: dict[str, str]
    all_of: tuple[tuple[str, ...], ...]  # every group needs one of its (folded) anchors
    none_of: tuple[str, ...] = ()  # a match of any of these vetoes the rule
    prior: float = 1.0  # how much a full match is worth against other rules


@dataclass(frozen=True)
class Classification:
    doc_type: DocType
    attributes: dict[str, str] = field(default_factory=dict)
    confidence: float = 0.0
    evidence: tuple[str, ...] = ()  # anchors that matched (English notes)


RULES: tuple[Rule, ...] = (
    Rule(
        DocType.ID_CARD,
        {"variant": "cccd_chip", "side": "front"},
        (
            ("CAN CUOC CONG DAN", "CITIZEN IDENTITY CARD"),
            ("CO GIA TRI DEN", "DATE OF EXPIRY", "NOI THUONG TRU", "QUE QUAN"),
        ),
    ),
    Rule(
        DocType.ID_CARD,
        {"variant": "can_cuoc_2024", "side": "front"},
        (("CAN CUOC", "IDENTITY CARD"), ("SO DINH DANH CA NHAN", "PERSONAL IDENTIFICATION NUMBER")),
        none_of=("CAN CUOC CONG DAN", "CITIZEN IDENTITY CARD", "NOI CU TRU"),
    ),
    Rule(
        DocType.ID_CARD,
        {"variant": "cccd_chip", "side": "back"},
        (
            ("DAC DIEM NHAN DANG", "PERSONAL IDENTIFICATION"),
            (
                "CUC CANH SAT QUAN LY HANH CHINH",
                "CUC TRUONG CUC CANH SAT",  # the signer's title, when the body's name is smudged
                "NGON TRO TRAI",
                "NGON TRO PHAI",
                "IDVNM",
            ),
        ),
        none_of=("NOI DANG KY KHAI SINH", "BO CONG AN"),
    ),
    Rule(
        DocType.ID_CARD,
        {"variant": "can_cuoc_2024", "side": "back"},
        (
            ("NOI CU TRU", "PLACE OF RESIDENCE"),
            ("NOI DANG KY KHAI SINH", "BO CONG AN", "MINISTRY OF PUBLIC SECURITY", "DATE OF ISSUE"),
        ),
        none_of=("GIAY KHAI SINH",),
    ),
    Rule(
        DocType.BIRTH_CERTIFICATE,
        {},
        (("GIAY KHAI SINH",), ("NOI SINH", "NOI DANG KY KHAI SINH", "QUOC TICH", "DAN TOC")),
    ),
    Rule(
        DocType.ENTERPRISE_REGISTRATION,
        {},
        (
            ("GIAY CHUNG NHAN DANG KY DOANH NGHIEP", "MA SO DOANH NGHIEP"),
            ("TEN CONG TY", "DIA CHI TRU SO CHINH", "VON DIEU LE", "NGUOI DAI DIEN THEO PHAP LUAT"),
        ),
    ),
    Rule(
        DocType.LAND_USE_CERTIFICATE,
        {},
        (("QUYEN SU DUNG DAT",), ("THUA DAT SO", "TO BAN DO SO", "GIAY CHUNG NHAN")),
    ),
    Rule(DocType.ADMIN_DOCUMENT, {}, ((QUOC_HIEU,), ("SO:", "SO :")), prior=0.9),
)

# Title lines of administrative documents (Decree 30/2020 Art.7), folded → `kind`.
ADMIN_KINDS: dict[str, str] = {
    "QUYET DINH": "quyet_dinh",
    "CHI THI": "chi_thi",
    "THONG BAO": "thong_bao",
    "NGHI DINH": "nghi_dinh",
    "NGHI QUYET": "nghi_quyet",
    "THONG TU": "thong_tu",
    "KE HOACH": "ke_hoach",
    "BAO CAO": "bao_cao",
    "TO TRINH": "to_trinh",
    "HUONG DAN": "huong_dan",
    "CHUONG TRINH": "chuong_trinh",
    "GIAY MOI": "giay_moi",
    "BIEN BAN": "bien_ban",
    "CONG DIEN": "cong_dien",
    "QUY CHE": "quy_che",
    "LUAT": "luat",
}
# Type abbreviation in the symbol (Decree 30/2020 Phụ lục III) → `kind`, for when the title is lost.
SYMBOL_KINDS: dict[str, str] = {
    "QD": "quyet_dinh",
    "CT": "chi_thi",
    "TB": "thong_bao",
    "ND": "nghi_dinh",
    "NQ": "nghi_quyet",
    "TT": "thong_tu",
    "KH": "ke_hoach",
    "BC": "bao_cao",
    "TTR": "to_trinh",
    "HD": "huong_dan",
    "CTR": "chuong_trinh",
    "GM": "giay_moi",
    "BB": "bien_ban",
    "CD": "cong_dien",
    "QC": "quy_che",
}
FORM_TITLES = ("DON ", "TO KHAI")
HEADER_LINES = 40  # titles and the number line sit in a page's first lines
_SYMBOL = re.compile(r"\b\d{0,6}\s*/\s*(?:\d{4}\s*/\s*)?([A-Z]+)\s*-")


def classify(pages: Sequence[PageText], hint: str | None = None) -> Classification:
    """The document type with its attributes (variant, side, kind) and a confidence 0..1.

    `hint` (a DocType value from a manifest or `--type`) wins when given; the anchors still fill in
    the attributes they can.
    """
    text = fold("\n".join(p.text for p in pages[:2]))
    bare = re.sub(r"\s", "", text)
    best: Classification | None = None
    if _looks_like_form(pages) and not hint:
        # A form's title (ĐƠN …, TỜ KHAI …) decides: its body quotes other papers' labels
        # ("Số định danh cá nhân/Căn cước công dân", "Nơi thường trú").
        return Classification(DocType.APPLICATION_FORM, {}, 0.75, ("form title",))
    for rule in RULES:
        if any(fuzzy_find(veto, text, 0.9) for veto in rule.none_of):
            continue
        scores = []
        evidence = []
        for group in rule.all_of:
            score, anchor = max((_anchor_score(a, text, bare), a) for a in group)
            scores.append(score)
            if score:
                evidence.append(anchor)
        if min(scores) == 0.0:
            continue
        confidence = rule.prior * sum(scores) / len(scores)
        if best is None or confidence > best.confidence:
            best = Classification(rule.doc_type, dict(rule.attributes), confidence, tuple(evidence))
    if best is None and _looks_like_form(pages):
        best = Classification(DocType.APPLICATION_FORM, {}, 0.7, ("form title",))
    if best is not None and best.doc_type is DocType.ADMIN_DOCUMENT:
        if _looks_like_form(pages):
            best = Classification(DocType.APPLICATION_FORM, {}, 0.75, ("form title",))
        else:
            kind, why = admin_kind(pages)
            best = Classification(
                best.doc_type,
                {"kind": kind} if kind else {},
                best.confidence,
                (*best.evidence, why),
            )
    if hint:
        wanted = DocType(hint)
        if best is None or best.doc_type is not wanted:
            best = Classification(wanted, {}, 1.0, ("type given by the caller",))
        else:
            best = Classification(wanted, best.attributes, 1.0, best.evidence)
    return best or Classification(DocType.UNKNOWN, {}, 0.0, ())


def _anchor_score(anchor: str, text: str, bare: str) -> float:
    """Fuzzy presence of an anchor; a text layer that lost its spaces ("Cógiátrịđến") still counts
    when the anchor appears verbatim without spaces (long anchors only, to avoid chance hits)."""
    score = fuzzy_find(anchor, text, ANCHOR_THRESHOLD)
    compact = anchor.replace(" ", "")
    if not score and len(compact) >= 8 and compact in bare:
        return 1.0
    return score


def admin_kind(pages: Sequence[PageText]) -> tuple[str | None, str]:
    """The administrative document's kind: its title line, else its symbol, else a V/v line."""
    lines = _header_lines(pages)
    for line in lines:
        bare = re.sub(r"[^A-Z ]", "", line).strip()
        for title, kind in ADMIN_KINDS.items():
            if bare == title or similarity(bare, title) >= 0.85:
                return kind, f"title {title}"
    for line in lines:
        if re.match(r"^SO\s*[:;.]", line):
            match = _SYMBOL.search(line)
            if match and match.group(1) in SYMBOL_KINDS:
                return SYMBOL_KINDS[match.group(1)], "type abbreviation in the symbol"
            if match:
                break
    if any(re.match(r"^V\s*/\s*[VW]\b", line) for line in lines):
        return "cong_van", "V/v subject line"
    return None, "kind not found"


def _header_lines(pages: Sequence[PageText]) -> list[str]:
    if not pages:
        return []
    return [fold(line) for line in pages[0].text.splitlines()[:HEADER_LINES]]


def _looks_like_form(pages: Sequence[PageText]) -> bool:
    """An application form's title: a short line starting with ĐƠN or TỜ KHAI near the top."""
    if not pages:
        return False
    for line in pages[0].text.splitlines()[:25]:
        letters = [ch for ch in line if ch.isalpha()]
        if not letters or sum(ch.isupper() for ch in letters) / len(letters) < 0.8:
            continue  # a title is printed in capitals; "đơn giản hóa …" in a subject is not one
        bare = re.sub(r"[^A-Z ]", "", fold(line)).strip()
        if any(bare.startswith(t) for t in FORM_TITLES) and len(bare.split()) <= 12:
            return True
    return False
