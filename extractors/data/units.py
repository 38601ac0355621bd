"""Names of districts and communes, for putting back the marks OCR misread in an address.

An address part that names a unit ("Huyện Chư Páh") and is not a listed name is given the marks of
the one listed name it folds to ("Huyện Chư Păh"). Two styles of tone placement are both correct
Vietnamese ("Hòa" / "Hoà", "Thủy" / "Thuỷ"), so a part that matches a listed name in either style
is kept as written; the list itself is held in the older style, which papers of both eras use.
Names that fold alike ("Xã Thanh Tâm" / "Xã Thành Tâm") are never chosen between.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache
from importlib import resources

from extractors.text import fold

_TONES = "\u0300\u0301\u0303\u0309\u0323"  # huyền, sắc, ngã, hỏi, nặng
# New-style placement at a syllable's end ("hoà", "thuỷ") → older style ("hòa", "thủy"); not after
# "q" ("quý": the "u" belongs to "qu") and not before a final consonant ("hoàng").
_NEW_STYLE = re.compile(r"(?<![qQ])([oO])([àáảãạ])(?![a-zđ])|(?<![qQ])([uU])([ỳýỷỹỵ])(?![a-zđ])")
_OLD_STYLE = {
    "à": "òa", "á": "óa", "ả": "ỏa", "ã": "õa", "ạ": "ọa",
    "ỳ": "ùy", "ý": "úy", "ỷ": "ủy", "ỹ": "ũy", "ỵ": "ụy",
}  # fmt: skip
UNIT_WORDS = ("Huyện", "Quận", "Thị xã", "Thành phố", "Xã", "Phường", "Thị trấn", "Đặc khu")
_UNIT_HEAD = re.compile(r"^(?:" + "|".join(re.escape(u) for u in UNIT_WORDS) + r")\s+")
# The last unit word of a part and the name after it: "Huyện Chư Páh", and inside a body's or a
# place's name, "Ủy ban nhân dân huyện Kim Bằng", "Trạm Y tế phường Tản Lập".
_UNIT_NAME = re.compile(
    r"(?<!\S)(" + "|".join(re.escape(u) for u in UNIT_WORDS) + r")\s+(\S+(?:\s+\S+){0,3})\s*$",
    re.IGNORECASE,
)


def older_tone_style(text: str) -> str:
    """ "Huyện Hoà An" → "Huyện Hòa An" (the tone mark on the first vowel of "oa", "uy")."""

    def put(m: re.Match[str]) -> str:
        first, toned = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        return _shift(first, _OLD_STYLE[toned])

    return _NEW_STYLE.sub(put, text)


def _shift(first: str, pair: str) -> str:
    """The pair ("òa") with the case of the letter it replaces ("O" → "Òa")."""
    return pair[0].upper() + pair[1:] if first.isupper() else pair


def tone_key(text: str) -> str:
    """A comparison key blind to where the tone mark sits ("Hòa" and "Hoà" give the same key)."""
    out = []
    for word in unicodedata.normalize("NFD", text.casefold()).split():
        tones = "".join(sorted(c for c in word if c in _TONES))
        out.append("".join(c for c in word if c not in _TONES) + tones)
    return " ".join(out)


def _unique_by_fold(names: set[str]) -> dict[str, str]:
    by_fold: dict[str, set[str]] = {}
    for name in names:
        by_fold.setdefault(fold(name), set()).add(name)
    return {key: next(iter(found)) for key, found in by_fold.items() if len(found) == 1}


@cache
def _names() -> frozenset[str]:
    """Every listed district and commune name with its unit word, in the older tone style."""
    raw = json.loads(resources.files(__package__).joinpath("admin_units.json").read_text("utf-8"))
    return frozenset(older_tone_style(n) for n in (*raw["districts"], *raw["communes"]))


@cache
def _index() -> tuple[frozenset[str], dict[str, str]]:
    """Tone keys of every listed name, and the names by folded form (those that fold alone)."""
    names = set(_names())
    return frozenset(tone_key(n) for n in names), _unique_by_fold(names)


@cache
def _bare_index() -> tuple[frozenset[str], dict[str, str]]:
    """The same for names without their unit word, as cards write places ("Thủ Dầu Một")."""
    bare = {_UNIT_HEAD.sub("", n) for n in _names()}
    return frozenset(tone_key(n) for n in bare), _unique_by_fold(bare)


def restore_unit_names(text: str) -> tuple[str, bool]:
    """ "Xã Hưng Lộc, Huyện Chư Páh, Tỉnh Gia Lai" → ("…, Huyện Chư Păh, …", True); a card's
    "Vĩnh Trung, Thủ Dấu Một, Bình Dương" → ("…, Thủ Dầu Một, …", True)."""
    keys, by_fold = _index()
    parts = text.split(",")
    changed = False
    for i, part in enumerate(parts):
        m = _UNIT_NAME.search(part)
        if m is None:
            if i < len(parts) - 1:  # the last part names the province: provinces have their list
                parts[i], bare_changed = _restore_bare(part)
                changed = changed or bare_changed
            continue
        unit, name = m.group(1), m.group(2)
        listed = f"{unit[:1].upper()}{unit[1:].lower()} {name}"  # the list capitalizes its units
        if tone_key(listed) in keys:
            continue
        written = by_fold.get(fold(listed))
        if written is None:
            continue
        parts[i] = part[: m.start(2)] + written[len(unit) + 1 :] + part[m.end(2) :]
        changed = True
    return ",".join(parts), changed


def _restore_bare(part: str) -> tuple[str, bool]:
    """A part that is only a unit's name, capitalized words without digits ("Thủ Dấu Một")."""
    name = part.strip()
    words = name.split(" ")
    if not 1 <= len(words) <= 4 or not all(w[:1].isupper() and w.isalpha() for w in words):
        return part, False
    keys, by_fold = _bare_index()
    if tone_key(name) in keys:
        return part, False
    written = by_fold.get(fold(name))
    if written is None:
        return part, False
    return part[: len(part) - len(part.lstrip())] + written, True
