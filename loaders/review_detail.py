"""What the steward's document page shows, read in one place: the document, its fields, the open
identity questions side by side, and its history (review actions and extraction versions).

Read-only; the page's actions live in `loaders.review`, `loaders.identity_review` and
`loaders.reopen`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from extractors.records import SubjectRef
from loaders.db import translate_db_errors
from loaders.errors import NotFound
from loaders.models import (
    Batch,
    BatchFile,
    CandidateStatus,
    ConflictStatus,
    Document,
    DocumentSubject,
    ExtractionVersion,
    FieldConflict,
    FieldValue,
    IdentityCandidate,
    Principal,
    ReviewAction,
    Subject,
)
from loaders.verification import document_fields


@dataclass(frozen=True)
class SubjectSide:
    """An existing subject as the steward compares it with the document."""

    public_id: str
    kind: str
    key: str | None
    name: str | None
    birth_date: date | None
    documents: int  # how many documents are linked to it already


@dataclass(frozen=True)
class CandidateView:
    id: int
    role: str
    evidence: str
    status: str
    on_document: dict[str, str]  # subject attribute -> the document's value
    subject: SubjectSide


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    kind: str  # "action" | "extraction"
    action: str
    who: str | None
    field_name: str | None = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    reason: str = ""
    detail: dict[str, Any] | None = None


@dataclass(frozen=True)
class DocumentDetail:
    document: Document
    fields: list[FieldValue]
    findings: list[dict[str, Any]]  # about the whole document (no field), current extraction
    candidates: list[CandidateView]  # open ones, and linked ones (an admin may undo them)
    conflicts: list[FieldConflict]  # open
    links: list[tuple[str, SubjectSide]]  # role, subject
    history: list[HistoryEntry]  # newest first
    batches: list[str]


@translate_db_errors()
def document_detail(session: Session, document_id: int) -> DocumentDetail:
    document = session.get(Document, document_id, populate_existing=True)
    if document is None:
        raise NotFound(f"no document {document_id}")
    fields = document_fields(session, document.id)
    current = session.scalars(
        select(ExtractionVersion).where(
            ExtractionVersion.document_id == document.id,
            ExtractionVersion.version == document.current_version,
        )
    ).first()
    extraction = current.extraction if current is not None else {}
    findings = [f for f in (current.findings if current else []) if not f.get("field")]
    return DocumentDetail(
        document=document,
        fields=fields,
        findings=findings,
        candidates=_candidates(session, document, extraction, fields),
        conflicts=list(
            session.scalars(
                select(FieldConflict)
                .where(
                    FieldConflict.document_id == document.id,
                    FieldConflict.status == ConflictStatus.OPEN,
                )
                .order_by(FieldConflict.id)
            )
        ),
        links=[
            (role, _side(session, subject))
            for role, subject in session.execute(
                select(DocumentSubject.role, Subject)
                .join(Subject, Subject.id == DocumentSubject.subject_id)
                .where(DocumentSubject.document_id == document.id)
                .order_by(DocumentSubject.id)
            ).all()
        ],
        history=_history(session, document.id),
        batches=_batches(session, document.sha256),
    )


def _candidates(
    session: Session, document: Document, extraction: dict[str, Any], fields: list[FieldValue]
) -> list[CandidateView]:
    values = {f.name: f.value for f in fields}
    attrs_by_role: dict[str, dict[str, str]] = {}
    for raw in extraction.get("subjects", ()):
        ref = SubjectRef.from_dict(raw)
        attrs_by_role[ref.role.value] = {
            attr: values.get(name, "") for attr, name in ref.fields.items()
        }
    rows = session.scalars(
        select(IdentityCandidate)
        .where(
            IdentityCandidate.document_id == document.id,
            IdentityCandidate.status.in_((CandidateStatus.OPEN, CandidateStatus.LINKED)),
        )
        .order_by(IdentityCandidate.id)
    )
    return [
        CandidateView(
            id=row.id,
            role=row.role,
            evidence=row.evidence,
            status=row.status,
            on_document=attrs_by_role.get(row.role, {}),
            subject=_side(session, session.get_one(Subject, row.subject_id)),
        )
        for row in rows
    ]


def _side(session: Session, subject: Subject) -> SubjectSide:
    documents = session.scalar(
        select(func.count(func.distinct(DocumentSubject.document_id))).where(
            DocumentSubject.subject_id == subject.id
        )
    )
    return SubjectSide(
        public_id=subject.public_id,
        kind=subject.kind,
        key=subject.key,
        name=subject.name,
        birth_date=subject.birth_date,
        documents=int(documents or 0),
    )


def _history(session: Session, document_id: int) -> list[HistoryEntry]:
    actions = session.execute(
        select(ReviewAction, Principal.name)
        .outerjoin(Principal, Principal.id == ReviewAction.principal_id)
        .where(ReviewAction.document_id == document_id)
    ).all()
    entries = [
        HistoryEntry(
            at=action.at,
            kind="action",
            action=action.action,
            who=who,
            field_name=action.field_name,
            before=action.before,
            after=action.after,
            reason=action.reason,
        )
        for action, who in actions
    ]
    versions = session.scalars(
        select(ExtractionVersion).where(ExtractionVersion.document_id == document_id)
    )
    entries += [
        HistoryEntry(
            at=v.created_at,
            kind="extraction",
            action="extraction",
            who=None,
            detail={
                "version": v.version,
                "extractor_version": v.extractor_version,
                "doc_type": v.doc_type,
                "type_confidence": v.type_confidence,
                "findings": len(v.findings or ()),
            },
        )
        for v in versions
    ]
    return sorted(entries, key=lambda e: e.at, reverse=True)


def _batches(session: Session, sha256: str) -> list[str]:
    return list(
        session.scalars(
            select(Batch.name)
            .join(BatchFile, BatchFile.batch_id == Batch.id)
            .where(BatchFile.sha256 == sha256)
            .order_by(Batch.name)
        )
    )
