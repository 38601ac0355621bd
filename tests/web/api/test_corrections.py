"""A steward's correction goes through the same parser and format rules as a machine value, by the
field's declared kind (issue "Steward path"): Vietnamese forms are stored canonically, a value that
fails its format is refused with a stable code and nothing changes, cross-field rules add findings
and never refuse, a key field re-keys its subject only when the new key is valid."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from extractors.kinds import MAX_LENGTH
from loaders.models import ChangeEvent, Document, DocumentSubject, FieldValue, Subject
from sohoa.runtime import Runtime
from tests.loaders import factories
from tests.web.conftest import Keys, Warehouse

ID = "001099012345"  # born 1999, male (4th digit 0)


def _open(client: TestClient, keys: Keys, warehouse: Warehouse, **card: Any):
    document_id = warehouse.load(factories.id_card(id_number=ID, **card))
    steward = keys.headers("steward")
    state = client.get(f"/v1/review/documents/{document_id}", headers=steward).json()
    return document_id, steward, state["lock_version"]


def _correct(client: TestClient, headers: dict, document_id: int, name: str, value: str, lock: int):
    return client.post(
        f"/v1/review/documents/{document_id}/fields/{name}/correct",
        headers=headers,
        json={"value": value, "expected_lock_version": lock},
    )


def _fields(runtime: Runtime, document_id: int) -> dict[str, FieldValue]:
    with runtime.session() as session:
        rows = session.scalars(sa.select(FieldValue).where(FieldValue.document_id == document_id))
        return {row.name: row for row in rows}


@pytest.mark.parametrize(
    ("field", "typed", "code"),
    [
        ("expiry_date", "31/02/2024", "invalid_date"),  # stored as typed, valid_to became NULL
        ("date_of_birth", "hôm qua", "invalid_date"),
        ("id_number", "12345", "invalid_id_number"),  # silently dropped the holder link
        ("id_number", "999099012345", "invalid_id_number"),  # no province 999
        ("sex", "không rõ", "invalid_sex"),
        ("full_name", "Nguyễn V4n An", "invalid_name"),
        ("expiry_date", "2039-13-01", "invalid_date"),
        ("expiry_date", "x" * (MAX_LENGTH + 1), "value_too_long"),
    ],
)
def test_a_value_that_fails_its_kind_is_refused_and_nothing_changes(
    client: TestClient, keys: Keys, warehouse: Warehouse, runtime: Runtime,
    field: str, typed: str, code: str,
) -> None:  # fmt: skip
    document_id, steward, lock = _open(
        client, keys, warehouse, extra=(factories.field("sex", "male"),)
    )
    before = {n: (r.value, r.status) for n, r in _fields(runtime, document_id).items()}
    response = _correct(client, steward, document_id, field, typed, lock)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == code
    assert {n: (r.value, r.status) for n, r in _fields(runtime, document_id).items()} == before
    with runtime.session() as session:
        document = session.get_one(Document, document_id)
        assert (document.lock_version, document.valid_to.isoformat()) == (lock, "2039-03-15")
        holder = session.scalars(
            sa.select(Subject.key)
            .join(DocumentSubject, DocumentSubject.subject_id == Subject.id)
            .where(DocumentSubject.document_id == document_id)
        ).all()
        assert holder == [ID]


@pytest.mark.parametrize(
    ("field", "typed", "stored"),
    [
        ("date_of_birth", "15/03/1999", "1999-03-15"),  # stored as typed before: mixed forms
        ("expiry_date", "15/03/2040", "2040-03-15"),
        ("expiry_date", "Không thời hạn", "9999-12-31"),
        ("sex", "Nam", "male"),  # the machine writes `male`
        ("sex", "nữ", "female"),
        ("full_name", "  trần   thị bích ", "Trần Thị Bích"),
        ("id_number", "001 099 012 345", ID),
    ],
)
def test_a_vietnamese_form_is_stored_canonically(
    client: TestClient, keys: Keys, warehouse: Warehouse, runtime: Runtime,
    field: str, typed: str, stored: str,
) -> None:  # fmt: skip
    extra = (factories.field("sex", "female"),) if field == "sex" else ()
    document_id, steward, lock = _open(client, keys, warehouse, extra=extra)
    response = _correct(client, steward, document_id, field, typed, lock)
    assert response.status_code == 200, response.text
    shown = {f["name"]: f for f in response.json()["fields"]}
    assert shown[field]["value"] == stored
    assert _fields(runtime, document_id)[field].value == stored


def test_a_corrected_expiry_moves_validity_and_the_served_view(
    client: TestClient, keys: Keys, warehouse: Warehouse, runtime: Runtime
) -> None:
    document_id, steward, lock = _open(client, keys, warehouse)
    response = _correct(client, steward, document_id, "expiry_date", "15/03/2030", lock)
    assert response.status_code == 200, response.text
    lock = response.json()["lock_version"]
    accepted = client.post(
        f"/v1/review/documents/{document_id}/accept",
        headers=steward,
        json={"expected_lock_version": lock},
    )
    assert accepted.status_code == 200, accepted.text
    reader = keys.headers()
    served = client.get(f"/v1/subjects/{ID}/documents?valid_on=2045-01-01", headers=reader)
    assert served.json()["items"] == []  # the card expires in 2030: not valid in 2045
    served = client.get(f"/v1/subjects/{ID}/documents?valid_on=2029-01-01", headers=reader)
    assert [d["id"] for d in served.json()["items"]] == [document_id]


def test_cross_field_rules_add_a_finding_and_never_refuse(
    client: TestClient, keys: Keys, warehouse: Warehouse, runtime: Runtime
) -> None:
    """The date of birth corrected to 1985 while the ID number says 1999: saved, with a finding on
    the ID number; correcting the ID number next clears it (two fields, one after the other)."""
    document_id, steward, lock = _open(client, keys, warehouse)
    first = _correct(client, steward, document_id, "date_of_birth", "02/01/1985", lock)
    assert first.status_code == 200, first.text
    codes = [f["code"] for f in _fields(runtime, document_id)["id_number"].findings]
    assert "id_number.birth_year_mismatch" in codes
    second = _correct(
        client, steward, document_id, "id_number", "001085012345", first.json()["lock_version"]
    )
    assert second.status_code == 200, second.text
    assert "id_number.birth_year_mismatch" not in [
        f["code"] for f in _fields(runtime, document_id)["id_number"].findings
    ]
    with runtime.session() as session:  # the valid new key re-keyed the holder
        keys_now = session.scalars(
            sa.select(Subject.key)
            .join(DocumentSubject, DocumentSubject.subject_id == Subject.id)
            .where(DocumentSubject.document_id == document_id)
        ).all()
    assert keys_now == ["001085012345"]


def test_a_missing_field_is_added_with_its_box_and_checked_like_a_correction(
    client: TestClient, keys: Keys, warehouse: Warehouse, runtime: Runtime
) -> None:
    document_id, steward, lock = _open(client, keys, warehouse, issue_date=None)
    url = f"/v1/review/documents/{document_id}/fields/issue_date"
    refused = client.post(
        url, headers=steward, json={"value": "30/02/2021", "expected_lock_version": lock}
    )
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "invalid_date"
    added = client.post(
        url,
        headers=steward,
        json={"value": "01/05/2021", "expected_lock_version": lock, "page": 1,
              "box": [100, 200, 180, 30]},
    )  # fmt: skip
    assert added.status_code == 200, added.text
    row = _fields(runtime, document_id)["issue_date"]
    assert (row.value, row.status, row.page, list(row.box)) == (
        "2021-05-01", "corrected", 1, [100, 200, 180, 30]
    )  # fmt: skip
    again = client.post(
        url,
        headers=steward,
        json={"value": "01/05/2021", "expected_lock_version": added.json()["lock_version"]},
    )
    assert again.status_code == 409  # it exists now: correct it instead
    unknown = client.post(
        f"/v1/review/documents/{document_id}/fields/shoe_size",
        headers=steward,
        json={"value": "42", "expected_lock_version": added.json()["lock_version"]},
    )
    assert unknown.status_code == 409 and "no field" in unknown.json()["error"]["message"]


def test_review_fields_carry_their_vietnamese_label_and_kind(
    client: TestClient, keys: Keys, warehouse: Warehouse
) -> None:
    document_id, steward, _ = _open(client, keys, warehouse)
    fields = client.get(f"/v1/review/documents/{document_id}", headers=steward).json()["fields"]
    labelled = {f["name"]: (f["label"], f["kind"]) for f in fields}
    assert labelled["expiry_date"] == ("Có giá trị đến (ngày hết hạn)", "expiry_date")
    assert labelled["id_number"] == ("Số định danh cá nhân", "id12")


def test_no_change_event_for_a_refused_correction(
    client: TestClient, keys: Keys, warehouse: Warehouse, runtime: Runtime
) -> None:
    document_id = warehouse.verified(factories.id_card(id_number=ID))
    steward = keys.headers("steward")
    lock = client.get(f"/v1/review/documents/{document_id}", headers=steward).json()["lock_version"]
    with runtime.session() as session:
        events = session.scalar(sa.select(sa.func.count()).select_from(ChangeEvent))
    assert (
        _correct(client, steward, document_id, "expiry_date", "31/02/2024", lock).status_code == 422
    )
    with runtime.session() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(ChangeEvent)) == events
