"""The number's symbol and the issuing block read from two parts of the page must name the same
kind of body (Decree 30/2020, Phụ lục III): when they do not, one of the readings is wrong and both
go to a steward (issue 15: "the symbol's consistency with kind and issuer")."""

from __future__ import annotations

import pytest

from extractors.validate.admin_number import symbol_issuer_findings


@pytest.mark.parametrize(
    ("number", "issuer"),
    [
        ("86/QĐ-UBND", "Ủy ban nhân dân tỉnh Quảng Ngãi"),
        ("464/TTg-CĐS", "Thủ tướng Chính phủ"),
        ("135/2020/NĐ-CP", "Chính phủ"),
        ("1/TB-VPCP", "Văn phòng Chính phủ"),
        ("74/2025/QH15", "Quốc hội"),
        ("2734/SYT-TCCB", "Sở Y tế"),  # a department's own code proves nothing either way
        ("04/QĐ-BCĐ138", "Ban Chỉ đạo 138"),
    ],
)
def test_a_symbol_and_its_issuer_that_agree_raise_nothing(number: str, issuer: str) -> None:
    assert symbol_issuer_findings(number, issuer) == []


@pytest.mark.parametrize(
    ("number", "issuer"),
    [("86/QĐ-UBND", "Bộ Y tế"), ("135/2020/NĐ-CP", "Thủ tướng Chính phủ")],
)
def test_a_symbol_naming_another_body_doubts_both_fields(number: str, issuer: str) -> None:
    found = symbol_issuer_findings(number, issuer)
    assert {f.field for f in found} == {"number_symbol", "issuer"}
