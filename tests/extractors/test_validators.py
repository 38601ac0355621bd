"""Enterprise-code check digit, province names of both eras, ID ↔ date/sex, date sanity: each
finding's code and its Vietnamese message."""

from __future__ import annotations

from datetime import date

import pytest

from extractors.data.places import match_province, province_of_address
from extractors.records import Field, Severity
from extractors.validate.dates import validate_dates
from extractors.validate.id_number import validate_id_number
from extractors.validate.places import validate_addresses
from extractors.validate.tax_code import (
    is_valid_enterprise_code,
    normalize_enterprise_code,
    validate_enterprise_code,
)

REAL_CODES = (
    "0100233488",
    "0314409058",
    "0312687878",
    "0100112437",
    "0101659783",
    "0312742744",
    "0305395391",
    "0108926276",
    "0304826616",
)  # fmt: skip  (docs/DOMAIN.md §3: real MSTs from public sites)


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_enterprise_codes_pass_and_any_changed_digit_fails(code: str) -> None:
    assert is_valid_enterprise_code(code) and validate_enterprise_code(code) == []
    for i in range(10):
        changed = code[:i] + str((int(code[i]) + 3) % 10) + code[i + 1 :]
        assert not is_valid_enterprise_code(changed)
        (finding,) = validate_enterprise_code(changed)
        assert finding.code == "enterprise_code.check_digit"
        assert finding.severity is Severity.ERROR and "chữ số kiểm tra" in finding.message


def test_branch_codes_and_personal_tax_codes() -> None:
    assert normalize_enterprise_code("0314409058 - 002") == "0314409058-002"
    assert is_valid_enterprise_code("0314409058-002")
    assert [f.code for f in validate_enterprise_code("0314409058-000")] == [
        "enterprise_code.branch_format"
    ]
    assert [f.code for f in validate_enterprise_code("079085001234")] == [
        "enterprise_code.personal_id"
    ]
    assert [f.code for f in validate_enterprise_code("031440905")] == ["enterprise_code.format"]


@pytest.mark.parametrize(
    ("text", "new_code", "old_code"),
    [
        ("TP. Hồ Chí Minh", "79", "079"),
        ("Thành phố Hồ Chí Minh", "79", "079"),
        ("Tp HCM", "79", "079"),
        ("Tỉnh Bà Rịa - Vũng Tàu", "79", "077"),
        ("Tỉnh Bình Dương", "79", "074"),
        ("TP Huế", "46", "046"),
        ("Thừa Thiên Huế", "46", "046"),
        ("Tỉnh Hà Giang", "08", "002"),
        ("Tỉnh Gia Lai", "52", "064"),
        ("thành phố hà nội", "01", "001"),
    ],
)
def test_province_names_of_both_eras(text: str, new_code: str, old_code: str) -> None:
    match = match_province(text)
    assert match is not None and match.exact
    assert (match.new_code, match.old_code) == (new_code, old_code)


def test_misread_and_unknown_provinces() -> None:
    match = province_of_address("Thôn 3, Xã Tịnh Hà, Huyện Sơn Tịnh, Tỉnh Quảng Ngãl")
    assert match is not None and match.name == "Quảng Ngãi" and not match.exact
    assert match_province("Paris") is None
    fields = {
        "place_of_residence": Field("place_of_residence", "Số 1, Phường 2, Tỉnh Quảng Ngãl", "", 1),
        "place_of_origin": Field("place_of_origin", "Tịnh Hà, Sơn Tịnh, Xyz Abc", "", 1),
        "address": Field("address", "Thôn 5, Xã Nghĩa Hà, Tỉnh Thanh Hóa", "", 1),
    }
    findings = {f.code: f for f in validate_addresses(fields)}
    assert set(findings) == {
        "place_of_residence.province_misread",
        "place_of_origin.unknown_province",
    }
    assert "Quảng Ngãi" in findings["place_of_residence.province_misread"].message


def test_id_number_against_birth_year_and_sex_of_other_people() -> None:
    findings = validate_id_number(
        "001190012345", date_of_birth="1985", sex="male", field="mother_id_number"
    )
    codes = {f.code for f in findings}
    assert codes == {"mother_id_number.birth_year_mismatch", "mother_id_number.sex_mismatch"}
    assert all(
        f.field == "mother_id_number" and "số định danh" in f.message.lower() for f in findings
    )


def test_date_sanity_messages() -> None:
    def f(name: str, value: str) -> Field:
        return Field(name, value, value, 1.0)

    findings = validate_dates(
        {
            "issue_date": f("issue_date", "2027-01-01"),
            "expiry_date": f("expiry_date", "2026-06-01"),
        },
        date(2026, 1, 1),
    )
    by_code = {x.code: x for x in findings}
    assert set(by_code) == {"issue_date.in_future", "expiry_date.before_start"}
    assert "Ngày cấp 01/01/2027 ở sau ngày hôm nay" in by_code["issue_date.in_future"].message
    born_after = validate_dates(
        {
            "date_of_birth": f("date_of_birth", "2000-01-01"),
            "issue_date": f("issue_date", "1999-01-01"),
        },
        date(2026, 1, 1),
    )
    assert [x.code for x in born_after] == ["issue_date.before_birth"]
