"""Numbers with rules: personal ID (docs/DOMAIN.md §2), enterprise/tax code (§3), ICAO TD1 MRZ
(§5.2), card expiry, and the date line of Decree 30/2020 (§4)."""

from __future__ import annotations

import random
import unicodedata
from datetime import date, timedelta

MST_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


# --- dates ----------------------------------------------------------------------------------------


def random_date(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, (end - start).days))


def dmy(d: date) -> str:
    """dd/mm/yyyy, as ID cards print dates."""
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def admin_date_words(d: date) -> str:
    """ "ngày 05 tháng 01 năm 2024": days < 10 and months 1–2 zero-padded (Decree 30)."""
    month = f"{d.month:02d}" if d.month <= 2 else str(d.month)
    return f"ngày {d.day:02d} tháng {month} năm {d.year}"


def add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def age_on(dob: date, on: date) -> int:
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


def card_expiry(dob: date, issued: date, milestones: tuple[int, ...] = (25, 40, 60)) -> date | None:
    """The card is valid until the holder's next renewal age; a card issued within two years before
    that age stays valid until the following one; past the last one it has no expiry (None)."""
    age = age_on(dob, issued)
    for m in milestones:
        if age < m - 2:
            return add_years(dob, m)
    return None


# --- personal identification number --------------------------------------------------------------


def century_sex_digit(year: int, sex: str) -> int:
    century = (year // 100) - 19  # 1900s → 0, 2000s → 1, …
    return century * 2 + (1 if sex == "female" else 0)


def personal_id(rng: random.Random, province_code: str, dob: date, sex: str) -> str:
    """12 digits: birth-registration province (3), century/sex (1), birth year (2), random (6)."""
    return (
        f"{province_code}{century_sex_digit(dob.year, sex)}{dob.year % 100:02d}"
        f"{rng.randint(0, 999_999):06d}"
    )


def check_personal_id(number: str, dob: date, sex: str) -> bool:
    return (
        len(number) == 12
        and number.isdigit()
        and int(number[3]) == century_sex_digit(dob.year, sex)
        and number[4:6] == f"{dob.year % 100:02d}"
    )


# --- enterprise code / tax code -------------------------------------------------------------------


def mst_check_digit(first9: str) -> int | None:
    """10 − (Σ dᵢ·wᵢ mod 11); None when the remainder is 0 (such prefixes are never issued)."""
    s = sum(int(d) * w for d, w in zip(first9, MST_WEIGHTS, strict=True)) % 11
    return None if s == 0 else 10 - s


def is_valid_mst(code: str) -> bool:
    if len(code) != 10 or not code.isdigit():
        return False
    c = mst_check_digit(code[:9])
    return c is not None and c == int(code[9])


def enterprise_code(rng: random.Random, province_2digit: str) -> str:
    """A 10-digit enterprise code with a valid check digit (python-stdnum's `vn.mst` rule)."""
    while True:
        first9 = f"{province_2digit}{rng.randint(1, 9_999_999):07d}"
        check = mst_check_digit(first9)
        if check is not None:  # a remainder of 0 would need a check digit of 10: never issued
            return f"{first9}{check}"


# --- MRZ (ICAO 9303 TD1) --------------------------------------------------------------------------


def _mrz_value(ch: str) -> int:
    if ch.isdigit():
        return int(ch)
    if ch == "<":
        return 0
    return ord(ch) - ord("A") + 10


def mrz_check(s: str) -> str:
    weights = (7, 3, 1)
    return str(sum(_mrz_value(c) * weights[i % 3] for i, c in enumerate(s)) % 10)


def ascii_upper(text: str) -> str:
    """Diacritics removed, Đ → D, upper case: "Nguyễn Văn Đức" → "NGUYEN VAN DUC"."""
    text = text.replace("Đ", "D").replace("đ", "d")
    stripped = "".join(
        c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn"
    )
    return stripped.upper()


def td1_mrz(id_number: str, dob: date, sex: str, expiry: date | None, full_name: str) -> list[str]:
    """Three 30-character lines. L1: IDVNM + last 9 digits of the ID + check digit + the full ID;
    L2: birth date, sex, expiry, nationality, composite check digit; L3: SURNAME<<GIVEN<NAMES."""
    doc = id_number[-9:]
    l1 = f"IDVNM{doc}{mrz_check(doc)}{id_number}".ljust(30, "<")
    birth = dob.strftime("%y%m%d")
    exp = expiry.strftime("%y%m%d") if expiry else "<<<<<<"
    exp_cd = mrz_check(exp) if expiry else "<"
    l2_head = f"{birth}{mrz_check(birth)}{'M' if sex == 'male' else 'F'}{exp}{exp_cd}VNM"
    l2_head = l2_head.ljust(29, "<")
    composite = l1[5:30] + l2_head[0:7] + l2_head[8:15] + l2_head[18:29]
    l2 = l2_head + mrz_check(composite)
    words = ascii_upper(full_name).split()
    l3 = (words[0] + "<<" + "<".join(words[1:]))[:30].ljust(30, "<")
    return [l1, l2, l3]
