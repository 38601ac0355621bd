"""When a document counts as verified, and the change-feed events its transitions produce.

A document is verified when it has at least one usable field and every field is settled:
accepted or corrected by a steward, auto-verified (confidence at or above the configured
threshold, no error finding), or rejected by a steward as unusable (a rejected field is not
served). A steward's rejection of the whole document is final for the pipeline: re-extractions
do not bring it back.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from loaders.journal import emit
from loaders.models import Document, DocumentStatus, EventKind, FieldStatus, FieldValue


def is_verified(fields: Sequence[FieldValue]) -> bool:
    """Every field settled and at least one of them usable."""
    return all(f.status in FieldStatus.SETTLED for f in fields) and any(
        f.status != FieldStatus.REJECTED for f in fields
    )


def document_fields(session: Session, document_id: int) -> list[FieldValue]:
    return list(
        session.scalars(
            select(FieldValue).where(FieldValue.document_id == document_id).order_by(FieldValue.id)
        )
    )


def settle_status(session: Session, document: Document) -> str | None:
    """Recompute the document's status from its fields; emit and return the event kind, if any."""
    if document.status == DocumentStatus.REJECTED:
        return None
    session.flush()
    verified = is_verified(document_fields(session, document.id))
    was_verified = document.status == DocumentStatus.VERIFIED
    if verified == was_verified:
        return None
    document.status = DocumentStatus.VERIFIED if verified else DocumentStatus.NEEDS_REVIEW
    kind = EventKind.VERIFIED if verified else EventKind.REOPENED
    emit(session, kind, document)
    return kind
