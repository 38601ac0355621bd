"""Which of the 34 provinces (codes of QĐ 19/2025/QĐ-TTg) a record belongs to, for scope filtering.

A personal ID's first three digits are "0" + the old (pre-July-2025) province code where the birth
was registered; IDs are not renumbered after the merger, so the prefix maps through this table
(docs/DOMAIN.md §2). Enterprise codes start with a tax-office code, which is a different numbering;
they are not mapped here."""

from __future__ import annotations

# new 2-digit code -> old 3-digit ID prefixes merged into it
_MERGED: dict[str, tuple[str, ...]] = {
    "01": ("001",),
    "04": ("004",),
    "08": ("008", "002"),
    "11": ("011",),
    "12": ("012",),
    "14": ("014",),
    "15": ("010", "015"),
    "19": ("019", "006"),
    "20": ("020",),
    "22": ("022",),
    "24": ("027", "024"),
    "25": ("025", "026", "017"),
    "31": ("031", "030"),
    "33": ("033", "034"),
    "37": ("037", "035", "036"),
    "38": ("038",),
    "40": ("040",),
    "42": ("042",),
    "44": ("045", "044"),
    "46": ("046",),
    "48": ("048", "049"),
    "51": ("051", "062"),
    "52": ("064", "052"),
    "56": ("056", "058"),
    "66": ("066", "054"),
    "68": ("068", "067", "060"),
    "75": ("075", "070"),
    "79": ("079", "074", "077"),
    "80": ("072", "080"),
    "82": ("087", "082"),
    "86": ("086", "083", "084"),
    "91": ("089", "091"),
    "92": ("092", "094", "093"),
    "96": ("096", "095"),
}
NEW_PROVINCE_CODES: frozenset[str] = frozenset(_MERGED)
_BY_OLD_PREFIX: dict[str, str] = {old: new for new, olds in _MERGED.items() for old in olds}


def province_of_code(code: str) -> str | None:
    """The current province for an old code ("01", "001") or a current one ("79"); None if unknown.

    Old and new codes overlap ("15" was Yên Bái and is now Lào Cai, which absorbed it), and the
    answer is the same either way: the province that now holds that area.
    """
    code = code.strip()
    if len(code) == 2 and code.isdigit():
        code = "0" + code
    return _BY_OLD_PREFIX.get(code)


def province_of_personal_id(id_number: str) -> str | None:
    """The current province where the ID holder's birth was registered (None: abroad / unknown)."""
    return _BY_OLD_PREFIX.get(id_number[:3]) if len(id_number) == 12 else None
