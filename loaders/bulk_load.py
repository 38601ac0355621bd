"""Loading many extractions in one transaction, set-based where the answer is plain.

Why: `loaders.load.load_extraction` needs about 30 statements per document (subject resolution
through get-or-create savepoints, autoflushes, the audit entry, the change event), so a batch of
10,000 files spends minutes in round trips. Most documents of a fresh batch are the simple case:
a sha256 the warehouse has never seen, subjects found or created by key, nobody to ask a steward
about. Those are written here with a handful of statements per chunk (on PostgreSQL `COPY` into
temporary staging tables and `INSERT … SELECT … ON CONFLICT`, or `COPY` straight into the table
when no row can clash; on SQLite `executemany`), and everything else — a re-extraction of a known
sha256, an old CMND number, a weak-evidence identity match that opens a candidate — goes through
`load_extraction` itself, so those rules live in one place only.

The end state must be exactly the one that loading the items one by one with `load_extraction`
leaves (tests/loaders/test_bulk_load.py compares every table). Order matters for that (a subject's
latest name, which document is the earliest of a duplicate key, the order of the change feed), so
the items are walked in order: a run of simple items is planned in memory against a snapshot of
the warehouse that the plan keeps up to date, written set-based when an item needs the per-document
path, and that item is then loaded by `load_extraction` before the walk goes on.

The caller owns the transaction, as with `load_extraction`: one commit for the whole list.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, cast

from sqlalchemy import (
    JSON,
    Column,
    MetaData,
    Table,
    bindparam,
    func,
    insert,
    literal,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from extractors.records import Extraction, Severity, SubjectKind, SubjectRef
from loaders.db import translate_db_errors
from loaders.derived import comparable_text, parse_date, refresh_derived
from loaders.errors import ConflictingUpdate, NotFound, WarehouseUnavailable
from loaders.journal import _ROLE_ORDER as ROLE_ORDER  # one rule, kept there
from loaders.keys import cmnd_number, enterprise_code, personal_id
from loaders.load import LoadResult, canonical_json, digest_of, load_extraction
from loaders.load import _check as check_extraction  # the same validation, kept there
from loaders.models import (
    AuditEntry,
    Batch,
    BatchFile,
    ChangeEvent,
    Document,
    DocumentStatus,
    DocumentSubject,
    EventKind,
    ExtractionVersion,
    FieldStatus,
    FieldValue,
    FileStatus,
    Subject,
    new_public_id,
)
from loaders.provinces import province_of_personal_id

# The attributes `loaders.identity` keeps as a subject's latest name, in order of preference.
_NAME_ATTRIBUTES = ("full_name", "company_name", "name")

_DOCUMENTS = Document.__table__
_SUBJECTS = Subject.__table__
_BATCH_FILES = BatchFile.__table__

# PostgreSQL staging tables: rows that may clash with a concurrent writer's (a sha256, a subject
# key) are copied here first and merged with ON CONFLICT; they live as long as the connection and
# are emptied at every commit.
_STAGE_DOCUMENTS = "sohoa_stage_documents"
_STAGE_SUBJECTS = "sohoa_stage_subjects"
_STAGE_DDL = (
    f"CREATE TEMP TABLE IF NOT EXISTS {_STAGE_DOCUMENTS} (LIKE documents) ON COMMIT DELETE ROWS",
    f"CREATE TEMP TABLE IF NOT EXISTS {_STAGE_SUBJECTS} (LIKE subjects, parent_key varchar(32)) "
    "ON COMMIT DELETE ROWS",
)
_stage_metadata = MetaData()
_stage_documents = Table(
    _STAGE_DOCUMENTS, _stage_metadata, *(Column(c.name, c.type) for c in _DOCUMENTS.columns)
)
_stage_subjects = Table(
    _STAGE_SUBJECTS,
    _stage_metadata,
    *(Column(c.name, c.type) for c in _SUBJECTS.columns),
    Column("parent_key", _SUBJECTS.c.key.type),
)


@dataclass(frozen=True)
class BulkItem:
    """One extraction to load, with what `load_extraction` takes besides it."""

    extraction: Extraction
    options_fingerprint: str = ""
    media_type: str = ""
    size: int = 0


def load_extractions(
    session: Session,
    items: Sequence[BulkItem],
    *,
    batch: str | None = None,
    auto_verify_confidence: float | None = None,
) -> list[LoadResult]:
    """Load `items` in order, as `load_extraction` would one by one; one result per item.

    `batch` marks every file loaded in that batch (each must be registered there, or `NotFound`
    is raised before anything is written). Invalid records raise `InvalidRecord` before anything
    is written. A concurrent writer that created one of the same documents first makes this raise
    `WarehouseUnavailable`: the caller rolls back and retries, and the retry delegates it.
    """
    try:
        with translate_db_errors():
            return _BulkLoad(session, items, batch, auto_verify_confidence).run()
    except ConflictingUpdate as exc:
        raise WarehouseUnavailable("a document changed while it was loaded; retry") from exc


# --- planning ---------------------------------------------------------------------------------


@dataclass(eq=False)
class _Subject:
    """What the plan knows of one subject: the warehouse's row, or one this load creates."""

    kind: str
    key: str
    id: int | None  # None until written, for a subject this load creates
    name: str | None
    birth_date: date | None
    province_code: str | None = None
    parent_key: str | None = None
    public_id: str | None = None
    created: bool = False
    # The latest hints this load saw (None: none), written over the row's at the end.
    hint_name: str | None = None
    hint_birth: date | None = None
    comparable: str = ""

    def __post_init__(self) -> None:
        self.comparable = comparable_text(self.name)


@dataclass
class _DerivedColumns:
    """The document columns `loaders.derived.refresh_derived` computes from field values."""

    doc_type: str
    attributes: dict[str, Any]
    valid_from: date | None = None
    valid_to: date | None = None
    issuer: str | None = None
    number_symbol: str | None = None
    issued_on: date | None = None
    dedup_key: str | None = None


@dataclass
class _Planned:
    """One simple item, computed in memory: everything but the ids it will get."""

    index: int
    item: BulkItem
    digest: str
    extraction_json: Any
    document: _DerivedColumns
    fields: list[dict[str, Any]]
    links: list[tuple[_Subject, str]]
    duplicate_of_id: int | None  # an existing document
    duplicate_of_index: int | None  # or an earlier item of this load
    verified: bool
    document_id: int | None = None


@dataclass
class _Snapshot:
    """The part of the warehouse the remaining items can touch, kept current by the plan."""

    subjects: dict[tuple[str, str], _Subject] = field(default_factory=dict)
    people_by_birth: dict[date, list[_Subject]] = field(default_factory=dict)
    duplicates: dict[str, int] = field(default_factory=dict)  # dedup key → earliest document
    duplicate_items: dict[str, int] = field(default_factory=dict)  # dedup key → item index
    created: list[_Subject] = field(default_factory=list)

    def index_person(self, subject: _Subject) -> None:
        if subject.kind == SubjectKind.PERSON.value and subject.birth_date is not None:
            self.people_by_birth.setdefault(subject.birth_date, []).append(subject)

    def unindex_person(self, subject: _Subject) -> None:
        if subject.kind == SubjectKind.PERSON.value and subject.birth_date is not None:
            self.people_by_birth[subject.birth_date].remove(subject)

    def same_name_and_birth(self, attrs: Mapping[str, str]) -> list[_Subject]:
        """`loaders.identity._same_name_and_birth` on the planned state."""
        name, born = comparable_text(attrs.get("full_name")), parse_date(attrs.get("date_of_birth"))
        if not name or born is None:
            return []
        return [s for s in self.people_by_birth.get(born, []) if s.comparable == name]


class _Undo:
    """What planning one item changed in the snapshot, to take back when it is delegated."""

    def __init__(self, snapshot: _Snapshot) -> None:
        self.snapshot = snapshot
        self.created: list[_Subject] = []
        self.hints: list[tuple[_Subject, str | None, date | None, str | None, date | None]] = []

    def set_hints(self, subject: _Subject, name: str | None, born: date | None) -> None:
        self.hints.append(
            (subject, subject.name, subject.birth_date, subject.hint_name, subject.hint_birth)
        )
        self.snapshot.unindex_person(subject)
        if name:
            subject.name = subject.hint_name = name
            subject.comparable = comparable_text(name)
        if born:
            subject.birth_date = subject.hint_birth = born
        self.snapshot.index_person(subject)

    def create(self, subject: _Subject) -> None:
        self.created.append(subject)
        self.snapshot.subjects[(subject.kind, subject.key)] = subject
        self.snapshot.created.append(subject)
        self.snapshot.index_person(subject)

    def rollback(self) -> None:
        for subject, name, born, hint_name, hint_birth in reversed(self.hints):
            self.snapshot.unindex_person(subject)
            subject.name, subject.birth_date = name, born
            subject.hint_name, subject.hint_birth = hint_name, hint_birth
            subject.comparable = comparable_text(name)
            self.snapshot.index_person(subject)
        for subject in reversed(self.created):
            self.snapshot.unindex_person(subject)
            del self.snapshot.subjects[(subject.kind, subject.key)]
            self.snapshot.created.remove(subject)


def _attrs(ref: SubjectRef, values: Mapping[str, str]) -> dict[str, str]:
    return {attr: values[name] for attr, name in ref.fields.items() if values.get(name)}


def _needs_per_document_path(extraction: Extraction) -> bool:
    """Identity questions the plan does not answer: an old 9-digit CMND (alias lookups and
    alias conflicts are `loaders.identity`'s business)."""
    values = {f.name: f.value for f in extraction.fields}
    for ref in extraction.subjects:
        if ref.kind != SubjectKind.PERSON:
            continue
        attrs = _attrs(ref, values)
        if cmnd_number(attrs.get("cmnd_number")) or cmnd_number(attrs.get("id_number")):
            return True
    return False


class _BulkLoad:
    def __init__(
        self,
        session: Session,
        items: Sequence[BulkItem],
        batch: str | None,
        threshold: float | None,
    ) -> None:
        self.session = session
        self.items = list(items)
        self.batch = batch
        self.threshold = threshold
        self.postgresql = session.get_bind().dialect.name == "postgresql"
        self.results: list[LoadResult | None] = [None] * len(self.items)
        self.no_findings: Any = _JsonText("[]") if self.postgresql else []
        self.derived: dict[int, _DerivedColumns] = {}  # by id() of the extraction

    def run(self) -> list[LoadResult]:
        for item in self.items:
            check_extraction(item.extraction)
        self.session.flush()
        batch_id = self._batch_id() if self.batch is not None else None
        known = self._known_sha256s()
        seen: set[str] = set()
        delegate = []
        for item in self.items:
            sha = item.extraction.sha256
            delegate.append(
                sha in known or sha in seen or _needs_per_document_path(item.extraction)
            )
            seen.add(sha)

        snapshot: _Snapshot | None = None
        run: list[_Planned] = []
        for index, item in enumerate(self.items):
            planned = None
            if not delegate[index]:
                if snapshot is None:
                    snapshot = self._snapshot(
                        [i for n, i in enumerate(self.items) if n >= index and not delegate[n]]
                    )
                planned = self._plan(index, item, snapshot)
            if planned is not None:
                run.append(planned)
                continue
            if run and snapshot is not None:
                self._write(run, snapshot, batch_id)
                run = []
            self.results[index] = load_extraction(
                self.session,
                item.extraction,
                batch=self.batch,
                options_fingerprint=item.options_fingerprint,
                auto_verify_confidence=self.threshold,
                media_type=item.media_type,
                size=item.size,
            )
            snapshot = None  # the per-document path changed what the plan knew
        if run and snapshot is not None:
            self._write(run, snapshot, batch_id)
        results = [r for r in self.results if r is not None]
        assert len(results) == len(self.items)
        return results

    # -- reading the warehouse ------------------------------------------------------------------

    def _batch_id(self) -> int:
        """The batch's id, after checking it lists every item (as `link_loaded_file` would)."""
        shas = {item.extraction.sha256 for item in self.items}
        rows = self.session.execute(
            select(Batch.id, BatchFile.sha256)
            .join(BatchFile, BatchFile.batch_id == Batch.id)
            .where(Batch.name == self.batch, BatchFile.sha256.in_(shas))
        ).all()
        missing = shas - {sha for _, sha in rows}
        if missing:
            first = sorted(missing)[0]
            raise NotFound(f"file {first[:12]} is not registered in batch {self.batch!r}")
        return int(rows[0][0]) if rows else 0

    def _known_sha256s(self) -> set[str]:
        shas = {item.extraction.sha256 for item in self.items}
        return set(self.session.scalars(select(Document.sha256).where(Document.sha256.in_(shas))))

    def _snapshot(self, items: Sequence[BulkItem]) -> _Snapshot:
        """Three queries: the subjects the items name by key, the people who share a birth date
        with a person they name, the earliest document of each duplicate key they carry."""
        keys: set[tuple[str, str]] = set()
        births: set[date] = set()
        dedup_keys: set[str] = set()
        for item in items:
            extraction = item.extraction
            values = {f.name: f.value for f in extraction.fields}
            for ref in extraction.subjects:
                attrs = _attrs(ref, values)
                if ref.kind == SubjectKind.PERSON:
                    key = personal_id(attrs.get("id_number"))
                    if key:
                        keys.add((SubjectKind.PERSON.value, key))
                    born = parse_date(attrs.get("date_of_birth"))
                    if born:
                        births.add(born)
                else:
                    code = enterprise_code(attrs.get("enterprise_code"))
                    if code:
                        keys.add((SubjectKind.ORGANIZATION.value, code.key))
                        if code.parent:
                            keys.add((SubjectKind.ORGANIZATION.value, code.parent))
            derived = self._derived(extraction, values)
            dedup = derived.dedup_key
            if dedup:
                dedup_keys.add(dedup)

        snapshot = _Snapshot()
        columns = (
            Subject.id,
            Subject.kind,
            Subject.key,
            Subject.name,
            Subject.birth_date,
            Subject.province_code,
            Subject.public_id,
        )
        if keys:
            # `key IN (…)` and the kind checked here: one array parameter's worth of binds
            # instead of a row-value list twice as long, and the same index.
            for row in self.session.execute(
                select(*columns).where(Subject.key.in_(sorted({k for _, k in keys})))
            ):
                if (row.kind, row.key) not in keys:
                    continue
                subject = _Subject(
                    row.kind,
                    row.key,
                    row.id,
                    row.name,
                    row.birth_date,
                    row.province_code,
                    public_id=row.public_id,
                )
                snapshot.subjects[(row.kind, row.key)] = subject
                snapshot.index_person(subject)
        if births:
            loaded = {s.id for s in snapshot.subjects.values()}
            for row in self.session.execute(
                select(*columns).where(
                    Subject.kind == SubjectKind.PERSON.value,
                    Subject.birth_date.in_(sorted(births)),
                    Subject.erased_at.is_(None),
                )
            ):
                if row.id not in loaded:
                    snapshot.index_person(
                        _Subject(row.kind, row.key or "", row.id, row.name, row.birth_date)
                    )
        if dedup_keys:
            snapshot.duplicates = {
                key: first
                for key, first in self.session.execute(
                    select(Document.dedup_key, func.min(Document.id))
                    .where(Document.dedup_key.in_(sorted(dedup_keys)))
                    .group_by(Document.dedup_key)
                )
            }
        return snapshot

    def _derived(self, extraction: Extraction, values: Mapping[str, str]) -> _DerivedColumns:
        """The item's derived columns, by `loaders.derived.refresh_derived` itself, once."""
        derived = self.derived.get(id(extraction))
        if derived is None:
            derived = _DerivedColumns(extraction.doc_type.value, dict(extraction.attributes))
            # A plain holder, not a `Document`: building ORM instances costs far more than the
            # rule, and `refresh_derived` only reads and sets these attributes.
            refresh_derived(cast(Document, derived), values)
            self.derived[id(extraction)] = derived
        return derived

    # -- planning one item ----------------------------------------------------------------------

    def _plan(self, index: int, item: BulkItem, snapshot: _Snapshot) -> _Planned | None:
        """The item's rows if it is the simple case, else None (and the snapshot unchanged)."""
        extraction = item.extraction
        values = {f.name: f.value for f in extraction.fields}
        undo = _Undo(snapshot)
        wanted: dict[tuple[int, str], tuple[_Subject, str]] = {}
        for ref in extraction.subjects:
            attrs = _attrs(ref, values)
            if ref.kind == SubjectKind.PERSON:
                subject = self._plan_person(attrs, snapshot, undo)
                if subject is False:
                    undo.rollback()
                    return None
            else:
                subject = self._plan_organization(attrs, snapshot, undo)
            if isinstance(subject, _Subject):
                name = next((attrs[a] for a in _NAME_ATTRIBUTES if attrs.get(a)), None)
                born = parse_date(attrs.get("date_of_birth"))
                if name or born:
                    undo.set_hints(subject, name, born)
                wanted[(id(subject), ref.role.value)] = (subject, ref.role.value)

        document = self._derived(extraction, values)
        duplicate_of_id = duplicate_of_index = None
        if document.dedup_key is not None:
            duplicate_of_id = snapshot.duplicates.get(document.dedup_key)
            if duplicate_of_id is None:
                duplicate_of_index = snapshot.duplicate_items.get(document.dedup_key)
                if duplicate_of_index is None:
                    snapshot.duplicate_items[document.dedup_key] = index
        rows = self._field_rows(extraction)
        verified = bool(rows) and all(r["status"] == FieldStatus.AUTO_VERIFIED for r in rows)
        data = extraction.to_dict()
        canonical = canonical_json(data)
        return _Planned(
            index=index,
            item=item,
            digest=digest_of(canonical),
            # PostgreSQL takes the JSON text as it is; SQLAlchemy serializes the dict for SQLite
            extraction_json=_JsonText(canonical) if self.postgresql else data,
            document=document,
            fields=rows,
            links=list(wanted.values()),
            duplicate_of_id=duplicate_of_id,
            duplicate_of_index=duplicate_of_index,
            verified=verified,
        )

    def _plan_person(
        self, attrs: Mapping[str, str], snapshot: _Snapshot, undo: _Undo
    ) -> _Subject | bool | None:
        """The subject `loaders.identity._resolve_person` would link; False when it would open a
        candidate (the item then takes the per-document path)."""
        key = personal_id(attrs.get("id_number"))
        if key is None:
            return False if snapshot.same_name_and_birth(attrs) else None
        subject = snapshot.subjects.get((SubjectKind.PERSON.value, key))
        if subject is None:
            if snapshot.same_name_and_birth(attrs):
                return False
            subject = _Subject(
                SubjectKind.PERSON.value,
                key,
                None,
                None,
                None,
                province_of_personal_id(key),
                created=True,
            )
            undo.create(subject)
        return subject

    def _plan_organization(
        self, attrs: Mapping[str, str], snapshot: _Snapshot, undo: _Undo
    ) -> _Subject | None:
        code = enterprise_code(attrs.get("enterprise_code"))
        if code is None:
            return None
        kind = SubjectKind.ORGANIZATION.value
        if code.parent is not None and (kind, code.parent) not in snapshot.subjects:
            undo.create(_Subject(kind, code.parent, None, None, None, created=True))
        subject = snapshot.subjects.get((kind, code.key))
        if subject is None:
            subject = _Subject(kind, code.key, None, None, None, None, code.parent, created=True)
            undo.create(subject)
        return subject

    def _field_rows(self, extraction: Extraction) -> list[dict[str, Any]]:
        """`loaders.load._take_machine_value` for every field of a new document."""
        findings: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for finding in extraction.findings:
            if finding.field:
                findings[finding.field].append(finding.to_dict())
        rows = []
        for f in extraction.fields:
            field_findings = findings.get(f.name) or []
            auto = (
                self.threshold is not None
                and f.confidence >= self.threshold
                and not any(x["severity"] == Severity.ERROR.value for x in field_findings)
            )
            rows.append(
                {
                    "name": f.name,
                    "value": f.value,
                    "raw": f.raw,
                    "confidence": f.confidence,
                    "page": f.page,
                    "box": f.box.to_list() if f.box else None,
                    "findings": field_findings or self.no_findings,
                    "status": FieldStatus.AUTO_VERIFIED if auto else FieldStatus.PENDING,
                    "machine_value": f.value,
                    "extraction_version": 1,
                    "verified_by": None,
                    "auto": auto,
                }
            )
        return rows

    # -- writing a run --------------------------------------------------------------------------

    def _write(self, run: list[_Planned], snapshot: _Snapshot, batch_id: int | None) -> None:
        """Write a run of planned items: subjects, documents, then the rows that hang off them."""
        now = datetime.now(UTC)
        self.session.flush()
        if self.postgresql:
            for ddl in _STAGE_DDL:
                self.session.execute(text(ddl))
        self._write_subjects(snapshot, now)
        self._write_documents(run, now)

        versions, fields, links, events, audits = [], [], [], [], []
        for planned in run:
            extraction, document_id = planned.item.extraction, planned.document_id
            versions.append(
                {
                    "document_id": document_id,
                    "version": 1,
                    "extractor_version": extraction.extractor_version,
                    "options_fingerprint": planned.item.options_fingerprint,
                    "content_digest": planned.digest,
                    "doc_type": extraction.doc_type.value,
                    "type_confidence": extraction.type_confidence,
                    "findings": [f.to_dict() for f in extraction.findings],
                    "extraction": planned.extraction_json,
                    "created_at": now,
                }
            )
            for row in planned.fields:
                auto = row["auto"]
                fields.append(
                    {
                        **{k: v for k, v in row.items() if k != "auto"},
                        "document_id": document_id,
                        "verified_at": now if auto else None,
                        "updated_at": now,
                    }
                )
            ordered = _ordered_links(planned)
            links += [
                {"document_id": document_id, "subject_id": s.id, "role": role, "created_at": now}
                for s, role in ordered
            ]
            primary = _primary_public_id(ordered)
            status = DocumentStatus.VERIFIED if planned.verified else DocumentStatus.NEEDS_REVIEW
            event = EventKind.VERIFIED if planned.verified else None
            if event is not None:
                valid_to = planned.document.valid_to
                events.append(
                    {
                        "at": now,
                        "kind": event,
                        "document_id": document_id,
                        "subject_public_id": primary,
                        "payload": {
                            "doc_type": extraction.doc_type.value,
                            "valid_to": valid_to.isoformat() if valid_to else None,
                        },
                    }
                )
            audits.append(
                {
                    "at": now,
                    "principal_id": None,
                    "action": "load.document",
                    "subject_public_id": primary,
                    "document_id": document_id,
                    "purpose": None,
                    "detail": {
                        "version": 1,
                        "created": True,
                        "batch": self.batch,
                        "status": status,
                        "conflicts_opened": 0,
                        "event": event,
                    },
                }
            )
            self.results[planned.index] = LoadResult(
                int(document_id or 0), True, 1, 0, len(ordered), 0
            )

        self._insert(ExtractionVersion.__table__, versions)
        self._insert(FieldValue.__table__, fields)
        self._insert(DocumentSubject.__table__, links)
        self._insert(ChangeEvent.__table__, events)
        self._insert(AuditEntry.__table__, audits)
        if batch_id is not None:
            self.session.execute(
                update(_BATCH_FILES)
                .where(
                    _BATCH_FILES.c.batch_id == batch_id,
                    _BATCH_FILES.c.sha256.in_([p.item.extraction.sha256 for p in run]),
                    _BATCH_FILES.c.sha256 == _DOCUMENTS.c.sha256,
                )
                .values(
                    status=FileStatus.LOADED,
                    document_id=_DOCUMENTS.c.id,
                    reason_code=None,
                    reason_message=None,
                    updated_at=now,
                )
            )
        # Rows changed under the ORM's feet (subject hints, batch files): objects the session
        # holds must be read again before the per-document path or the caller uses them. The
        # snapshot is dropped by the caller: a run is written only before a delegated item or
        # at the end.
        self.session.expire_all()

    def _write_subjects(self, snapshot: _Snapshot, now: datetime) -> None:
        """Create the run's new subjects (parents first), read back every id, write the hints."""
        created = list(snapshot.created)
        for subject in created:
            subject.public_id = new_public_id()
        if created:
            if self.postgresql:
                self._merge_subjects_postgresql(created, now)
            else:
                # In creation order (ids ascend as the per-document path gives them); a branch
                # whose parent is new in this run gets its parent's id right after.
                rows = [
                    _subject_row(s, self._subject_id(snapshot, s.parent_key), now) for s in created
                ]
                self.session.execute(sqlite_insert(_SUBJECTS).on_conflict_do_nothing(), rows)
                late = [
                    s
                    for s, row in zip(created, rows, strict=True)
                    if s.parent_key and row["parent_id"] is None
                ]
                if late:
                    self.session.execute(
                        update(_SUBJECTS)
                        .where(
                            _SUBJECTS.c.kind == SubjectKind.ORGANIZATION.value,
                            _SUBJECTS.c.key == bindparam("b_key"),
                        )
                        .values(parent_id=bindparam("b_parent")),
                        [
                            {"b_key": s.key, "b_parent": self._subject_id(snapshot, s.parent_key)}
                            for s in late
                        ],
                    )
            by_key = {(s.kind, s.key): s for s in created}
            for row in self.session.execute(
                select(Subject.id, Subject.kind, Subject.key, Subject.public_id).where(
                    Subject.key.in_(sorted({k for _, k in by_key}))
                )
            ):
                subject = by_key.get((row.kind, row.key))
                if subject is None:
                    continue
                if subject.public_id != row.public_id:  # a concurrent writer created it first
                    subject.created = False  # so its hints are written as an update
                subject.id, subject.public_id = row.id, row.public_id
        hints = [
            {"b_id": s.id, "b_name": s.hint_name, "b_birth": s.hint_birth, "b_now": now}
            for s in snapshot.subjects.values()
            if not s.created and (s.hint_name is not None or s.hint_birth is not None)
        ]
        if hints:
            self.session.execute(
                update(_SUBJECTS)
                .where(_SUBJECTS.c.id == bindparam("b_id"))
                .values(
                    name=func.coalesce(
                        bindparam("b_name", type_=_SUBJECTS.c.name.type), _SUBJECTS.c.name
                    ),
                    birth_date=func.coalesce(
                        bindparam("b_birth", type_=_SUBJECTS.c.birth_date.type),
                        _SUBJECTS.c.birth_date,
                    ),
                    updated_at=bindparam("b_now", type_=_SUBJECTS.c.updated_at.type),
                ),
                hints,
            )

    def _subject_id(self, snapshot: _Snapshot, key: str | None) -> int | None:
        if key is None:
            return None
        parent = snapshot.subjects[(SubjectKind.ORGANIZATION.value, key)]
        if parent.id is None:
            parent.id = self.session.scalar(
                select(Subject.id).where(
                    Subject.kind == SubjectKind.ORGANIZATION.value, Subject.key == key
                )
            )
        return parent.id

    def _merge_subjects_postgresql(self, created: list[_Subject], now: datetime) -> None:
        """Ids in creation order (so links sort as the per-document path sorts them), COPY into
        staging, then INSERT … ON CONFLICT DO NOTHING: a subject a concurrent writer created
        first is simply used. Branches after parents, so a branch finds its parent's real id."""
        ids = self._next_ids("subjects", len(created))
        for subject, new_id in zip(created, ids, strict=True):
            subject.id = new_id
        stage = _stage_subjects
        self.session.execute(stage.delete())
        rows = []
        for s in created:
            row = _subject_row(s, None, now)
            row.update(id=s.id, public_id=s.public_id, parent_key=s.parent_key)
            rows.append(row)
        self._copy(_STAGE_SUBJECTS, rows)
        parent = _SUBJECTS.alias("parent")
        columns = [c.name for c in _SUBJECTS.columns]
        for branches in (False, True):
            source = (
                select(
                    *(
                        parent.c.id.label("parent_id") if c == "parent_id" else stage.c[c]
                        for c in columns
                    )
                )
                .select_from(
                    stage.outerjoin(
                        parent,
                        (parent.c.kind == SubjectKind.ORGANIZATION.value)
                        & (parent.c.key == stage.c.parent_key),
                    )
                )
                .where(
                    stage.c.parent_key.is_not(None) if branches else stage.c.parent_key.is_(None)
                )
                .order_by(stage.c.id)
            )
            self.session.execute(
                pg_insert(_SUBJECTS)
                .from_select(columns, source)
                .on_conflict_do_nothing(index_elements=["kind", "key"])
            )

    def _write_documents(self, run: list[_Planned], now: datetime) -> None:
        """Insert the run's documents in item order and learn their ids.

        PostgreSQL: ids from the sequence, COPY into staging, INSERT … ON CONFLICT (sha256) DO
        NOTHING; a sha256 a concurrent load inserted meanwhile is a retryable error (the retry
        finds it and takes the per-document path). SQLite: executemany (writers are serialized).
        """
        rows = [_document_row(p, now) for p in run]
        if self.postgresql:
            ids = self._next_ids("documents", len(run))
            for planned, row, new_id in zip(run, rows, ids, strict=True):
                planned.document_id = row["id"] = new_id
            for planned, row in zip(run, rows, strict=True):
                if planned.duplicate_of_index is not None:
                    row["duplicate_of_id"] = self._item_document(run, planned.duplicate_of_index)
            self.session.execute(_stage_documents.delete())
            self._copy(_STAGE_DOCUMENTS, rows)
            columns = [c.name for c in _DOCUMENTS.columns]
            inserted = self.session.execute(
                pg_insert(_DOCUMENTS)
                .from_select(
                    columns,
                    select(*(_stage_documents.c[c] for c in columns)).order_by(
                        _stage_documents.c.id
                    ),
                )
                .on_conflict_do_nothing(index_elements=["sha256"])
                .returning(_DOCUMENTS.c.id)
            ).all()
            if len(inserted) != len(run):
                raise WarehouseUnavailable("another load wrote the same documents; retry")
            return
        self.session.execute(insert(_DOCUMENTS), rows)
        by_sha = {
            sha: document_id
            for sha, document_id in self.session.execute(
                select(Document.sha256, Document.id).where(
                    Document.sha256.in_([p.item.extraction.sha256 for p in run])
                )
            )
        }
        for planned in run:
            planned.document_id = by_sha[planned.item.extraction.sha256]
        fixes = [
            {"b_id": p.document_id, "b_dup": self._item_document(run, p.duplicate_of_index)}
            for p in run
            if p.duplicate_of_index is not None
        ]
        if fixes:
            self.session.execute(
                update(_DOCUMENTS)
                .where(_DOCUMENTS.c.id == bindparam("b_id"))
                .values(duplicate_of_id=bindparam("b_dup")),
                fixes,
            )

    @staticmethod
    def _item_document(run: list[_Planned], index: int) -> int | None:
        return next(p.document_id for p in run if p.index == index)

    def _next_ids(self, table: str, n: int) -> list[int]:
        """`n` ids from the table's sequence, ascending: rows get them in item order."""
        sequence = func.pg_get_serial_sequence(table, "id")
        return sorted(
            self.session.scalars(
                select(func.nextval(sequence)).select_from(func.generate_series(1, literal(n)))
            )
        )

    def _insert(self, table: Table, rows: list[dict[str, Any]]) -> None:
        """Append rows no other writer can clash with: COPY on PostgreSQL, else executemany."""
        if not rows:
            return
        if self.postgresql:
            self._copy(table.name, rows)
        else:
            self.session.execute(insert(table), rows)

    def _copy(self, table: str, rows: list[dict[str, Any]]) -> None:
        """COPY `rows` (dicts with the same keys) into `table` on the session's own connection,
        so they are part of its transaction."""
        from psycopg import sql

        columns = list(rows[0])
        json_columns = _json_columns(table)
        dump = [c in json_columns for c in columns]
        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
        )
        connection = self.session.connection().connection.driver_connection
        with connection.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[union-attr]
            for row in rows:
                copy.write_row(
                    [
                        _json_text(value) if d else value
                        for value, d in zip(row.values(), dump, strict=True)
                    ]
                )


class _JsonText(str):
    """JSON already serialized (COPY sends it as it is)."""


def _json_text(value: Any) -> str:
    return value if isinstance(value, _JsonText) else json.dumps(value, ensure_ascii=False)


def _json_columns(table: str) -> set[str]:
    """JSON columns of a warehouse table (staging tables have their model's): SQLAlchemy's JSON
    type stores Python None as JSON null, so COPY must send the text "null" too."""
    name = {_STAGE_DOCUMENTS: "documents", _STAGE_SUBJECTS: "subjects"}.get(table, table)
    model = Document.metadata.tables[name]
    return {c.name for c in model.columns if isinstance(c.type, JSON)}


def _ordered_links(planned: _Planned) -> list[tuple[_Subject, str]]:
    """In the order `loaders.identity.link_subjects` inserts them: by (subject id, role)."""
    return sorted(planned.links, key=lambda link: (link[0].id or 0, link[1]))


def _primary_public_id(links: Iterable[tuple[_Subject, str]]) -> str | None:
    """`loaders.journal.primary_subject_public_id` over links in insertion order."""
    rows = [(role, s.public_id) for s, role in links]
    if not rows:
        return None
    by_role = {role: public_id for role, public_id in reversed(rows)}
    for role in ROLE_ORDER:
        if role in by_role:
            return by_role[role]
    return rows[0][1]


def _province(links: Sequence[tuple[_Subject, str]]) -> str | None:
    """`loaders.identity._document_province`: the holder's province first, then link order."""
    ranked = sorted(enumerate(links), key=lambda pair: (pair[1][1] != "holder", pair[0]))
    return next((s.province_code for _, (s, _) in ranked if s.province_code), None)


def _subject_row(subject: _Subject, parent_id: int | None, now: datetime) -> dict[str, Any]:
    return {
        "public_id": subject.public_id,
        "kind": subject.kind,
        "key": subject.key,
        "parent_id": parent_id,
        "province_code": subject.province_code,
        "name": subject.name,
        "birth_date": subject.birth_date,
        "erased_at": None,
        "created_at": now,
        "updated_at": now,
    }


def _document_row(planned: _Planned, now: datetime) -> dict[str, Any]:
    extraction, document = planned.item.extraction, planned.document
    links = _ordered_links(planned)
    province = _province(links)
    # `load_extraction` bumps a new document's lock version at every flush that writes it: the
    # insert (1), the new version (2), the derived columns (3), the duplicate pointer when there
    # is a key to look it up by (it is assigned after a query, so it is flushed on its own), the
    # province (assigned even when None) and, when verified, the status. Pinned by the test.
    lock_version = 4 + (document.dedup_key is not None) + planned.verified
    return {
        "sha256": extraction.sha256,
        "doc_type": extraction.doc_type.value,
        "attributes": dict(extraction.attributes),
        "status": DocumentStatus.VERIFIED if planned.verified else DocumentStatus.NEEDS_REVIEW,
        "page_count": extraction.page_count,
        "media_type": planned.item.media_type,
        "size": planned.item.size,
        "issuer": document.issuer,
        "number_symbol": document.number_symbol,
        "issued_on": document.issued_on,
        "valid_from": document.valid_from,
        "valid_to": document.valid_to,
        "province_code": province,
        "dedup_key": document.dedup_key,
        "duplicate_of_id": planned.duplicate_of_id,
        "current_version": 1,
        "lock_version": lock_version,
        "created_at": now,
        "updated_at": now,
    }
