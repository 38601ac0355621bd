"""The kinds of administrative documents (Decree 30/2020/NĐ-CP Art.7) and of legal normative
documents (Law 80/2015, Art. 4): their title lines, the type abbreviations of their symbols (Phụ lục
III), their Vietnamese names, and how a page tells its kind.
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
    "QUY DINH": "quy_dinh",
    "LUAT": "luat",
    "PHAP LENH": "phap_lenh",
    "THONG TU LIEN TICH": "thong_tu_lien_tich",
    "NGHI QUYET LIEN TICH": "nghi_quyet_lien_tich",
    "THONG CAO": "thong_cao",
    "PHUONG AN": "phuong_an",
    "DE AN": "de_an",
    "DU AN": "du_an",
    "HOP DONG": "hop_dong",
    "BAN GHI NHO": "ban_ghi_nho",
    "BAN THOA THUAN": "ban_thoa_thuan",
    "GIAY UY QUYEN": "giay_uy_quyen",
    "GIAY GIOI THIEU": "giay_gioi_thieu",
    "GIAY NGHI PHEP": "giay_nghi_phep",
    "PHIEU GUI": "phieu_gui",
    "PHIEU CHUYEN": "phieu_chuyen",
    "PHIEU BAO": "phieu_bao",
    "THU CONG": "thu_cong",
}
# A law's or an ordinance's title line carries its name: "LUẬT VIỆC LÀM".
TITLE_PREFIX_KINDS: dict[str, str] = {"LUAT": "luat", "PHAP LENH": "phap_lenh"}
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
    "quy_dinh": "Quy định",
    "luat": "Luật",
    "phap_lenh": "Pháp lệnh",
    "thong_tu_lien_tich": "Thông tư liên tịch",
    "nghi_quyet_lien_tich": "Nghị quyết liên tịch",
    "thong_cao": "Thông cáo",
    "phuong_an": "Phương án",
    "de_an": "Đề án",
    "du_an": "Dự án",
    "hop_dong": "Hợp đồng",
    "ban_ghi_nho": "Bản ghi nhớ",
    "ban_thoa_thuan": "Bản thỏa thuận",
    "giay_uy_quyen": "Giấy ủy quyền",
    "giay_gioi_thieu": "Giấy giới thiệu",
    "giay_nghi_phep": "Giấy nghỉ phép",
    "phieu_gui": "Phiếu gửi",
    "phieu_chuyen": "Phiếu chuyển",
    "phieu_bao": "Phiếu báo",
    "thu_cong": "Thư công",
    "cong_van": "Công văn",
}
# Title lines that tell a page is an administrative document when the motto's first line is lost.
TITLE_ANCHORS: tuple[str, ...] = (
    "QUYET DINH", "NGHI DINH", "THONG TU", "CHI THI", "THONG BAO", "KE HOACH", "HUONG DAN",
    "NGHI QUYET", "QUY DINH", "QUY CHE", "BAO CAO", "TO TRINH", "CONG VAN",
)  # fmt: skip
HEADER_LINES = 40  # titles and the number line sit in a page's first lines
_SYMBOL = re.compile(r"\b\d{0,6}\s*/\s*(?:\d{4}\s*/\s*)?([A-Z]+)\s*-")


def admin_kind(pages: Sequence[PageText]) -> tuple[dict[str, str], str]:
    """The document's kind (``{"kind": …}``, or {} when not found) and how it was found: its
    title line, else its symbol's type abbreviation, else a "V/v" subject line (công văn)."""
    lines = _header_lines(pages)
    for line, printed in lines:
        bare = re.sub(r"[^A-Z ]", "", line).strip()
        if bare in ADMIN_KINDS:  # an exact title before a near one ("QUY ĐỊNH" ≠ "QUYẾT ĐỊNH")
            return {"kind": ADMIN_KINDS[bare]}, f"title {bare}"
        close = [t for t in ADMIN_KINDS if similarity(bare, t) >= 0.85]
        if close:
            title = max(close, key=lambda t: similarity(bare, t))
            return {"kind": ADMIN_KINDS[title]}, f"title {title}"
        prefixed = _prefixed_title(line) if _in_capitals(printed) else None
        if prefixed is not None:
            return {"kind": TITLE_PREFIX_KINDS[prefixed]}, f"title {prefixed} …"
    for line, _ in lines:
        if re.match(r"^SO\s*[:;.]", line):
            match = _SYMBOL.search(line)
            if match and match.group(1) in SYMBOL_KINDS:
                kind = SYMBOL_KINDS[match.group(1)]
                return {"kind": kind}, "type abbreviation in the symbol"
            if match:
                break
    if any(re.match(r"^V\s*/\s*[VW]\b", line) for line, _ in lines):
        return {"kind": "cong_van"}, "V/v subject line"
    return {}, "kind not found"


def _prefixed_title(folded: str) -> str | None:
    """ "LUAT VIEC LAM" → "LUAT": a law's or an ordinance's title line (not "Luật số: …"; the
    caller checks it is printed in capitals, as a title is and a body line citing a law is not)."""
    bare = re.sub(r"[^A-Z ]", "", folded).strip()
    for prefix in TITLE_PREFIX_KINDS:
        words = bare.split()
        if bare.startswith(prefix + " ") and words[len(prefix.split())] != "SO":
            return prefix
    return None


def _in_capitals(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 6 and sum(ch.isupper() for ch in letters) / len(letters) > 0.8


def _header_lines(pages: Sequence[PageText]) -> list[tuple[str, str]]:
    """(folded, printed) of the first page's first lines; a part printed in capitals beside other
    text (a title with an incoming-document stamp on its row) also on its own, so it reads as a
    title."""
    if not pages:
        return []
    from extractors.fields.lines import column_parts, page_lines

    out = []
    for line in page_lines(pages[0])[:HEADER_LINES]:
        out.append((fold(line.text), line.text))
        parts = column_parts(line)
        if len(parts) > 1:
            out += [(fold(p.text), p.text) for p in parts if _in_capitals(p.text)]
    return out
