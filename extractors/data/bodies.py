"""Vietnamese issuing bodies: how their names are abbreviated, and one comparison key for them.

Headers print a body's name in full ("ỦY BAN NHÂN DÂN TỈNH BẮC NINH") or abbreviated ("UBND TỈNH
ĐẮK NÔNG", "TRƯỜNG ĐH THỦ ĐÔ HÀ NỘI", "VIỆN CNTT VÀ TRUYỀN THÔNG"); both name the same body.
`body_key` is the one place that says when two spellings are the same name: the scorer compares an
extracted issuer with a label by it (labels keep abbreviations as printed), and the closed list of
bodies is looked up by it.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

from rapidfuzz.distance import Levenshtein

from extractors.data.units import older_tone_style
from extractors.text import fold

# Standard abbreviations of body names (Decree 30/2020 headers and common practice), each with its
# full form. Expanded as whole words, capitals or not; "TP." keeps its dot optional.
ABBREVIATIONS: tuple[tuple[str, str], ...] = (
    ("UBND", "Ủy ban nhân dân"),
    ("HĐND", "Hội đồng nhân dân"),
    ("ĐHQG", "Đại học Quốc gia"),
    ("ĐH", "Đại học"),
    ("TP.", "Thành phố"),
    ("TP", "Thành phố"),
    ("CNTT", "Công nghệ thông tin"),
    ("BCĐ", "Ban Chỉ đạo"),
    ("TN&MT", "Tài nguyên và Môi trường"),
    ("TNMT", "Tài nguyên và Môi trường"),
    ("GD&ĐT", "Giáo dục và Đào tạo"),
    ("GDĐT", "Giáo dục và Đào tạo"),
    ("LĐTB&XH", "Lao động - Thương binh và Xã hội"),
    ("LĐ-TB&XH", "Lao động - Thương binh và Xã hội"),
    ("KH&CN", "Khoa học và Công nghệ"),
    ("TT&TT", "Thông tin và Truyền thông"),
    ("VH,TT&DL", "Văn hóa, Thể thao và Du lịch"),
    ("NN&PTNT", "Nông nghiệp và Phát triển nông thôn"),
)
_ABBREVIATION = re.compile(
    r"(?<![\w&])("
    + "|".join(re.escape(a) for a, _ in sorted(ABBREVIATIONS, key=lambda p: -len(p[0])))
    + r")(?![\w&])",
    re.IGNORECASE,
)
_FULL = {a.casefold(): full for a, full in ABBREVIATIONS}


def expand_abbreviations(text: str) -> str:
    """ "UBND tỉnh Đắk Nông" → "Ủy ban nhân dân tỉnh Đắk Nông"; "TP. Bắc Kạn" → "Thành phố Bắc
    Kạn"; a name without abbreviations is returned as it is."""
    text = unicodedata.normalize("NFC", text)
    return _ABBREVIATION.sub(lambda m: _FULL[m.group(1).casefold()] + " ", text).replace("  ", " ")


def body_key(text: str) -> str:
    """The comparison key of a body's (or a place's) name: NFC, abbreviations expanded, one tone
    style ("Uỷ"/"Ủy"), hyphens and dashes as one "-" with spaces, no case, single spaces. Two
    spellings a person would call the same name have the same key."""
    text = expand_abbreviations(text)
    text = older_tone_style(text)
    text = re.sub(r"\s*[-–—]\s*", " - ", text)
    return " ".join(text.casefold().split()).strip(" .,;:")


# --- the closed list ----------------------------------------------------------------------------

# Bodies of the State named alone in a header (Constitution 2013, Law on Government Organization,
# Decree 30/2020 Phụ lục III), with the ministries of both eras (the 03/2025 restructuring merged
# some; documents of either era stay valid): spelled as their founding texts write them.
NATIONAL_BODIES: tuple[str, ...] = (
    "Quốc hội", "Ủy ban Thường vụ Quốc hội", "Văn phòng Quốc hội", "Hội đồng Dân tộc",
    "Chủ tịch nước", "Văn phòng Chủ tịch nước", "Chính phủ", "Thủ tướng Chính phủ",
    "Văn phòng Chính phủ", "Tòa án nhân dân tối cao", "Viện kiểm sát nhân dân tối cao",
    "Kiểm toán nhà nước", "Hội đồng bầu cử quốc gia",
    # ministries and ministry-level agencies, today's and former names
    "Bộ Quốc phòng", "Bộ Công an", "Bộ Ngoại giao", "Bộ Nội vụ", "Bộ Tư pháp", "Bộ Tài chính",
    "Bộ Công Thương", "Bộ Nông nghiệp và Môi trường", "Bộ Xây dựng",
    "Bộ Văn hóa, Thể thao và Du lịch", "Bộ Khoa học và Công nghệ", "Bộ Giáo dục và Đào tạo",
    "Bộ Y tế", "Bộ Dân tộc và Tôn giáo", "Bộ Kế hoạch và Đầu tư",
    "Bộ Lao động - Thương binh và Xã hội", "Bộ Thông tin và Truyền thông",
    "Bộ Giao thông vận tải", "Bộ Tài nguyên và Môi trường",
    "Bộ Nông nghiệp và Phát triển nông thôn", "Ngân hàng Nhà nước Việt Nam",
    "Thanh tra Chính phủ", "Ủy ban Dân tộc",
    # agencies under the Government, general departments
    "Bảo hiểm xã hội Việt Nam", "Thông tấn xã Việt Nam", "Đài Tiếng nói Việt Nam",
    "Đài Truyền hình Việt Nam", "Viện Hàn lâm Khoa học và Công nghệ Việt Nam",
    "Viện Hàn lâm Khoa học xã hội Việt Nam", "Học viện Chính trị quốc gia Hồ Chí Minh",
    "Ủy ban Quản lý vốn nhà nước tại doanh nghiệp", "Đại học Quốc gia Hà Nội",
    "Đại học Quốc gia Thành phố Hồ Chí Minh", "Tổng cục Thuế", "Cục Thuế", "Tổng cục Hải quan",
    "Cục Hải quan", "Kho bạc Nhà nước", "Tổng cục Thống kê", "Ủy ban Chứng khoán Nhà nước",
    "Ban Cơ yếu Chính phủ",
)  # fmt: skip
# Provincial departments (Sở …) as Decree 30/2020 and the 2025 restructuring name them.
DEPARTMENTS: tuple[str, ...] = (
    "Kế hoạch và Đầu tư", "Tài nguyên và Môi trường", "Tư pháp", "Nội vụ", "Tài chính", "Y tế",
    "Giáo dục và Đào tạo", "Công Thương", "Xây dựng", "Giao thông vận tải",
    "Nông nghiệp và Phát triển nông thôn", "Nông nghiệp và Môi trường",
    "Lao động - Thương binh và Xã hội", "Khoa học và Công nghệ", "Thông tin và Truyền thông",
    "Văn hóa, Thể thao và Du lịch", "Văn hóa và Thể thao", "Du lịch", "Dân tộc và Tôn giáo",
    "Ngoại vụ",
)  # fmt: skip
# Bodies a locality is named after ("Ủy ban nhân dân" + "tỉnh Bắc Ninh"): the head, written.
LOCAL_HEADS: tuple[str, ...] = (
    "Ủy ban nhân dân", "Hội đồng nhân dân", "Cục Thuế", "Chi cục Thuế", "Thuế", "Công an",
    "Văn phòng Ủy ban nhân dân", "Văn phòng Hội đồng nhân dân", "Bảo hiểm xã hội",
    "Kho bạc Nhà nước",
)  # fmt: skip
# Centrally-run cities ("thành phố Hà Nội"); every other province is a "tỉnh".
CITIES = ("Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Huế")
# First words of the names the list claims to hold all of: such a name that is not listed is
# misread (or a body the list lacks) and goes to a steward.
COVERED_HEADS: tuple[str, ...] = (
    "Bộ", "Ủy ban nhân dân", "Hội đồng nhân dân", "Sở", "Cục Thuế", "Chi cục Thuế",
    "Tổng cục", "Thủ tướng", "Chính phủ", "Quốc hội", "Văn phòng Chính phủ",
    "Văn phòng Quốc hội",
)  # fmt: skip


@dataclass(frozen=True)
class BodyMatch:
    """A name looked up in the closed list: the listed spelling, and how it was found."""

    name: str  # the listed name ("Ủy ban nhân dân tỉnh Bắc Ninh"), or the name as read
    how: str  # "listed" (same key), "restored" (OCR-broken, one listed name this close),
    # "unlisted" (a kind of body the list holds all of, not found), "unknown" (not covered)

    @property
    def listed(self) -> bool:
        return self.how in ("listed", "restored")


def match_body(name: str) -> BodyMatch:
    """`name` against the closed list of bodies (see the module notes)."""
    key = body_key(name)
    found = _listed().get(key) or _local(key)
    if found is not None:
        return BodyMatch(found, "listed")
    restored = _restore(key)
    if restored is not None:
        return BodyMatch(restored, "restored")
    folded = fold(expand_abbreviations(name))
    covered = any(folded == fold(h) or folded.startswith(fold(h) + " ") for h in COVERED_HEADS)
    return BodyMatch(name, "unlisted" if covered else "unknown")


@cache
def _listed() -> dict[str, str]:
    names = [*NATIONAL_BODIES, *(f"Sở {d}" for d in DEPARTMENTS)]
    return {body_key(n): n for n in names}


def province_names() -> tuple[str, ...]:
    """Every province's name as written after "tỉnh"/"thành phố" (both eras)."""
    return tuple(_provinces().values())


@cache
def _provinces() -> dict[str, str]:
    """Province names (63 and 34 eras) by key, as written after "tỉnh"/"thành phố"."""
    raw = json.loads(resources.files(__package__).joinpath("provinces.json").read_text("utf-8"))
    names = {p["name"] for p in (*raw["old_provinces"], *raw["new_provinces"])}
    written = {
        re.sub(r"^TP\.?\s*", "", n).replace("HCM", "Hồ Chí Minh").replace("-", " - ") for n in names
    }
    return {body_key(n): n for n in written}


@cache
def _units() -> dict[str, str]:
    """District and commune names with their unit word, by key ("huyện an lão" → "huyện An
    Lão"); names two units share are kept once (the key is the same)."""
    raw = json.loads(resources.files(__package__).joinpath("admin_units.json").read_text("utf-8"))
    out = {}
    for name in (*raw["districts"], *raw["communes"]):
        unit = next((u for u in _UNIT_WORDS if name.casefold().startswith(u + " ")), None)
        if unit is not None:
            out[body_key(name)] = unit + name[len(unit) :]
    return out


_UNIT_WORDS = ("thành phố", "thị xã", "thị trấn", "huyện", "quận", "xã", "phường", "đặc khu")


def locality(key: str) -> str | None:
    """The written locality of a key ("tỉnh bắc ninh" → "tỉnh Bắc Ninh"), or None if unlisted."""
    for word in ("tỉnh", "thành phố"):
        if key.startswith(word + " "):
            province = _provinces().get(key[len(word) + 1 :])
            if province is not None and (word == "thành phố") == (province in CITIES):
                return f"{word} {province}"
    return _units().get(key)


def _local(key: str) -> str | None:
    """ "ủy ban nhân dân tỉnh bắc ninh" → "Ủy ban nhân dân tỉnh Bắc Ninh"; a department with its
    province ("Sở Y tế tỉnh Đắk Nông") too."""
    heads = [*LOCAL_HEADS, *(f"Sở {d}" for d in DEPARTMENTS)]
    for head in sorted(heads, key=len, reverse=True):
        head_key = body_key(head)
        if key.startswith(head_key + " "):
            place = locality(key[len(head_key) + 1 :])
            if place is not None:
                return f"{head} {place}"
    return None


def _restore(key: str) -> str | None:
    """The one listed name whose folded key is this close to `key` (OCR lost or swapped a mark,
    a letter or two), else None. Local names: the head and the locality each restored."""
    folded = fold(key)
    limit = 0 if len(folded) < 8 else 1 if len(folded) < 16 else 2
    for cutoff in sorted({0, limit}):  # marks lost only, before letters misread too
        close = {
            name
            for k, name in _listed().items()
            if Levenshtein.distance(folded, fold(k), score_cutoff=cutoff) <= cutoff
        }
        if len(close) == 1:
            return close.pop()
        if close:
            return None
    for head in sorted((*LOCAL_HEADS, *(f"Sở {d}" for d in DEPARTMENTS)), key=len, reverse=True):
        head_fold = fold(head)
        words = folded.split(" ")
        size = len(head_fold.split(" "))
        if Levenshtein.distance(" ".join(words[:size]), head_fold, score_cutoff=1) > 1:
            continue
        rest = " ".join(words[size:])
        places = {
            written
            for k, written in _localities_by_fold().items()
            if Levenshtein.distance(rest, k, score_cutoff=1 if len(rest) >= 10 else 0)
            <= (1 if len(rest) >= 10 else 0)
        }
        if len(places) == 1:
            return f"{head} {places.pop()}"
        return None
    return None


@cache
def _localities_by_fold() -> dict[str, str]:
    """Every written locality by its folded form (names that fold alike are left out)."""
    by_fold: dict[str, set[str]] = {}
    for province in _provinces().values():
        word = "thành phố" if province in CITIES else "tỉnh"
        by_fold.setdefault(fold(f"{word} {province}"), set()).add(f"{word} {province}")
    for written in _units().values():
        by_fold.setdefault(fold(written), set()).add(written)
    return {k: next(iter(v)) for k, v in by_fold.items() if len(v) == 1}
