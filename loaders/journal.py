"""The two append-only streams: the audit log (who did or read what) and the change feed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from extractors import doctypes
from loaders.models import AuditEntry, ChangeEvent, Document, DocumentSubject, Subject


def audit(
    session: Session,
    action: str,
    *,
    document_id: int | None = None,
    subject_public_id: str | None = None,
    principal_id: int | None = None,
    purpose: str | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one audit entry. `principal_id` None means the pipeline itself."""
    entry = AuditEntry(
        action=action,
        document_id=document_id,
        subject_public_id=subject_public_id,
        principal_id=principal_id,
        purpose=purpose,
        detail=detail or {},
    )
    session.add(entry)
    return entry


def emit(
    session: Session, kind: str, document: Document, payload: dict[str, Any] | None = None
) -> ChangeEvent:
    """Append one change-feed event about `document` (no personal data: ids, type, dates)."""
    event = ChangeEvent(
        kind=kind,
        document_id=document.id,
        subject_public_id=primary_subject_public_id(session, document.id, document.doc_type),
        payload={
            "doc_type": document.doc_type,
            "valid_to": document.valid_to.isoformat() if document.valid_to else None,
            **(payload or {}),
        },
    )
    session.add(event)
    return event


def role_order(doc_type: str) -> tuple[str, ...]:
    """The roles of a type's slots, the one a document is "about" first (its holder, child,
    owner …): the subject that stands for the document when one public id must."""
    declared = doctypes.find(doc_type)
    return declared.role_order() if declared else ()


def primary_subject_public_id(session: Session, document_id: int, doc_type: str) -> str | None:
    """The opaque id of the subject the document is mainly about (see `role_order`)."""
    rows = session.execute(
        select(DocumentSubject.role, Subject.public_id)
        .join(Subject, Subject.id == DocumentSubject.subject_id)
        .where(DocumentSubject.document_id == document_id)
        .order_by(DocumentSubject.id)
    ).all()
    return primary_of([(role, public_id) for role, public_id in rows], doc_type)


def primary_of(links: Sequence[tuple[str, str]], doc_type: str) -> str | None:
    """Of a document's (role, public id) links in the order they were made, the public id that
    stands for the document: the first role of `role_order`, else the first link. The one rule
    both load paths follow."""
    if not links:
        return None
    by_role = {role: public_id for role, public_id in reversed(links)}
    for role in role_order(doc_type):
        if role in by_role:
            return by_role[role]
    return links[0][1]
