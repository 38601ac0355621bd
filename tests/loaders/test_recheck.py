"""`sohoa review recheck` repairs values stewards stored before corrections were checked: an
impossible value goes back to review with a finding, a value in another form is stored canonically
and goes back to review to be confirmed, and a served document's reopening reaches the feed."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from loaders.load import load_extraction
from loaders.models import ChangeEvent, Document, EventKind, FieldStatus, FieldValue
from loaders.recheck import recheck_steward_values
from loaders.review import accept_document
from tests.loaders import factories


def _stored_as_typed(session: Session, document_id: int, **values: str) -> None:
    """What the old correction path did: the typed text, straight into the row."""
    for name, value in values.items():
        session.execute(
            sa.update(FieldValue)
            .where(FieldValue.document_id == document_id, FieldValue.name == name)
            .values(value=value, status=FieldStatus.CORRECTED)
        )
    session.flush()


def _verified_card(session: Session, steward: int) -> int:
    document_id = load_extraction(session, factories.id_card()).document_id
    lock = session.get_one(Document, document_id).lock_version
    accept_document(session, document_id, principal_id=steward, expected_lock_version=lock)
    session.flush()
    return document_id


def _steward(session: Session) -> int:
    from loaders.models import Principal

    person = Principal(kind="person", name="lan", role="steward")
    session.add(person)
    session.flush()
    return person.id


def test_impossible_and_non_canonical_values_go_back_to_review(session: Session) -> None:
    steward = _steward(session)
    document_id = _verified_card(session, steward)
    _stored_as_typed(session, document_id, expiry_date="31/02/2024", date_of_birth="15/03/1999")
    clean_id = _verified_card(session, steward)

    dry = recheck_steward_values(session, dry_run=True)
    assert {(r.field, r.code) for r in dry.refused} == {("expiry_date", "invalid_date")}
    assert session.get_one(Document, document_id).status == "verified"  # nothing written

    report = recheck_steward_values(session)
    assert {(r.field, r.code) for r in report.refused} == {("expiry_date", "invalid_date")}
    assert [(r.field, r.reopened) for r in report.canonicalized] == [("date_of_birth", True)]
    rows = {
        r.name: r
        for r in session.scalars(sa.select(FieldValue).where(FieldValue.document_id == document_id))
    }
    assert (rows["expiry_date"].value, rows["expiry_date"].status) == ("31/02/2024", "pending")
    assert "expiry_date.stored_value_refused" in [f["code"] for f in rows["expiry_date"].findings]
    assert (rows["date_of_birth"].value, rows["date_of_birth"].status) == ("1999-03-15", "pending")
    document = session.get_one(Document, document_id)
    assert document.status == "needs_review"
    kinds = session.scalars(
        sa.select(ChangeEvent.kind).where(ChangeEvent.document_id == document_id)
    ).all()
    assert kinds[-1] == EventKind.REOPENED
    assert session.get_one(Document, clean_id).status == "verified"  # good values untouched
    assert recheck_steward_values(session).checked > 0
    assert recheck_steward_values(session).refused == []  # pending now: not a steward's value
