"""`GET /v1/document-types` describes every declared type from its declaration; the documents
filter accepts any registered type and refuses others by name."""

from __future__ import annotations

from fastapi.testclient import TestClient

from extractors import doctypes
from tests.web.conftest import Keys


def test_every_type_with_its_fields_labels_kinds_and_slots(client: TestClient, keys: Keys) -> None:
    response = client.get("/v1/document-types", headers=keys.headers(purpose=False))
    assert response.status_code == 200, response.text
    types = {t["code"]: t for t in response.json()}
    assert list(types) == list(doctypes.codes())
    land = types["land_use_certificate"]
    assert [(s["role"], s["label"]) for s in land["slots"]] == [
        ("owner", "Người sử dụng đất"),
        ("co_owner", "Người cùng sử dụng đất"),
    ]
    fields = {f["name"]: f for f in land["fields"]}
    assert fields["co_owner_id_number"] == {
        "name": "co_owner_id_number", "label": "Số CCCD (người cùng sử dụng đất)", "kind": "id12",
        "required": False, "slot": "co_owner", "attribute": "id_number",
    }  # fmt: skip
    assert fields["parcel_number"]["slot"] is None
    assert types["admin_document"]["attributes"]["kind"]["quyet_dinh"] == "Quyết định"


def test_the_documents_filter_names_an_unknown_type(client: TestClient, keys: Keys) -> None:
    response = client.get(
        "/v1/subjects/001099012345/documents?doc_type=id_card&doc_type=passport",
        headers=keys.headers(),
    )
    assert response.status_code == 422
    assert "passport" in response.json()["error"]["message"]
