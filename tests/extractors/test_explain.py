"""A value below the review threshold always says why (issue "Steward path": an ID number showed
0 % with no reason)."""

from __future__ import annotations

from extractors.explain import explain_low_confidence
from extractors.records import Extraction, Field, Finding, Severity


def _card(*fields: Field, findings: tuple[Finding, ...] = ()) -> Extraction:
    return Extraction(sha256="0" * 64, doc_type="id_card", fields=fields, findings=findings)


def test_an_unchecked_id_number_says_nothing_checks_it() -> None:
    result = explain_low_confidence(_card(Field("id_number", "001099012345", "", 0.0)))
    (finding,) = result.findings
    assert (finding.code, finding.field) == ("id_number.unchecked", "id_number")
    assert "đối chiếu" in finding.message


def test_low_free_text_and_low_digits_get_their_own_reason() -> None:
    result = explain_low_confidence(
        _card(
            Field("full_name", "Nguyễn Văn An", "", 0.61),
            Field("date_of_birth", "1999-03-15", "", 0.7),
            Field("id_number", "001099012345", "", 0.7),
        )
    )
    by_field = {f.field: f for f in result.findings}
    assert (
        "dấu tiếng Việt" in by_field["full_name"].message and "61%" in by_field["full_name"].message
    )
    assert "chữ số" in by_field["date_of_birth"].message
    assert by_field["id_number"].code == "id_number.low_confidence"  # a birth date is beside it


def test_a_value_with_a_reason_or_above_the_threshold_gets_no_new_finding() -> None:
    noted = Finding("sex.handwritten", Severity.WARNING, "viết tay", "sex")
    card = _card(Field("sex", "male", "", 0.5), Field("nationality", "Việt Nam", "", 0.95),
                 findings=(noted,))  # fmt: skip
    assert explain_low_confidence(card) == card
