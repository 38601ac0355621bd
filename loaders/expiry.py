"""The daily validity job: tell downstream systems which verified documents expired.

Validity is a date question (docs/DESIGN.md): reuse queries already filter by the date asked, so
nothing is flipped or removed here. Downstream systems that *copied* a document still need to hear
that it ran out, so this writes one `document.expired` event to the change feed per verified
document whose `valid_to` is before `today`.

Idempotent: a document gets one expired event per `valid_to` value. Running twice writes nothing
new; a steward correcting `valid_to` to a later date (a renewal) and that date passing in turn
writes a second event, because the feed must say so.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from loaders.db import translate_db_errors
from loaders.journal import emit
from loaders.models import ChangeEvent, Document, DocumentStatus, EventKind

# Candidates are read in pages so a first run over a large warehouse stays in bounded memory.
_PAGE = 1000


@translate_db_errors()
def write_expiry_events(session: Session, today: date) -> int:
    """Append a `document.expired` event for each verified document with `valid_to < today` that
    has none for that `valid_to` yet; return how many were written. The caller commits."""
    written = 0
    after_id = 0
    while True:
        documents = list(
            session.scalars(
                select(Document)
                .where(
                    Document.status == DocumentStatus.VERIFIED,
                    Document.valid_to.is_not(None),
                    Document.valid_to < today,
                    Document.id > after_id,
                )
                .order_by(Document.id)
                .limit(_PAGE)
            )
        )
        if not documents:
            return written
        after_id = documents[-1].id
        announced = _announced_expiries(session, [d.id for d in documents])
        for document in documents:
            valid_to = document.valid_to.isoformat() if document.valid_to else None
            if (document.id, valid_to) in announced:
                continue
            emit(session, EventKind.EXPIRED, document, {"expired_on": today.isoformat()})
            written += 1
        session.flush()


def _announced_expiries(session: Session, document_ids: list[int]) -> set[tuple[int, str | None]]:
    """(document id, valid_to) pairs that already have an expired event. The payload's `valid_to`
    is compared in Python: JSON operators differ between SQLite and PostgreSQL."""
    rows = session.execute(
        select(ChangeEvent.document_id, ChangeEvent.payload).where(
            ChangeEvent.kind == EventKind.EXPIRED, ChangeEvent.document_id.in_(document_ids)
        )
    )
    return {(document_id, (payload or {}).get("valid_to")) for document_id, payload in rows}
