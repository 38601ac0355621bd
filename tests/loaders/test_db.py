"""Connecting, migrating, and how database failures reach callers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine

from loaders.db import (
    VERSION_TABLE,
    check_schema,
    current_revision,
    head_revision,
    make_engine,
    make_session_factory,
    normalize_url,
    session_scope,
    upgrade,
)
from loaders.errors import SchemaOutOfDate, WarehouseUnavailable
from loaders.models import Base, Batch, ChangeEvent, Document, ExtractionVersion


def test_migrations_run_on_an_empty_database_and_again_as_a_no_op(empty_url: str) -> None:
    engine = make_engine(empty_url)
    try:
        with pytest.raises(SchemaOutOfDate, match="sohoa db upgrade"):
            check_schema(engine)
        upgrade(engine)
        upgrade(empty_url)
        assert current_revision(engine) == head_revision()
        check_schema(engine)
        tables = set(sa.inspect(engine).get_table_names())
        assert {"documents", "audit_log", "sohoa_alembic_version"} <= tables
        assert "alembic_version" not in tables  # Airflow's name stays free
    finally:
        engine.dispose()


def test_the_migrations_build_exactly_the_models(engine: Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "version_table": VERSION_TABLE}
        )
        assert compare_metadata(context, Base.metadata) == []


def test_sqlite_engine_creates_its_folder_and_enforces_foreign_keys(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'deep' / 'er' / 'w.db'}"
    upgrade(url)
    engine = make_engine(url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    factory = make_session_factory(engine)
    with pytest.raises(sa.exc.IntegrityError), session_scope(factory) as session:
        session.add(Document(sha256="f" * 64, doc_type="unknown", duplicate_of_id=999))
    engine.dispose()


def test_plain_postgresql_urls_use_psycopg_3() -> None:
    assert normalize_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalize_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalize_url("sqlite:///x.db") == "sqlite:///x.db"


def test_a_dead_server_is_a_retryable_unavailable_warehouse() -> None:
    engine = make_engine("postgresql://postgres@127.0.0.1:1/nothing")
    with pytest.raises(WarehouseUnavailable) as caught:
        current_revision(engine)
    assert caught.value.retryable is True
    factory = make_session_factory(engine)
    with pytest.raises(WarehouseUnavailable), session_scope(factory) as session:
        session.scalar(sa.select(Batch.id))


def test_session_scope_commits_or_rolls_back(session_factory) -> None:  # type: ignore[no-untyped-def]
    with session_scope(session_factory) as session:
        session.add(Batch(name="kept"))
    with pytest.raises(RuntimeError), session_scope(session_factory) as session:
        session.add(Batch(name="dropped"))
        session.flush()
        raise RuntimeError("crash mid-unit")
    with session_scope(session_factory) as session:
        assert session.scalars(sa.select(Batch.name)).all() == ["kept"]


def test_change_events_carry_the_writing_transaction_on_postgresql(session, dialect) -> None:  # type: ignore[no-untyped-def]
    document = Document(sha256="a" * 64, doc_type="unknown")
    session.add(document)
    session.flush()
    session.add(ChangeEvent(kind="document.verified", document_id=document.id))
    session.flush()
    txid = session.scalar(sa.select(ChangeEvent.txid))
    assert (txid is not None) == (dialect == "postgresql")


def _migrate(engine: Engine, revision: str, *, down: bool = False) -> None:
    from alembic import command

    from loaders.db import _alembic_config

    with engine.begin() as connection:
        config = _alembic_config()
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


def test_migration_0003_keeps_extraction_versions_both_ways(empty_url: str) -> None:
    """0003 turns `extraction_versions.extraction` into `json` on PostgreSQL and drops two
    redundant link indexes: a version written before it reads back the same after it, and after
    a downgrade."""
    engine = make_engine(empty_url)
    extraction = {"fields": [{"name": "full_name", "value": "Lê Thị Mai", "box": None}], "n": 1.5}
    try:
        _migrate(engine, "0002_reuse_api_indexes")
        with engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO documents (sha256, doc_type, attributes, status, page_count, "
                    "media_type, size, current_version, lock_version, created_at, updated_at) "
                    "VALUES (:sha, 'id_card', '{}', 'needs_review', 1, '', 0, 1, 1, "
                    "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                ),
                {"sha": "a" * 64},
            )
            conn.execute(
                sa.insert(ExtractionVersion).values(
                    document_id=1,
                    version=1,
                    content_digest="d" * 64,
                    doc_type="id_card",
                    findings=[],
                    extraction=extraction,
                )
            )

        def stored() -> Any:
            with engine.connect() as conn:
                return conn.execute(sa.select(ExtractionVersion.extraction)).scalar_one()

        upgrade(engine)
        check_schema(engine)
        assert stored() == extraction
        indexes = {i["name"] for i in sa.inspect(engine).get_indexes("document_subjects")}
        assert "ix_document_subjects_document_id" not in indexes
        assert "ix_document_subjects_subject_document" in indexes  # the reuse API's read
        _migrate(engine, "0002_reuse_api_indexes", down=True)
        assert stored() == extraction
        upgrade(engine)
        assert stored() == extraction
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_migration_0004_gives_a_co_owner_and_an_applicant_their_own_slots(
    empty_url: str,
) -> None:
    """Before 0004 both owners of a land certificate were linked as `owner` (and the owner's
    profile read the co-owner's values); an application form's person was `holder`."""
    engine = make_engine(empty_url)
    land = {"subjects": [
        {"role": "owner", "kind": "person", "fields": {"id_number": "owner_id_number"}},
        {"role": "owner", "kind": "person", "fields": {"id_number": "co_owner_id_number"}},
    ]}  # fmt: skip
    form = {
        "subjects": [{"role": "holder", "kind": "person", "fields": {"id_number": "id_number"}}]
    }
    try:
        _migrate(engine, "0003_bulk_load_storage")
        with engine.begin() as conn:
            for number, (doc_type, extraction) in enumerate(
                (("land_use_certificate", land), ("application_form", form)), start=1
            ):
                conn.execute(
                    sa.text(
                        "INSERT INTO documents (sha256, doc_type, attributes, status, page_count, "
                        "media_type, size, current_version, lock_version, created_at, "
                        "updated_at) VALUES (:sha, :t, '{}', 'verified', 1, '', 0, 1, 1, "
                        "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                    ),
                    {"sha": str(number) * 64, "t": doc_type},
                )
                conn.execute(
                    sa.insert(ExtractionVersion).values(
                        document_id=number, version=1, content_digest="d" * 64,
                        doc_type=doc_type, findings=[], extraction=extraction,
                    )
                )  # fmt: skip
            for key in ("001080012345", "001185067890", "001095003344"):
                conn.execute(
                    sa.text(
                        "INSERT INTO subjects (public_id, kind, key, created_at, updated_at) "
                        "VALUES (:p, 'person', :k, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                    ),
                    {"p": key.rjust(32, "0"), "k": key},
                )
            for document_id, name, value in (
                (1, "owner_id_number", "001080012345"),
                (1, "co_owner_id_number", "001185067890"),
                (2, "id_number", "001095003344"),
            ):
                conn.execute(
                    sa.text(
                        "INSERT INTO field_values (document_id, name, value, raw, confidence, "
                        "findings, status, extraction_version, updated_at) VALUES "
                        "(:d, :n, :v, :v, 0.95, '[]', 'accepted', 1, CURRENT_TIMESTAMP)"
                    ),
                    {"d": document_id, "n": name, "v": value},
                )
            for document_id, subject_id, role in (
                (1, 1, "owner"),
                (1, 2, "owner"),
                (2, 3, "holder"),
            ):
                conn.execute(
                    sa.text(
                        "INSERT INTO document_subjects (document_id, subject_id, role, created_at) "
                        "VALUES (:d, :s, :r, CURRENT_TIMESTAMP)"
                    ),
                    {"d": document_id, "s": subject_id, "r": role},
                )

        def state() -> tuple[set[tuple[int, int, str]], list[list[str]]]:
            with engine.connect() as conn:
                links = set(
                    conn.execute(
                        sa.text("SELECT document_id, subject_id, role FROM document_subjects")
                    ).all()
                )
                roles = [
                    [ref["role"] for ref in extraction["subjects"]]
                    for extraction in conn.execute(
                        sa.select(ExtractionVersion.extraction).order_by(ExtractionVersion.id)
                    ).scalars()
                ]
            return {tuple(link) for link in links}, roles  # fmt: skip

        upgrade(engine)
        assert state() == (
            {(1, 1, "owner"), (1, 2, "co_owner"), (2, 3, "applicant")},
            [["owner", "co_owner"], ["applicant"]],
        )
        _migrate(engine, "0003_bulk_load_storage", down=True)
        assert state() == (
            {(1, 1, "owner"), (1, 2, "owner"), (2, 3, "holder")},
            [["owner", "owner"], ["holder"]],
        )
    finally:
        engine.dispose()


def test_migration_0007_fills_the_media_type_of_documents_loaded_without_one(
    empty_url: str,
) -> None:
    engine = make_engine(empty_url)
    try:
        _migrate(engine, "0006_review_sessions")
        with engine.begin() as conn:
            for sha in ("a" * 64, "b" * 64):
                conn.execute(
                    sa.text(
                        "INSERT INTO documents (sha256, doc_type, attributes, status, page_count, "
                        "media_type, size, current_version, lock_version, created_at, "
                        "updated_at) VALUES (:sha, 'id_card', '{}', 'verified', 1, '', 0, 1, 1, "
                        "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                    ),
                    {"sha": sha},
                )
            conn.execute(
                sa.text(
                    "INSERT INTO batches (name, source, created_at) "
                    "VALUES ('lo', 'inbox/lo', CURRENT_TIMESTAMP)"
                )
            )
            conn.execute(
                sa.text(
                    "INSERT INTO batch_files (batch_id, sha256, original_name, size, media_type, "
                    "manifest, status, stats, created_at, updated_at) "
                    "VALUES (1, :sha, 'x.png', 4321, "
                    "'image/png', '{}', 'loaded', '{}', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                ),
                {"sha": "a" * 64},
            )
        upgrade(engine)
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text("SELECT sha256, media_type, size FROM documents ORDER BY sha256")
            ).all()
        assert [tuple(r) for r in rows] == [("a" * 64, "image/png", 4321), ("b" * 64, "", 0)]
    finally:
        engine.dispose()
