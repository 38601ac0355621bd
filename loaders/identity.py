"""Identity resolution: which subjects a document names, by key only.

A person is keyed by the 12-digit personal ID (a 9-digit CMND is an alias that can find them), an
organization by its enterprise code. Anything weaker (the same full name and date of birth) opens
an identity candidate for a steward and never merges or links on its own (docs/DESIGN.md, "Warehouse
rules"). Links are recomputed from the document's current field values, so correcting an
`id_number` moves the document to the right subject.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import astuple, dataclass

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.orm import Session

from extractors.records import SubjectKind, SubjectRef
from loaders.derived import comparable_text, parse_date
from loaders.journal import emit
from loaders.keys import ALIAS_CMND, enterprise_code
from loaders.models import (
    CandidateStatus,
    Document,
    DocumentStatus,
    DocumentSubject,
    EventKind,
    IdentityCandidate,
    Subject,
    SubjectAlias,
)
from loaders.provinces import province_of_personal_id
from loaders.rules import document_province, person_keys
from loaders.upsert import get_or_create

EVIDENCE_NAME_DOB = "same full_name + date_of_birth"
EVIDENCE_NAME_DOB_OTHER_ID = "same full_name + date_of_birth, different id_number"
EVIDENCE_CMND = "same cmnd_number on a subject with another id_number"
_NAME_ATTRIBUTES = ("full_name", "company_name", "name")


@dataclass(frozen=True)
class LinkOutcome:
    linked: int  # links added
    unlinked: int  # links removed (the key changed)
    candidates: int  # identity candidates opened


@dataclass
class _Resolution:
    subject: Subject | None
    candidates: list[tuple[Subject, str]]


def link_subjects(
    session: Session, document: Document, refs: Sequence[SubjectRef], values: Mapping[str, str]
) -> LinkOutcome:
    """Make the document's subject links match what its field `values` say about `refs`."""
    wanted: set[tuple[int, str]] = set()
    opened = 0
    for ref in refs:
        attrs = {attr: values[name] for attr, name in ref.fields.items() if values.get(name)}
        if ref.kind == SubjectKind.PERSON:
            resolution = _resolve_person(session, attrs, document.id)
        else:
            resolution = _resolve_organization(session, attrs)
        if resolution.subject is not None:
            _remember_hints(resolution.subject, attrs)
            wanted.add((resolution.subject.id, ref.role.value))
        for candidate, evidence in resolution.candidates:
            opened += _open_candidate(session, document, ref.role.value, candidate, evidence)
    for subject_id, role in _steward_links(session, document):
        # A steward linked this role to a subject on weak evidence: that decision stands over
        # what the fields resolve to, until an admin undoes it (loaders.identity_review).
        wanted = {w for w in wanted if w[1] != role} | {(subject_id, role)}

    current = session.scalars(
        select(DocumentSubject).where(DocumentSubject.document_id == document.id)
    ).all()
    unlinked = 0
    for link in current:
        if (link.subject_id, link.role) not in wanted:
            if document.status == DocumentStatus.VERIFIED:
                emit(session, EventKind.IDENTITY_UNLINKED, document, {"role": link.role})
            session.delete(link)
            unlinked += 1
    have = {(link.subject_id, link.role) for link in current}
    for subject_id, role in sorted(wanted - have):
        session.add(DocumentSubject(document_id=document.id, subject_id=subject_id, role=role))
    session.flush()
    document.province_code = _document_province(session, document)
    return LinkOutcome(linked=len(wanted - have), unlinked=unlinked, candidates=opened)


def _steward_links(session: Session, document: Document) -> list[tuple[int, str]]:
    return [
        (row.subject_id, row.role)
        for row in session.scalars(
            select(IdentityCandidate).where(
                IdentityCandidate.document_id == document.id,
                IdentityCandidate.status == CandidateStatus.LINKED,
            )
        )
    ]


def _resolve_person(session: Session, attrs: Mapping[str, str], document_id: int) -> _Resolution:
    key, cmnd = astuple(person_keys(attrs))
    if key is None:
        by_alias = _subject_by_alias(session, cmnd) if cmnd else None
        if by_alias is not None:
            return _Resolution(by_alias, [])
        return _Resolution(
            None,
            [(s, EVIDENCE_NAME_DOB) for s in _same_name_and_birth(session, attrs, document_id)],
        )

    subject, created = get_or_create(
        session,
        Subject,
        {"kind": SubjectKind.PERSON.value, "key": key},
        {"province_code": province_of_personal_id(key)},
    )
    candidates: list[tuple[Subject, str]] = []
    if created:
        candidates += [
            (s, EVIDENCE_NAME_DOB_OTHER_ID)
            for s in _same_name_and_birth(session, attrs, document_id)
            if s.id != subject.id
        ]
    if cmnd:
        alias, _ = get_or_create(
            session, SubjectAlias, {"kind": ALIAS_CMND, "value": cmnd}, {"subject_id": subject.id}
        )
        if alias.subject_id != subject.id:
            candidates.append((session.get_one(Subject, alias.subject_id), EVIDENCE_CMND))
    return _Resolution(subject, candidates)


def _resolve_organization(session: Session, attrs: Mapping[str, str]) -> _Resolution:
    code = enterprise_code(attrs.get("enterprise_code"))
    if code is None:
        return _Resolution(None, [])
    parent_id = None
    if code.parent is not None:
        parent, _ = get_or_create(
            session, Subject, {"kind": SubjectKind.ORGANIZATION.value, "key": code.parent}
        )
        parent_id = parent.id
    subject, _ = get_or_create(
        session,
        Subject,
        {"kind": SubjectKind.ORGANIZATION.value, "key": code.key},
        {"parent_id": parent_id},
    )
    return _Resolution(subject, [])


def _subject_by_alias(session: Session, cmnd: str) -> Subject | None:
    return session.scalars(
        select(Subject)
        .join(SubjectAlias, SubjectAlias.subject_id == Subject.id)
        .where(SubjectAlias.kind == ALIAS_CMND, SubjectAlias.value == cmnd)
    ).first()


def named_elsewhere(document_id: int | None = None) -> ColumnElement[bool]:
    """A subject some other document names. A subject no document names any more (its number
    was corrected away), or only the document being resolved (whose old key is being replaced),
    is nobody a new key could also be: matching it raised spurious identity questions."""
    links = select(DocumentSubject.id).where(DocumentSubject.subject_id == Subject.id)
    if document_id is not None:
        links = links.where(DocumentSubject.document_id != document_id)
    return exists(links)


def _same_name_and_birth(
    session: Session, attrs: Mapping[str, str], document_id: int
) -> list[Subject]:
    name, born = comparable_text(attrs.get("full_name")), parse_date(attrs.get("date_of_birth"))
    if not name or born is None:
        return []
    people = session.scalars(
        select(Subject).where(
            Subject.kind == SubjectKind.PERSON.value,
            Subject.birth_date == born,
            Subject.erased_at.is_(None),
            named_elsewhere(document_id),
        )
    )
    return [s for s in people if comparable_text(s.name) == name]


def _open_candidate(
    session: Session, document: Document, role: str, subject: Subject, evidence: str
) -> int:
    """Open a candidate unless this (document, role, subject) was already proposed; 1 if opened."""
    _, created = get_or_create(
        session,
        IdentityCandidate,
        {"document_id": document.id, "role": role, "subject_id": subject.id},
        {"evidence": evidence, "status": CandidateStatus.OPEN},
    )
    return int(created)


def _remember_hints(subject: Subject, attrs: Mapping[str, str]) -> None:
    """Keep the latest name and birth date as matching hints (never for an erased subject)."""
    if subject.erased_at is not None:
        return
    name = next((attrs[a] for a in _NAME_ATTRIBUTES if attrs.get(a)), None)
    if name:
        subject.name = name
    born = parse_date(attrs.get("date_of_birth"))
    if born:
        subject.birth_date = born


def _document_province(session: Session, document: Document) -> str | None:
    links = session.execute(
        select(DocumentSubject.role, Subject.province_code)
        .join(Subject, Subject.id == DocumentSubject.subject_id)
        .where(DocumentSubject.document_id == document.id)
        .order_by(DocumentSubject.id)
    ).all()
    return document_province(document.doc_type, [(role, code) for role, code in links])
