"""Profile and documents of a subject: only verified, valid-on-the-date documents, paginated."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.loaders import factories
from tests.web.conftest import Keys, Warehouse

ID = "001099012345"


def test_profile_takes_each_attribute_from_the_most_recent_verified_document(
    client: TestClient, keys: Keys, warehouse: Warehouse
) -> None:
    old = warehouse.verified(
        factories.id_card(
            id_number=ID, full_name="Nguyễn Văn An", issue_date="2016-01-01", expiry_date=None
        )
    )
    new = warehouse.verified(
        factories.id_card(
            id_number=ID, full_name="Nguyễn Văn Ân", issue_date="2021-05-01", side="back"
        )
    )
    warehouse.load(factories.id_card(id_number=ID, full_name="Chưa Duyệt", issue_date="2024-01-01"))

    response = client.get(f"/v1/subjects/{ID}", headers=keys.headers())

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["subject"]["key"] == ID and body["subject"]["kind"] == "person"
    attributes = {a["name"]: a for a in body["attributes"]}
    name = attributes["full_name"]
    assert name["value"] == "Nguyễn Văn Ân"
    assert name["source"]["document_id"] == new
    assert [(d["value"], d["source"]["document_id"]) for d in name["disagreements"]] == [
        ("Nguyễn Văn An", old)
    ]
    assert attributes["date_of_birth"]["value"] == "1999-03-15"
    assert attributes["date_of_birth"]["disagreements"] == []
    assert sorted(body["document_ids"]) == sorted([old, new])


def test_profile_of_an_organization_by_enterprise_code(
    client: TestClient, keys: Keys, warehouse: Warehouse
) -> None:
    warehouse.verified(factories.enterprise_registration("0101234567", "Công ty TNHH Sao Mai"))
    response = client.get("/v1/subjects/0101234567", headers=keys.headers())
    assert response.status_code == 200, response.text
    attributes = {a["name"]: a["value"] for a in response.json()["attributes"]}
    assert attributes == {"enterprise_code": "0101234567", "company_name": "Công ty TNHH Sao Mai"}


def test_unknown_and_malformed_subjects(client: TestClient, keys: Keys) -> None:
    headers = keys.headers()
    unknown = client.get("/v1/subjects/001099099999", headers=headers)
    assert unknown.status_code == 404
    assert unknown.json()["error"]["code"] == "subject_not_found"
    malformed = client.get("/v1/subjects/12345", headers=headers)
    assert malformed.status_code == 422
    assert malformed.json()["error"]["code"] == "invalid_request"


def test_an_erased_subject_is_gone(client: TestClient, keys: Keys, warehouse: Warehouse) -> None:
    """After a real erasure the old number finds nothing (no hash of it is kept: a 12-digit ID
    is easy to brute-force), and the subject's documents answer 410 Gone."""
    from loaders.erasure import erase_subject

    document_id = warehouse.verified(factories.id_card(id_number=ID))
    with warehouse.runtime.session() as session:
        erase_subject(session, key_or_public_id=ID, principal_id=None, reason="Nghị định 13/2023")
    headers = keys.headers()
    for path in (f"/v1/subjects/{ID}", f"/v1/subjects/{ID}/documents"):
        response = client.get(path, headers=headers)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "subject_not_found"
    gone = client.get(f"/v1/documents/{document_id}", headers=headers)
    assert gone.status_code == 410
    assert gone.json()["error"]["code"] == "subject_erased"


def test_documents_are_verified_and_valid_on_the_date_asked(
    client: TestClient, keys: Keys, warehouse: Warehouse
) -> None:
    valid = warehouse.verified(
        factories.id_card(id_number=ID, issue_date="2021-05-01", expiry_date="2039-03-15")
    )
    expired = warehouse.verified(
        factories.id_card(id_number=ID, issue_date="2010-01-01", expiry_date="2020-01-01")
    )
    warehouse.load(factories.id_card(id_number=ID))  # needs review: never served
    headers = keys.headers()

    def ids(**params: str) -> list[int]:
        response = client.get(f"/v1/subjects/{ID}/documents", headers=headers, params=params)
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    assert ids() == [valid]
    assert ids(valid_on="2015-06-01") == [expired]
    assert ids(valid_on="2020-01-01") == [expired]  # valid_to is inclusive
    assert ids(valid_on="2021-05-01") == [valid]  # so is valid_from
    assert ids(valid_on="2009-12-31") == []
    assert ids(valid_on="2040-01-01") == []


def test_documents_filtered_by_type(client: TestClient, keys: Keys, warehouse: Warehouse) -> None:
    card = warehouse.verified(factories.id_card(id_number=ID))
    response = client.get(
        f"/v1/subjects/{ID}/documents",
        headers=keys.headers(),
        params={"doc_type": "birth_certificate"},
    )
    assert response.json()["items"] == []
    response = client.get(
        f"/v1/subjects/{ID}/documents", headers=keys.headers(), params={"doc_type": "id_card"}
    )
    item = response.json()["items"][0]
    assert item["id"] == card and item["roles"] == ["holder"] and item["province_code"] == "01"
    assert item["href"] == f"/v1/documents/{card}"
    bad = client.get(
        f"/v1/subjects/{ID}/documents", headers=keys.headers(), params={"doc_type": "passport"}
    )
    assert bad.status_code == 422


def test_documents_are_paginated_with_an_opaque_cursor(
    client: TestClient, keys: Keys, warehouse: Warehouse
) -> None:
    made = [warehouse.verified(factories.id_card(id_number=ID)) for _ in range(5)]
    headers = keys.headers()
    seen: list[int] = []
    cursor = None
    pages = 0
    while True:
        params: dict[str, str | int] = {"limit": 2}
        if cursor:
            params["cursor"] = cursor
        body = client.get(f"/v1/subjects/{ID}/documents", headers=headers, params=params).json()
        seen += [item["id"] for item in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == made and pages == 3
    bad = client.get(f"/v1/subjects/{ID}/documents", headers=headers, params={"cursor": "zzz"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_cursor"
    too_big = client.get(f"/v1/subjects/{ID}/documents", headers=headers, params={"limit": 201})
    assert too_big.status_code == 422


def test_an_old_cmnd_number_finds_the_person(
    client: TestClient, keys: Keys, warehouse: Warehouse
) -> None:
    card = factories.id_card(id_number=ID, extra=(factories.field("cmnd_number", "012345678"),))
    document_id = warehouse.verified(card)
    response = client.get("/v1/subjects/012345678/documents", headers=keys.headers())
    assert response.status_code == 200, response.text
    assert response.json()["subject"]["key"] == ID
    assert [i["id"] for i in response.json()["items"]] == [document_id]
