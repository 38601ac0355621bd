"""A key scoped to provinces or document types sees only what its scope covers: other documents
are left out of lists and profiles, and answer 404 when asked for by id (as if absent); so does a
subject none of whose documents the scope covers (test_subject_scope.py)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.loaders import factories
from tests.web.conftest import Keys, Warehouse, settle

HANOI_ID = "001099012345"  # birth registered in Hà Nội (01)
HCMC_ID = "079099012345"  # in Hồ Chí Minh City (79)


def test_province_scope(client: TestClient, keys: Keys, warehouse: Warehouse) -> None:
    hanoi = warehouse.verified(factories.id_card(id_number=HANOI_ID))
    hcmc = warehouse.verified(factories.id_card(id_number=HCMC_ID, full_name="Lê Thị Hoa"))
    org = warehouse.verified(factories.enterprise_registration("0301234567"))
    scoped = keys.headers(scopes={"provinces": ["79"]})

    assert client.get(f"/v1/documents/{hcmc}", headers=scoped).status_code == 200
    for hidden in (hanoi, org):  # an organization has no province: outside every province scope
        response = client.get(f"/v1/documents/{hidden}", headers=scoped)
        assert response.status_code == 404
    # a subject none of whose documents the key may see is not there for it (as if absent)
    for call in ("", "/documents"):
        hidden = client.get(f"/v1/subjects/{HANOI_ID}{call}", headers=scoped)
        assert hidden.status_code == 404
        assert hidden.json()["error"]["code"] == "subject_not_found"
    everything = keys.headers()
    assert client.get(f"/v1/documents/{hanoi}", headers=everything).status_code == 200


def test_doc_type_scope(client: TestClient, keys: Keys, warehouse: Warehouse) -> None:
    card = warehouse.verified(factories.id_card(id_number=HANOI_ID))
    settle(warehouse.runtime)
    scoped = keys.headers(scopes={"doc_types": ["land_use_certificate"]})
    assert client.get(f"/v1/documents/{card}", headers=scoped).status_code == 404
    hidden = client.get(f"/v1/subjects/{HANOI_ID}/documents", headers=scoped)
    assert hidden.status_code == 404 and hidden.json()["error"]["code"] == "subject_not_found"
    events = client.get("/v1/changes", headers=scoped).json()["events"]
    assert events == []
    assert len(client.get("/v1/changes", headers=keys.headers()).json()["events"]) == 1


def test_steward_scope_limits_review(client: TestClient, keys: Keys, warehouse: Warehouse) -> None:
    card = warehouse.load(factories.id_card(id_number=HANOI_ID))
    scoped = keys.headers(role="steward", scopes={"provinces": ["79"]})
    assert client.get(f"/v1/review/documents/{card}", headers=scoped).status_code == 404
    response = client.post(
        f"/v1/review/documents/{card}/accept",
        headers=scoped,
        json={"expected_lock_version": warehouse.lock_version(card)},
    )
    assert response.status_code == 404
