"""The machine-readable zone of Vietnamese ID cards: ICAO 9303 TD1, three lines of 30 characters
(docs/DOMAIN.md §5.2).

    L1  IDVNM + document number (the last 9 digits of the personal ID) + check digit
        + optional data: the full 12-digit personal ID, then "<" fillers
    L2  birth date YYMMDD + check, sex M|F|<, expiry YYMMDD + check ("<<<<<<<" when the card has
        no expiry), VNM, optional "<" fillers, composite check digit
    L3  SURNAME<<GIVEN<NAMES without diacritics

Check digits use the weights 7-3-1 modulo 10 (digits count as themselves, A–Z as 10–35, "<" as
0). They are what makes the MRZ valuable: a number, a date of birth or an expiry whose check digit
holds is confirmed independently of the printed text, so a steward need not retype it. The name
carries no diacritics and no check digit, so names are taken from the printed text, never from here.

OCR of the OCR-B-like line is tolerant here: spaces inside lines are dropped, "«" and "‹" read as
"<", letters that OCR puts in digit positions (O→0, I→1, …) are undone (and the value marked as
repaired), and runs of fillers whose length OCR got wrong are rebuilt from the fields, because the
composite check digit then proves whether the rebuilt line is the printed one.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

WEIGHTS = (7, 3, 1)
# Characters OCR reads for the filler "<".
_FILLER_LOOKALIKES = str.maketrans({"«": "<<", "‹": "<", "≤": "<", "(": "<", "{": "<", "[": "<"})
# Letters OCR puts in digit positions.
_DIGIT_LOOKALIKES = str.maketrans(
    {"O": "0", "Q": "0", "D": "0", "U": "0", "I": "1", "L": "1", "T": "1", "Z": "2", "S": "5",
     "B": "8", "G": "6"}
)  # fmt: skip
_L1 = re.compile(r"[IT1L][DO0]VNM([0-9A-Z]{9})([0-9A-Z<])([0-9A-Z]{12})")
_L2 = re.compile(r"([0-9A-Z]{6})([0-9A-Z])([MFH<])([0-9A-Z]{6}|<{6})([0-9A-Z<])VNM<*([0-9A-Z])?$")


def char_value(ch: str) -> int:
    if ch.isdigit():
        return int(ch)
    if ch == "<":
        return 0
    return ord(ch) - ord("A") + 10


def check_digit(text: str) -> str:
    """The ICAO 7-3-1 check digit of `text`, as a character."""
    return str(sum(char_value(c) * WEIGHTS[i % 3] for i, c in enumerate(text)) % 10)


@dataclass(frozen=True)
class MrzCheck:
    """One check digit: what it protects, whether it holds."""

    name: str  # document_number | date_of_birth | expiry_date | composite
    ok: bool


@dataclass(frozen=True)
class Mrz:
    """What a TD1 MRZ says, with the outcome of each check digit.

    `id_number` is the 12-digit personal ID of the optional field; `date_of_birth` and
    `expiry_date` are ISO dates (`expiry_date` None when the card has no expiry); `sex` is
    male | female | None. `repaired` tells that OCR look-alikes were undone to read it.
    """

    lines: tuple[str, ...]
    document_number: str
    id_number: str | None
    date_of_birth: str | None
    sex: str | None
    expiry_date: str | None
    no_expiry: bool
    name: str  # "NGUYEN VAN AN" (no diacritics)
    checks: tuple[MrzCheck, ...] = field(default=())
    repaired: bool = False
    corrected: bool = False  # digits changed so that the check digits hold (never "confirmed")

    def ok(self, name: str) -> bool:
        return any(c.name == name and c.ok for c in self.checks)

    @property
    def all_ok(self) -> bool:
        return bool(self.checks) and all(c.ok for c in self.checks)


def clean_line(text: str) -> str:
    """An OCR line as MRZ characters: upper case, fillers normalized, spaces dropped."""
    text = text.upper().translate(_FILLER_LOOKALIKES)
    return re.sub(r"[^A-Z0-9<]", "", text)


def _digits(text: str) -> tuple[str, bool]:
    fixed = text.translate(_DIGIT_LOOKALIKES)
    return fixed, fixed != text


def find_mrz(lines: Sequence[str]) -> Mrz | None:
    """The MRZ among a page's text lines (anywhere on the page), or None when there is none."""
    cleaned = [clean_line(t) for t in lines]
    for i, line in enumerate(cleaned):
        if _L1.search(line):
            rest = cleaned[i + 1 : i + 4]
            l2 = next((x for x in rest if _L2.search(x)), None)
            if l2 is None:
                continue
            l3_index = rest.index(l2) + 1
            l3 = rest[l3_index] if l3_index < len(rest) else ""
            parsed = parse_mrz(line, l2, l3)
            if parsed is not None:
                return parsed
    return None


def parse_mrz(line1: str, line2: str, line3: str = "") -> Mrz | None:
    """Parse three TD1 lines (already split); None when line 1 or 2 is not recognisable."""
    l1, l2, l3 = clean_line(line1), clean_line(line2), clean_line(line3)
    m1 = _L1.search(l1)
    m2 = _L2.search(l2)
    if m1 is None or m2 is None:
        return None
    doc, rep_a = _digits(m1.group(1))
    doc_cd, rep_b = _digits(m1.group(2)) if m1.group(2) != "<" else ("<", False)
    optional, rep_c = _digits(m1.group(3))
    birth, rep_d = _digits(m2.group(1))
    birth_cd, rep_e = _digits(m2.group(2))
    sex_char = {"H": "M"}.get(m2.group(3), m2.group(3))
    expiry_raw = m2.group(4)
    no_expiry = expiry_raw == "<<<<<<"
    expiry, rep_f = (expiry_raw, False) if no_expiry else _digits(expiry_raw)
    expiry_cd_raw = m2.group(5)
    expiry_cd, rep_g = (expiry_cd_raw, False) if expiry_cd_raw == "<" else _digits(expiry_cd_raw)
    composite_raw = m2.group(6) or ""
    composite, rep_h = _digits(composite_raw)
    repaired = any(
        (rep_a, rep_b, rep_c, rep_d, rep_e, rep_f, rep_g, rep_h)
    ) or sex_char != m2.group(3)

    # The document number is the ID's last 9 digits, written twice: when the first reading fails
    # its check digit and the second passes it, the second is the printed one (the composite
    # check below must then hold too).
    if check_digit(doc) != doc_cd and optional.isdigit() and check_digit(optional[-9:]) == doc_cd:
        doc, repaired = optional[-9:], True
    # Rebuild the canonical lines: fillers whose count OCR got wrong do not change the fields.
    c1 = f"IDVNM{doc}{doc_cd}{optional}".ljust(30, "<")[:30]
    c2_head = f"{birth}{birth_cd}{sex_char}{expiry}{expiry_cd}VNM".ljust(29, "<")
    c2 = c2_head + composite
    checks = [
        MrzCheck("document_number", doc.isdigit() and check_digit(doc) == doc_cd),
        MrzCheck("date_of_birth", birth.isdigit() and check_digit(birth) == birth_cd),
    ]
    if no_expiry:
        checks.append(MrzCheck("expiry_date", expiry_cd == "<"))
    else:
        checks.append(
            MrzCheck("expiry_date", expiry.isdigit() and check_digit(expiry) == expiry_cd)
        )
    composite_text = c1[5:30] + c2_head[0:7] + c2_head[8:15] + c2_head[18:29]
    checks.append(
        MrzCheck("composite", bool(composite) and check_digit(composite_text) == composite)
    )

    if not all(c.ok for c in checks):
        # OCR confuses a few digit shapes (0/8/6, 1/7, 5/6, …). When exactly one correction of at
        # most two such slips makes every check digit hold, it is very likely the printed line;
        # it is marked corrected, so a steward still confirms it.
        fixed = _repair_by_checks(c1, c2)
        if fixed is not None:
            repaired_mrz = parse_mrz(fixed[0], fixed[1], l3)
            if repaired_mrz is not None and repaired_mrz.all_ok:
                return dataclasses.replace(repaired_mrz, repaired=True, corrected=True)
    id_number = optional if optional.isdigit() and optional.endswith(doc) else None
    if id_number is None and optional.isdigit() and len(optional) == 12:
        id_number = optional  # the document number disagrees; a finding will say so
    id_checked = bool(id_number) and all(
        c.ok for c in checks if c.name in ("document_number", "composite")
    )
    century = 1900 + (int(id_number[3]) // 2) * 100 if id_number and id_checked else None
    return Mrz(
        lines=(c1, c2, l3),
        document_number=doc,
        id_number=id_number,
        date_of_birth=_birth_date(birth, century),
        sex={"M": "male", "F": "female"}.get(sex_char),
        expiry_date=None if no_expiry else _yymmdd(expiry, 2000),
        no_expiry=no_expiry,
        name=_name(l3),
        checks=tuple(checks),
        repaired=repaired,
    )


# Digits OCR takes for one another on the OCR-B line, both ways.
_DIGIT_SLIPS = {
    "0": "869", "8": "036", "6": "058", "9": "08", "5": "63", "3": "85", "1": "74", "7": "12",
    "4": "1", "2": "7",
}  # fmt: skip
# Where the digits the check digits protect sit in the canonical lines: (line, start, end), the
# check digit included; the optional data's first three digits (the ID's province code) and the
# composite check digit are covered by the composite only.
_CHECKED_SPANS = ((0, 5, 15), (1, 0, 7), (1, 8, 15), (0, 15, 18), (1, 29, 30))
MAX_SLIPS = 2


def _repair_by_checks(line1: str, line2: str) -> tuple[str, str] | None:
    """The one correction of at most MAX_SLIPS look-alike digits in the canonical lines that makes
    every check digit hold, or None when there is none or more than one (a steward decides)."""
    lines = (line1, line2)
    if _all_checks_hold(lines):
        return None
    slips = [
        (li, pos, other)
        for li, start, end in _CHECKED_SPANS
        for pos in range(start, min(end, len(lines[li])))
        for other in _DIGIT_SLIPS.get(lines[li][pos], "")
    ]
    for count in range(1, MAX_SLIPS + 1):
        found = set()
        for combo in itertools.combinations(slips, count):
            if len({(li, pos) for li, pos, _ in combo}) < count:
                continue
            trial = [list(line1), list(line2)]
            for li, pos, other in combo:
                trial[li][pos] = other
            candidate = ("".join(trial[0]), "".join(trial[1]))
            if _all_checks_hold(candidate):
                found.add(candidate)
        if found:
            return found.pop() if len(found) == 1 else None
    return None


def _all_checks_hold(lines: tuple[str, str]) -> bool:
    l1, l2 = lines
    if len(l1) != 30 or len(l2) != 30:
        return False
    parts = [(l1[5:14], l1[14]), (l2[0:6], l2[6])]
    if l2[8:14] != "<<<<<<":
        parts.append((l2[8:14], l2[14]))
    if not all(text.isdigit() and check_digit(text) == cd for text, cd in parts):
        return False
    composite = l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29]
    personal_id = l1[15:27]
    return (
        check_digit(composite) == l2[29]
        and personal_id.isdigit()
        and personal_id.endswith(l1[5:14])
        # The ID's 5th–6th digits are the birth year (docs/DOMAIN.md §2), and dates are dates.
        and personal_id[4:6] == l2[0:2]
        and _yymmdd(l2[0:6], 2000) is not None
        and (l2[8:14] == "<<<<<<" or _yymmdd(l2[8:14], 2000) is not None)
    )


def _yymmdd(text: str, century: int) -> str | None:
    if not text.isdigit() or len(text) != 6:
        return None
    try:
        return date(century + int(text[:2]), int(text[2:4]), int(text[4:6])).isoformat()
    except ValueError:
        return None


def _birth_date(text: str, century: int | None) -> str | None:
    """YYMMDD of a birth: the century comes from the ID's 4th digit when known, else the past
    century whose date is not in the future of the card era (no clock is read here)."""
    if century is None:
        century = 2000 if text[:2].isdigit() and int(text[:2]) <= 25 else 1900
    return _yymmdd(text, century)


def _name(line3: str) -> str:
    surname, _, given = line3.partition("<<")
    parts = [surname, *given.split("<")]
    return " ".join(p for p in parts if p)
