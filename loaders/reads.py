"""Reads of personal data, kept in the audit log, and the "who read my data" query over them.

Every API read of a subject's records appends one audit entry per subject it concerns, with the
reading principal and the declared purpose, in the same transaction as the read: if the entry
cannot be written, nothing is served. Entries name subjects by their opaque public id, so they
survive an erasure of the subject's data.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from loaders.db import translate_db_errors
from loaders.journal import audit
from loaders.models import AuditEntry, Principal

READ_PREFIX = "read."


@translate_db_errors()
def record_read(
    session: Session,
    action: str,
    *,
    principal_id: int,
    purpose: str,
    subject_public_ids: Iterable[str | None],
    document_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Append a `read.<action>` audit entry for each subject the read concerns (at least one)."""
    subjects = list(dict.fromkeys(subject_public_ids)) or [None]
    for public_id in subjects:
        audit(
            session,
            READ_PREFIX + action,
            document_id=document_id,
            subject_public_id=public_id,
            principal_id=principal_id,
            purpose=purpose,
            detail=detail,
        )
    session.flush()


@dataclass(frozen=True)
class ReadRecord:
    id: int
    at: datetime
    principal: str | None
    action: str
    purpose: str | None
    document_id: int | None


@translate_db_errors()
def reads_of(
    session: Session, subject_public_id: str, *, before_id: int | None = None, limit: int = 50
) -> list[ReadRecord]:
    """The reads of a subject's records, newest first, `limit` of them before `before_id`."""
    query = (
        select(AuditEntry, Principal.name)
        .outerjoin(Principal, Principal.id == AuditEntry.principal_id)
        .where(
            AuditEntry.subject_public_id == subject_public_id,
            AuditEntry.action.startswith(READ_PREFIX),
        )
        .order_by(AuditEntry.id.desc())
        .limit(limit)
    )
    if before_id is not None:
        query = query.where(AuditEntry.id < before_id)
    return [
        ReadRecord(
            id=entry.id,
            at=entry.at,
            principal=name,
            action=entry.action.removeprefix(READ_PREFIX),
            purpose=entry.purpose,
            document_id=entry.document_id,
        )
        for entry, name in session.execute(query)
    ]
