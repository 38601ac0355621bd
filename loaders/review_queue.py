"""The steward's work queue: which documents need a person, why, and in which order.

A document is in the queue while it waits for review (`needs_review`) or while a question about
it is open, even when it is verified: an identity candidate (its person may be someone already on
file) or a field conflict (a re-extraction disagrees with a value a steward verified). Rejected
documents never are. Worst first: validation errors (a value is wrong or impossible), then identity
questions (a wrong merge spreads to every later procedure), then field conflicts, then unknown
types (nothing could be read reliably), then the lowest confidence, then the oldest.

"Next" (`next_in_queue`) walks the queue rather than always taking its head: documents the
steward deferred are skipped, and documents already opened in the session come after every other
one, so a document nobody can settle yet (an unknown type waiting for its type) is not offered
again after every other document.

The reasons are computed here rather than stored, so they can never go stale when a field is
decided or a document is re-extracted.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.orm import Session

from loaders.db import translate_db_errors
from loaders.models import (
    Batch,
    BatchFile,
    CandidateStatus,
    ConflictStatus,
    Document,
    DocumentStatus,
    ExtractionVersion,
    FieldConflict,
    FieldStatus,
    FieldValue,
    IdentityCandidate,
)

VALIDATION = "validation"
IDENTITY = "identity"  # an identity candidate: the document's person may be one on file
FIELD_CONFLICT = "field_conflict"  # a re-extraction disagrees with a value a steward verified
UNKNOWN_TYPE = "unknown_type"
LOW_CONFIDENCE = "low_confidence"
PENDING = "pending"  # waits for a steward for no other reason (e.g. reopened by an admin)
REASONS = (VALIDATION, IDENTITY, FIELD_CONFLICT, UNKNOWN_TYPE, LOW_CONFIDENCE, PENDING)  # worst 1st

DEFAULT_LIMIT = 200


@dataclass(frozen=True)
class QueueFilters:
    """What the steward narrowed the queue to; `None` means any."""

    batch: str | None = None
    doc_type: str | None = None
    province: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class Scopes:
    """A principal's scopes (empty: everything), applied before any filter."""

    provinces: tuple[str, ...] = ()
    doc_types: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, scopes: dict[str, Any] | None) -> Scopes:
        scopes = scopes or {}
        return cls(tuple(scopes.get("provinces") or ()), tuple(scopes.get("doc_types") or ()))

    def covers(self, document: Document) -> bool:
        return (not self.provinces or document.province_code in self.provinces) and (
            not self.doc_types or document.doc_type in self.doc_types
        )


@dataclass(frozen=True)
class QueueItem:
    document_id: int
    doc_type: str
    status: str
    province_code: str | None
    created_at: datetime
    reasons: tuple[str, ...]
    errors: int  # error findings on undecided fields or on the whole document
    identity_questions: int  # open identity candidates
    field_conflicts: int  # open disagreements of a re-extraction with a verified value
    pending_fields: int
    min_confidence: float | None  # lowest confidence among undecided fields

    @property
    def sort_key(self) -> tuple[Any, ...]:
        return (
            VALIDATION not in self.reasons,
            IDENTITY not in self.reasons,
            FIELD_CONFLICT not in self.reasons,
            UNKNOWN_TYPE not in self.reasons,
            self.min_confidence if self.min_confidence is not None else 1.0,
            self.created_at,
            self.document_id,
        )


@dataclass(frozen=True)
class Queue:
    items: list[QueueItem]  # the first `limit`, worst first
    total: int  # all documents matching the filters
    counts: dict[str, int] = field(default_factory=dict)  # per reason, over all matching


@dataclass
class _Facts:
    errors: int = 0
    pending: int = 0
    low: int = 0
    min_confidence: float | None = None
    candidates: int = 0
    conflicts: int = 0


@translate_db_errors()
def review_queue(
    session: Session,
    filters: QueueFilters = QueueFilters(),
    *,
    threshold: float = 1.0,
    scopes: Scopes = Scopes(),
    limit: int = DEFAULT_LIMIT,
) -> Queue:
    """The documents needing a steward, worst first, with per-reason counts.

    `threshold` is the review threshold (`Settings.review_threshold`): an undecided field below
    it counts as low confidence.
    """
    items = _items(session, filters, threshold, scopes)
    counts = Counter(reason for item in items for reason in item.reasons)
    if filters.reason:
        items = [item for item in items if filters.reason in item.reasons]
    return Queue(items[:limit], len(items), {reason: counts.get(reason, 0) for reason in REASONS})


@translate_db_errors()
def next_in_queue(
    session: Session,
    filters: QueueFilters = QueueFilters(),
    *,
    threshold: float = 1.0,
    scopes: Scopes = Scopes(),
    exclude: Iterable[int] = (),
    later: Iterable[int] = (),
    seen: Sequence[int] = (),
) -> int | None:
    """The id of the worst document still waiting, other than those in `exclude` (the one the
    steward is leaving) and `later` (deferred for the session). Documents in `seen` (opened
    earlier in the session, oldest first) come only once no other is left, the one seen longest
    ago first: so "next" goes forward through the queue instead of returning to its head."""
    skipped = set(exclude) | set(later)
    waiting = [
        item.document_id
        for item in _items(session, filters, threshold, scopes)
        if item.document_id not in skipped
        and (not filters.reason or filters.reason in item.reasons)
    ]
    opened = {document_id: place for place, document_id in enumerate(seen)}
    fresh = [document_id for document_id in waiting if document_id not in opened]
    if fresh:
        return fresh[0]
    return min(waiting, key=opened.__getitem__, default=None)


@translate_db_errors()
def queue_choices(session: Session, scopes: Scopes = Scopes()) -> dict[str, list[str]]:
    """The batches, types and provinces that filters can offer (only what exists)."""
    types = select(Document.doc_type).distinct().order_by(Document.doc_type)
    provinces = (
        select(Document.province_code)
        .where(Document.province_code.is_not(None))
        .distinct()
        .order_by(Document.province_code)
    )
    return {
        "batches": list(session.scalars(select(Batch.name).order_by(Batch.created_at.desc()))),
        "doc_types": [
            t for t in session.scalars(types) if not scopes.doc_types or t in scopes.doc_types
        ],
        "provinces": [
            p
            for p in session.scalars(provinces)
            if p and (not scopes.provinces or p in scopes.provinces)
        ],
    }


def _waiting(filters: QueueFilters, scopes: Scopes) -> Select[tuple[int]]:
    open_candidate = exists().where(
        IdentityCandidate.document_id == Document.id,
        IdentityCandidate.status == CandidateStatus.OPEN,
    )
    open_conflict = exists().where(
        FieldConflict.document_id == Document.id, FieldConflict.status == ConflictStatus.OPEN
    )
    query = select(Document.id).where(
        Document.status != DocumentStatus.REJECTED,
        or_(Document.status == DocumentStatus.NEEDS_REVIEW, open_candidate, open_conflict),
    )
    if filters.batch:
        query = query.where(
            Document.id.in_(
                select(BatchFile.document_id)
                .join(Batch, Batch.id == BatchFile.batch_id)
                .where(Batch.name == filters.batch)
            )
        )
    if filters.doc_type:
        query = query.where(Document.doc_type == filters.doc_type)
    if filters.province:
        query = query.where(Document.province_code == filters.province)
    if scopes.provinces:
        query = query.where(Document.province_code.in_(scopes.provinces))
    if scopes.doc_types:
        query = query.where(Document.doc_type.in_(scopes.doc_types))
    return query


def _items(
    session: Session, filters: QueueFilters, threshold: float, scopes: Scopes
) -> list[QueueItem]:
    waiting = _waiting(filters, scopes).scalar_subquery()
    documents = session.execute(
        select(
            Document.id,
            Document.doc_type,
            Document.status,
            Document.province_code,
            Document.created_at,
            Document.current_version,
        ).where(Document.id.in_(waiting))
    ).all()
    if not documents:
        return []
    facts: dict[int, _Facts] = defaultdict(_Facts)
    _field_facts(session, waiting, threshold, facts)
    _document_findings(session, waiting, {d.id: d.status for d in documents}, facts)
    _question_counts(session, waiting, facts)
    items = [
        _item(row.id, row.doc_type, row.status, row.province_code, row.created_at, facts[row.id])
        for row in documents
    ]
    return sorted(items, key=lambda item: item.sort_key)


def _field_facts(
    session: Session, waiting: Any, threshold: float, facts: dict[int, _Facts]
) -> None:
    rows = session.execute(
        select(FieldValue.document_id, FieldValue.confidence, FieldValue.findings).where(
            FieldValue.document_id.in_(waiting),
            FieldValue.status.not_in(FieldStatus.SETTLED),
        )
    )
    for document_id, confidence, findings in rows:
        fact = facts[document_id]
        fact.pending += 1
        fact.errors += _errors(findings)
        if confidence < threshold:
            fact.low += 1
        if fact.min_confidence is None or confidence < fact.min_confidence:
            fact.min_confidence = confidence


def _document_findings(
    session: Session, waiting: Any, statuses: dict[int, str], facts: dict[int, _Facts]
) -> None:
    """Error findings about the whole document (no field) in its current extraction."""
    rows = session.execute(
        select(ExtractionVersion.document_id, ExtractionVersion.findings)
        .join(Document, Document.id == ExtractionVersion.document_id)
        .where(
            ExtractionVersion.document_id.in_(waiting),
            ExtractionVersion.version == Document.current_version,
        )
    )
    for document_id, findings in rows:
        if statuses.get(document_id) == DocumentStatus.NEEDS_REVIEW:
            whole = [f for f in findings or () if not f.get("field")]
            facts[document_id].errors += _errors(whole)


def _question_counts(session: Session, waiting: Any, facts: dict[int, _Facts]) -> None:
    for model, status, attr in (
        (IdentityCandidate, CandidateStatus.OPEN, "candidates"),
        (FieldConflict, ConflictStatus.OPEN, "conflicts"),
    ):
        rows = session.execute(
            select(model.document_id, func.count())
            .where(model.document_id.in_(waiting), model.status == status)
            .group_by(model.document_id)
        )
        for document_id, n in rows:
            fact = facts[document_id]
            setattr(fact, attr, getattr(fact, attr) + int(n))


def _errors(findings: Sequence[dict[str, Any]] | None) -> int:
    return sum(1 for f in findings or () if f.get("severity") == "error")


def _item(
    document_id: int,
    doc_type: str,
    status: str,
    province_code: str | None,
    created_at: datetime,
    fact: _Facts,
) -> QueueItem:
    reasons = []
    if fact.errors:
        reasons.append(VALIDATION)
    if fact.candidates:
        reasons.append(IDENTITY)
    if fact.conflicts:
        reasons.append(FIELD_CONFLICT)
    if doc_type == "unknown":
        reasons.append(UNKNOWN_TYPE)
    if fact.low:
        reasons.append(LOW_CONFIDENCE)
    if not reasons and status == DocumentStatus.NEEDS_REVIEW:
        reasons.append(PENDING)
    return QueueItem(
        document_id=document_id,
        doc_type=doc_type,
        status=status,
        province_code=province_code,
        created_at=created_at,
        reasons=tuple(reasons),
        errors=fact.errors,
        identity_questions=fact.candidates,
        field_conflicts=fact.conflicts,
        pending_fields=fact.pending,
        min_confidence=fact.min_confidence,
    )
