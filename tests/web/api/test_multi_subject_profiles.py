"""Documents that name several people or organizations: each subject's profile holds its own
attributes only (issue "Steward path": a land certificate's co-owner's ID number and name were
served in the owner's profile, because both owners were linked as one role)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.loaders import factories
from tests.web.conftest import Keys, Warehouse

OWNER, CO_OWNER = "001080012345", "001185067890"  # born 1980 (male), 1985 (female)
CHILD, MOTHER, FATHER = "001215001234", "001190004567", "001088007890"
REPRESENTATIVE, COMPANY = "079079001122", "0314409058"
APPLICANT, HEAD = "001095003344", "001070005566"


def _profile(client: TestClient, keys: Keys, key: str) -> dict[str, str]:
    response = client.get(f"/v1/subjects/{key}", headers=keys.headers())
    assert response.status_code == 200, response.text
    return {a["name"]: a["value"] for a in response.json()["attributes"]}


def _roles(client: TestClient, keys: Keys, key: str) -> list[str]:
    response = client.get(f"/v1/subjects/{key}/documents", headers=keys.headers())
    assert response.status_code == 200, response.text
    return [role for item in response.json()["items"] for role in item["roles"]]


def test_land_certificate_owner_and_co_owner_each_see_only_their_own_values(
    client: TestClient, keys: Keys, warehouse: Warehouse
) -> None:
    warehouse.verified(
        factories.document(
            "land_use_certificate",
            {
                "owner_full_name": "Nguyễn Văn Chủ",
                "owner_birth_year": "1980",
                "owner_id_number": OWNER,
                "co_owner_full_name": "Trần Thị Cùng",
                "co_owner_birth_year": "1985",
                "co_owner_id_number": CO_OWNER,
                "parcel_number": "125",
                "map_sheet_number": "7",
                "serial_number": "CT 50165768",
                "issue_date": "2021-06-01",
            },
        )
    )
    assert _profile(client, keys, OWNER) == {
        "id_number": OWNER,
        "full_name": "Nguyễn Văn Chủ",
        "birth_year": "1980",
    }
    assert _profile(client, keys, CO_OWNER) == {
        "id_number": CO_OWNER,
        "full_name": "Trần Thị Cùng",
        "birth_year": "1985",
    }
    assert _roles(client, keys, OWNER) == ["owner"]
    assert _roles(client, keys, CO_OWNER) == ["co_owner"]


def test_birth_certificate_child_and_parents_each_see_only_their_own_values(
    client: TestClient, keys: Keys, warehouse: Warehouse
) -> None:
    warehouse.verified(
        factories.document(
            "birth_certificate",
            {
                "full_name": "Lê Minh Con",
                "date_of_birth": "2015-02-03",
                "sex": "male",
                "id_number": CHILD,
                "place_of_birth": "Bệnh viện Phụ sản Hà Nội",
                "mother_full_name": "Phạm Thị Mẹ",
                "mother_birth_year": "1990",
                "mother_id_number": MOTHER,
                "mother_residence": "Phường Láng, Hà Nội",
                "father_full_name": "Lê Văn Cha",
                "father_birth_year": "1988",
                "father_id_number": FATHER,
                "issue_date": "2015-02-10",
            },
        )
    )
    assert _profile(client, keys, CHILD) == {
        "id_number": CHILD,
        "full_name": "Lê Minh Con",
        "date_of_birth": "2015-02-03",
        "sex": "male",
        "place_of_birth": "Bệnh viện Phụ sản Hà Nội",
    }
    assert _profile(client, keys, MOTHER) == {
        "id_number": MOTHER,
        "full_name": "Phạm Thị Mẹ",
        "birth_year": "1990",
        "place_of_residence": "Phường Láng, Hà Nội",
    }
    assert _profile(client, keys, FATHER) == {
        "id_number": FATHER,
        "full_name": "Lê Văn Cha",
        "birth_year": "1988",
    }


def test_enterprise_and_its_legal_representative_each_see_only_their_own_values(
    client: TestClient, keys: Keys, warehouse: Warehouse
) -> None:
    warehouse.verified(
        factories.document(
            "enterprise_registration",
            {
                "enterprise_code": COMPANY,
                "company_name": "Công ty TNHH Sao Mai",
                "head_office_address": "12 Lê Lợi, Phường Bến Thành, TP. Hồ Chí Minh",
                "legal_representative_full_name": "Võ Văn Đại",
                "legal_representative_id_number": REPRESENTATIVE,
                "legal_representative_date_of_birth": "1979-01-20",
                "legal_representative_sex": "male",
                "issue_date": "2020-01-01",
            },
        )
    )
    assert _profile(client, keys, COMPANY) == {
        "enterprise_code": COMPANY,
        "company_name": "Công ty TNHH Sao Mai",
        "head_office_address": "12 Lê Lợi, Phường Bến Thành, TP. Hồ Chí Minh",
    }
    assert _profile(client, keys, REPRESENTATIVE) == {
        "id_number": REPRESENTATIVE,
        "full_name": "Võ Văn Đại",
        "date_of_birth": "1979-01-20",
        "sex": "male",
    }


def test_application_form_applicant_and_head_of_household_each_see_only_their_own_values(
    client: TestClient, keys: Keys, warehouse: Warehouse
) -> None:
    warehouse.verified(
        factories.document(
            "application_form",
            {
                "full_name": "Đỗ Thị Khai",
                "date_of_birth": "1995-04-05",
                "id_number": APPLICANT,
                "relationship_to_head": "Con",
                "head_of_household_full_name": "Đỗ Văn Chủ Hộ",
                "head_of_household_id_number": HEAD,
                "issued_on": "2025-03-01",
            },
            kind="to_khai_cu_tru",
        )
    )
    assert _profile(client, keys, APPLICANT) == {
        "id_number": APPLICANT,
        "full_name": "Đỗ Thị Khai",
        "date_of_birth": "1995-04-05",
        "relationship_to_head": "Con",
    }
    assert _profile(client, keys, HEAD) == {
        "id_number": HEAD,
        "full_name": "Đỗ Văn Chủ Hộ",
    }
    assert _roles(client, keys, HEAD) == ["head_of_household"]


@pytest.mark.parametrize("doc_type", ["land_use_certificate"])
def test_a_single_owner_certificate_names_one_slot(
    client: TestClient, keys: Keys, warehouse: Warehouse, doc_type: str
) -> None:
    warehouse.verified(
        factories.document(
            doc_type,
            {
                "owner_full_name": "Nguyễn Văn Chủ",
                "owner_id_number": OWNER,
                "issue_date": "2021-06-01",
            },
        )
    )
    assert _profile(client, keys, OWNER) == {"id_number": OWNER, "full_name": "Nguyễn Văn Chủ"}
