"""Opening a document's page in the review UI is a read of personal data: it leaves one
`read.review_document` entry per subject shown on the page (those linked to the document and
those it may be), by the steward, in the audit log the "who read my data" query reads."""

from __future__ import annotations

from dataclasses import replace

import sqlalchemy as sa
from fastapi.testclient import TestClient

from extractors.records import Extraction, Role, SubjectKind, SubjectRef
from loaders import reads
from loaders.models import AuditEntry, DocumentSubject, IdentityCandidate, Principal, Subject
from sohoa.runtime import Runtime
from tests.loaders import factories
from tests.web.conftest import Warehouse
from tests.web.review.conftest import People, Scanned
from tests.web.review.helpers import lock_in, sign_in

ACTION = "read.review_document"


def _reads(runtime: Runtime, document_id: int) -> list[AuditEntry]:
    with runtime.session() as db:
        return list(
            db.scalars(
                sa.select(AuditEntry)
                .where(AuditEntry.document_id == document_id, AuditEntry.action == ACTION)
                .order_by(AuditEntry.id)
            )
        )


def _subjects_on_page(runtime: Runtime, document_id: int) -> set[str]:
    with runtime.session() as db:
        linked = db.scalars(
            sa.select(Subject.public_id)
            .join(DocumentSubject, DocumentSubject.subject_id == Subject.id)
            .where(DocumentSubject.document_id == document_id)
        )
        candidates = db.scalars(
            sa.select(Subject.public_id)
            .join(IdentityCandidate, IdentityCandidate.subject_id == Subject.id)
            .where(IdentityCandidate.document_id == document_id)
        )
        return set(linked) | set(candidates)


def test_opening_a_document_writes_a_read_entry(
    client: TestClient, people: People, scanned: Scanned, runtime: Runtime
) -> None:
    document_id = scanned.load(factories.id_card(id_number="001099012345"))
    sign_in(client, "lan.steward")
    assert _reads(runtime, document_id) == []

    assert client.get(f"/review/documents/{document_id}").status_code == 200

    entries = _reads(runtime, document_id)
    subjects = _subjects_on_page(runtime, document_id)
    assert len(subjects) == 1
    assert [(e.principal_id, e.subject_public_id) for e in entries] == [
        (people.steward, subjects.pop())
    ]
    assert entries[0].purpose  # says why, as an API read must
    (record,) = _who_read(runtime, entries[0].subject_public_id)
    assert (record.principal, record.action) == ("lan.steward", "review_document")


def _who_read(runtime: Runtime, public_id: str | None) -> list[reads.ReadRecord]:
    assert public_id is not None
    with runtime.session() as db:
        return reads.reads_of(db, public_id)


def _enterprise_with_representative() -> Extraction:
    base = factories.enterprise_registration("0101234567")
    representative = SubjectRef(
        Role.LEGAL_REPRESENTATIVE,
        SubjectKind.PERSON,
        {"id_number": "legal_rep_id_number", "full_name": "legal_rep_full_name"},
    )
    return replace(
        base,
        fields=(
            *base.fields,
            factories.field("legal_rep_full_name", "Lê Văn Cường"),
            factories.field("legal_rep_id_number", "001085004321"),
        ),
        subjects=(*base.subjects, representative),
    )


def test_the_read_counts_for_each_subject_on_the_page(
    client: TestClient, people: People, warehouse: Warehouse, runtime: Runtime
) -> None:
    """An enterprise's registration names the enterprise and its legal representative: the
    page shows both, so both were read."""
    certificate = warehouse.load(_enterprise_with_representative())
    sign_in(client, "lan.steward")

    client.get(f"/review/documents/{certificate}")

    subjects = _subjects_on_page(runtime, certificate)
    assert len(subjects) == 2
    entries = _reads(runtime, certificate)
    assert sorted(e.subject_public_id or "" for e in entries) == sorted(subjects)
    assert {e.principal_id for e in entries} == {people.steward}
    assert len({e.at for e in entries}) == 1  # one read


def test_a_person_the_document_may_be_about_was_read_too(
    client: TestClient, people: People, warehouse: Warehouse, runtime: Runtime
) -> None:
    """The page shows the person already on file beside the document (name, ID number, birth
    date), so the read counts for them even before anything is linked."""
    card = warehouse.verified(factories.id_card(id_number="001099000301", full_name="Vũ Thị Mai"))
    certificate = warehouse.load(
        factories.birth_certificate(full_name="Vũ Thị Mai", date_of_birth="1999-03-15")
    )
    sign_in(client, "lan.steward")

    client.get(f"/review/documents/{certificate}")

    (on_file,) = _subjects_on_page(runtime, card)
    assert [e.subject_public_id for e in _reads(runtime, certificate)] == [on_file]


def test_a_page_shown_again_after_a_refused_action_is_a_read_too(
    client: TestClient, people: People, scanned: Scanned, runtime: Runtime
) -> None:
    document_id = scanned.load(factories.id_card(id_number="001099012345"))
    token = sign_in(client, "lan.steward")
    page = client.get(f"/review/documents/{document_id}")
    stale = client.post(
        f"/review/documents/{document_id}/fields/full_name",
        data={
            "csrf_token": token,
            "lock_version": str(lock_in(page.text) + 7),
            "action": "accept",
        },
    )
    assert stale.status_code == 409
    assert len(_reads(runtime, document_id)) == 2


def test_no_entry_for_a_page_refused(
    client: TestClient, people: People, scanned: Scanned, runtime: Runtime
) -> None:
    """Out of scope: nothing was shown, so nothing was read."""
    document_id = scanned.load(factories.id_card(id_number="001099012345"))
    with runtime.session() as db:
        steward = db.get_one(Principal, people.steward)
        steward.scopes = {"provinces": ["79"]}
    sign_in(client, "lan.steward")
    assert client.get(f"/review/documents/{document_id}").status_code == 403
    assert _reads(runtime, document_id) == []
