"""Enterprise code / tax code (mã số doanh nghiệp / mã số thuế, docs/DOMAIN.md §3).

10 digits: 2-digit province of first registration, 7-digit sequence, 1 check digit
C = 10 − (Σ dᵢ·wᵢ mod 11) with w = (31, 29, 23, 19, 17, 13, 7, 5, 3); a remainder of 0 would need
C = 10, so such a prefix is never issued. A branch or dependent unit adds "-XXX" (001–999) to its
parent's 10 digits. A 12-digit code is an individual's personal ID used as tax code (no check
digit). The check digit is what lets an OCR'd enterprise code be trusted without retyping it: any
single wrong digit changes the sum modulo 11.
"""

from __future__ import annotations

import re

from extractors.records import Finding, Severity

WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)
_BRANCH = re.compile(r"^(\d{10})\s*-\s*(\d{3})$")


def check_digit(first9: str) -> int | None:
    """The check digit for 9 digits, or None when the remainder is 0 (never issued)."""
    remainder = sum(int(d) * w for d, w in zip(first9, WEIGHTS, strict=True)) % 11
    return None if remainder == 0 else 10 - remainder


def is_valid_enterprise_code(code: str) -> bool:
    """True for a 10-digit code whose check digit holds, or such a code + "-001".."-999"."""
    branch = _BRANCH.match(code)
    if branch:
        return branch.group(2) != "000" and is_valid_enterprise_code(branch.group(1))
    if not re.fullmatch(r"\d{10}", code):
        return False
    expected = check_digit(code[:9])
    return expected is not None and expected == int(code[9])


def normalize_enterprise_code(text: str) -> str:
    """Digits of a printed code, keeping the branch hyphen ("0314409058 - 002" → "…058-002")."""
    digits = re.sub(r"[^\d-]", "", text)
    branch = _BRANCH.match(digits)
    return f"{branch.group(1)}-{branch.group(2)}" if branch else digits.replace("-", "")


def validate_enterprise_code(code: str, field: str = "enterprise_code") -> list[Finding]:
    """Findings for an enterprise/tax code; [] when it is a well-formed code with a valid check."""
    if re.fullmatch(r"\d{12}", code):
        return [
            Finding(
                f"{field}.personal_id",
                Severity.WARNING,
                f"Mã số “{code[:4]}…” có 12 chữ số: đây là số định danh cá nhân dùng làm mã số "
                "thuế (hộ, cá nhân kinh doanh), không phải mã số doanh nghiệp: hãy kiểm tra",
                field,
            )
        ]
    branch = _BRANCH.match(code)
    if branch and branch.group(2) == "000":
        return [
            Finding(
                f"{field}.branch_format",
                Severity.ERROR,
                f"Mã đơn vị phụ thuộc “{code}” có phần đuôi 000 (chỉ từ 001 đến 999): "
                "hãy đối chiếu với bản scan",
                field,
            )
        ]
    parent = branch.group(1) if branch else code
    if not re.fullmatch(r"\d{10}", parent):
        return [
            Finding(
                f"{field}.format",
                Severity.ERROR,
                f"Mã số doanh nghiệp “{code}” không đủ 10 chữ số (hoặc 10 chữ số kèm -XXX của "
                "chi nhánh): hãy đối chiếu với bản scan",
                field,
            )
        ]
    if check_digit(parent[:9]) is None or not is_valid_enterprise_code(parent):
        return [
            Finding(
                f"{field}.check_digit",
                Severity.ERROR,
                f"Mã số doanh nghiệp “{code}” sai chữ số kiểm tra (chữ số cuối): có thể đọc sai "
                "một chữ số, hãy đối chiếu với bản scan",
                field,
            )
        ]
    return []
