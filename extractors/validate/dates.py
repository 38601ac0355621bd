"""Date sanity: nothing issued or born in the future, nothing expiring before it began."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from extractors.kinds import NO_EXPIRY
from extractors.records import Field, Finding, Severity

EARLIEST_BIRTH = date(1900, 1, 1)
# Dates that cannot lie after today when no declaration says otherwise (the document step passes
# its type's own: every field of kind "date", extractors.declaration).
_PAST_FIELDS = {
    "date_of_birth": "Ngày sinh",
    "issued_on": "Ngày ban hành",
    "issue_date": "Ngày cấp",
}


def validate_dates(
    fields: dict[str, Field], today: date, past: Mapping[str, str] | None = None
) -> list[Finding]:
    """Findings for the ISO dates among `fields` (by name); `today` is passed in (no clock here).
    `past`: field name → label of the dates that cannot be after today."""
    findings: list[Finding] = []
    parsed: dict[str, date] = {}
    for name, field in fields.items():
        try:
            parsed[name] = date.fromisoformat(field.value)
        except ValueError:
            continue
    for name, label in (_PAST_FIELDS if past is None else past).items():
        if name in parsed and parsed[name] > today:
            findings.append(
                Finding(
                    f"{name}.in_future",
                    Severity.ERROR,
                    f"{label} {parsed[name]:%d/%m/%Y} ở sau ngày hôm nay: "
                    "có thể đọc sai, hãy kiểm tra",
                    name,
                )
            )
    birth = parsed.get("date_of_birth")
    if birth and birth < EARLIEST_BIRTH:
        findings.append(
            Finding(
                "date_of_birth.too_early",
                Severity.ERROR,
                f"Ngày sinh {birth:%d/%m/%Y} trước năm 1900: có thể đọc sai, hãy kiểm tra",
                "date_of_birth",
            )
        )
    issued = parsed.get("issue_date")
    if birth and issued and issued < birth:
        findings.append(
            Finding(
                "issue_date.before_birth",
                Severity.ERROR,
                f"Ngày cấp {issued:%d/%m/%Y} trước ngày sinh {birth:%d/%m/%Y}: "
                "một trong hai bị đọc sai, hãy kiểm tra",
                "issue_date",
            )
        )
    expiry = parsed.get("expiry_date")
    if expiry and fields["expiry_date"].value != NO_EXPIRY:
        for start_name, label in (("date_of_birth", "ngày sinh"), ("issue_date", "ngày cấp")):
            start = parsed.get(start_name)
            if start and expiry <= start:
                findings.append(
                    Finding(
                        "expiry_date.before_start",
                        Severity.ERROR,
                        f"Ngày hết hạn {expiry:%d/%m/%Y} không sau {label} "
                        f"{start:%d/%m/%Y}: hãy kiểm tra",
                        "expiry_date",
                    )
                )
        if expiry < today:
            findings.append(
                Finding(
                    "expiry_date.expired",
                    Severity.INFO,
                    f"Giấy tờ đã hết hạn từ {expiry:%d/%m/%Y}",
                    "expiry_date",
                )
            )
    return findings
