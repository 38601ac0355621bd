"""An admin's undo of a document decision: reopen a verified (or rejected) document for review.

Reopening does not throw away what stewards did: every field keeps its current value (a
correction stays the value shown), but goes back to `pending`, so the document returns to the
queue and a steward decides each field again. A verified document leaves the downstream view
(`document.reopened` in the change feed) until it is verified again. The caller checks that the
principal is an admin; like `loaders.review`, this flushes and leaves the commit to the caller.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from loaders.db import translate_db_errors
from loaders.errors import InvalidRecord
from loaders.journal import emit
from loaders.models import Document, DocumentStatus, EventKind, FieldStatus
from loaders.review_log import open_locked, record_action, touch
from loaders.verification import document_fields


@translate_db_errors()
def reopen_document(
    session: Session,
    document_id: int,
    reason: str,
    *,
    principal_id: int,
    expected_lock_version: int,
) -> Document:
    """Send a verified or rejected document back to review, fields undecided, values kept."""
    if not reason.strip():
        raise InvalidRecord("reopening a document needs a reason")
    document = open_locked(session, document_id, expected_lock_version)
    if document.status == DocumentStatus.NEEDS_REVIEW:
        raise InvalidRecord(f"document {document_id} is already waiting for review")
    was_verified = document.status == DocumentStatus.VERIFIED
    before_fields: dict[str, str] = {}
    for row in document_fields(session, document.id):
        if row.status != FieldStatus.PENDING:
            before_fields[row.name] = row.status
            row.status, row.verified_by, row.verified_at = FieldStatus.PENDING, None, None
    before = {"status": document.status, "fields": before_fields}
    document.status = DocumentStatus.NEEDS_REVIEW
    touch(document)
    if was_verified:
        emit(session, EventKind.REOPENED, document, {"reason": "admin"})
    record_action(
        session,
        document,
        principal_id=principal_id,
        action="reopen_document",
        before=before,
        after={"status": DocumentStatus.NEEDS_REVIEW},
        reason=reason,
    )
    session.flush()
    return document
