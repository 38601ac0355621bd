"""Findings from an ID card's MRZ: its check digits, and its agreement with the printed side.

Which values the MRZ confirms is decided here too (`confirmed_by_mrz`): a value is confirmed when
its own check digit holds (number: the document-number check and the composite, which covers the
full 12-digit ID in the optional field; birth date; expiry). The sex letter has no check digit;
it is confirmed when it agrees with the 4th digit of a confirmed ID number.
"""

from __future__ import annotations

from extractors.kinds import NO_EXPIRY
from extractors.mrz import Mrz
from extractors.records import Finding, Severity
from extractors.validate.id_number import century_and_sex, mask

CHECK_FIELDS = {
    "document_number": ("id_number", "số định danh"),
    "date_of_birth": ("date_of_birth", "ngày sinh"),
    "expiry_date": ("expiry_date", "ngày hết hạn"),
    "composite": ("id_number", "toàn dòng (chữ số kiểm tra tổng hợp)"),
}


def validate_mrz(mrz: Mrz) -> list[Finding]:
    """One error per failed check digit, on the field it protects."""
    findings: list[Finding] = []
    for check in mrz.checks:
        if check.ok:
            continue
        field, what = CHECK_FIELDS[check.name]
        findings.append(
            Finding(
                f"mrz.check_digit.{check.name}",
                Severity.ERROR,
                f"Chữ số kiểm tra của {what} trong vùng MRZ không khớp: có ký tự bị đọc sai, "
                "hãy đối chiếu giá trị với ảnh thẻ",
                field,
            )
        )
    if mrz.id_number and not mrz.id_number.endswith(mrz.document_number):
        findings.append(
            Finding(
                "mrz.document_number_mismatch",
                Severity.ERROR,
                "Số thẻ trong MRZ không trùng 9 chữ số cuối của số định danh "
                f"{mask(mrz.id_number)}: hãy đối chiếu với ảnh thẻ",
                "id_number",
            )
        )
    return findings


def confirmed_by_mrz(mrz: Mrz) -> dict[str, str]:
    """Field name → the value the MRZ proves with its check digits."""
    out: dict[str, str] = {}
    if mrz.corrected:  # the check digits chose the correction, so they cannot also confirm it
        return out
    number = mrz.id_number
    checked = number and mrz.ok("document_number") and mrz.ok("composite")
    if number and checked and number.endswith(mrz.document_number):
        out["id_number"] = number
        if mrz.sex and century_and_sex(int(number[3]))[1] == mrz.sex:
            out["sex"] = mrz.sex
    if mrz.date_of_birth and mrz.ok("date_of_birth"):
        out["date_of_birth"] = mrz.date_of_birth
    if mrz.ok("expiry_date") and (mrz.expiry_date or mrz.no_expiry):
        out["expiry_date"] = mrz.expiry_date or NO_EXPIRY
    return out


def printed_disagrees(name: str, printed: str, from_mrz: str) -> Finding:
    """The printed value and the checked MRZ value differ: the MRZ value is kept."""
    return Finding(
        f"{name}.mrz_mismatch",
        Severity.INFO,
        "Giá trị in trên thẻ đọc được khác với vùng MRZ (đã kiểm tra bằng chữ số kiểm tra): "
        "đã dùng giá trị trong MRZ",
        name,
    )
