"""Reads of personal data, kept in the audit log, the "who read my data" query over them, and
whether a scoped key may read a subject at all.

Every API read of a subject's records appends one audit entry per subject it concerns, with the
reading principal and the declared purpose, in the same transaction as the read: if the entry
cannot be written, nothing is served. Entries name subjects by their opaque public id, so they
survive an erasure of the subject's data.

The entry is written only for a principal that is still live (not revoked, not disabled), in the
same statement: a key revoked a moment ago cannot read personal data, whatever a caller cached.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, exists, insert, or_, select
from sqlalchemy.orm import Session

from loaders.db import translate_db_errors
from loaders.models import AuditEntry, Document, DocumentSubject, Principal, utcnow
from loaders.queries import ReadScope

READ_PREFIX = "read."


_AUDIT = AuditEntry.__table__
_PRINCIPALS = Principal.__table__
_ENTRY_COLUMNS = ("at", "action", "document_id", "subject_public_id", "purpose", "detail")
# INSERT INTO audit_log (…, principal_id) SELECT :at, …, principals.id FROM principals
# WHERE id = :principal_id AND live: no row is written for a revoked or disabled principal.
_RECORD_READ = (
    insert(_AUDIT)
    .from_select(
        [*_ENTRY_COLUMNS, "principal_id"],
        select(
            *(bindparam(name, type_=_AUDIT.c[name].type) for name in _ENTRY_COLUMNS),
            _PRINCIPALS.c.id,
        ).where(
            _PRINCIPALS.c.id == bindparam("principal_id"),
            _PRINCIPALS.c.revoked_at.is_(None),
            _PRINCIPALS.c.disabled.is_(False),
        ),
        include_defaults=False,
    )
    .execution_options(preserve_rowcount=True)  # an INSERT's rowcount is not kept by default
)


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
) -> bool:
    """Append a `read.<action>` audit entry for each subject the read concerns (at least one).

    False, with nothing written, when the principal is no longer live (revoked or disabled): the
    caller must then refuse the read (and roll back)."""
    at = utcnow()
    connection = session.connection()
    for public_id in list(dict.fromkeys(subject_public_ids)) or [None]:
        written = connection.execute(
            _RECORD_READ,
            {
                "at": at,
                "action": READ_PREFIX + action,
                "document_id": document_id,
                "subject_public_id": public_id,
                "purpose": purpose,
                "detail": detail or {},
                "principal_id": principal_id,
            },
        ).rowcount
        if written != 1:
            return False
    return True


@dataclass(frozen=True)
class ReadRecord:
    id: int
    at: datetime
    principal: str | None
    action: str
    purpose: str | None
    document_id: int | None


@translate_db_errors()
def subject_in_scope(session: Session, subject_id: int, scope: ReadScope) -> bool:
    """Whether a key of `scope` may know the subject exists: some document naming it (in any
    role, whatever its review status) lies within the scope. Always true for an unscoped key."""
    if not scope.provinces and not scope.doc_types:
        return True
    return bool(
        session.scalar(
            select(
                exists().where(
                    DocumentSubject.subject_id == subject_id,
                    DocumentSubject.document_id == Document.id,
                    *scope.conditions(),
                )
            )
        )
    )


@translate_db_errors()
def reads_of(
    session: Session,
    subject_public_id: str,
    *,
    before_id: int | None = None,
    limit: int = 50,
    scope: ReadScope | None = None,
) -> list[ReadRecord]:
    """The reads of a subject's records, newest first, `limit` of them before `before_id`.
    With a `scope`, the reads of one document outside it are left out (in SQL: pages stay
    full): a key learns nothing of documents it may not see, not even that they were read."""
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
    if scope is not None and (scope.provinces or scope.doc_types):
        visible = select(Document.id).where(*scope.conditions())
        query = query.where(
            or_(AuditEntry.document_id.is_(None), AuditEntry.document_id.in_(visible))
        )
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
