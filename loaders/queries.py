"""The read queries of the reuse API: what a downstream service may see of a subject.

One rule runs through all of them (docs/DESIGN.md, "Warehouse rules"): a reader sees only documents
whose status is `verified` and that are valid on the date asked (`valid_from` empty or on/before
it, `valid_to` empty or on/after it), within the scope of the reader's key. Everything else stays
internal. The scope filter is part of the SQL, so pagination never leaks what it hides.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, exists, or_, select
from sqlalchemy.orm import Session

from extractors import doctypes
from loaders.db import translate_db_errors
from loaders.derived import comparable_text
from loaders.keys import ALIAS_CMND, cmnd_number, enterprise_code, personal_id
from loaders.models import (
    Batch,
    BatchFile,
    Document,
    DocumentStatus,
    DocumentSubject,
    ExtractionVersion,
    FieldStatus,
    FieldValue,
    Principal,
    Subject,
    SubjectAlias,
    SubjectKind,
)

# The order a profile lists attributes in (any other attribute a type declares follows, by name).
# Which field of a document carries which attribute of which subject is the type's declaration
# (`extractors.declaration`: each field feeds one slot), never guessed from field names.
PROFILE_FIELDS: dict[str, tuple[str, ...]] = {
    SubjectKind.PERSON: (
        "id_number",
        "cmnd_number",
        "full_name",
        "date_of_birth",
        "birth_year",
        "sex",
        "nationality",
        "ethnicity",
        "place_of_origin",
        "place_of_birth",
        "place_of_residence",
    ),
    SubjectKind.ORGANIZATION: (
        "enterprise_code",
        "company_name",
        "company_name_foreign",
        "company_name_short",
        "head_office_address",
        "charter_capital",
    ),
}


@dataclass(frozen=True)
class ReadScope:
    """What a key may see: empty tuples mean no restriction on that axis.

    A province scope admits only documents whose province is known and listed: a document with no
    province (e.g. an organization's, whose code carries none) is outside every province scope.
    """

    provinces: tuple[str, ...] = ()
    doc_types: tuple[str, ...] = ()

    def conditions(self) -> list[ColumnElement[bool]]:
        where: list[ColumnElement[bool]] = []
        if self.provinces:
            where.append(Document.province_code.in_(self.provinces))
        if self.doc_types:
            where.append(Document.doc_type.in_(self.doc_types))
        return where

    def covers(self, document: Document) -> bool:
        return (not self.provinces or document.province_code in self.provinces) and (
            not self.doc_types or document.doc_type in self.doc_types
        )

    def covers_doc_type(self, doc_type: str) -> bool:
        return not self.doc_types or doc_type in self.doc_types


def served_conditions(valid_on: date, scope: ReadScope) -> list[ColumnElement[bool]]:
    """The WHERE clause of everything a reader may be served."""
    return [
        Document.status == DocumentStatus.VERIFIED,
        or_(Document.valid_from.is_(None), Document.valid_from <= valid_on),
        or_(Document.valid_to.is_(None), Document.valid_to >= valid_on),
        *scope.conditions(),
    ]


@dataclass(frozen=True)
class DocumentSummary:
    id: int
    doc_type: str
    attributes: dict[str, Any]
    roles: tuple[str, ...]
    valid_from: date | None
    valid_to: date | None
    province_code: str | None
    updated_at: datetime


@dataclass(frozen=True)
class FieldRead:
    name: str
    value: str
    status: str
    confidence: float
    verified_at: datetime | None


@dataclass(frozen=True)
class Verification:
    principal: str
    fields: tuple[str, ...]
    last_at: datetime | None


@dataclass(frozen=True)
class Provenance:
    batches: tuple[str, ...]
    extraction_version: int
    extractor_version: str
    extracted_at: datetime | None
    verified_by: tuple[Verification, ...]


@dataclass(frozen=True)
class DocumentDetail:
    summary: DocumentSummary
    sha256: str
    page_count: int
    media_type: str
    fields: tuple[FieldRead, ...]
    provenance: Provenance
    subject_public_ids: tuple[str, ...]


@dataclass(frozen=True)
class AttributeSource:
    document_id: int
    doc_type: str
    valid_from: date | None


@dataclass(frozen=True)
class ProfileValue:
    value: str
    source: AttributeSource


@dataclass(frozen=True)
class ProfileAttribute:
    name: str
    value: str
    source: AttributeSource
    disagreements: tuple[ProfileValue, ...] = ()


@dataclass(frozen=True)
class Profile:
    attributes: tuple[ProfileAttribute, ...]
    document_ids: tuple[int, ...] = field(default=())


@dataclass(frozen=True)
class SubjectRow:
    """What the API needs of a subject to serve it (a plain row, not an ORM object)."""

    id: int
    public_id: str
    kind: str
    key: str | None
    erased_at: datetime | None


def _subject_query(identifier: str, what: Any) -> Select[Any] | None:
    """SELECT `what` of the subject `identifier` names; None for an identifier of no known form."""
    key = personal_id(identifier)
    if key is not None:
        return select(what).where(Subject.kind == SubjectKind.PERSON, Subject.key == key)
    code = enterprise_code(identifier)
    if code is not None:
        return select(what).where(Subject.kind == SubjectKind.ORGANIZATION, Subject.key == code.key)
    cmnd = cmnd_number(identifier)
    if cmnd is not None:
        return (
            select(what)
            .join(SubjectAlias, SubjectAlias.subject_id == Subject.id)
            .where(SubjectAlias.kind == ALIAS_CMND, SubjectAlias.value == cmnd)
        )
    return None


@translate_db_errors()
def find_subject(session: Session, identifier: str) -> Subject | None:
    """The subject a downstream service names by its key: a 12-digit personal ID, an old 9-digit
    CMND (an alias), a 10-digit enterprise code or a 13-digit branch code. None if unknown."""
    query = _subject_query(identifier, Subject)
    return None if query is None else session.scalars(query.limit(1)).first()


_SUBJECTS = Subject.__table__
_SUBJECT_REF = (
    _SUBJECTS.c.id,
    _SUBJECTS.c.public_id,
    _SUBJECTS.c.kind,
    _SUBJECTS.c.key,
    _SUBJECTS.c.erased_at,
)
_SUBJECT_BY_KEY = (
    select(*_SUBJECT_REF)
    .where(_SUBJECTS.c.kind == bindparam("kind"), _SUBJECTS.c.key == bindparam("key"))
    .limit(1)
)
_SUBJECT_BY_CMND = (
    select(*_SUBJECT_REF)
    .join(SubjectAlias, SubjectAlias.subject_id == _SUBJECTS.c.id)
    .where(SubjectAlias.kind == ALIAS_CMND, SubjectAlias.value == bindparam("key"))
    .limit(1)
)


@translate_db_errors()
def find_subject_row(session: Session, identifier: str) -> SubjectRow | None:
    """`find_subject` as a plain row (one prepared Core SELECT: the API's hot path)."""
    key = personal_id(identifier)
    if key is not None:
        statement, params = _SUBJECT_BY_KEY, {"kind": SubjectKind.PERSON, "key": key}
    elif (code := enterprise_code(identifier)) is not None:
        statement, params = _SUBJECT_BY_KEY, {"kind": SubjectKind.ORGANIZATION, "key": code.key}
    elif (cmnd := cmnd_number(identifier)) is not None:
        statement, params = _SUBJECT_BY_CMND, {"key": cmnd}
    else:
        return None
    row = session.connection().execute(statement, params).first()
    return None if row is None else SubjectRow(*row)


_DOCUMENTS = Document.__table__
_LINKS = DocumentSubject.__table__
_SUMMARY_COLUMNS = (
    _DOCUMENTS.c.id,
    _DOCUMENTS.c.doc_type,
    _DOCUMENTS.c.attributes,
    _DOCUMENTS.c.valid_from,
    _DOCUMENTS.c.valid_to,
    _DOCUMENTS.c.province_code,
    _DOCUMENTS.c.updated_at,
)
# Built once per shape (which filters are present), with bound parameters: building and hashing
# a statement per request costs more CPU than running it.
_subject_documents_statements: dict[tuple[bool, bool, bool], Select[Any]] = {}


def _subject_documents_statement(provinces: bool, scope_types: bool, types: bool) -> Select[Any]:
    shape = (provinces, scope_types, types)
    statement = _subject_documents_statements.get(shape)
    if statement is not None:
        return statement
    valid_on = bindparam("valid_on", type_=_DOCUMENTS.c.valid_from.type)
    subject_id = bindparam("subject_id", type_=_LINKS.c.subject_id.type)
    where: list[ColumnElement[bool]] = [
        exists().where(_LINKS.c.document_id == _DOCUMENTS.c.id, _LINKS.c.subject_id == subject_id),
        _DOCUMENTS.c.id > bindparam("after_id"),
        _DOCUMENTS.c.status == DocumentStatus.VERIFIED,
        or_(_DOCUMENTS.c.valid_from.is_(None), _DOCUMENTS.c.valid_from <= valid_on),
        or_(_DOCUMENTS.c.valid_to.is_(None), _DOCUMENTS.c.valid_to >= valid_on),
    ]
    if provinces:
        where.append(_DOCUMENTS.c.province_code.in_(bindparam("provinces", expanding=True)))
    if scope_types:
        where.append(_DOCUMENTS.c.doc_type.in_(bindparam("scope_doc_types", expanding=True)))
    if types:
        where.append(_DOCUMENTS.c.doc_type.in_(bindparam("doc_types", expanding=True)))
    page = select(_DOCUMENTS.c.id).where(*where).order_by(_DOCUMENTS.c.id).limit(bindparam("n"))
    # The page's documents with the subject's roles on them, in one statement.
    statement = (
        select(*_SUMMARY_COLUMNS, _LINKS.c.role)
        .join(
            _LINKS,
            and_(_LINKS.c.document_id == _DOCUMENTS.c.id, _LINKS.c.subject_id == subject_id),
        )
        .where(_DOCUMENTS.c.id.in_(page.scalar_subquery()))
        .order_by(_DOCUMENTS.c.id, _LINKS.c.id)
    )
    _subject_documents_statements[shape] = statement
    return statement


@translate_db_errors()
def subject_documents(
    session: Session,
    subject_id: int,
    *,
    valid_on: date,
    scope: ReadScope,
    doc_types: Sequence[str] = (),
    after_id: int = 0,
    limit: int = 50,
) -> list[DocumentSummary]:
    """The subject's served documents in id order, `limit` of them after `after_id` (keyset
    pagination: stable while documents are added, cheap at any depth), with the subject's roles
    on each. The same rule as `served_conditions` (verified, valid on the day, in scope), written
    once over plain columns so that the statement is built once and its rows are plain tuples."""
    statement = _subject_documents_statement(
        bool(scope.provinces), bool(scope.doc_types), bool(doc_types)
    )
    params: dict[str, Any] = {
        "subject_id": subject_id,
        "valid_on": valid_on,
        "after_id": after_id,
        "n": limit,
    }
    if scope.provinces:
        params["provinces"] = list(scope.provinces)
    if scope.doc_types:
        params["scope_doc_types"] = list(scope.doc_types)
    if doc_types:
        params["doc_types"] = list(doc_types)
    pages: list[tuple[Any, list[str]]] = []  # (row, the subject's roles on it)
    for row in session.connection().execute(statement, params):
        if not pages or pages[-1][0].id != row.id:
            pages.append((row, []))
        if row.role not in pages[-1][1]:
            pages[-1][1].append(row.role)
    return [
        DocumentSummary(
            id=row.id,
            doc_type=row.doc_type,
            attributes=dict(row.attributes or {}),
            roles=tuple(roles),
            valid_from=row.valid_from,
            valid_to=row.valid_to,
            province_code=row.province_code,
            updated_at=row.updated_at,
        )
        for row, roles in pages
    ]


def roles_of(
    session: Session, document_ids: Sequence[int], subject_id: int | None = None
) -> dict[int, tuple[str, ...]]:
    if not document_ids:
        return {}
    query = select(DocumentSubject.document_id, DocumentSubject.role).where(
        DocumentSubject.document_id.in_(list(document_ids))
    )
    if subject_id is not None:
        query = query.where(DocumentSubject.subject_id == subject_id)
    roles: dict[int, list[str]] = defaultdict(list)
    for document_id, role in session.execute(query.order_by(DocumentSubject.id)):
        if role not in roles[document_id]:
            roles[document_id].append(role)
    return {k: tuple(v) for k, v in roles.items()}


def summarize(document: Document, roles: tuple[str, ...]) -> DocumentSummary:
    return DocumentSummary(
        id=document.id,
        doc_type=document.doc_type,
        attributes=dict(document.attributes or {}),
        roles=roles,
        valid_from=document.valid_from,
        valid_to=document.valid_to,
        province_code=document.province_code,
        updated_at=document.updated_at,
    )


def _served_fields(session: Session, document_ids: Sequence[int]) -> dict[int, list[FieldValue]]:
    """Field rows a reader may see: everything but what a steward rejected as unusable."""
    if not document_ids:
        return {}
    rows = session.scalars(
        select(FieldValue)
        .where(
            FieldValue.document_id.in_(list(document_ids)),
            FieldValue.status != FieldStatus.REJECTED,
        )
        .order_by(FieldValue.id)
    )
    by_document: dict[int, list[FieldValue]] = defaultdict(list)
    for row in rows:
        by_document[row.document_id].append(row)
    return by_document


@translate_db_errors()
def served_document(
    session: Session, document_id: int, *, valid_on: date, scope: ReadScope
) -> DocumentDetail | None:
    """One served document with its fields and provenance; None if the reader may not see it."""
    document = session.scalars(
        select(Document).where(Document.id == document_id, *served_conditions(valid_on, scope))
    ).first()
    if document is None:
        return None
    fields = _served_fields(session, [document.id]).get(document.id, [])
    subjects = session.scalars(
        select(Subject.public_id)
        .join(DocumentSubject, DocumentSubject.subject_id == Subject.id)
        .where(DocumentSubject.document_id == document.id)
        .order_by(DocumentSubject.id)
    ).all()
    return DocumentDetail(
        summary=summarize(document, roles_of(session, [document.id]).get(document.id, ())),
        sha256=document.sha256,
        page_count=document.page_count,
        media_type=document.media_type,
        fields=tuple(
            FieldRead(f.name, f.value, f.status, f.confidence, f.verified_at) for f in fields
        ),
        provenance=_provenance(session, document, fields),
        subject_public_ids=tuple(dict.fromkeys(subjects)),
    )


def erased_subject_of(session: Session, document_id: int) -> bool:
    """True when the document names a subject whose data was erased (it is not served)."""
    return bool(
        session.scalar(
            select(
                exists().where(
                    DocumentSubject.document_id == document_id,
                    DocumentSubject.subject_id == Subject.id,
                    Subject.erased_at.is_not(None),
                )
            )
        )
    )


def _provenance(session: Session, document: Document, fields: Sequence[FieldValue]) -> Provenance:
    batches = session.scalars(
        select(Batch.name)
        .join(BatchFile, BatchFile.batch_id == Batch.id)
        .where(BatchFile.sha256 == document.sha256)
        .order_by(Batch.created_at, Batch.id)
    ).all()
    version = session.execute(
        select(ExtractionVersion.extractor_version, ExtractionVersion.created_at).where(
            ExtractionVersion.document_id == document.id,
            ExtractionVersion.version == document.current_version,
        )
    ).first()
    by_principal: dict[int, list[FieldValue]] = defaultdict(list)
    for f in fields:
        if f.verified_by is not None:
            by_principal[f.verified_by].append(f)
    names = {
        pid: name
        for pid, name in session.execute(
            select(Principal.id, Principal.name).where(Principal.id.in_(list(by_principal)))
        )
    }
    verified_by = tuple(
        Verification(
            principal=names.get(pid, f"principal {pid}"),
            fields=tuple(f.name for f in rows),
            last_at=max((f.verified_at for f in rows if f.verified_at), default=None),
        )
        for pid, rows in by_principal.items()
    )
    return Provenance(
        batches=tuple(dict.fromkeys(batches)),
        extraction_version=document.current_version,
        extractor_version=version[0] if version else "",
        extracted_at=version[1] if version else None,
        verified_by=verified_by,
    )


@translate_db_errors()
def subject_profile(
    session: Session, subject: Subject | SubjectRow, *, valid_on: date, scope: ReadScope
) -> Profile:
    """Per attribute, the value of the subject's most recent served document (latest validity
    start, then latest loaded), with every verified value that disagrees shown beside it."""
    rows = session.execute(
        select(Document, DocumentSubject.role)
        .join(DocumentSubject, DocumentSubject.document_id == Document.id)
        .where(DocumentSubject.subject_id == subject.id, *served_conditions(valid_on, scope))
    ).all()
    if not rows:
        return Profile(attributes=())
    documents = {d.id: d for d, _ in rows}
    roles: dict[int, set[str]] = defaultdict(set)
    for document, role in rows:
        roles[document.id].add(role)
    fields = _served_fields(session, list(documents))
    undeclared = [d for d in documents.values() if doctypes.find(d.doc_type) is None]
    mappings = _role_mappings(session, undeclared) if undeclared else {}
    candidates: dict[str, list[ProfileValue]] = defaultdict(list)
    for document in sorted(documents.values(), key=_recency, reverse=True):
        values = {f.name: f.value for f in fields.get(document.id, []) if f.value}
        source = AttributeSource(document.id, document.doc_type, document.valid_from)
        for attribute, field_name in _attribute_fields(
            document.doc_type, roles[document.id], mappings.get(document.id, {})
        ).items():
            if values.get(field_name):
                candidates[attribute].append(ProfileValue(values[field_name], source))
    attributes = tuple(
        _settle(name, values) for name, values in sorted(candidates.items(), key=_attribute_order)
    )
    return Profile(attributes=attributes, document_ids=tuple(sorted(documents)))


def _recency(document: Document) -> tuple[date, int]:
    return (document.valid_from or document.issued_on or date.min, document.id)


def _attribute_order(item: tuple[str, Any]) -> tuple[int, str]:
    order = PROFILE_FIELDS[SubjectKind.PERSON] + PROFILE_FIELDS[SubjectKind.ORGANIZATION]
    name = item[0]
    return (order.index(name) if name in order else len(order), name)


def _role_mappings(
    session: Session, documents: Iterable[Document]
) -> dict[int, dict[str, dict[str, str]]]:
    """Per document, per role: subject attribute -> field name, as its latest extraction said (for
    a document whose type is not registered in this process)."""
    ids = [d.id for d in documents]
    if not ids:
        return {}
    rows = session.execute(
        select(ExtractionVersion.document_id, ExtractionVersion.extraction)
        .join(
            Document,
            and_(
                Document.id == ExtractionVersion.document_id,
                Document.current_version == ExtractionVersion.version,
            ),
        )
        .where(Document.id.in_(ids))
    ).all()
    mappings: dict[int, dict[str, dict[str, str]]] = {}
    for document_id, extraction in rows:
        per_role: dict[str, dict[str, str]] = {}
        for ref in (extraction or {}).get("subjects", ()):
            per_role.setdefault(ref.get("role", ""), {}).update(ref.get("fields") or {})
        mappings[document_id] = per_role
    return mappings


def _attribute_fields(
    doc_type: str, roles: set[str], stored: dict[str, dict[str, str]]
) -> dict[str, str]:
    """Which field of a document carries which attribute of the subject in its `roles`: the
    slots its type declares (a co-owner's fields feed the co-owner only)."""
    declared = doctypes.find(doc_type)
    chosen: dict[str, str] = {}
    for role in sorted(roles):
        chosen.update(declared.slot_fields(role) if declared else stored.get(role, {}))
    return chosen


def _settle(name: str, values: list[ProfileValue]) -> ProfileAttribute:
    first, *rest = values
    seen = {comparable_text(first.value)}
    disagreements = []
    for other in rest:
        key = comparable_text(other.value)
        if key not in seen:
            seen.add(key)
            disagreements.append(other)
    return ProfileAttribute(name, first.value, first.source, tuple(disagreements))
