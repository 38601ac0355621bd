"""Every read of personal data leaves an audit entry (principal, subject, document, purpose),
and a subject can be told who read their records and why."""

from __future__ import annotations

from urllib.parse import quote

import sqlalchemy as sa
from fastapi.testclient import TestClient

from loaders.models import AuditEntry, Principal, Subject
from sohoa.runtime import Runtime
from tests.loaders import factories
from tests.web.conftest import Keys, Warehouse

ID = "001099012345"


def _reads(runtime: Runtime) -> list[AuditEntry]:
    with runtime.session() as session:
        return list(
            session.scalars(
                sa.select(AuditEntry)
                .where(AuditEntry.action.startswith("read."))
                .order_by(AuditEntry.id)
            )
        )


def test_a_read_writes_one_entry_with_the_purpose(
    client: TestClient, keys: Keys, warehouse: Warehouse, runtime: Runtime
) -> None:
    document_id = warehouse.verified(factories.id_card(id_number=ID))
    token = keys.make("reader", name="cong-dvc-ha-noi")
    with runtime.session() as session:
        public_id = session.scalars(sa.select(Subject.public_id)).one()
        principal_id = session.scalars(
            sa.select(Principal.id).where(Principal.name == "cong-dvc-ha-noi")
        ).one()
    purpose = "Giải quyết TTHC đăng ký thường trú, hồ sơ 01.23"
    headers = {"Authorization": f"Bearer {token}", "X-Purpose": quote(purpose)}

    assert client.get(f"/v1/documents/{document_id}", headers=headers).status_code == 200
    entries = _reads(runtime)
    assert len(entries) == 1
    entry = entries[0]
    assert entry.action == "read.document"
    assert (entry.principal_id, entry.subject_public_id, entry.document_id) == (
        principal_id,
        public_id,
        document_id,
    )
    assert entry.purpose == purpose  # percent-encoded UTF-8 is decoded

    client.get(f"/v1/subjects/{ID}", headers=headers)
    client.get(f"/v1/subjects/{ID}/documents", headers=headers)
    assert [e.action for e in _reads(runtime)] == [
        "read.document",
        "read.profile",
        "read.documents",
    ]
    assert _reads(runtime)[-1].detail["documents"] == [document_id]


def test_refused_reads_are_not_served_and_not_logged_as_reads(
    client: TestClient, keys: Keys, warehouse: Warehouse, runtime: Runtime
) -> None:
    document_id = warehouse.verified(factories.id_card(id_number=ID))
    client.get(f"/v1/documents/{document_id}", headers=keys.headers(purpose=False))
    client.get(f"/v1/documents/{document_id + 1}", headers=keys.headers())
    assert _reads(runtime) == []


def test_who_read_my_data(client: TestClient, keys: Keys, warehouse: Warehouse) -> None:
    document_id = warehouse.verified(factories.id_card(id_number=ID))
    portal = {"Authorization": f"Bearer {keys.make('reader', name='cong-dvc')}", "X-Purpose": "p1"}
    bank = {"Authorization": f"Bearer {keys.make('reader', name='ngan-hang')}", "X-Purpose": "p2"}
    client.get(f"/v1/documents/{document_id}", headers=portal)
    client.get(f"/v1/subjects/{ID}/documents", headers=bank)

    citizen = keys.headers()
    body = client.get(f"/v1/subjects/{ID}/reads", headers=citizen).json()
    assert [(r["service"], r["action"], r["purpose"]) for r in body["items"]] == [
        ("ngan-hang", "documents", "p2"),
        ("cong-dvc", "document", "p1"),
    ]
    assert body["items"][1]["document_id"] == document_id
    # asking is a read too, and pages work newest first
    first = client.get(f"/v1/subjects/{ID}/reads", headers=citizen, params={"limit": 1}).json()
    assert first["items"][0]["action"] == "reads"
    second = client.get(
        f"/v1/subjects/{ID}/reads",
        headers=citizen,
        params={"limit": 1, "cursor": first["next_cursor"]},
    ).json()
    assert (second["items"][0]["service"], second["items"][0]["action"]) == (
        "ngan-hang",
        "documents",
    )
