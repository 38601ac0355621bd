"""Numbers and dates in Vietnamese words, as birth certificates ("ghi bằng chữ") and land
certificates ("Bằng chữ") print them.

Reading rules: "linh" for a zero tens digit after hundreds (105 = một trăm linh năm); "mươi" for
tens from 20, "mười" for 10–19; a final 1 after "mươi" is "mốt", a final 5 after any tens is
"lăm", a final 4 after "mươi" is "tư"; "không trăm" inside a larger number (2005 = hai nghìn
không trăm linh năm); months read "tháng một" … "tháng tư" … "tháng mười hai"."""

from __future__ import annotations

from datetime import date

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")


def _below_100(n: int) -> list[str]:
    tens, unit = divmod(n, 10)
    if tens == 0:
        return [DIGITS[unit]]
    words = ["mười"] if tens == 1 else [DIGITS[tens], "mươi"]
    if unit == 0:
        return words
    if unit == 5:
        return [*words, "lăm"]
    if unit == 1 and tens > 1:
        return [*words, "mốt"]
    if unit == 4 and tens > 1:
        return [*words, "tư"]
    return [*words, DIGITS[unit]]


def _below_1000(n: int, *, full: bool) -> list[str]:
    """`full`: this group follows a higher group, so its hundreds are spelled even when zero."""
    hundreds, rest = divmod(n, 100)
    words: list[str] = []
    if hundreds or full:
        words += [DIGITS[hundreds], "trăm"]
    if rest == 0:
        return words
    if rest < 10 and words:
        return [*words, "linh", DIGITS[rest]]
    return words + _below_100(rest)


def number_words(n: int) -> str:
    """0 ≤ n < 10¹²: 2021 → "hai nghìn không trăm hai mươi mốt"."""
    if not 0 <= n < 10**12:
        raise ValueError(f"out of range: {n}")
    if n == 0:
        return DIGITS[0]
    groups: list[int] = []
    while n:
        n, g = divmod(n, 1000)
        groups.append(g)
    scales = ("", "nghìn", "triệu", "tỷ")
    words: list[str] = []
    for i in range(len(groups) - 1, -1, -1):
        g = groups[i]
        if g == 0:
            continue
        words += _below_1000(g, full=bool(words))
        if scales[i]:
            words.append(scales[i])
    return " ".join(words)


def month_words(month: int) -> str:
    return "tư" if month == 4 else number_words(month)


def date_words(d: date) -> str:
    """ "Ngày mười lăm, tháng tư, năm hai nghìn không trăm hai mươi mốt" (birth certificates)."""
    return f"Ngày {number_words(d.day)}, tháng {month_words(d.month)}, năm {number_words(d.year)}"


def area_words(area_dm2: int) -> str:
    """An area given in dm² (1/100 m²), read as land certificates print it:
    12050 → "Một trăm hai mươi phẩy năm mét vuông"; 9000 → "Chín mươi mét vuông"."""
    whole, frac = divmod(area_dm2, 100)
    text = number_words(whole)
    decimals = f"{frac:02d}".rstrip("0") if frac else ""
    if len(decimals) == 1:
        text += f" phẩy {DIGITS[int(decimals)]}"
    elif decimals.startswith("0"):
        text += f" phẩy không {DIGITS[int(decimals[1])]}"
    elif decimals:
        text += f" phẩy {number_words(int(decimals))}"
    text += " mét vuông"
    return text[:1].upper() + text[1:]
