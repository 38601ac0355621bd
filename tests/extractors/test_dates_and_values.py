from __future__ import annotations

from datetime import date

import pytest

from extractors.fields.values import normalize_sex, parse_date
from extractors.kinds import NO_EXPIRY
from extractors.records import Field
from extractors.validate.admin_number import validate_number_symbol
from extractors.validate.dates import validate_dates


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("Quảng Ngãi, ngày 05 tháng 01 năm 2024", "2024-01-05"),
        ("Hà Nội, ngày 14 tháng 4 năm 2025", "2025-04-14"),
        ("ngay 5 thang 1 nam 2024", "2024-01-05"),  # diacritics lost by OCR
        ("Ngày sinh / Date of birth: 05/01/2024", "2024-01-05"),
        ("05-01-2024", "2024-01-05"),
        ("Có giá trị đến: Không thời hạn", NO_EXPIRY),
    ],
)
def test_parse_date(text: str, iso: str) -> None:
    parsed = parse_date(text)
    assert parsed is not None and parsed.iso == iso and not parsed.repaired


def test_parse_date_repairs_letters_and_says_so() -> None:
    parsed = parse_date("O5/O1/2O24")
    assert parsed is not None and parsed.iso == "2024-01-05" and parsed.repaired


@pytest.mark.parametrize("text", ["ngày⁄{§ tháng 01 năm 2025", "31/02/2024", "tháng 3 năm 2018"])
def test_unreadable_or_impossible_dates_are_not_guessed(text: str) -> None:
    assert parse_date(text) is None


@pytest.mark.parametrize(
    ("text", "sex"),
    [
        ("Nam", "male"),
        ("Nữ", "female"),
        ("NỮ", "female"),
        ("Nu", "female"),
        ("Female", "female"),
        ("Nam Quốc tịch", "male"),
        ("?", None),
    ],
)
def test_normalize_sex(text: str, sex: str | None) -> None:
    assert normalize_sex(text) == sex


def _f(name: str, value: str) -> Field:
    return Field(name, value, value, 1.0)


def test_dates_sanity() -> None:
    today = date(2025, 1, 1)
    fields = {
        "date_of_birth": _f("date_of_birth", "2030-01-01"),
        "expiry_date": _f("expiry_date", "2020-01-01"),
    }
    codes = {f.code for f in validate_dates(fields, today)}
    assert codes == {"date_of_birth.in_future", "expiry_date.before_start", "expiry_date.expired"}
    ok = {
        "date_of_birth": _f("date_of_birth", "1985-01-01"),
        "expiry_date": _f("expiry_date", NO_EXPIRY),
    }
    assert validate_dates(ok, today) == []


@pytest.mark.parametrize(
    ("value", "kind", "codes"),
    [
        ("86/QĐ-UBND", "quyet_dinh", set()),
        ("45/2026/NĐ-CP", "nghi_dinh", set()),
        ("686/STTT-CNTT&BCVT", "cong_van", set()),
        ("36-HD/VPTW", None, set()),
        ("5/QĐ-UBND", "quyet_dinh", {"number_symbol.unpadded"}),
        ("12/CV-UBND", "cong_van", {"number_symbol.cv_symbol"}),
        ("86/QĐ-UBND", "chi_thi", {"number_symbol.kind_mismatch"}),
        ("86 QĐ UBND", "quyet_dinh", {"number_symbol.format"}),
    ],
)
def test_number_symbol_rules(value: str, kind: str | None, codes: set[str]) -> None:
    assert {f.code for f in validate_number_symbol(value, kind)} == codes
