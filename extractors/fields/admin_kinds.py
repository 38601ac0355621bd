"""The kinds of administrative documents (Decree 30/2020/NĐ-CP Art.7): their title lines, the type
abbreviations of their symbols (Phụ lục III), their Vietnamese names, and how a page tells its kind.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from extractors.records import PageText
from extractors.text import fold, similarity

QUOC_HIEU = "CONG HOA XA HOI CHU NGHIA VIET NAM"
# Title lines (folded) → `kind`.
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
# Type abbreviation in the symbol → `kind`, for when the title is lost.
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
# What a Vietnamese reader calls each kind (a công văn has no title line of its own).
KIND_LABELS: dict[str, str] = {
    "quyet_dinh": "Quyết định",
    "chi_thi": "Chỉ thị",
    "thong_bao": "Thông báo",
    "nghi_dinh": "Nghị định",
    "nghi_quyet": "Nghị quyết",
    "thong_tu": "Thông tư",
    "ke_hoach": "Kế hoạch",
    "bao_cao": "Báo cáo",
    "to_trinh": "Tờ trình",
    "huong_dan": "Hướng dẫn",
    "chuong_trinh": "Chương trình",
    "giay_moi": "Giấy mời",
    "bien_ban": "Biên bản",
    "cong_dien": "Công điện",
    "quy_che": "Quy chế",
    "luat": "Luật",
    "cong_van": "Công văn",
}
HEADER_LINES = 40  # titles and the number line sit in a page's first lines
_SYMBOL = re.compile(r"\b\d{0,6}\s*/\s*(?:\d{4}\s*/\s*)?([A-Z]+)\s*-")


def admin_kind(pages: Sequence[PageText]) -> tuple[dict[str, str], str]:
    """The document's kind (``{"kind": …}``, or {} when not found) and how it was found: its
    title line, else its symbol's type abbreviation, else a "V/v" subject line (công văn)."""
    lines = _header_lines(pages)
    for line in lines:
        bare = re.sub(r"[^A-Z ]", "", line).strip()
        for title, kind in ADMIN_KINDS.items():
            if bare == title or similarity(bare, title) >= 0.85:
                return {"kind": kind}, f"title {title}"
    for line in lines:
        if re.match(r"^SO\s*[:;.]", line):
            match = _SYMBOL.search(line)
            if match and match.group(1) in SYMBOL_KINDS:
                kind = SYMBOL_KINDS[match.group(1)]
                return {"kind": kind}, "type abbreviation in the symbol"
            if match:
                break
    if any(re.match(r"^V\s*/\s*[VW]\b", line) for line in lines):
        return {"kind": "cong_van"}, "V/v subject line"
    return {}, "kind not found"


def _header_lines(pages: Sequence[PageText]) -> list[str]:
    if not pages:
        return []
    return [fold(line) for line in pages[0].text.splitlines()[:HEADER_LINES]]
