"""Province names as printed on papers of both eras, recognized and normalized.

Papers issued before 01/07/2025 name one of the 63 provinces (three-tier addresses); later ones
one of the 34 (two-tier). Both stay valid (docs/DOMAIN.md §7), so a name is recognized in either
list and mapped to the province it belongs to since 07/2025. Writing varies: "TP. Hồ Chí Minh",
"Thành phố Hồ Chí Minh", "Tp HCM", "Tỉnh Bà Rịa - Vũng Tàu", "Thừa Thiên Huế" / "TP Huế"; names are
compared on a folded key (no marks, no "Tỉnh"/"Thành phố"/"TP" prefix, no punctuation), and an alias
table (province_aliases.json) covers abbreviations."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from extractors.text import fold, similarity

_PREFIX = re.compile(r"^(?:TINH|THANH PHO|TP)\s+")


@dataclass(frozen=True)
class ProvinceMatch:
    """A recognized province name: the province it names and the one it belongs to since 07/2025."""

    name: str  # canonical name of the list it was found in
    old_code: str | None  # 3-digit ID prefix when it is one of the 63 (None: a 34-only name)
    new_code: str  # 2-digit code since 07/2025 (QĐ 19/2025)
    new_name: str
    exact: bool  # False when matched only fuzzily (an OCR error in the name)


def province_key(text: str) -> str:
    """Folded comparison key: "TP. Hồ Chí Minh" → "HO CHI MINH"."""
    key = re.sub(r"[^A-Z0-9 ]", " ", fold(text))
    key = re.sub(r"\s+", " ", key).strip()
    key = _PREFIX.sub("", key)
    return key


@cache
def _index() -> dict[str, ProvinceMatch]:
    root = resources.files(__package__)
    raw = json.loads(root.joinpath("provinces.json").read_text("utf-8"))
    aliases = json.loads(root.joinpath("province_aliases.json").read_text("utf-8"))
    new_names = {p["code"]: p["name"] for p in raw["new_provinces"]}
    index: dict[str, ProvinceMatch] = {}
    for p in raw["old_provinces"]:
        match = ProvinceMatch(
            p["name"], p["id_prefix"], p["new_code"], new_names[p["new_code"]], True
        )
        index[province_key(p["name"])] = match
    by_name = {m.name: m for m in index.values()}
    for alias, canonical in aliases.items():
        if alias.startswith("_"):
            continue
        target = by_name.get(canonical) or index.get(province_key(canonical))
        if target is not None:
            index.setdefault(alias, target)
    for code, name in new_names.items():
        key = province_key(name)
        index.setdefault(key, ProvinceMatch(name, None, code, name, True))
    return index


def match_province(text: str, threshold: float = 0.88) -> ProvinceMatch | None:
    """The province `text` names (exact on the folded key, else the closest above `threshold`)."""
    key = province_key(text)
    if not key:
        return None
    index = _index()
    if key in index:
        return index[key]
    best, score = None, 0.0
    for candidate, match in index.items():
        ratio = similarity(key, candidate)
        if ratio > score:
            best, score = match, ratio
    if best is None or score < threshold:
        return None
    return ProvinceMatch(best.name, best.old_code, best.new_code, best.new_name, False)


def province_of_address(address: str) -> ProvinceMatch | None:
    """The province an address ends with ("…, Huyện Sơn Tịnh, Tỉnh Quảng Ngãi" → Quảng Ngãi)."""
    parts = [p.strip() for p in address.split(",") if p.strip()]
    if not parts:
        return None
    return match_province(parts[-1])


_UNIT_PREFIX = re.compile(
    r"^\s*((?:Tỉnh|tỉnh|TỈNH|Thành phố|thành phố|THÀNH PHỐ|TP\.?)\s+)?(.+?)\s*$"
)


_INNER_PROVINCE = re.compile(r"\b(tỉnh|thành phố)\s+(\S+(?:\s+\S+){0,3})$", re.IGNORECASE)


def restore_province_marks(text: str) -> tuple[str, bool]:
    """ "Xã Tân Lập, Tỉnh Đống Tháp" → ("Xã Tân Lập, Tỉnh Đồng Tháp", True): a province name
    whose letters OCR misread is restored from the closed list of provinces. Any comma-separated
    part whose folded form is exactly a province's is given the province's marks (a town of the
    same name is written the same way); the last part, where an address names its province, is
    also restored when it is only close to one (one misread vowel: "Thanh Húa")."""
    inner = _INNER_PROVINCE.search(text) if "," not in text else None
    if inner is not None:  # "Ủy ban nhân dân tỉnh Ninhthuận": the province ends the name
        head = text[: inner.start(2)]
        tail, changed = restore_province_marks("x, " + inner.group(2))
        return (head + tail[3:], True) if changed else (text, False)
    parts = text.split(",")
    changed = False
    for i, part in enumerate(parts):
        m = _UNIT_PREFIX.match(part)
        if m is None:
            continue
        name = m.group(2).strip()
        last = i == len(parts) - 1 and len(parts) > 1
        match = match_province(name) if last else _index().get(province_key(name))
        if match is not None and "-" in match.name:
            # "Bà Rịa Vũng Tàu", "Bà Rịa - Vùng Tàu": the list's marks, and the hyphen OCR dropped
            # put back as papers print it (" - "); a hyphen printed otherwise stays as printed.
            hyphen = re.search(r"\s*-\s*", name)
            written = match.name.replace("-", hyphen.group(0) if hyphen else " - ")
            if province_key(name) == province_key(match.name) and written != name:
                lead = part[: len(part) - len(part.lstrip())]
                parts[i] = lead + (m.group(1) or "").lstrip() + written
                changed = True
            continue
        if match is None or "-" in match.name or match.name == name:
            continue
        if fold(match.name) != fold(name) and not (last and abs(len(match.name) - len(name)) <= 1):
            continue
        lead = part[: len(part) - len(part.lstrip())]
        parts[i] = lead + (m.group(1) or "").lstrip() + match.name
        changed = True
    return ",".join(parts), changed


# Words that open a part of an address (administrative units, lanes): a closed list, so a
# misread mark on one of them ("Áp 2" for "Ấp 2", "ngỏ 333" for "ngõ 333") is put right. Words
# whose folded form is also a common name or word are left out ("Tô" / "Tổ", "Dương" / "đường",
# "Sở" / "Số", "Phó" / "phố", "Ban" / "Bản", "Tịnh" / "Tỉnh": provinces have their own list).
ADDRESS_UNITS = (
    "Ấp", "Thôn", "Xóm", "Tổ dân phố", "Khu phố", "Khóm", "Xã", "Phường", "Thị trấn", "Thị xã",
    "Huyện", "Quận", "Thành phố", "Đặc khu", "ngõ", "ngách", "hẻm", "kiệt",
)  # fmt: skip
_UNITS_BY_FOLD = {fold(u): u for u in ADDRESS_UNITS}


def restore_address_units(text: str) -> tuple[str, bool]:
    """The first word(s) of each comma-separated part given the marks of the unit they fold to."""
    parts = text.split(",")
    changed = False
    for i, part in enumerate(parts):
        words = part.split(" ")
        lead = 0
        while lead < len(words) and not words[lead]:
            lead += 1
        for size in (3, 2, 1):
            head = words[lead : lead + size]
            rest = words[lead + size :]
            # A unit is followed by a number or a name of two words or more: "Tịnh Phong" or
            # "Quán Toan" (one word after) are names that only fold like "Tỉnh …", "Quận …".
            if len(head) < size or not rest or (len(rest) == 1 and not rest[0][:1].isdigit()):
                continue
            canon = _UNITS_BY_FOLD.get(fold(" ".join(head)))
            if canon is None or canon == " ".join(head):
                continue
            if canon[:1].isupper() != head[0][:1].isupper():
                canon = canon[:1].swapcase() + canon[1:]
            words[lead : lead + size] = canon.split(" ")
            parts[i] = " ".join(words)
            changed = True
            break
    return ",".join(parts), changed
