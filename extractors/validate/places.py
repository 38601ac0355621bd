"""Addresses end with a province of the 63 (before 07/2025) or the 34 (since): one that does not
is probably misread there."""

from __future__ import annotations

from extractors.data.places import province_of_address
from extractors.records import Field, Finding, Severity

ADDRESS_FIELDS = (
    "place_of_origin", "place_of_residence", "place_of_birth", "address", "head_office_address",
    "owner_address", "mother_residence", "father_residence", "legal_representative_address",
)  # fmt: skip


def validate_addresses(fields: dict[str, Field]) -> list[Finding]:
    """A warning for each address whose last part is not a recognized province name."""
    findings: list[Finding] = []
    for name in ADDRESS_FIELDS:
        field = fields.get(name)
        if field is None or "," not in field.value:
            continue
        match = province_of_address(field.value)
        if match is None:
            findings.append(
                Finding(
                    f"{name}.unknown_province",
                    Severity.WARNING,
                    f"Địa chỉ “{field.value}” không kết thúc bằng tên tỉnh, thành phố đã biết "
                    "(63 tỉnh trước 07/2025 hoặc 34 tỉnh từ 07/2025): có thể đọc sai, hãy kiểm tra",
                    name,
                )
            )
        elif not match.exact:
            findings.append(
                Finding(
                    f"{name}.province_misread",
                    Severity.WARNING,
                    f"Tên tỉnh trong địa chỉ đọc gần giống “{match.name}” nhưng không khớp đúng: "
                    "hãy kiểm tra chính tả",
                    name,
                )
            )
    return findings
