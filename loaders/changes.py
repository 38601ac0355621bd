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

Events of erased subjects carry no date (docs/DESIGN.md, "Erasure is sticky"; issue 14): a date of
their document may be derived from them — a CCCD expires on the holder's birthday — so their
payload dates are handed out as null, and their `document.expired` events, whose time is that
date, are not handed out at all. Erasure also scrubs the stored payloads
(`loaders.erasure.scrub_event_dates`); this view covers rows written before it did.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Text, cast, func, select, tuple_
from sqlalchemy.orm import Session, aliased

from loaders.db import translate_db_errors
from loaders.erasure import erased_public_ids, undated
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
    rows = list(session.scalars(query.limit(limit)))
    erased = erased_public_ids(session, (row.subject_public_id for row in rows))
    events = []
    for row in rows:
        of_erased = row.subject_public_id in erased and row.kind != EventKind.SUBJECT_ERASED
        if of_erased and row.kind == EventKind.EXPIRED:
            continue  # when it was written says when the document expired
        events.append(_event(row, dated=not of_erased))
    # The cursor moves past what was read, shown or not.
    last = FeedPosition(rows[-1].txid or 0, rows[-1].id) if rows else after
    return FeedPage(events=events, next=last)


def _event(row: ChangeEvent, *, dated: bool = True) -> FeedEvent:
    return FeedEvent(
        position=FeedPosition(row.txid or 0, row.id),
        id=row.id,
        at=row.at,
        kind=row.kind,
        document_id=row.document_id,
        subject_public_id=row.subject_public_id,
        payload=dict(row.payload or {}) if dated else undated(row.payload),
    )
