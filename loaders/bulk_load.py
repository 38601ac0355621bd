"""Loading many extractions in one transaction, set-based where the answer is plain.

Why: `loaders.load.load_extraction` needs about 30 statements per document (subject resolution
through get-or-create savepoints, autoflushes, the audit entry, the change event), so a batch of
10,000 files spends minutes in round trips. Most documents of a fresh batch are the simple case:
a sha256 the warehouse has never seen, subjects found or created by key, nobody to ask a steward
about. Those are written here with a handful of statements per chunk, and everything else — a
re-extraction of a known sha256, an old CMND number, a weak-evidence identity match that opens a
candidate — goes through `load_extraction` itself, so those rules live in one place only.

On PostgreSQL a run is written with ids taken from the sequences up front, one `INSERT … SELECT
FROM json_to_recordset(…) ON CONFLICT DO NOTHING` for the new subjects (a subject a concurrent
writer created first is simply used), and `COPY` straight into documents, versions, field values,
links, audit entries and change events, the rows built as tuples with their JSON already
serialized (and the versions' JSON by a helper thread while the server writes the other rows):
about ten statements per transaction and little Python per row. COPY goes straight into the
tables rather than through staging tables: every row is new (known sha256s take the per-document
path), so a staging copy would only write each row twice. A sha256 a concurrent load inserted first
makes the documents' `COPY` fail on the unique key, which is a retryable error (the retry finds the
document and takes the per-document path). On SQLite (one writer at a time) the same rows go
through `executemany`.

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
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, cast

from sqlalchemy import (
    Table,
    any_,
    bindparam,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from extractors.records import Box, Extraction, Severity, SubjectKind, SubjectRef
from loaders.db import drop_quoted_values, translate_db_errors
from loaders.derived import comparable_text, parse_date, refresh_derived
from loaders.errors import ConflictingUpdate, NotFound, WarehouseUnavailable
from loaders.identity import named_elsewhere
from loaders.journal import primary_of
from loaders.keys import enterprise_code
from loaders.load import LoadResult, canonical_json, check_extraction, digest_of, load_extraction
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
from loaders.rules import auto_verifies, document_province, person_keys

# The attributes `loaders.identity` keeps as a subject's latest name, in order of preference.
_NAME_ATTRIBUTES = ("full_name", "company_name", "name")

_DOCUMENTS = Document.__table__
_SUBJECTS = Subject.__table__
_BATCH_FILES = BatchFile.__table__

# The columns each table is written with, in the order of the row tuples built below.
_DOCUMENT_COLUMNS = tuple(c.name for c in _DOCUMENTS.columns)
_VERSION_COLUMNS = (
    "document_id",
    "version",
    "extractor_version",
    "options_fingerprint",
    "content_digest",
    "doc_type",
    "type_confidence",
    "findings",
    "extraction",
    "created_at",
)
FIELD_COLUMNS = (
    "document_id",
    "name",
    "value",
    "raw",
    "confidence",
    "page",
    "box",
    "findings",
    "status",
    "machine_value",
    "extraction_version",
    "verified_by",
    "verified_at",
    "updated_at",
)
_LINK_COLUMNS = ("document_id", "subject_id", "role", "created_at")
_EVENT_COLUMNS = ("at", "kind", "document_id", "subject_public_id", "payload")
_AUDIT_COLUMNS = (
    "at",
    "principal_id",
    "action",
    "subject_public_id",
    "document_id",
    "purpose",
    "detail",
)
_DOCUMENTS_SHA256_KEY = "documents_sha256_key"  # the unique constraint a concurrent load trips

# PostgreSQL statements that take a set of rows take it as one JSON parameter, read with
# `json_to_recordset`: json.dumps serializes a list in C, where the driver's array dumper quotes
# every element in Python (a fifth of the load's client time went there with arrays).

# The run's new subjects in one statement; a branch's parent is looked up by key, so it must be
# inserted by an earlier statement (parents and branches go in two passes).
_INSERT_SUBJECTS = """
INSERT INTO subjects (id, public_id, kind, key, parent_id, province_code, name, birth_date,
                      erased_at, created_at, updated_at)
SELECT s.id, s.public_id, s.kind, s.key, parent.id, s.province_code, s.name, s.birth_date,
       NULL, %(now)s, %(now)s
FROM json_to_recordset(%(rows)s::json)
     AS s(id integer, public_id varchar, kind varchar, key varchar, parent_key varchar,
          province_code varchar, name text, birth_date date)
LEFT JOIN subjects AS parent ON parent.kind = 'organization' AND parent.key = s.parent_key
ON CONFLICT (kind, key) DO NOTHING
RETURNING id
"""
# Subjects by (kind, key) pairs.
_SUBJECTS_BY_KEY = """
SELECT s.id, s.kind, s.key, s.name, s.birth_date, s.province_code, s.public_id
FROM subjects AS s
JOIN json_to_recordset(%(keys)s::json) AS k(kind varchar, key varchar)
  ON s.kind = k.kind AND s.key = k.key
"""
# The latest name and birth date hints of subjects that already exist, one statement.
_UPDATE_HINTS = """
UPDATE subjects SET name = coalesce(h.name, subjects.name),
                    birth_date = coalesce(h.birth_date, subjects.birth_date),
                    updated_at = %(now)s
FROM json_to_recordset(%(rows)s::json) AS h(id integer, name text, birth_date date)
WHERE subjects.id = h.id
"""
# PostgreSQL: ids for the run's new subjects and documents from their sequences, one round trip.
_RESERVE_IDS = """
SELECT 's' AS seq, nextval(pg_get_serial_sequence('subjects', 'id')) AS id
FROM generate_series(1, %(subjects)s)
UNION ALL
SELECT 'd', nextval(pg_get_serial_sequence('documents', 'id'))
FROM generate_series(1, %(documents)s)
"""


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
    document: _DerivedColumns
    auto: list[bool]  # per field: auto-verified
    links: list[tuple[_Subject, str]]
    duplicate_of_id: int | None  # an existing document
    duplicate_of_index: int | None  # or an earlier item of this load
    verified: bool
    document_id: int | None = None


@dataclass
class _Snapshot:
    """The part of the warehouse the remaining items can touch, kept current by the plan."""

    subjects: dict[tuple[str, str], _Subject] = field(default_factory=dict)
    # People by (birth date, comparable name): a subject the plan may change, or the id of a
    # person the items only share a birth date with (never changed by the plan).
    people: dict[tuple[date, str], list[_Subject | int]] = field(default_factory=dict)
    duplicates: dict[str, int] = field(default_factory=dict)  # dedup key → earliest document
    duplicate_items: dict[str, int] = field(default_factory=dict)  # dedup key → item index
    created: list[_Subject] = field(default_factory=list)

    def index_person(self, subject: _Subject) -> None:
        if subject.kind == SubjectKind.PERSON.value and subject.birth_date is not None:
            self.people.setdefault((subject.birth_date, subject.comparable), []).append(subject)

    def unindex_person(self, subject: _Subject) -> None:
        if subject.kind == SubjectKind.PERSON.value and subject.birth_date is not None:
            self.people[(subject.birth_date, subject.comparable)].remove(subject)

    def same_name_and_birth(self, attrs: Mapping[str, str]) -> bool:
        """Whether `loaders.identity._same_name_and_birth` finds anyone, on the planned state
        (a dict lookup: a birth date many people share must not make planning quadratic)."""
        name, born = comparable_text(attrs.get("full_name")), parse_date(attrs.get("date_of_birth"))
        if not name or born is None:
            return False
        return bool(self.people.get((born, name)))


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


def _needs_per_document_path(extraction: Extraction, values: Mapping[str, str]) -> bool:
    """Identity questions the plan does not answer: an old 9-digit CMND (alias lookups and
    alias conflicts are `loaders.identity`'s business)."""
    for ref in extraction.subjects:
        if ref.kind != SubjectKind.PERSON:
            continue
        if person_keys(_attrs(ref, values)).cmnd:
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
        # JSON values: COPY takes them as text (serialized once, here); SQLAlchemy serializes
        # them itself for SQLite's executemany.
        self.json = _json_text if self.postgresql else _as_is
        self.no_findings: Any = self.json([])
        # Each item's field values by name, the input of identity, derived columns and the plan.
        self.values = [{f.name: f.value for f in i.extraction.fields} for i in self.items]
        self.derived: dict[int, _DerivedColumns] = {}  # by item index

    def run(self) -> list[LoadResult]:
        for item in self.items:
            check_extraction(item.extraction)
        self.session.flush()
        batch_id, known = self._read_known()
        seen: set[str] = set()
        delegate = []
        for item, values in zip(self.items, self.values, strict=True):
            sha = item.extraction.sha256
            delegate.append(
                sha in known or sha in seen or _needs_per_document_path(item.extraction, values)
            )
            seen.add(sha)

        snapshot: _Snapshot | None = None
        run: list[_Planned] = []
        for index, item in enumerate(self.items):
            planned = None
            if not delegate[index]:
                if snapshot is None:
                    snapshot = self._snapshot(
                        [n for n in range(index, len(self.items)) if not delegate[n]]
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

    def _read_known(self) -> tuple[int | None, set[str]]:
        """The batch's id (None: no batch), after checking it lists every item (as
        `link_loaded_file` would), and the items' sha256s the warehouse already has: one query."""
        shas = sorted({item.extraction.sha256 for item in self.items})
        if self.batch is None:
            known = self.session.scalars(
                select(Document.sha256).where(self._in(Document.sha256, shas))
            )
            return None, set(known)
        rows = self.session.execute(
            select(Batch.id, BatchFile.sha256, Document.id)
            .join(BatchFile, BatchFile.batch_id == Batch.id)
            .outerjoin(Document, Document.sha256 == BatchFile.sha256)
            .where(Batch.name == self.batch, self._in(BatchFile.sha256, shas))
        ).all()
        missing = set(shas) - {sha for _, sha, _ in rows}
        if missing:
            first = sorted(missing)[0]
            raise NotFound(f"file {first[:12]} is not registered in batch {self.batch!r}")
        batch_id = int(rows[0][0]) if rows else 0
        return batch_id, {sha for _, sha, document_id in rows if document_id is not None}

    def _in(self, column: Any, values: Iterable[Any]) -> Any:
        """`column IN values`; on PostgreSQL `= ANY(array)`, one parameter however many values,
        so the statement is compiled once and its cached plan does not depend on the count."""
        ordered = sorted(values)
        if self.postgresql:
            return column == any_(bindparam(None, ordered, type_=ARRAY(column.type)))
        return column.in_(ordered)

    def _subjects_by_key(self, keys: set[tuple[str, str]]) -> list[Any]:
        """The subjects with these (kind, key) pairs: id, kind, key, name, birth date, province,
        public id. PostgreSQL joins the pairs as two array parameters, so the (kind, key) index
        serves any number of them and the plan does not hinge on how many binds a list has (a
        cached generic plan for `key IN ($1 … $200)` filtered every row against every key)."""
        if not keys:
            return []
        if self.postgresql:
            pairs = [{"kind": kind, "key": key} for kind, key in sorted(keys)]
            return self._pg_execute(_SUBJECTS_BY_KEY, {"keys": _json_text(pairs)})
        rows = self.session.execute(
            select(
                Subject.id,
                Subject.kind,
                Subject.key,
                Subject.name,
                Subject.birth_date,
                Subject.province_code,
                Subject.public_id,
            ).where(
                Subject.kind.in_(sorted({kind for kind, _ in keys})),
                Subject.key.in_(sorted({key for _, key in keys})),
            )
        )
        return [row for row in rows if (row.kind, row.key) in keys]

    def _snapshot(self, indexes: Sequence[int]) -> _Snapshot:
        """Three queries: the subjects the items name by key, the people who share a birth date
        with a person they name, the earliest document of each duplicate key they carry."""
        keys: set[tuple[str, str]] = set()
        births: set[date] = set()
        dedup_keys: set[str] = set()
        for index in indexes:
            extraction, values = self.items[index].extraction, self.values[index]
            for ref in extraction.subjects:
                attrs = _attrs(ref, values)
                if ref.kind == SubjectKind.PERSON:
                    key = person_keys(attrs).key
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
            dedup = self._derived(index).dedup_key
            if dedup:
                dedup_keys.add(dedup)

        snapshot = _Snapshot()
        for row in self._subjects_by_key(keys):
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
            people = snapshot.people
            for person_id, name, born in self.session.execute(
                select(Subject.id, Subject.name, Subject.birth_date).where(
                    Subject.kind == SubjectKind.PERSON.value,
                    self._in(Subject.birth_date, births),
                    Subject.erased_at.is_(None),
                    named_elsewhere(),  # the items are new documents: any link is elsewhere
                )
            ):
                if person_id not in loaded:
                    people.setdefault((born, comparable_text(name)), []).append(person_id)
        if dedup_keys:
            snapshot.duplicates = {
                key: first
                for key, first in self.session.execute(
                    select(Document.dedup_key, func.min(Document.id))
                    .where(self._in(Document.dedup_key, dedup_keys))
                    .group_by(Document.dedup_key)
                )
            }
        return snapshot

    def _derived(self, index: int) -> _DerivedColumns:
        """The item's derived columns, by `loaders.derived.refresh_derived` itself, once."""
        derived = self.derived.get(index)
        if derived is None:
            extraction = self.items[index].extraction
            derived = _DerivedColumns(extraction.doc_type, dict(extraction.attributes))
            # A plain holder, not a `Document`: building ORM instances costs far more than the
            # rule, and `refresh_derived` only reads and sets these attributes.
            refresh_derived(cast(Document, derived), self.values[index])
            self.derived[index] = derived
        return derived

    # -- planning one item ----------------------------------------------------------------------

    def _plan(self, index: int, item: BulkItem, snapshot: _Snapshot) -> _Planned | None:
        """The item's rows if it is the simple case, else None (and the snapshot unchanged)."""
        extraction = item.extraction
        values = self.values[index]
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

        document = self._derived(index)
        duplicate_of_id = duplicate_of_index = None
        if document.dedup_key is not None:
            duplicate_of_id = snapshot.duplicates.get(document.dedup_key)
            if duplicate_of_id is None:
                duplicate_of_index = snapshot.duplicate_items.get(document.dedup_key)
                if duplicate_of_index is None:
                    snapshot.duplicate_items[document.dedup_key] = index
        auto = self._auto_verified(extraction)
        return _Planned(
            index=index,
            item=item,
            document=document,
            auto=auto,
            links=list(wanted.values()),
            duplicate_of_id=duplicate_of_id,
            duplicate_of_index=duplicate_of_index,
            verified=bool(auto) and all(auto),
        )

    def _plan_person(
        self, attrs: Mapping[str, str], snapshot: _Snapshot, undo: _Undo
    ) -> _Subject | bool | None:
        """The subject `loaders.identity._resolve_person` would link; False when it would open a
        candidate (the item then takes the per-document path)."""
        key = person_keys(attrs).key
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

    def _auto_verified(self, extraction: Extraction) -> list[bool]:
        """`loaders.rules.auto_verifies`, per field."""
        errors = {f.field for f in extraction.findings if f.field and f.severity == Severity.ERROR}
        return [
            auto_verifies(f.confidence, f.name in errors, self.threshold) for f in extraction.fields
        ]

    # -- writing a run --------------------------------------------------------------------------

    def _write(self, run: list[_Planned], snapshot: _Snapshot, batch_id: int | None) -> None:
        """Write a run of planned items: subjects, documents, then the rows that hang off them."""
        now = datetime.now(UTC)
        # COPY rows carry the timestamp as ISO text (the server parses it once per row): the
        # driver's datetime dumper was the dearest value of a field row. SQLite binds datetimes.
        stamp: datetime | str = now.isoformat() if self.postgresql else now
        self.session.flush()
        # The versions' JSON text and digests (a third of this load's Python time) are made by a
        # helper thread while this one waits on the server for subjects, documents and field
        # values (the driver lets go of the GIL while it waits): two cores, not one after the
        # other. Pure computation on frozen records; the pool is joined before `_write` returns.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sohoa-bulk-load") as pool:
            prepared = pool.submit(_prepare_versions, [p.item.extraction for p in run])
            if self.postgresql:
                self._reserve_ids(snapshot.created, run)
            self._write_subjects(snapshot, now)
            self._write_documents(run, now)
            # Field rows are built while they are copied: the server works through one chunk
            # of rows (indexes, foreign key) while the next is serialized.
            self._append(FieldValue.__table__, FIELD_COLUMNS, self._field_rows(run, stamp))
            self._append(
                ExtractionVersion.__table__,
                _VERSION_COLUMNS,
                self._version_rows(run, prepared.result(), stamp),
            )

        to_json = self.json
        links: list[tuple[Any, ...]] = []
        events: list[tuple[Any, ...]] = []
        audits: list[tuple[Any, ...]] = []
        for planned in run:
            extraction, document_id = planned.item.extraction, planned.document_id
            ordered = _ordered_links(planned)
            links += [(document_id, s.id, role, stamp) for s, role in ordered]
            primary = _primary_public_id(ordered, extraction.doc_type)
            status = DocumentStatus.VERIFIED if planned.verified else DocumentStatus.NEEDS_REVIEW
            event = EventKind.VERIFIED if planned.verified else None
            if event is not None:
                valid_to = planned.document.valid_to
                payload = {
                    "doc_type": extraction.doc_type,
                    "valid_to": valid_to.isoformat() if valid_to else None,
                }
                events.append((stamp, event, document_id, primary, to_json(payload)))
            detail = {
                "version": 1,
                "created": True,
                "batch": self.batch,
                "status": status,
                "conflicts_opened": 0,
                "event": event,
            }
            audits.append(
                (stamp, None, "load.document", primary, document_id, None, to_json(detail))
            )
            self.results[planned.index] = LoadResult(
                int(document_id or 0), True, 1, 0, len(ordered), 0
            )

        self._append(DocumentSubject.__table__, _LINK_COLUMNS, links)
        self._append(ChangeEvent.__table__, _EVENT_COLUMNS, events)
        self._append(AuditEntry.__table__, _AUDIT_COLUMNS, audits)
        if batch_id is not None:
            self.session.execute(
                update(_BATCH_FILES)
                .where(
                    _BATCH_FILES.c.batch_id == batch_id,
                    self._in(_BATCH_FILES.c.sha256, {p.item.extraction.sha256 for p in run}),
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

    def _version_rows(
        self, run: list[_Planned], prepared: list[_VersionText], now: datetime | str
    ) -> Iterator[tuple[Any, ...]]:
        """Each document's first extraction version, with the digest `load_extraction` takes."""
        to_json, no_findings, postgresql = self.json, self.no_findings, self.postgresql
        for planned, (data, canonical, digest) in zip(run, prepared, strict=True):
            extraction = planned.item.extraction
            findings = data["findings"]
            yield (
                planned.document_id,
                1,
                extraction.extractor_version,
                planned.item.options_fingerprint,
                digest,
                extraction.doc_type,
                extraction.type_confidence,
                to_json(findings) if findings else no_findings,
                # COPY takes the JSON text as it is; SQLAlchemy serializes the dict for SQLite
                canonical if postgresql else data,
                now,
            )

    def _field_rows(self, run: list[_Planned], now: datetime | str) -> Iterator[tuple[Any, ...]]:
        """`loaders.load._take_machine_value` for every field of each new document."""
        to_json, no_findings = self.json, self.no_findings
        box_json = _box_json if self.postgresql else _box_list
        auto_verified, pending = FieldStatus.AUTO_VERIFIED, FieldStatus.PENDING
        for planned in run:
            extraction, document_id = planned.item.extraction, planned.document_id
            findings: dict[str, list[dict[str, Any]]] = defaultdict(list)
            for finding in extraction.findings:
                if finding.field:
                    findings[finding.field].append(finding.to_dict())
            for f, auto in zip(extraction.fields, planned.auto, strict=True):
                field_findings = findings.get(f.name)
                yield (
                    document_id,
                    f.name,
                    f.value,
                    f.raw,
                    f.confidence,
                    f.page,
                    box_json(f.box),
                    to_json(field_findings) if field_findings else no_findings,
                    auto_verified if auto else pending,
                    f.value,  # machine_value
                    1,  # extraction_version
                    None,  # verified_by
                    now if auto else None,  # verified_at
                    now,
                )

    def _write_subjects(self, snapshot: _Snapshot, now: datetime) -> None:
        """Create the run's new subjects (parents first), learn every id, write the hints."""
        created = list(snapshot.created)
        for subject in created:
            subject.public_id = new_public_id()
        if created:
            if self.postgresql:
                self._insert_subjects_postgresql(created, now)
            else:
                self._insert_subjects_sqlite(snapshot, created, now)
        hinted = [
            s
            for s in snapshot.subjects.values()
            if not s.created and (s.hint_name is not None or s.hint_birth is not None)
        ]
        if not hinted:
            return
        if self.postgresql:
            rows = [
                {"id": s.id, "name": s.hint_name, "birth_date": _iso(s.hint_birth)} for s in hinted
            ]
            self._pg_execute(_UPDATE_HINTS, {"now": now, "rows": _json_text(rows)})
            return
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
            [
                {"b_id": s.id, "b_name": s.hint_name, "b_birth": s.hint_birth, "b_now": now}
                for s in hinted
            ],
        )

    def _insert_subjects_postgresql(self, created: list[_Subject], now: datetime) -> None:
        """INSERT … ON CONFLICT DO NOTHING RETURNING id, with the ids `_reserve_ids` gave: a
        subject a concurrent writer created first is simply used (its id read back). Branches
        after parents, so a branch finds its parent's real id."""
        inserted: set[int] = set()
        for branches in (False, True):
            part = [s for s in created if (s.parent_key is not None) == branches]
            if not part:
                continue
            payload = [
                {
                    "id": s.id,
                    "public_id": s.public_id,
                    "kind": s.kind,
                    "key": s.key,
                    "parent_key": s.parent_key,
                    "province_code": s.province_code,
                    "name": s.name,
                    "birth_date": _iso(s.birth_date),
                }
                for s in part
            ]
            rows = self._pg_execute(_INSERT_SUBJECTS, {"now": now, "rows": _json_text(payload)})
            inserted.update(row[0] for row in rows)
        lost = {(s.kind, s.key): s for s in created if s.id not in inserted}
        if lost:
            self._read_back(lost)

    def _insert_subjects_sqlite(
        self, snapshot: _Snapshot, created: list[_Subject], now: datetime
    ) -> None:
        """In creation order (ids ascend as the per-document path gives them); a branch whose
        parent is new in this run gets its parent's id right after."""
        rows = [_subject_row(s, self._subject_id(snapshot, s.parent_key), now) for s in created]
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
        self._read_back({(s.kind, s.key): s for s in created})

    def _read_back(self, subjects: dict[tuple[str, str], _Subject]) -> None:
        """The ids and public ids the warehouse holds for `subjects` (by kind and key)."""
        for row in self._subjects_by_key(set(subjects)):
            subject = subjects[(row.kind, row.key)]
            if subject.public_id != row.public_id:  # a concurrent writer created it first
                subject.created = False  # so its hints are written as an update
            subject.id, subject.public_id = row.id, row.public_id

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

    def _write_documents(self, run: list[_Planned], now: datetime) -> None:
        """Insert the run's documents in item order and learn their ids.

        PostgreSQL: COPY with the ids `_reserve_ids` gave; a sha256 a concurrent load inserted
        meanwhile breaks the unique key, a retryable error (the retry finds the document and
        takes the per-document path). SQLite: executemany (writers are serialized).
        """
        by_index = {p.index: p for p in run}
        if self.postgresql:
            stamp, rows = now.isoformat(), []
            for planned in run:
                row = _document_row(planned, stamp, self.json)
                row["id"] = planned.document_id
                if planned.duplicate_of_index is not None:
                    row["duplicate_of_id"] = by_index[planned.duplicate_of_index].document_id
                rows.append(tuple(row[c] for c in _DOCUMENT_COLUMNS))
            try:
                self._copy("documents", _DOCUMENT_COLUMNS, rows)
            except IntegrityError as exc:
                if _constraint(exc) == _DOCUMENTS_SHA256_KEY:
                    raise WarehouseUnavailable(
                        "another load wrote the same documents; retry"
                    ) from exc
                raise
            return
        self.session.execute(insert(_DOCUMENTS), [_document_row(p, now, self.json) for p in run])
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
            {"b_id": p.document_id, "b_dup": by_index[p.duplicate_of_index].document_id}
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

    def _append(
        self, table: Table, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]
    ) -> None:
        """Append rows no other writer can clash with: COPY on PostgreSQL, else executemany.
        `rows` may be a generator: COPY sends them as they come."""
        if isinstance(rows, list) and not rows:
            return
        if self.postgresql:
            self._copy(table.name, columns, rows)
            return
        params = [dict(zip(columns, row, strict=True)) for row in rows]
        if params:  # an empty executemany would insert one row of defaults
            self.session.execute(insert(table), params)

    # -- PostgreSQL, on the session's own connection (so inside its transaction) ----------------

    def _reserve_ids(self, subjects: list[_Subject], run: list[_Planned]) -> None:
        """Ids for the new subjects and documents, ascending in creation and item order (as
        the per-document path numbers them, so links sort alike)."""
        reserved: dict[str, list[int]] = {"s": [], "d": []}
        for row in self._pg_execute(
            _RESERVE_IDS, {"subjects": len(subjects), "documents": len(run)}
        ):
            reserved[row.seq].append(row.id)
        for subject, new_id in zip(subjects, sorted(reserved["s"]), strict=True):
            subject.id = new_id
        for planned, new_id in zip(run, sorted(reserved["d"]), strict=True):
            planned.document_id = new_id

    def _pg_execute(self, statement: str, params: Mapping[str, Any]) -> list[Any]:
        """Run `statement` through the driver (its list parameters are bound as arrays); rows
        as named tuples."""
        import psycopg
        from psycopg.rows import namedtuple_row

        connection = self.session.connection().connection.driver_connection
        try:
            with connection.cursor(row_factory=namedtuple_row) as cursor:  # type: ignore[union-attr]
                cursor.execute(statement, params)
                return cursor.fetchall() if cursor.description else []
        except psycopg.Error as exc:
            raise _wrapped(statement, exc) from exc

    def _copy(self, table: str, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> None:
        """COPY `rows` (tuples in `columns` order, JSON columns as text) into `table`."""
        import psycopg
        from psycopg import sql

        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
        )
        connection = self.session.connection().connection.driver_connection
        try:
            with connection.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[union-attr]
                write_row = copy.write_row
                for row in rows:
                    write_row(row)
        except psycopg.Error as exc:
            raise _wrapped(f"COPY {table}", exc) from exc


# An extraction's `to_dict()`, its canonical JSON text and the digest of that text.
_VersionText = tuple[dict[str, Any], str, str]


def _prepare_versions(extractions: list[Extraction]) -> list[_VersionText]:
    """What each version row needs that costs: run in the helper thread of `_BulkLoad._write`."""
    out = []
    for extraction in extractions:
        data = extraction.to_dict()
        canonical = canonical_json(data)
        out.append((data, canonical, digest_of(canonical)))
    return out


def _wrapped(statement: str, exc: Exception) -> BaseException:
    """A driver error as SQLAlchemy's (`IntegrityError`, `OperationalError` …), so that
    `translate_db_errors` sees what it sees from statements SQLAlchemy runs. No parameters: they
    may hold personal data."""
    import psycopg

    drop_quoted_values(exc)  # a COPY's CONTEXT line quotes the row it failed on
    return cast(
        BaseException,
        DBAPIError.instance(statement, None, exc, psycopg.Error, hide_parameters=True),
    )


def _constraint(exc: DBAPIError) -> str | None:
    diag = getattr(exc.orig, "diag", None)
    return getattr(diag, "constraint_name", None)


def _json_text(value: Any) -> str:
    """JSON text for COPY. SQLAlchemy's JSON type stores Python None as JSON null (not SQL NULL),
    so None is sent as the text "null" too."""
    return json.dumps(value, ensure_ascii=False)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _box_json(box: Box | None) -> str:
    """`_json_text(box.to_list())` for the four integers of a box, without the encoder (one call
    per field row adds up)."""
    if box is None:
        return "null"
    try:
        return f"[{box.left:d}, {box.top:d}, {box.width:d}, {box.height:d}]"
    except (TypeError, ValueError):  # not plain integers: the encoder decides
        return _json_text(box.to_list())


def _box_list(box: Box | None) -> list[int] | None:
    return box.to_list() if box else None


def _as_is(value: Any) -> Any:
    return value


def _ordered_links(planned: _Planned) -> list[tuple[_Subject, str]]:
    """In the order `loaders.identity.link_subjects` inserts them: by (subject id, role)."""
    return sorted(planned.links, key=lambda link: (link[0].id or 0, link[1]))


def _primary_public_id(links: Iterable[tuple[_Subject, str]], doc_type: str) -> str | None:
    """`loaders.journal.primary_of` over links in insertion order."""
    return primary_of([(role, s.public_id) for s, role in links], doc_type)


def _province(doc_type: str, links: Sequence[tuple[_Subject, str]]) -> str | None:
    """`loaders.rules.document_province` over links in insertion order."""
    return document_province(doc_type, [(role, s.province_code) for s, role in links])


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


def _document_row(planned: _Planned, now: datetime | str, to_json: Any) -> dict[str, Any]:
    extraction, document = planned.item.extraction, planned.document
    links = _ordered_links(planned)
    province = _province(extraction.doc_type, links)
    return {
        "sha256": extraction.sha256,
        "doc_type": extraction.doc_type,
        "attributes": to_json(dict(extraction.attributes)),
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
        "lock_version": 1,  # an opaque token: a new document's first; every write changes it
        "created_at": now,
        "updated_at": now,
    }
