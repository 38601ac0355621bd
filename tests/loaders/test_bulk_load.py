"""The bulk load path leaves exactly what loading the same extractions one by one leaves.

THE test: two warehouses get the same prior state; one then loads a varied list of extractions
with `load_extraction`, one after the other, the other with one `load_extractions` call; every
table is compared row by row, in id order, with surrogate ids replaced by what they stand for
(a document's sha256, a subject's key, a principal's name) and timestamps left out. Both dialects.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from extractors.records import Extraction, Field, Role, SubjectKind, SubjectRef
from loaders import bulk_load
from loaders.batches import register_file, start_run
from loaders.bulk_load import BulkItem, load_extractions
from loaders.db import make_engine, make_session_factory
from loaders.errors import InvalidRecord, NotFound, WarehouseUnavailable
from loaders.load import load_extraction
from loaders.models import AuditEntry, Base, Document, DocumentSubject, Principal, Subject
from loaders.review import accept_document, correct_field
from tests.loaders import factories
from tests.loaders.helpers import count

BATCH = "lo-bulk"
_TIMESTAMPS = {
    "created_at",
    "updated_at",
    "verified_at",
    "at",
    "resolved_at",
    "started_at",
    "finished_at",
}
# Foreign keys to documents and subjects, replaced by the document's sha256 / subject's key.
_DOCUMENT_REFS = {"document_id", "duplicate_of_id"}
_SUBJECT_REFS = {"subject_id", "parent_id"}
_TABLES = (
    "subjects",
    "subject_aliases",
    "documents",
    "document_subjects",
    "extraction_versions",
    "field_values",
    "field_conflicts",
    "identity_candidates",
    "batches",
    "batch_runs",
    "batch_files",
    "review_actions",
    "audit_log",
    "change_events",
)


@pytest.fixture
def two_warehouses(
    dialect: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[tuple[Engine, Engine]]:
    """Two migrated warehouses of the same dialect: one per load path."""
    engines: list[Engine] = []
    dropped: list[Callable[[], None]] = []
    for n in range(2):
        if dialect == "sqlite":
            path = tmp_path / f"warehouse-{n}.db"
            shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
            engines.append(make_engine(f"sqlite:///{path}"))
        else:
            server = request.getfixturevalue("pg_server")
            name = server.migrated_clone()
            engines.append(make_engine(server.url(name)))
            dropped.append(lambda server=server, name=name: server.drop(name))
    yield engines[0], engines[1]
    for engine in engines:
        engine.dispose()
    for drop in dropped:
        drop()


def _organization_with_representative(code: str, person_id: str, name: str) -> Extraction:
    """An enterprise registration naming its legal representative (two subjects, two kinds)."""
    return Extraction(
        sha256=factories.new_sha256(),
        doc_type="enterprise_registration",
        fields=(
            factories.field("enterprise_code", code),
            factories.field("company_name", "Công ty Cổ phần Bình Minh"),
            factories.field("representative_id_number", person_id),
            factories.field("representative_name", name),
            factories.field("issue_date", "2020-02-02"),
        ),
        subjects=(
            SubjectRef(
                Role.OWNER,
                SubjectKind.ORGANIZATION,
                {"enterprise_code": "enterprise_code", "company_name": "company_name"},
            ),
            SubjectRef(
                Role.LEGAL_REPRESENTATIVE,
                SubjectKind.PERSON,
                {"id_number": "representative_id_number", "full_name": "representative_name"},
            ),
        ),
        page_count=2,
    )


class Scenario:
    """A prior state and a list of items covering every case the bulk path must get right."""

    def __init__(self) -> None:
        self.verified_card = factories.id_card(id_number="001099000001", full_name="Nguyen Van An")
        self.known_person = factories.id_card(
            id_number="079185000002", full_name="Trần Thị Bình", date_of_birth="1985-01-01"
        )
        self.decision = factories.admin_document(number_symbol="45/QĐ-UBND")
        self.unchanged = factories.id_card(id_number="001099000003", full_name="Phạm Văn Dũng")
        new_card = factories.id_card(id_number="001201000010", full_name="Lê Văn Cường")
        duplicate_pair = factories.admin_document(number_symbol="77/TB-UBND")
        self.items = [
            BulkItem(new_card, "fp-1", "image/png", 1000),
            # the same holder again, other side: a shared subject inside the load
            BulkItem(
                factories.id_card(id_number="001201000010", full_name="Lê Văn Cường", side="back"),
                "fp-1",
                "image/png",
                900,
            ),
            BulkItem(factories.enterprise_registration("0314409058")),
            BulkItem(factories.enterprise_registration("0314409058-002", "Chi nhánh Sao Mai")),
            BulkItem(factories.enterprise_registration("0109999999-001", "Chi nhánh Hải Âu")),
            BulkItem(_organization_with_representative("0107777777", "036090000020", "Đỗ Thị Hoa")),
            # re-extraction of a steward-verified document with another machine value: conflict
            BulkItem(
                factories.id_card(
                    sha256=self.verified_card.sha256,
                    id_number="001099000001",
                    full_name="Nguyễn Văn Ân",
                    extractor_version="t-2",
                )
            ),
            # the same extraction again: nothing new (only the batch link)
            BulkItem(self.unchanged),
            # an unkeyed child whose name and birth date match a known person: candidate
            BulkItem(
                factories.birth_certificate(full_name="Trần Thị Bình", date_of_birth="1985-01-01")
            ),
            # a new keyed person with the same name and birth date as a known one: candidate
            BulkItem(
                factories.id_card(
                    id_number="079185000099", full_name="TRẦN THỊ BÌNH", date_of_birth="1985-01-01"
                )
            ),
            # an unkeyed child matching nobody: no subject, no candidate
            BulkItem(
                factories.birth_certificate(full_name="Vũ Minh Khôi", date_of_birth="2019-09-09")
            ),
            # a candidate against a person this very load created a few items earlier
            BulkItem(
                factories.birth_certificate(full_name="Lê Văn Cường", date_of_birth="1999-03-15")
            ),
            # admin documents keyed by issuer / number / date: a new one, a rescan of a known one,
            # and a pair inside the load (the second points at the first)
            BulkItem(factories.admin_document(number_symbol="12/CT-UBND", issued_on="2025-01-02")),
            BulkItem(factories.admin_document(number_symbol="45/QĐ-UBND")),
            BulkItem(duplicate_pair),
            BulkItem(factories.admin_document(number_symbol="77/TB-UBND")),
            # a rescan of an ID card loaded earlier in this load: duplicate candidate
            BulkItem(replace(new_card, sha256=factories.new_sha256())),
            # the known person's new card under another name spelling: hints move
            BulkItem(
                factories.id_card(
                    id_number="079185000002", full_name="Trần Thị Bính", date_of_birth="1985-01-01"
                )
            ),
            # ... so this new person matches the moved hints: candidate
            BulkItem(
                factories.id_card(
                    id_number="079185000077", full_name="Trần Thị Bính", date_of_birth="1985-01-01"
                )
            ),
            # an old 9-digit CMND: alias resolution stays in the per-document path
            BulkItem(factories.id_card(id_number="123456789", full_name="Hoàng Văn Em")),
            # an error finding holds one field back from auto-verify; low confidence holds all
            BulkItem(
                factories.id_card(
                    id_number="001099000050",
                    full_name="Ngô Thị Lan",
                    findings=(factories.error_on("expiry_date"),),
                    confidence=0.97,
                )
            ),
            BulkItem(
                factories.id_card(id_number="001099000051", full_name="Mai Văn Tú", confidence=0.6)
            ),
            # a new document whose sha256 an earlier item of the same load already used
            BulkItem(replace(new_card, extractor_version="t-9")),
            # no expiry printed; a field with no page and no box
            BulkItem(
                factories.id_card(
                    id_number="001099000052",
                    full_name="Đinh Công Sơn",
                    expiry_date="Không thời hạn",
                    extra=(Field("nationality", "Việt Nam", "Viet Nam", 0.93),),
                )
            ),
        ]

    def prepare(self, session: Session) -> None:
        """The prior state: a steward-verified card, a known person, a decision, a loaded card,
        and the batch listing every file of the load."""
        steward = Principal(kind="person", name="steward-an", role="steward")
        session.add(steward)
        session.flush()
        doc_id = load_extraction(session, self.verified_card).document_id
        document = session.get_one(Document, doc_id)
        correct_field(
            session,
            doc_id,
            "full_name",
            "Nguyễn Văn An",
            principal_id=steward.id,
            expected_lock_version=document.lock_version,
        )
        accept_document(
            session, doc_id, principal_id=steward.id, expected_lock_version=document.lock_version
        )
        load_extraction(session, self.known_person)
        load_extraction(session, self.decision)
        load_extraction(session, self.unchanged)
        run = start_run(session, BATCH, "inbox/lo-bulk")
        for item in self.items:
            register_file(
                session,
                run,
                sha256=item.extraction.sha256,
                original_name=f"{item.extraction.sha256[:8]}.pdf",
                size=item.size,
                media_type=item.media_type,
            )
        session.commit()


def _state(session: Session) -> dict[str, list[dict[str, Any]]]:
    """Every table, rows in id order, ids replaced by what they stand for, timestamps dropped."""
    documents = {i: sha for i, sha in session.execute(sa.text("SELECT id, sha256 FROM documents"))}
    subjects = {
        row.id: (row.kind, row.key)
        for row in session.execute(sa.text("SELECT id, kind, key FROM subjects"))
    }
    public = {
        row.public_id: (row.kind, row.key)
        for row in session.execute(sa.text("SELECT public_id, kind, key FROM subjects"))
    }
    principals = {i: n for i, n in session.execute(sa.text("SELECT id, name FROM principals"))}
    state: dict[str, list[dict[str, Any]]] = {}
    for name in _TABLES:
        table = Base.metadata.tables[name]
        # SQLAlchemy's JSON stores Python None as JSON null, not SQL NULL: tell them apart.
        nulls = [
            table.c[c.name].is_(None).label(f"{c.name}__sql_null")
            for c in table.columns
            if isinstance(c.type, sa.JSON) and c.nullable
        ]
        rows = session.execute(sa.select(table, *nulls).order_by(table.c.id)).mappings()
        out = []
        for row in rows:
            clean: dict[str, Any] = {}
            for key, value in row.items():
                if key in _TIMESTAMPS or key in ("id", "txid"):
                    continue
                if key in _DOCUMENT_REFS and value is not None:
                    value = documents[value]
                elif key in _SUBJECT_REFS and value is not None:
                    value = subjects[value]
                elif key == "public_id" or key == "subject_public_id":
                    value = public.get(value, value)
                elif key in ("principal_id", "verified_by") and value is not None:
                    value = principals[value]
                elif key == "batch_id" or key == "run_id":
                    continue  # one batch, one run: same on both sides
                elif key == "lock_version":
                    # An opaque token for optimistic locking: what counts is that it exists and
                    # changes at every write (the ORM bumps it per flush, COPY writes it once).
                    value = value >= 1
                clean[key] = value
            out.append(clean)
        state[name] = out
    return state


def _assert_same_state(one: Session, bulk: Session) -> None:
    expected, actual = _state(one), _state(bulk)
    for name in _TABLES:
        assert len(actual[name]) == len(expected[name]), f"{name}: row count differs"
        for n, (got, want) in enumerate(zip(actual[name], expected[name], strict=True)):
            diff = {k: (got.get(k), want.get(k)) for k in want if got.get(k) != want.get(k)}
            assert not diff, f"{name} row {n}: (bulk, one by one) {diff}"


@pytest.mark.parametrize("threshold", [None, 0.9])
def test_bulk_load_ends_where_loading_one_by_one_ends(
    two_warehouses: tuple[Engine, Engine],
    threshold: float | None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scenario = Scenario()
    one_engine, bulk_engine = two_warehouses
    with make_session_factory(one_engine)() as one, make_session_factory(bulk_engine)() as bulk:
        scenario.prepare(one)
        scenario.prepare(bulk)
        expected = [
            load_extraction(
                one,
                item.extraction,
                batch=BATCH,
                options_fingerprint=item.options_fingerprint,
                auto_verify_confidence=threshold,
                media_type=item.media_type,
                size=item.size,
            )
            for item in scenario.items
        ]
        one.commit()
        delegated: list[int] = []

        def per_document(session: Session, extraction: Extraction, **kwargs: Any) -> Any:
            delegated.append(
                next(n for n, i in enumerate(scenario.items) if i.extraction is extraction)
            )
            return load_extraction(session, extraction, **kwargs)

        monkeypatch.setattr(bulk_load, "load_extraction", per_document)
        results = load_extractions(
            bulk, scenario.items, batch=BATCH, auto_verify_confidence=threshold
        )
        bulk.commit()
        # re-extraction, unchanged, three candidates, the CMND, the repeated sha256
        assert delegated == [6, 7, 8, 9, 11, 18, 19, 22]

        _assert_same_state(one, bulk)
        ids = {d: s for d, s in one.execute(sa.select(Document.id, Document.sha256))}
        bulk_ids = {d: s for d, s in bulk.execute(sa.select(Document.id, Document.sha256))}
        assert [
            replace(r, document_id=0)
            for r in results  # type: ignore[arg-type]
        ] == [replace(r, document_id=0) for r in expected]  # type: ignore[arg-type]
        assert [bulk_ids[r.document_id] for r in results] == [ids[r.document_id] for r in expected]
        # the varied list did exercise both paths and every rule
        state = _state(bulk)
        assert any(r["status"] == "open" for r in state["field_conflicts"])
        assert len(state["identity_candidates"]) >= 3
        assert sum(r["duplicate_of_id"] is not None for r in state["documents"]) >= 3
        assert all(r["status"] == "loaded" for r in state["batch_files"])


def test_bulk_loading_the_same_items_twice_changes_nothing(session: Session) -> None:
    scenario = Scenario()
    scenario.prepare(session)
    # one extraction per file (two different ones for a file are two versions, whatever the path)
    items = list({item.extraction.sha256: item for item in scenario.items}.values())
    load_extractions(session, items, batch=BATCH, auto_verify_confidence=0.9)
    session.commit()
    before = _state(session)
    again = load_extractions(session, items, batch=BATCH, auto_verify_confidence=0.9)
    session.commit()
    assert _state(session) == before
    assert all(r.new_version is None and not r.created for r in again)


def test_a_whole_fresh_batch_takes_the_set_based_path(session: Session) -> None:
    """Nothing delegated: no per-document savepoints, the same rows."""
    items = [
        BulkItem(factories.id_card(id_number=f"0010990{i:05d}", full_name=f"Nguyễn Văn {i}"))
        for i in range(50)
    ]
    results = load_extractions(session, items, auto_verify_confidence=0.9)
    assert all(r.created and r.new_version == 1 and r.subjects_linked == 1 for r in results)
    assert count(session, Document) == 50
    assert len({r.document_id for r in results}) == 50


def test_an_unregistered_file_or_an_invalid_record_writes_nothing(session: Session) -> None:
    good = factories.id_card()
    run = start_run(session, BATCH, "inbox")
    register_file(session, run, sha256=good.sha256, original_name="a.pdf", size=1, media_type="")
    stray = factories.id_card(id_number="001099000099")
    with pytest.raises(NotFound):
        load_extractions(session, [BulkItem(good), BulkItem(stray)], batch=BATCH)
    assert count(session, Document) == 0
    with pytest.raises(InvalidRecord):
        load_extractions(session, [BulkItem(replace(good, fields=good.fields * 2))])
    assert count(session, Document) == 0


def test_a_document_a_concurrent_load_wrote_first_is_a_retryable_error(
    dialect: str, session_factory: Callable[[], Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another load commits the same file between the bulk load's reads and its writes: the
    bulk load fails retryably, and the retry takes that file down the per-document path."""
    if dialect == "sqlite":
        pytest.skip(reason="SQLite serializes writers")
    card = factories.id_card(id_number="001099000123", full_name="Lê Thị Mai")
    other = factories.id_card(id_number="001099000124", full_name="Phan Văn Tâm")
    write_documents = bulk_load._BulkLoad._write_documents

    def rival_first(self: Any, run: Any, now: Any) -> None:
        with session_factory() as rival:  # same file, a holder this load does not write
            load_extraction(
                rival, replace(card, fields=(factories.field("id_number", "001099000999"),))
            )
            rival.commit()
        write_documents(self, run, now)

    monkeypatch.setattr(bulk_load._BulkLoad, "_write_documents", rival_first)
    with session_factory() as session:
        with pytest.raises(WarehouseUnavailable):
            load_extractions(session, [BulkItem(other), BulkItem(card)])
        session.rollback()
    monkeypatch.setattr(bulk_load._BulkLoad, "_write_documents", write_documents)
    with session_factory() as session:
        results = load_extractions(session, [BulkItem(other), BulkItem(card)])
        session.commit()
        assert [r.created for r in results] == [True, False]
        assert [r.new_version for r in results] == [1, 2]
        assert count(session, Document) == 2


def test_a_subject_a_concurrent_load_created_first_is_used(
    dialect: str, session_factory: Callable[[], Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another load creates the same person between the bulk load's reads and its writes: the
    bulk load links to that subject and writes its hints over it, as the per-document path."""
    if dialect == "sqlite":
        pytest.skip(reason="SQLite serializes writers")
    ours = factories.id_card(id_number="001099000123", full_name="Lê Thị Mai")
    theirs = factories.id_card(id_number="001099000123", full_name="Le Thi Mai")
    write_subjects = bulk_load._BulkLoad._write_subjects

    def rival_first(self: Any, snapshot: Any, now: Any) -> None:
        with session_factory() as rival:
            load_extraction(rival, theirs)
            rival.commit()
        write_subjects(self, snapshot, now)

    monkeypatch.setattr(bulk_load._BulkLoad, "_write_subjects", rival_first)
    with session_factory() as session:
        (result,) = load_extractions(session, [BulkItem(ours)])
        session.commit()
        assert result.created and result.subjects_linked == 1
        subject = session.scalars(sa.select(Subject)).one()  # one person, theirs
        assert (subject.key, subject.name) == ("001099000123", "Lê Thị Mai")
        links = session.scalars(sa.select(DocumentSubject.subject_id)).all()
        assert links == [subject.id, subject.id]
        entry = session.scalars(
            sa.select(AuditEntry).where(AuditEntry.document_id == result.document_id)
        ).one()
        assert entry.subject_public_id == subject.public_id


def test_a_copy_error_carries_no_row_values() -> None:
    """A COPY failure's message keeps what failed, never the row (PostgreSQL quotes it under
    DETAIL and CONTEXT): the same cleaning as every statement SQLAlchemy runs (loaders.db)."""
    import psycopg

    failed = psycopg.errors.UniqueViolation(
        'duplicate key value violates unique constraint "uq_subjects_kind_key"\n'
        "DETAIL:  Key (kind, key)=(person, 001099012345) already exists.\n"
        'CONTEXT:  COPY subjects, line 3: "person 001099012345 Nguyễn Văn An"'
    )
    wrapped = bulk_load._wrapped("COPY subjects FROM STDIN", failed)
    assert "uq_subjects_kind_key" in str(wrapped)
    assert "001099012345" not in str(wrapped) and "Nguyễn" not in str(wrapped)
