"""A data steward's decisions on a document: accept, correct or reject fields, accept or reject
the whole document.

Every operation is optimistic-locked: the caller passes the `lock_version` it showed the steward,
and a document changed since (by another steward or a re-extraction) raises `ConflictingUpdate`.
Each writes a review action (before/after, for history), an audit entry, and the change-feed
events downstream systems need, then re-evaluates the document's status. Like `load_extraction`,
these flush and leave the commit to the caller.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from extractors import doctypes
from extractors.records import SubjectRef
from loaders.db import translate_db_errors
from loaders.derived import refresh_derived
from loaders.errors import ConflictingUpdate, InvalidRecord, NotFound
from loaders.field_checks import parse_value, refresh_findings
from loaders.identity import link_subjects
from loaders.journal import emit
from loaders.models import (
    ConflictStatus,
    Document,
    DocumentStatus,
    EventKind,
    ExtractionVersion,
    FieldConflict,
    FieldStatus,
    FieldValue,
)
from loaders.review_log import record_action
from loaders.verification import document_fields, settle_status


@translate_db_errors()
def accept_field(
    session: Session, document_id: int, name: str, *, principal_id: int, expected_lock_version: int
) -> Document:
    """The steward confirms the field's current value; it is never overwritten by a machine."""
    document = _open_for_review(session, document_id, expected_lock_version)
    row = _field(session, document, name)
    before = _snapshot(row)
    _decide(row, FieldStatus.ACCEPTED, principal_id)
    return _finish(session, document, principal_id, "accept", row, before)


@translate_db_errors()
def correct_field(
    session: Session,
    document_id: int,
    name: str,
    new_value: str,
    *,
    principal_id: int,
    expected_lock_version: int,
    reason: str = "",
) -> Document:
    """The steward replaces the value. It goes through the field's declared kind first
    (`loaders.field_checks.parse_value`): a Vietnamese form is stored canonically, a value that
    fails its format raises `RefusedValue` and nothing changes. Correcting a key field (e.g.
    `id_number`) re-keys the document's subject links (only ever to a valid key); correcting a
    date moves its validity; cross-field rules add findings, never refusals."""
    document = _open_for_review(session, document_id, expected_lock_version)
    row = _field(session, document, name)
    value = parse_value(document, name, new_value)
    before = _snapshot(row)
    values_before = _current_values(session, document)
    row.value = value
    status = FieldStatus.ACCEPTED if row.value == row.machine_value else FieldStatus.CORRECTED
    _decide(row, status, principal_id)
    fields = document_fields(session, document.id)
    refresh_findings(document, fields, values_before, _values(fields), retyped=frozenset({name}))
    return _finish(session, document, principal_id, "correct", row, before, reason)


@translate_db_errors()
def add_field(
    session: Session,
    document_id: int,
    name: str,
    typed: str,
    *,
    principal_id: int,
    expected_lock_version: int,
    page: int | None = None,
    box: list[int] | None = None,
    reason: str = "",
) -> Document:
    """A field the machine did not find, typed by a steward (with the box of the words it came
    from as its provenance): one its type declares, not already on the document, checked by its
    kind like any correction."""
    document = _open_for_review(session, document_id, expected_lock_version)
    declared = doctypes.find(document.doc_type)
    if declared is None or declared.field(name) is None:
        raise InvalidRecord(f"a {document.doc_type} has no field {name!r}")
    existing = session.scalars(
        select(FieldValue).where(FieldValue.document_id == document.id, FieldValue.name == name)
    ).first()
    if existing is not None:
        raise InvalidRecord(f"document {document.id} already has the field {name!r}: correct it")
    value = parse_value(document, name, typed)
    values_before = _current_values(session, document)
    row = FieldValue(
        document_id=document.id, name=name, value=value, raw=value, confidence=1.0, page=page,
        box=box, findings=[], status=FieldStatus.CORRECTED, machine_value=None,
        extraction_version=document.current_version,
    )  # fmt: skip
    session.add(row)
    _decide(row, FieldStatus.CORRECTED, principal_id)
    session.flush()
    fields = document_fields(session, document.id)
    refresh_findings(document, fields, values_before, _values(fields), retyped=frozenset({name}))
    return _finish(session, document, principal_id, "add_field", row, {"value": None}, reason)


@translate_db_errors()
def reject_field(
    session: Session,
    document_id: int,
    name: str,
    reason: str,
    *,
    principal_id: int,
    expected_lock_version: int,
) -> Document:
    """The value is unusable and the page has no right one; the field is no longer served."""
    document = _open_for_review(session, document_id, expected_lock_version)
    row = _field(session, document, name)
    before = _snapshot(row)
    _decide(row, FieldStatus.REJECTED, principal_id)
    return _finish(session, document, principal_id, "reject_field", row, before, reason)


@translate_db_errors()
def accept_document(
    session: Session, document_id: int, *, principal_id: int, expected_lock_version: int
) -> Document:
    """Accept every field not yet decided by a steward (pending and auto-verified ones)."""
    document = _open_for_review(session, document_id, expected_lock_version)
    accepted = []
    for row in document_fields(session, document.id):
        if row.status in (FieldStatus.PENDING, FieldStatus.AUTO_VERIFIED):
            _decide(row, FieldStatus.ACCEPTED, principal_id)
            accepted.append(row.name)
    if not accepted and document.status != DocumentStatus.VERIFIED:
        raise InvalidRecord("the document has no field to accept")
    return _finish(
        session, document, principal_id, "accept_document", None, None, after={"fields": accepted}
    )


@translate_db_errors()
def accept_confident(
    session: Session,
    document_id: int,
    threshold: float,
    *,
    principal_id: int,
    expected_lock_version: int,
) -> list[str]:
    """Accept every undecided field at or above `threshold` that carries no error finding (what
    auto-verification would verify); the others stay for the steward. Returns the names accepted
    (none: nothing changed, not even the lock version)."""
    document = _open_for_review(session, document_id, expected_lock_version)
    confident = [
        row
        for row in document_fields(session, document.id)
        if row.status in (FieldStatus.PENDING, FieldStatus.AUTO_VERIFIED)
        and row.confidence >= threshold
        and not any(f.get("severity") == "error" for f in row.findings or ())
    ]
    if not confident:
        return []
    for row in confident:
        _decide(row, FieldStatus.ACCEPTED, principal_id)
    accepted = [row.name for row in confident]
    _finish(
        session, document, principal_id, "accept_confident", None, None, after={"fields": accepted}
    )
    return accepted


@translate_db_errors()
def reject_document(
    session: Session,
    document_id: int,
    reason: str,
    *,
    principal_id: int,
    expected_lock_version: int,
) -> Document:
    """The file is not a usable document (wrong file, illegible, not this type); never served."""
    if not reason.strip():
        raise InvalidRecord("rejecting a document needs a reason")
    document = _open_for_review(session, document_id, expected_lock_version)
    was_verified = document.status == DocumentStatus.VERIFIED
    before = {"status": document.status}
    document.status = DocumentStatus.REJECTED
    document.updated_at = datetime.now(UTC)
    if was_verified:
        emit(session, EventKind.REJECTED, document)
    _record(session, document, principal_id, "reject_document", None, before, None, reason)
    session.flush()
    return document


def _open_for_review(session: Session, document_id: int, expected_lock_version: int) -> Document:
    document = session.get(Document, document_id, populate_existing=True)
    if document is None:
        raise NotFound(f"no document {document_id}")
    if document.lock_version != expected_lock_version:
        raise ConflictingUpdate(
            f"document {document_id} changed (version {document.lock_version}, "
            f"you saw {expected_lock_version}); reload it"
        )
    if document.status == DocumentStatus.REJECTED:
        raise InvalidRecord(f"document {document_id} was rejected")
    return document


def _field(session: Session, document: Document, name: str) -> FieldValue:
    row = session.scalars(
        select(FieldValue).where(FieldValue.document_id == document.id, FieldValue.name == name)
    ).first()
    if row is None:
        raise NotFound(f"document {document.id} has no field {name!r}")
    return row


def _values(fields: list[FieldValue]) -> dict[str, str]:
    return {f.name: f.value for f in fields if f.status != FieldStatus.REJECTED}


def _current_values(session: Session, document: Document) -> dict[str, str]:
    return _values(document_fields(session, document.id))


def _snapshot(row: FieldValue) -> dict[str, Any]:
    return {"value": row.value, "status": row.status}


def _decide(row: FieldValue, status: str, principal_id: int) -> None:
    row.status, row.verified_by, row.verified_at = status, principal_id, datetime.now(UTC)


def _finish(
    session: Session,
    document: Document,
    principal_id: int,
    action: str,
    row: FieldValue | None,
    before: dict[str, Any] | None,
    reason: str = "",
    after: dict[str, Any] | None = None,
) -> Document:
    """What every field decision shares: derived columns, links, status, events, records."""
    was_verified = document.status == DocumentStatus.VERIFIED
    document.updated_at = datetime.now(UTC)  # bumps lock_version even if only fields changed
    if row is not None:
        _resolve_conflicts(session, row)
        after = _snapshot(row)
    values = _current_values(session, document)
    refresh_derived(document, values)
    link_subjects(session, document, subject_refs(session, document), values)
    event = settle_status(session, document)
    value_changed = row is not None and before is not None and before["value"] != row.value
    if event is None and was_verified and (value_changed or action == "reject_field"):
        emit(session, EventKind.CORRECTED, document, {"field": row.name if row else None})
    _record(
        session, document, principal_id, action, row.name if row else None, before, after, reason
    )
    session.flush()
    return document


def _resolve_conflicts(session: Session, row: FieldValue) -> None:
    """A steward's decision on a field answers the conflicts open on it."""
    session.execute(
        update(FieldConflict)
        .where(
            FieldConflict.document_id == row.document_id,
            FieldConflict.field_name == row.name,
            FieldConflict.status == ConflictStatus.OPEN,
        )
        .values(status=ConflictStatus.RESOLVED, resolved_at=datetime.now(UTC))
    )


def subject_refs(session: Session, document: Document) -> list[SubjectRef]:
    """The subjects the latest extraction named (the roles do not change on review)."""
    data = session.scalar(
        select(ExtractionVersion.extraction).where(
            ExtractionVersion.document_id == document.id,
            ExtractionVersion.version == document.current_version,
        )
    )
    return [SubjectRef.from_dict(s) for s in (data or {}).get("subjects", ())]


def _record(
    session: Session,
    document: Document,
    principal_id: int,
    action: str,
    field_name: str | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    reason: str,
) -> None:
    record_action(
        session,
        document,
        principal_id=principal_id,
        action=action,
        before=before,
        after=after,
        reason=reason,
        field_name=field_name,
    )
