"""Subjects are keyed by ID or enterprise code; weaker evidence only proposes a candidate."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from extractors.records import Role
from loaders.load import load_extraction
from loaders.models import (
    ChangeEvent,
    Document,
    DocumentSubject,
    EventKind,
    IdentityCandidate,
    Subject,
    SubjectAlias,
)
from loaders.review import accept_document, correct_field
from tests.loaders import factories
from tests.loaders.helpers import count


def _links(session: Session, document_id: int) -> set[tuple[str, str | None]]:
    rows = session.execute(
        sa.select(DocumentSubject.role, Subject.key)
        .join(Subject, Subject.id == DocumentSubject.subject_id)
        .where(DocumentSubject.document_id == document_id)
    )
    return {(role, key) for role, key in rows}


def test_two_documents_of_one_person_share_one_subject(session: Session) -> None:
    front = load_extraction(session, factories.id_card())
    back = load_extraction(session, factories.id_card(side="back", full_name="NGUYỄN VĂN AN"))
    assert count(session, Subject) == 1
    subject = session.scalars(sa.select(Subject)).one()
    assert (subject.kind, subject.key, subject.province_code) == ("person", "001099012345", "01")
    assert len(subject.public_id) == 32
    assert (
        _links(session, front.document_id)
        == _links(session, back.document_id)
        == {("holder", "001099012345")}
    )
    assert session.get_one(Document, front.document_id).province_code == "01"


def test_name_and_birth_date_only_propose_a_candidate(session: Session) -> None:
    card = load_extraction(session, factories.id_card())
    certificate = load_extraction(session, factories.birth_certificate())
    assert certificate.subjects_linked == 0 and certificate.candidates_opened == 1
    assert count(session, Subject) == 1
    assert _links(session, certificate.document_id) == set()
    candidate = session.scalars(sa.select(IdentityCandidate)).one()
    assert (candidate.role, candidate.status, candidate.evidence) == (
        Role.CHILD.value,
        "open",
        "same full_name + date_of_birth",
    )
    assert (
        candidate.subject_id
        == session.scalars(
            sa.select(DocumentSubject.subject_id).where(
                DocumentSubject.document_id == card.document_id
            )
        ).one()
    )
    # a different birth date is no evidence at all
    other = load_extraction(session, factories.birth_certificate(date_of_birth="1999-03-16"))
    assert other.candidates_opened == 0


def test_an_id_card_with_a_different_number_but_same_person_data_is_flagged(
    session: Session,
) -> None:
    load_extraction(session, factories.id_card(id_number="001099012345"))
    misread = load_extraction(session, factories.id_card(id_number="001099012346"))
    assert count(session, Subject) == 2
    assert misread.candidates_opened == 1


def test_an_old_cmnd_number_is_an_alias_that_finds_the_person(session: Session) -> None:
    load_extraction(
        session, factories.id_card(extra=(factories.field("cmnd_number", "123456789"),))
    )
    assert session.scalars(sa.select(SubjectAlias.value)).all() == ["123456789"]
    old_card = load_extraction(session, factories.id_card(id_number="123456789", full_name="Khác"))
    assert _links(session, old_card.document_id) == {("holder", "001099012345")}
    assert count(session, Subject) == 1


def test_an_enterprise_branch_hangs_under_its_parent(session: Session) -> None:
    head_office = load_extraction(session, factories.enterprise_registration("0314409058"))
    branch = load_extraction(session, factories.enterprise_registration("0314409058-002"))
    parent = session.scalars(sa.select(Subject).where(Subject.key == "0314409058")).one()
    child = session.scalars(sa.select(Subject).where(Subject.key == "0314409058-002")).one()
    assert child.parent_id == parent.id and parent.kind == "organization"
    assert _links(session, head_office.document_id) == {("holder", "0314409058")}
    assert _links(session, branch.document_id) == {("holder", "0314409058-002")}


def test_correcting_the_id_number_rekeys_the_holder(session: Session, steward: int) -> None:
    loaded = load_extraction(session, factories.id_card(id_number="001099012346"))
    document = session.get_one(Document, loaded.document_id)
    accept_document(
        session, document.id, principal_id=steward, expected_lock_version=document.lock_version
    )
    correct_field(
        session,
        document.id,
        "id_number",
        "079099012345",
        principal_id=steward,
        expected_lock_version=document.lock_version,
    )
    assert _links(session, document.id) == {("holder", "079099012345")}
    assert document.province_code == "79"
    kinds = set(session.scalars(sa.select(ChangeEvent.kind)))
    assert {EventKind.IDENTITY_UNLINKED, EventKind.CORRECTED, EventKind.VERIFIED} <= kinds


def test_correcting_a_misread_number_opens_no_question_about_the_misread_one(
    session: Session,
) -> None:
    """The subject made from a misread ID number is no one: correcting the number re-keys the
    document without asking whether the right person is the wrong number's ghost."""
    from loaders.models import Document, IdentityCandidate, Principal
    from loaders.review import correct_field

    steward = Principal(kind="person", name="lan", role="steward")
    session.add(steward)
    session.flush()
    misread = load_extraction(session, factories.id_card(id_number="001099012348"))
    document = session.get_one(Document, misread.document_id)
    correct_field(session, document.id, "id_number", "001099012345", principal_id=steward.id,
                  expected_lock_version=document.lock_version)  # fmt: skip
    assert count(session, IdentityCandidate) == 0
    # and a later document of the same name and birth date names the right person only
    load_extraction(session, factories.id_card(id_number=None))
    candidates = session.scalars(sa.select(IdentityCandidate)).all()
    assert [c.subject_id for c in candidates] == [
        session.scalar(sa.select(Subject.id).where(Subject.key == "001099012345"))
    ]
