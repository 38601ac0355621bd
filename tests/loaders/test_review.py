"""Steward decisions: optimistic locking, status, and what they leave in the records."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from loaders.db import session_scope
from loaders.errors import ConflictingUpdate, InvalidRecord, WarehouseUnavailable
from loaders.load import load_extraction
from loaders.models import (
    AuditEntry,
    ChangeEvent,
    Document,
    DocumentStatus,
    FieldConflict,
    FieldStatus,
    Principal,
    ReviewAction,
)
from loaders.review import (
    accept_document,
    accept_field,
    correct_field,
    reject_document,
    reject_field,
)
from tests.loaders import factories
from tests.loaders.helpers import count, fields


def _loaded(session: Session) -> Document:
    return session.get_one(Document, load_extraction(session, factories.id_card()).document_id)


def test_a_stale_lock_version_is_a_conflicting_update(session: Session, steward: int) -> None:
    document = _loaded(session)
    seen = document.lock_version
    accept_field(
        session, document.id, "full_name", principal_id=steward, expected_lock_version=seen
    )
    assert document.lock_version == seen + 1
    with pytest.raises(ConflictingUpdate):
        correct_field(
            session, document.id, "full_name", "X", principal_id=steward, expected_lock_version=seen
        )


def test_two_stewards_racing_one_wins(session_factory: Callable[[], Session]) -> None:
    with session_scope(session_factory) as session:
        document = _loaded(session)
        session.add_all([Principal(kind="person", name=n, role="steward") for n in ("a", "b")])
        seen, doc_id = document.lock_version, document.id
    first, second = session_factory(), session_factory()
    try:
        first_doc = first.get_one(Document, doc_id)
        second.get_one(Document, doc_id)  # both read the same version
        accept_field(first, doc_id, "full_name", principal_id=1, expected_lock_version=seen)
        first.commit()
        assert first_doc.lock_version == seen + 1
        # PostgreSQL re-checks the row and finds it changed; SQLite refuses the write of a
        # transaction that read before the other committed: retryable, and the retry conflicts.
        with pytest.raises((ConflictingUpdate, WarehouseUnavailable)):
            accept_field(second, doc_id, "id_number", principal_id=2, expected_lock_version=seen)
        second.rollback()
        with pytest.raises(ConflictingUpdate):
            accept_field(second, doc_id, "id_number", principal_id=2, expected_lock_version=seen)
    finally:
        first.close()
        second.close()


def test_accepting_every_field_verifies_the_document(session: Session, steward: int) -> None:
    document = _loaded(session)
    for name in list(fields(session, document.id))[:-1]:
        accept_field(
            session,
            document.id,
            name,
            principal_id=steward,
            expected_lock_version=document.lock_version,
        )
        assert document.status == DocumentStatus.NEEDS_REVIEW
    last = list(fields(session, document.id))[-1]
    accept_field(
        session,
        document.id,
        last,
        principal_id=steward,
        expected_lock_version=document.lock_version,
    )
    assert document.status == DocumentStatus.VERIFIED
    assert session.scalars(sa.select(ChangeEvent.kind)).all() == ["document.verified"]
    assert count(session, ReviewAction, action="accept") == len(fields(session, document.id))
    row = fields(session, document.id)["full_name"]
    assert (row.verified_by, row.verified_at is not None) == (steward, True)


def test_correcting_a_verified_document_is_a_change_event(session: Session, steward: int) -> None:
    document = _loaded(session)
    accept_document(
        session, document.id, principal_id=steward, expected_lock_version=document.lock_version
    )
    correct_field(
        session,
        document.id,
        "expiry_date",
        "2040-01-01",
        principal_id=steward,
        expected_lock_version=document.lock_version,
        reason="đọc sai năm",
    )
    assert str(document.valid_to) == "2040-01-01"
    kinds = session.scalars(sa.select(ChangeEvent.kind).order_by(ChangeEvent.id)).all()
    assert kinds == ["document.verified", "document.corrected"]
    action = session.scalars(sa.select(ReviewAction).where(ReviewAction.action == "correct")).one()
    assert action.before == {"value": "2039-03-15", "status": "accepted"}
    assert action.after == {"value": "2040-01-01", "status": "corrected"}
    assert action.reason == "đọc sai năm"
    entry = session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "review.correct")
    ).one()
    assert entry.principal_id == steward and entry.subject_public_id is not None


def test_a_steward_decision_resolves_the_fields_conflict(session: Session, steward: int) -> None:
    sha = factories.new_sha256()
    document = session.get_one(
        Document, load_extraction(session, factories.id_card(sha256=sha)).document_id
    )
    accept_document(
        session, document.id, principal_id=steward, expected_lock_version=document.lock_version
    )
    load_extraction(session, factories.id_card(sha256=sha, full_name="Nguyễn Văn Ẩn"))
    accept_field(
        session,
        document.id,
        "full_name",
        principal_id=steward,
        expected_lock_version=document.lock_version,
    )
    conflict = session.scalars(sa.select(FieldConflict)).one()
    assert conflict.status == "resolved" and conflict.resolved_at is not None
    assert fields(session, document.id)["full_name"].value == "Nguyễn Văn An"


def test_rejecting(session: Session, steward: int) -> None:
    document = _loaded(session)
    reject_field(
        session,
        document.id,
        "issue_date",
        "mờ",
        principal_id=steward,
        expected_lock_version=document.lock_version,
    )
    assert fields(session, document.id)["issue_date"].status == FieldStatus.REJECTED
    assert document.valid_from is None
    accept_document(
        session, document.id, principal_id=steward, expected_lock_version=document.lock_version
    )
    assert document.status == DocumentStatus.VERIFIED
    with pytest.raises(InvalidRecord):
        reject_document(
            session,
            document.id,
            " ",
            principal_id=steward,
            expected_lock_version=document.lock_version,
        )
    reject_document(
        session,
        document.id,
        "không phải giấy tờ",
        principal_id=steward,
        expected_lock_version=document.lock_version,
    )
    assert document.status == DocumentStatus.REJECTED
    assert session.scalars(sa.select(ChangeEvent.kind).order_by(ChangeEvent.id)).all()[-1] == (
        "document.rejected"
    )
    with pytest.raises(InvalidRecord):
        accept_field(
            session,
            document.id,
            "full_name",
            principal_id=steward,
            expected_lock_version=document.lock_version,
        )
    # a re-extraction does not bring a rejected document back
    load_extraction(session, factories.id_card(sha256=document.sha256, confidence=0.5))
    assert document.status == DocumentStatus.REJECTED
