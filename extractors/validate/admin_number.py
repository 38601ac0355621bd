"""Number and symbol of an administrative document (Decree 30/2020/NĐ-CP, Phụ lục I and III)."""

from __future__ import annotations

import re

from extractors.fields.admin_kinds import SYMBOL_KINDS
from extractors.records import Finding, Severity
from extractors.text import fold

# Individual administrative document: 86/QĐ-UBND, 686/STTT-CNTT&BCVT (công văn: no type part).
ADMIN_PATTERN = re.compile(r"^(\d{1,6})/([A-ZĐ][A-Za-zĐđ0-9]*(?:-[A-ZĐ0-9&.][A-Za-zĐđ0-9&.]*)+)$")
# Legal normative document, with the year: 45/2026/NĐ-CP, 02/2007/NQ-HĐND.
NORMATIVE_PATTERN = re.compile(r"^(\d{1,6})/(\d{4})/([A-ZĐ][A-Za-zĐđ]*-[A-ZĐ0-9][A-Za-zĐđ0-9]*)$")
# A law or an ordinance of the National Assembly (Law 80/2015, Art. 8): 74/2025/QH15,
# 02/2022/UBTVQH15.
LAW_PATTERN = re.compile(r"^(\d{1,6})/(\d{4})/(?:QH|UBTVQH)\d{1,2}$")
# Party documents: 36-HD/VPTW.
PARTY_PATTERN = re.compile(r"^(\d{1,6})-([A-Z]{1,4})/([A-ZĐ0-9]+)$")


def validate_number_symbol(value: str, kind: str | None) -> list[Finding]:
    """Findings for a number_symbol against the decree's pattern and the document's kind."""
    field = "number_symbol"
    admin = ADMIN_PATTERN.match(value)
    normative = NORMATIVE_PATTERN.match(value)
    if LAW_PATTERN.match(value):
        return []
    if not (admin or normative or PARTY_PATTERN.match(value)):
        return [
            Finding(
                "number_symbol.format",
                Severity.WARNING,
                f"Số, ký hiệu “{value}” không theo mẫu của Nghị định 30/2020 (ví dụ 05/QĐ-UBND): "
                "hãy đối chiếu với bản scan",
                field,
            )
        ]
    findings: list[Finding] = []
    number = (admin or normative).group(1) if (admin or normative) else ""
    if number and len(number) == 1:
        findings.append(
            Finding(
                "number_symbol.unpadded",
                Severity.INFO,
                f"Số văn bản dưới 10 thường được ghi thêm số 0 (“0{number}”): "
                "hãy kiểm tra số đã đọc",
                field,
            )
        )
    symbol = admin.group(2) if admin else normative.group(3) if normative else ""
    first = fold(symbol.split("-")[0]).replace(" ", "")
    if first == "CV":
        findings.append(
            Finding(
                "number_symbol.cv_symbol",
                Severity.WARNING,
                "“CV” không phải ký hiệu chính thức của công văn (Nghị định 30/2020): hãy kiểm tra",
                field,
            )
        )
    coded_kind = SYMBOL_KINDS.get(first)
    if kind and coded_kind and coded_kind != kind:
        findings.append(
            Finding(
                "number_symbol.kind_mismatch",
                Severity.WARNING,
                f"Ký hiệu “{symbol}” chỉ loại văn bản khác với tiêu đề đọc được: "
                "hãy kiểm tra loại văn bản",
                field,
            )
        )
    return findings


# Body codes a symbol names its issuer by (Decree 30/2020, Phụ lục III), and how the issuer's name
# begins then (folded). A symbol naming one body while the header names another means one of the
# two readings is wrong.
ISSUER_CODES: dict[str, tuple[str, ...]] = {
    "UBND": ("UY BAN NHAN DAN",),
    "HDND": ("HOI DONG NHAN DAN",),
    "CP": ("CHINH PHU",),
    "TTG": ("THU TUONG CHINH PHU",),
    "VPCP": ("VAN PHONG CHINH PHU",),
    "QH": ("QUOC HOI",),
    "UBTVQH": ("UY BAN THUONG VU QUOC HOI",),
}


def symbol_issuer_findings(value: str, issuer: str) -> list[Finding]:
    """A warning on both fields when the symbol's body code names a different kind of body than
    the issuing block ("…/QĐ-UBND" under "BỘ Y TẾ"); nothing when the code is not one of
    `ISSUER_CODES` (a unit's or a school's own code proves nothing)."""
    symbol = value.rsplit("/", 1)[-1]
    codes = [re.sub(r"\d+$", "", fold(part)) for part in symbol.split("-")]
    known = [c for c in codes if c in ISSUER_CODES]
    if not known:
        return []
    name = fold(issuer)
    if any(name.startswith(head) for c in known for head in ISSUER_CODES[c]):
        return []
    message = (
        f"Ký hiệu “{symbol}” chỉ cơ quan ban hành khác với “{issuer}” đọc được ở góc trái: "
        "hãy đối chiếu số, ký hiệu và cơ quan ban hành với bản scan"
    )
    return [
        Finding("number_symbol.issuer_mismatch", Severity.WARNING, message, "number_symbol"),
        Finding("issuer.symbol_mismatch", Severity.WARNING, message, "issuer"),
    ]
