"""Identity keys recognised by format, and the province an ID belongs to after the 2025 merger."""

from __future__ import annotations

import pytest

from loaders.keys import EnterpriseCode, cmnd_number, enterprise_code, personal_id
from loaders.provinces import NEW_PROVINCE_CODES, province_of_code, province_of_personal_id


def test_personal_ids_and_cmnd_numbers() -> None:
    assert personal_id("001 099 012 345") == "001099012345"
    assert personal_id("00109901234") is None
    assert cmnd_number("123456789") == "123456789"
    assert cmnd_number("001099012345") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0314409058", EnterpriseCode("0314409058", None)),
        ("0314409058-002", EnterpriseCode("0314409058-002", "0314409058")),
        ("0314409058002", EnterpriseCode("0314409058-002", "0314409058")),
        ("0314409058-000", None),
        ("031440905", None),
    ],
)
def test_enterprise_codes(text: str, expected: EnterpriseCode | None) -> None:
    assert enterprise_code(text) == expected


def test_ids_map_to_the_34_provinces() -> None:
    assert province_of_personal_id("001099012345") == "01"  # Hà Nội
    assert province_of_personal_id("074099012345") == "79"  # Bình Dương → TP Hồ Chí Minh
    assert province_of_personal_id("999099012345") is None
    assert province_of_code("15") == "15" and province_of_code("010") == "15"  # Lào Cai
    assert all(province_of_code(code) == code for code in NEW_PROVINCE_CODES)
    assert len(NEW_PROVINCE_CODES) == 34
