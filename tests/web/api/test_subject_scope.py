"""A key scoped to provinces or document types cannot learn whether an ID number exists outside its
scope: every `/v1/subjects/{id}/…` call about a subject none of whose documents the key may see
answers exactly as for an ID number nobody holds (404, the same body), and writes no read entry.
Within scope, "who read this subject" leaves out the reads of documents the key may not see."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from loaders import procedures
from loaders.models import AuditEntry
from sohoa.runtime import Runtime
from tests.fixtures.reliability_report import ReliabilityLog
from tests.loaders import factories
from tests.web.conftest import Keys, Warehouse

HANOI = "001099012345"  # birth registered in Hà Nội (01)
HCMC = "079099012345"  # in Hồ Chí Minh City (79)
NOBODY = "001099099999"  # the same form, held by no one
SUBJECT_CALLS = ["", "/documents", "/procedures/local.khai_sinh", "/reads"]


@pytest.fixture(autouse=True)
def catalogue(runtime: Runtime) -> None:
    with runtime.session() as session:
        procedures.upsert(
            session,
            procedures.ProcedureSpec(
                "local.khai_sinh", "Đăng ký khai sinh", (procedures.Requirement("id_card"),)
            ),
        )


def _reads_logged(runtime: Runtime) -> int:
    with runtime.session() as session:
        return session.scalar(
            sa.select(sa.func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action.startswith("read."))
        )


@pytest.mark.parametrize("call", SUBJECT_CALLS, ids=lambda c: c or "/profile")
@pytest.mark.parametrize(
    "scope",
    [{"provinces": ["79"]}, {"doc_types": ["land_use_certificate"]}],
    ids=["province", "doc_type"],
)
def test_an_out_of_scope_subject_answers_like_a_missing_one(
    client: TestClient,
    keys: Keys,
    warehouse: Warehouse,
    runtime: Runtime,
    call: str,
    scope: dict[str, list[str]],
    dialect: str,
    reliability_log: ReliabilityLog,
) -> None:
    warehouse.verified(factories.id_card(id_number=HANOI))
    scoped = keys.headers(scopes=scope)
    before = _reads_logged(runtime)

    hidden = client.get(f"/v1/subjects/{HANOI}{call}", headers=scoped)
    missing = client.get(f"/v1/subjects/{NOBODY}{call}", headers=scoped)

    assert missing.status_code == 404
    assert (hidden.status_code, hidden.json()) == (missing.status_code, missing.json())
    assert hidden.json()["error"]["code"] == "subject_not_found"
    assert _reads_logged(runtime) == before  # nothing was read
    # a key without that scope still reads the subject
    assert client.get(f"/v1/subjects/{HANOI}{call}", headers=keys.headers()).status_code == 200
    axis = "province" if "provinces" in scope else "doc_type"
    reliability_log.record(
        "scopes",
        case=f"{axis} scope, subject outside it: /v1/subjects/{{id}}{call} ({dialect})",
        requests=2,
        outcome="404 subject_not_found, the same body as an unknown ID, no read entry",
    )


@pytest.mark.parametrize("call", SUBJECT_CALLS, ids=lambda c: c or "/profile")
def test_an_in_scope_subject_is_served(
    client: TestClient, keys: Keys, warehouse: Warehouse, call: str
) -> None:
    warehouse.verified(factories.id_card(id_number=HCMC, full_name="Lê Thị Hoa"))
    scoped = keys.headers(scopes={"provinces": ["79"]})
    response = client.get(f"/v1/subjects/{HCMC}{call}", headers=scoped)
    assert response.status_code == 200, response.text


def test_a_subject_waiting_for_review_in_scope_exists_for_the_key(
    client: TestClient, keys: Keys, warehouse: Warehouse
) -> None:
    """Scope is about where documents are, not whether they are verified yet: the same answer an
    unscoped key gets (the subject, with nothing served so far)."""
    warehouse.load(factories.id_card(id_number=HCMC))
    scoped = client.get(f"/v1/subjects/{HCMC}", headers=keys.headers(scopes={"provinces": ["79"]}))
    everyone = client.get(f"/v1/subjects/{HCMC}", headers=keys.headers())
    assert scoped.status_code == everyone.status_code == 200
    assert scoped.json()["attributes"] == everyone.json()["attributes"] == []


def test_reads_of_documents_outside_the_scope_are_left_out(
    client: TestClient,
    keys: Keys,
    warehouse: Warehouse,
    dialect: str,
    reliability_log: ReliabilityLog,
) -> None:
    """The co-owner (Hà Nội) of a Hồ Chí Minh City land certificate: a Hà Nội key sees the reads
    of the co-owner's own card and of their lists, not that another service read the land
    certificate (a document in a province it may not look at)."""
    owner, co_owner = "079080012345", "001185067890"
    land = warehouse.verified(
        factories.document(
            "land_use_certificate",
            {
                "owner_full_name": "Nguyễn Văn Chủ",
                "owner_birth_year": "1980",
                "owner_id_number": owner,
                "co_owner_full_name": "Trần Thị Cùng",
                "co_owner_birth_year": "1985",
                "co_owner_id_number": co_owner,
                "parcel_number": "125",
                "map_sheet_number": "7",
                "serial_number": "CT 50165768",
                "issue_date": "2021-06-01",
            },
        )
    )
    card = warehouse.verified(factories.id_card(id_number=co_owner, full_name="Trần Thị Cùng"))
    everything = keys.headers()
    for path in (f"/v1/documents/{land}", f"/v1/documents/{card}", f"/v1/subjects/{co_owner}"):
        assert client.get(path, headers=everything).status_code == 200

    hanoi = client.get(
        f"/v1/subjects/{co_owner}/reads", headers=keys.headers(scopes={"provinces": ["01"]})
    )
    unscoped = client.get(f"/v1/subjects/{co_owner}/reads", headers=everything)

    assert hanoi.status_code == 200, hanoi.text
    seen = [(r["action"], r["document_id"]) for r in hanoi.json()["items"]]
    assert ("document", land) not in seen
    assert ("document", card) in seen and ("profile", None) in seen
    assert ("document", land) in [(r["action"], r["document_id"]) for r in unscoped.json()["items"]]
    reliability_log.record(
        "scopes",
        case=f"reads of a document outside the scope, subject inside ({dialect})",
        requests=1,
        outcome="left out of /reads",
    )
