"""The change feed downstream systems follow: verified documents, corrections, rejections and
expiries (written by `loaders.expiry`), in a stable order after a cursor, so they sync
incrementally and never miss a change.

Why not simply `id > cursor`: ids come from a sequence when a row is inserted, not when its
transaction commits. On PostgreSQL, with several writers, event 41 may still be uncommitted (and
invisible) when event 42 is read; a reader that moved its cursor to 42 would never see 41.

So on PostgreSQL each event carries the id of the transaction that wrote it (`txid`, filled by the
server), and the feed is ordered by `(txid, id)` and cut at the *horizon*: the oldest transaction
still running when the read's snapshot was taken (`pg_snapshot_xmin(pg_current_snapshot())`).
Every transaction below the horizon has ended, so its events are all visible (or rolled back for
good); every transaction that can still add events has a txid at or above the horizon, so sorts
after anything already served. A reader therefore never skips, and sees each event at least once
(exactly once if it keeps the cursor it was last given). The order is the order transactions
started writing, a total order that the cursor can follow; within a transaction, insertion order.

On SQLite writers are serialized (one holds the write lock from its first write to its commit),
so id order is commit order and `txid` is empty; the position is then `(0, id)`.

The position is two integers from the database itself, so a cursor survives restarts of both the
server and the reader.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Text, cast, func, select, tuple_
from sqlalchemy.orm import Session, aliased

from loaders.db import translate_db_errors
from loaders.models import ChangeEvent, Document, EventKind
from loaders.queries import ReadScope

# The kinds a downstream reader is shown (identity changes stay internal to stewards).
FEED_KINDS = (
    EventKind.VERIFIED,
    EventKind.CORRECTED,
    EventKind.REOPENED,
    EventKind.REJECTED,
    EventKind.EXPIRED,
    EventKind.IDENTITY_UNLINKED,  # an admin undid a wrong link: drop it downstream too
    EventKind.SUBJECT_ERASED,  # personal data erased: delete copies (one event per document too)
)


@dataclass(frozen=True, order=True)
class FeedPosition:
    """Where a reader is in the feed: after the event with this (txid, id)."""

    txid: int = 0
    id: int = 0


@dataclass(frozen=True)
class FeedEvent:
    position: FeedPosition
    id: int
    at: datetime
    kind: str
    document_id: int | None
    subject_public_id: str | None
    payload: dict[str, Any]


@dataclass(frozen=True)
class FeedPage:
    events: list[FeedEvent]
    next: FeedPosition  # where to continue from (the last event's position, or `after`)


def _is_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


@translate_db_errors()
def read_feed(
    session: Session, after: FeedPosition, *, limit: int = 100, scope: ReadScope | None = None
) -> FeedPage:
    """Up to `limit` events after `after` that are safe to hand out (see the module docstring)."""
    scope = scope or ReadScope()
    query = select(ChangeEvent).where(ChangeEvent.kind.in_(FEED_KINDS))
    if scope.provinces or scope.doc_types:
        document = aliased(Document)
        query = query.join(document, document.id == ChangeEvent.document_id)
        if scope.provinces:
            query = query.where(document.province_code.in_(scope.provinces))
        if scope.doc_types:
            query = query.where(document.doc_type.in_(scope.doc_types))
    if _is_postgresql(session):
        horizon = cast(cast(func.pg_snapshot_xmin(func.pg_current_snapshot()), Text), BigInteger)
        query = query.where(
            tuple_(ChangeEvent.txid, ChangeEvent.id) > tuple_(after.txid, after.id),
            ChangeEvent.txid < horizon,
        ).order_by(ChangeEvent.txid, ChangeEvent.id)
    else:
        query = query.where(ChangeEvent.id > after.id).order_by(ChangeEvent.id)
    events = [_event(row) for row in session.scalars(query.limit(limit))]
    return FeedPage(events=events, next=events[-1].position if events else after)


def _event(row: ChangeEvent) -> FeedEvent:
    return FeedEvent(
        position=FeedPosition(row.txid or 0, row.id),
        id=row.id,
        at=row.at,
        kind=row.kind,
        document_id=row.document_id,
        subject_public_id=row.subject_public_id,
        payload=dict(row.payload or {}),
    )
