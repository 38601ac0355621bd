"""The daily validity job's query: one `document.expired` event per verified document whose
valid_to passed, per valid_to value; nothing flipped; idempotent (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from loaders.expiry import write_expiry_events
from loaders.models import ChangeEvent, Document, DocumentStatus, EventKind

TODAY = date(2026, 3, 1)


def _doc(session: Session, n: int, status: str, valid_to: date | None) -> Document:
    doc = Document(sha256=f"{n:064x}", doc_type="id_card", status=status, valid_to=valid_to)
    session.add(doc)
    session.flush()
    return doc


def _expired(session: Session) -> list[int]:
    return list(
        session.scalars(
            select(ChangeEvent.document_id)
            .where(ChangeEvent.kind == EventKind.EXPIRED)
            .order_by(ChangeEvent.id)
        )
    )


def test_only_verified_documents_past_their_end_are_announced_once(session: Session) -> None:
    past = _doc(session, 1, DocumentStatus.VERIFIED, TODAY - timedelta(days=1))
    _doc(session, 2, DocumentStatus.VERIFIED, TODAY)  # valid through today
    _doc(session, 3, DocumentStatus.NEEDS_REVIEW, TODAY - timedelta(days=9))
    _doc(session, 4, DocumentStatus.REJECTED, TODAY - timedelta(days=9))
    _doc(session, 5, DocumentStatus.VERIFIED, None)

    assert write_expiry_events(session, TODAY) == 1
    assert _expired(session) == [past.id]
    assert write_expiry_events(session, TODAY) == 0
    assert write_expiry_events(session, TODAY + timedelta(days=3)) == 1  # doc 2 now
    assert session.get(Document, past.id).status == DocumentStatus.VERIFIED  # nothing flipped


def test_a_renewed_document_that_runs_out_again_is_announced_again(session: Session) -> None:
    doc = _doc(session, 6, DocumentStatus.VERIFIED, TODAY - timedelta(days=1))
    assert write_expiry_events(session, TODAY) == 1
    doc.valid_to = TODAY + timedelta(days=10)  # a steward corrected it: renewed
    session.flush()
    assert write_expiry_events(session, TODAY) == 0
    assert write_expiry_events(session, TODAY + timedelta(days=11)) == 1
    assert _expired(session) == [doc.id, doc.id]


def test_many_documents_are_read_in_pages(session: Session) -> None:
    for n in range(1, 2503):
        session.add(
            Document(
                sha256=f"{n + 100:064x}",
                doc_type="id_card",
                status=DocumentStatus.VERIFIED,
                valid_to=TODAY - timedelta(days=1),
            )
        )
    session.flush()
    assert write_expiry_events(session, TODAY) == 2502
    total = select(func.count()).select_from(ChangeEvent)
    assert session.scalar(total) == 2502
    assert write_expiry_events(session, TODAY) == 0
