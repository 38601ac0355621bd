"""The 12-digit personal ID: province/country prefix, century+sex digit, birth year (docs/DOMAIN.md
§2).

There is no check digit, so the number is checked for its structure and against the printed date of
birth and sex.
"""

from __future__ import annotations

import re

from extractors.data import provinces
from extractors.records import Finding, Severity


def mask(id_number: str) -> str:
    """Enough of the number for a steward to find it on the card, not the whole of it."""
    return id_number[:4] + "…"


def century_and_sex(digit: int) -> tuple[int, str]:
    """Position 4: 0/1 → 1900s male/female, 2/3 → 2000s, … (even male, odd female)."""
    return 1900 + (digit // 2) * 100, "male" if digit % 2 == 0 else "female"


def validate_id_number(
    id_number: str,
    *,
    date_of_birth: str | None = None,
    sex: str | None = None,
    field: str = "id_number",
) -> list[Finding]:
    """Findings for a 12-digit personal ID, alone and against the ISO date of birth (or a year
    "YYYY") and sex. Codes are "<field>.<rule>" (e.g. "mother_id_number.birth_year_mismatch")."""
    if not re.fullmatch(r"\d{12}", id_number):
        return [
            Finding(
                f"{field}.format",
                Severity.ERROR,
                f"Số định danh “{id_number}” không đủ 12 chữ số: hãy đối chiếu với ảnh thẻ",
                field,
            )
        ]
    findings: list[Finding] = []
    prefix = id_number[:3]
    if prefix not in provinces():
        findings.append(
            Finding(
                f"{field}.unknown_province",
                Severity.WARNING,
                f"Số định danh {mask(id_number)} có mã nơi đăng ký khai sinh {prefix} không thuộc "
                "danh sách 63 tỉnh, thành (có thể là mã nước ngoài hoặc đọc sai): hãy kiểm tra",
                field,
            )
        )
    century, coded_sex = century_and_sex(int(id_number[3]))
    coded_year = id_number[4:6]
    if date_of_birth and re.match(r"\d{4}(-\d{2}-\d{2})?$", date_of_birth):
        year = int(date_of_birth[:4])
        if year % 100 != int(coded_year):
            findings.append(
                Finding(
                    f"{field}.birth_year_mismatch",
                    Severity.ERROR,
                    f"Số định danh {mask(id_number)} có mã năm sinh {coded_year} "
                    f"nhưng ngày sinh là {year}: một trong hai bị đọc sai, "
                    "hãy đối chiếu với ảnh thẻ",
                    field,
                )
            )
        elif year // 100 * 100 != century:
            findings.append(
                Finding(
                    f"{field}.century_mismatch",
                    Severity.ERROR,
                    f"Chữ số thứ 4 của số định danh {mask(id_number)} ({id_number[3]}) chỉ thế kỷ "
                    f"{century // 100 + 1} nhưng năm sinh là {year}: hãy đối chiếu với ảnh thẻ",
                    field,
                )
            )
    if sex in ("male", "female") and sex != coded_sex:
        printed = "Nam" if sex == "male" else "Nữ"
        coded = "nam" if coded_sex == "male" else "nữ"
        findings.append(
            Finding(
                f"{field}.sex_mismatch",
                Severity.ERROR,
                f"Chữ số thứ 4 của số định danh {mask(id_number)} ({id_number[3]}) "
                f"chỉ giới tính {coded} "
                f"nhưng trên thẻ ghi “{printed}”: hãy đối chiếu với ảnh thẻ",
                field,
            )
        )
    return findings
