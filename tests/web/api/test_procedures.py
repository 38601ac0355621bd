"""The procedure catalogue and the once-only check: what a procedure needs that is on file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from loaders import procedures
from loaders.errors import InvalidRecord
from sohoa.cli.procedures import BUILTIN_CATALOGUE
from sohoa.runtime import Runtime
from tests.loaders import factories
from tests.web.conftest import Keys, Warehouse

ID = "001099012345"


@pytest.fixture
def catalogue(runtime: Runtime) -> None:
    with runtime.session() as session:
        procedures.upsert_all(session, procedures.read_catalogue(BUILTIN_CATALOGUE))


def test_the_shipped_catalogue_covers_common_procedures() -> None:
    specs = {s.code: s for s in procedures.read_catalogue(BUILTIN_CATALOGUE)}
    names = " ".join(s.name for s in specs.values())
    for words in ("khai sinh", "thường trú", "thành lập doanh nghiệp", "chuyển nhượng", "kết hôn"):
        assert words in names
    assert all(code.startswith("local.") for code in specs)  # labelled local codes
    assert all(s.requirements for s in specs.values())


def test_csv_and_json_catalogues_and_their_errors(tmp_path: Path) -> None:
    text = "code,name,doc_type,note\nX1,Thủ tục X,id_card,CCCD\nX1,Thủ tục X,birth_certificate,\n"
    (spec,) = procedures.parse_catalogue(text, fmt="csv")
    assert [r.doc_type for r in spec.requirements] == ["id_card", "birth_certificate"]
    with pytest.raises(InvalidRecord, match="unknown doc_type"):
        procedures.parse_catalogue(
            json.dumps([{"code": "X", "name": "X", "requirements": ["passport"]}]), fmt="json"
        )
    with pytest.raises(InvalidRecord, match="twice"):
        procedures.parse_catalogue(
            json.dumps([{"code": "X", "name": "X", "requirements": ["id_card", "id_card"]}]),
            fmt="json",
        )


@pytest.mark.usefixtures("catalogue")
def test_check_lists_documents_on_file_and_missing(
    client: TestClient, keys: Keys, warehouse: Warehouse
) -> None:
    card = warehouse.verified(factories.id_card(id_number=ID))
    warehouse.verified(  # an expired card is not on file today
        factories.id_card(id_number=ID, issue_date="2000-01-01", expiry_date="2010-01-01")
    )
    response = client.get(f"/v1/subjects/{ID}/procedures/local.thuong_tru", headers=keys.headers())
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["procedure"]["code"] == "local.thuong_tru"
    assert [(r["doc_type"], [d["id"] for d in r["documents"]]) for r in body["on_file"]] == [
        ("id_card", [card])
    ]
    assert [r["doc_type"] for r in body["missing"]] == ["application_form", "land_use_certificate"]
    assert body["complete"] is False and body["outside_scope"] == []

    scoped = keys.headers(scopes={"doc_types": ["id_card"]})
    body = client.get(f"/v1/subjects/{ID}/procedures/local.thuong_tru", headers=scoped).json()
    assert [r["doc_type"] for r in body["outside_scope"]] == [
        "application_form",
        "land_use_certificate",
    ]
    assert body["missing"] == []

    past = client.get(
        f"/v1/subjects/{ID}/procedures/local.thuong_tru",
        headers=keys.headers(),
        params={"valid_on": "2005-06-01"},
    ).json()
    assert [len(r["documents"]) for r in past["on_file"]] == [1]
    assert past["on_file"][0]["documents"][0]["id"] != card


@pytest.mark.usefixtures("catalogue")
def test_unknown_procedure(client: TestClient, keys: Keys, warehouse: Warehouse) -> None:
    warehouse.verified(factories.id_card(id_number=ID))
    response = client.get(f"/v1/subjects/{ID}/procedures/nope", headers=keys.headers())
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "procedure_not_found"
    assert client.get("/v1/procedures/nope", headers=keys.headers()).status_code == 404


@pytest.mark.usefixtures("catalogue")
def test_list_and_admin_upsert(client: TestClient, keys: Keys) -> None:
    listed = client.get("/v1/procedures", headers=keys.headers(purpose=False)).json()
    assert "local.khai_sinh" in {p["code"] for p in listed}
    admin = keys.headers(role="admin", purpose=False)
    body = {
        "name": "Cấp phiếu lý lịch tư pháp",
        "requirements": [{"doc_type": "id_card", "note": "CCCD"}],
    }
    created = client.put("/v1/procedures/1.001234", headers=admin, json=body)
    assert created.status_code == 200, created.text
    body["requirements"].append({"doc_type": "birth_certificate", "note": ""})
    client.put("/v1/procedures/1.001234", headers=admin, json=body)
    got = client.get("/v1/procedures/1.001234", headers=admin).json()
    assert [r["doc_type"] for r in got["requirements"]] == ["id_card", "birth_certificate"]
    twice = {"name": "X", "requirements": [{"doc_type": "id_card"}, {"doc_type": "id_card"}]}
    refused = client.put("/v1/procedures/X", headers=admin, json=twice)
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "invalid_procedure"
    steward = keys.headers(role="steward", purpose=False)
    assert client.put("/v1/procedures/Y", headers=steward, json=body).status_code == 403
