"""The two append-only streams: the audit log (who did or read what) and the change feed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from loaders.models import AuditEntry, ChangeEvent, Document, DocumentSubject, Subject

# The role whose subject a document is "about" when one public id must stand for it.
_ROLE_ORDER = ("holder", "child", "owner", "legal_representative", "addressee")


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
        subject_public_id=primary_subject_public_id(session, document.id),
        payload={
            "doc_type": document.doc_type,
            "valid_to": document.valid_to.isoformat() if document.valid_to else None,
            **(payload or {}),
        },
    )
    session.add(event)
    return event


def primary_subject_public_id(session: Session, document_id: int) -> str | None:
    """The opaque id of the subject the document is mainly about (its holder, child, owner …)."""
    rows = session.execute(
        select(DocumentSubject.role, Subject.public_id)
        .join(Subject, Subject.id == DocumentSubject.subject_id)
        .where(DocumentSubject.document_id == document_id)
        .order_by(DocumentSubject.id)
    ).all()
    if not rows:
        return None
    by_role = {role: public_id for role, public_id in reversed(rows)}
    for role in _ROLE_ORDER:
        if role in by_role:
            return by_role[role]
    return rows[0][1]
