"""Recording a steward's or an admin's decision: a review action (before and after, for the
document's history and for undo) and the matching append-only audit entry, written together so
that neither can exist without the other. Field decisions (`loaders.review`), identity decisions and
undo all record through here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from loaders.errors import ConflictingUpdate, NotFound
from loaders.journal import audit, primary_subject_public_id
from loaders.models import Document, ReviewAction


def open_locked(session: Session, document_id: int, expected_lock_version: int) -> Document:
    """The document, fresh from the database, if nobody changed it since the caller looked.

    Raises `ConflictingUpdate` otherwise, like `loaders.review`: two people never overwrite each
    other silently.
    """
    document = session.get(Document, document_id, populate_existing=True)
    if document is None:
        raise NotFound(f"no document {document_id}")
    if document.lock_version != expected_lock_version:
        raise ConflictingUpdate(
            f"document {document_id} changed (version {document.lock_version}, "
            f"you saw {expected_lock_version}); reload it"
        )
    return document


def touch(document: Document) -> None:
    """Bump the document's lock version even when only related rows changed."""
    document.updated_at = datetime.now(UTC)


def record_action(
    session: Session,
    document: Document,
    *,
    principal_id: int | None,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    reason: str = "",
    field_name: str | None = None,
    subject_public_id: str | None = None,
) -> None:
    """One review action and one audit entry `review.<action>` (no personal data in detail).
    `principal_id` None: the system did it (e.g. `sohoa review recheck`)."""
    session.add(
        ReviewAction(
            document_id=document.id,
            field_name=field_name,
            action=action,
            before=before,
            after=after,
            reason=reason,
            principal_id=principal_id,
        )
    )
    audit(
        session,
        f"review.{action}",
        document_id=document.id,
        subject_public_id=subject_public_id
        or primary_subject_public_id(session, document.id, document.doc_type),
        principal_id=principal_id,
        detail={"field": field_name, "status": document.status},
    )


def chosen_types(session: Session, sha256s: Iterable[str]) -> dict[str, str]:
    """The type a steward last chose for each file (`review.retype`, `sohoa.pipeline.retype`):
    a person's decision about the document, which a later run of the same file keeps (over a
    manifest's hint; a type named for the run itself still wins)."""
    wanted = [s for s in set(sha256s) if s]
    if not wanted:
        return {}
    rows = session.execute(
        select(Document.sha256, ReviewAction.after)
        .join(ReviewAction, ReviewAction.document_id == Document.id)
        .where(Document.sha256.in_(wanted), ReviewAction.action == "retype")
        .order_by(ReviewAction.id)
    ).all()
    chosen: dict[str, str] = {}
    for sha256, after in rows:
        if isinstance(after, dict) and after.get("doc_type"):
            chosen[sha256] = after["doc_type"]
    return chosen
