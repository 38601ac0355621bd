"""A steward's answers to identity questions, and an admin's undo of a wrong link.

An identity candidate says "this document's person may be that existing subject" on evidence
weaker than a key (same name and birth date, a shared old CMND number). Only a person decides:
`link_candidate` makes the document's role belong to that subject, `keep_separate` records that it
does not; `unlink_subject` (admin) undoes a link and asks the question again. A field conflict
says a new machine reading disagrees with a value a steward verified; `resolve_conflict` keeps the
verified value, takes the machine's, or sets another.

Like `loaders.review`, every function checks the lock version the steward saw, writes a review
action and an audit entry, flushes and leaves the commit to the caller. A steward's link is then
honoured by `loaders.identity.link_subjects` whenever the document's links are recomputed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from extractors.records import SubjectRef
from loaders.db import translate_db_errors
from loaders.errors import InvalidRecord, NotFound
from loaders.identity import link_subjects
from loaders.journal import emit
from loaders.models import (
    CandidateStatus,
    ConflictStatus,
    Document,
    DocumentStatus,
    DocumentSubject,
    EventKind,
    ExtractionVersion,
    FieldConflict,
    FieldStatus,
    FieldValue,
    IdentityCandidate,
    Subject,
)
from loaders.review import correct_field
from loaders.review_log import open_locked, record_action, touch
from loaders.verification import document_fields

ConflictChoice = Literal["keep", "machine", "value"]


@translate_db_errors()
def link_candidate(
    session: Session,
    candidate_id: int,
    *,
    principal_id: int,
    expected_lock_version: int,
    reason: str = "",
) -> Document:
    """The document's role is that subject: link them; other proposals for the role are closed."""
    candidate, document = _open_candidate(session, candidate_id, expected_lock_version)
    subject = session.get_one(Subject, candidate.subject_id)
    now = datetime.now(UTC)
    candidate.status, candidate.resolved_at = CandidateStatus.LINKED, now
    for other in _open_candidates(session, document.id, candidate.role):
        if other.id != candidate.id:
            other.status, other.resolved_at = CandidateStatus.KEPT_SEPARATE, now
    touch(document)
    _relink(session, document)
    if document.status == DocumentStatus.VERIFIED:
        emit(session, EventKind.CORRECTED, document, {"identity": "linked", "role": candidate.role})
    record_action(
        session,
        document,
        principal_id=principal_id,
        action="link_subject",
        before=_candidate_state(candidate, subject, CandidateStatus.OPEN),
        after=_candidate_state(candidate, subject, CandidateStatus.LINKED),
        reason=reason,
        subject_public_id=subject.public_id,
    )
    session.flush()
    return document


@translate_db_errors()
def keep_separate(
    session: Session,
    candidate_id: int,
    *,
    principal_id: int,
    expected_lock_version: int,
    reason: str = "",
) -> Document:
    """The document's person is not that subject; the proposal is closed and not asked again."""
    candidate, document = _open_candidate(session, candidate_id, expected_lock_version)
    subject = session.get_one(Subject, candidate.subject_id)
    candidate.status, candidate.resolved_at = CandidateStatus.KEPT_SEPARATE, datetime.now(UTC)
    touch(document)
    record_action(
        session,
        document,
        principal_id=principal_id,
        action="keep_separate",
        before=_candidate_state(candidate, subject, CandidateStatus.OPEN),
        after=_candidate_state(candidate, subject, CandidateStatus.KEPT_SEPARATE),
        reason=reason,
    )
    session.flush()
    return document


@translate_db_errors()
def unlink_subject(
    session: Session,
    candidate_id: int,
    reason: str,
    *,
    principal_id: int,
    expected_lock_version: int,
) -> Document:
    """Undo a steward's link (an admin's job; the caller checks the role): the document leaves
    the subject, `identity.unlinked` reaches the change feed, and the question is open again."""
    if not reason.strip():
        raise InvalidRecord("undoing a link needs a reason")
    candidate = session.get(IdentityCandidate, candidate_id)
    if candidate is None:
        raise NotFound(f"no identity candidate {candidate_id}")
    document = open_locked(session, candidate.document_id, expected_lock_version)
    if candidate.status != CandidateStatus.LINKED:
        raise InvalidRecord(f"identity candidate {candidate_id} is not linked")
    subject = session.get_one(Subject, candidate.subject_id)
    link = session.scalars(
        select(DocumentSubject).where(
            DocumentSubject.document_id == document.id,
            DocumentSubject.subject_id == subject.id,
            DocumentSubject.role == candidate.role,
        )
    ).first()
    emit(
        session,
        EventKind.IDENTITY_UNLINKED,
        document,
        {"role": candidate.role, "subject": subject.public_id},
    )
    if link is not None:
        session.delete(link)
    candidate.status, candidate.resolved_at = CandidateStatus.OPEN, None
    touch(document)
    session.flush()
    _relink(session, document)
    record_action(
        session,
        document,
        principal_id=principal_id,
        action="unlink_subject",
        before=_candidate_state(candidate, subject, CandidateStatus.LINKED),
        after=_candidate_state(candidate, subject, CandidateStatus.OPEN),
        reason=reason,
        subject_public_id=subject.public_id,
    )
    session.flush()
    return document


@translate_db_errors()
def resolve_conflict(
    session: Session,
    conflict_id: int,
    choice: ConflictChoice,
    *,
    principal_id: int,
    expected_lock_version: int,
    value: str | None = None,
) -> Document:
    """Answer a field conflict: keep the verified value, take the machine's, or set `value`.

    Goes through `correct_field`, so the field ends accepted or corrected, the conflict (and any
    other open one on the field) is resolved, and history and events are written as usual.
    """
    conflict = session.get(FieldConflict, conflict_id)
    if conflict is None:
        raise NotFound(f"no field conflict {conflict_id}")
    if conflict.status != ConflictStatus.OPEN:
        raise InvalidRecord(f"field conflict {conflict_id} is already resolved")
    row = session.scalars(
        select(FieldValue).where(
            FieldValue.document_id == conflict.document_id,
            FieldValue.name == conflict.field_name,
        )
    ).one()
    if choice == "keep":
        new_value, reason = row.value, "conflict: kept the verified value"
    elif choice == "machine":
        new_value, reason = conflict.machine_value, "conflict: took the machine value"
    elif choice == "value" and value is not None and value.strip():
        new_value, reason = value, "conflict: set another value"
    else:
        raise InvalidRecord("choose keep, machine, or value with a non-empty value")
    return correct_field(
        session,
        conflict.document_id,
        conflict.field_name,
        new_value,
        principal_id=principal_id,
        expected_lock_version=expected_lock_version,
        reason=reason,
    )


def _open_candidate(
    session: Session, candidate_id: int, expected_lock_version: int
) -> tuple[IdentityCandidate, Document]:
    candidate = session.get(IdentityCandidate, candidate_id)
    if candidate is None:
        raise NotFound(f"no identity candidate {candidate_id}")
    document = open_locked(session, candidate.document_id, expected_lock_version)
    if document.status == DocumentStatus.REJECTED:
        raise InvalidRecord(f"document {document.id} was rejected")
    if candidate.status != CandidateStatus.OPEN:
        raise InvalidRecord(f"identity candidate {candidate_id} was already answered")
    return candidate, document


def _open_candidates(session: Session, document_id: int, role: str) -> list[IdentityCandidate]:
    return list(
        session.scalars(
            select(IdentityCandidate).where(
                IdentityCandidate.document_id == document_id,
                IdentityCandidate.role == role,
                IdentityCandidate.status == CandidateStatus.OPEN,
            )
        )
    )


def _relink(session: Session, document: Document) -> None:
    """Recompute the document's links from its fields, honouring steward links."""
    data = session.scalar(
        select(ExtractionVersion.extraction).where(
            ExtractionVersion.document_id == document.id,
            ExtractionVersion.version == document.current_version,
        )
    )
    refs = [SubjectRef.from_dict(s) for s in (data or {}).get("subjects", ())]
    fields = document_fields(session, document.id)
    values = {f.name: f.value for f in fields if f.status != FieldStatus.REJECTED}
    link_subjects(session, document, refs, values)


def _candidate_state(
    candidate: IdentityCandidate, subject: Subject, status: str
) -> dict[str, str | int]:
    return {
        "candidate": candidate.id,
        "role": candidate.role,
        "subject": subject.public_id,
        "status": status,
    }
