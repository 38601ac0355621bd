"""Vietnamese issuing bodies: how their names are abbreviated, and one comparison key for them.

Headers print a body's name in full ("ỦY BAN NHÂN DÂN TỈNH BẮC NINH") or abbreviated ("UBND TỈNH
ĐẮK NÔNG", "TRƯỜNG ĐH THỦ ĐÔ HÀ NỘI", "VIỆN CNTT VÀ TRUYỀN THÔNG"); both name the same body.
`body_key` is the one place that says when two spellings are the same name: the scorer compares an
extracted issuer with a label by it (labels keep abbreviations as printed), and the closed list of
bodies is looked up by it.
"""

from __future__ import annotations

import re
import unicodedata

from extractors.data.units import older_tone_style

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
