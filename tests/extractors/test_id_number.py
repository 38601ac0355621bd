from __future__ import annotations

import pytest

from extractors.data import provinces
from extractors.validate.id_number import validate_id_number


def _codes(findings: list) -> set[str]:
    return {f.code for f in findings}


def test_valid_number_matching_birth_and_sex() -> None:
    assert validate_id_number("079085001234", date_of_birth="1985-03-02", sex="male") == []
    assert validate_id_number("001303012345", date_of_birth="2003-07-09", sex="female") == []


def test_wrong_century_digit() -> None:
    findings = validate_id_number("079285001234", date_of_birth="1985-03-02", sex="male")
    assert _codes(findings) == {"id_number.century_mismatch"}


def test_birth_year_mismatch_names_both_years() -> None:
    (finding,) = validate_id_number("079085001234", date_of_birth="1990-01-01", sex="male")
    assert finding.code == "id_number.birth_year_mismatch"
    assert "0790…" in finding.message and "85" in finding.message and "1990" in finding.message
    assert "079085001234" not in finding.message  # the message shows only a prefix


def test_sex_mismatch() -> None:
    (finding,) = validate_id_number("079185001234", date_of_birth="1985-03-02", sex="male")
    assert finding.code == "id_number.sex_mismatch"


def test_unknown_province_prefix() -> None:
    assert _codes(validate_id_number("003085001234")) == {"id_number.unknown_province"}


@pytest.mark.parametrize("value", ["07908500123", "07908500123A", ""])
def test_not_twelve_digits(value: str) -> None:
    assert _codes(validate_id_number(value)) == {"id_number.format"}


def test_province_table_old_and_new() -> None:
    table = provinces()
    assert len(table) == 63
    assert len({p.new_code for p in table.values()}) == 34
    assert table["010"].new_code == "15" and table["015"].new_name == "Lào Cai"
    assert table["074"].new_name == "TP Hồ Chí Minh"
