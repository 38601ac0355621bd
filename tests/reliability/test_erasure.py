"""Erasure of a person's data (Decree 13/2023): nothing of theirs is left in any warehouse table
but the audit log, nor in the store; other people's data on shared documents survives.

Runs on SQLite and on the machine's PostgreSQL (each test gets its own fresh database).
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from extractors.records import (
    Box,
    Extraction,
    Field,
    Finding,
    Role,
    Severity,
    SubjectKind,
    SubjectRef,
)
from loaders import batches, queries
from loaders.db import upgrade
from loaders.erasure import TOMBSTONE, erase_subject, find_person
from loaders.errors import InvalidRecord, NotFound
from loaders.load import load_extraction
from loaders.models import (
    AuditEntry,
    Base,
    ChangeEvent,
    Document,
    DocumentStatus,
    DocumentSubject,
    EventKind,
    FieldValue,
    Principal,
    Subject,
)
from loaders.queries import ReadScope
from loaders.review import accept_document, correct_field
from sohoa.pipeline.erasure import erase_subject_everywhere
from sohoa.pipeline.errors import StepError
from sohoa.runtime import Runtime
from sohoa.settings import Settings
from storage import layout
from tests.loaders.factories import enterprise_registration, new_sha256

PG_URL = os.environ.get(
    "SOHOA_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)

# The person to erase (mother on the birth certificate) and the child who stays.
A_ID, A_CMND, A_NAME, A_DOB = "001199012345", "012345678", "Phạm Thị Hoa", "1999-03-15"
B_ID, B_NAME, B_DOB = "001319000111", "Lê Minh Châu", "2019-06-01"
A_STRINGS = (A_ID, A_CMND, A_NAME, A_NAME.upper(), A_DOB, "15/03/1999")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def wh(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Runtime]:
    """A runtime on a fresh migrated warehouse (SQLite file or a new PostgreSQL database) and a
    local store."""
    objects = f"file://{tmp_path / 'objects'}"
    if request.param == "sqlite":
        url, admin, name = f"sqlite:///{tmp_path / 'sohoa.db'}", None, None
    else:
        admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
        name = f"sohoa_erasure_{os.getpid()}_{secrets.token_hex(4)}"
        try:
            with admin.connect() as conn:
                conn.exec_driver_sql(f"CREATE DATABASE {name}")
        except sa.exc.OperationalError as exc:
            pytest.skip(reason=f"PostgreSQL not reachable: {exc.orig}")
        url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    runtime = Runtime(Settings(database_url=url, storage_url=objects, secret_key="test-secret"))
    upgrade(runtime.engine)
    yield runtime
    runtime.close()
    if admin is not None:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


def _field(name: str, value: str, raw: str | None = None) -> Field:
    return Field(name, value, raw or value, 0.95, page=1, box=Box(10, 20, 300, 40))


def id_card_of_a() -> Extraction:
    return Extraction(
        sha256=new_sha256(),
        doc_type="id_card",
        fields=(
            _field("id_number", A_ID),
            _field("cmnd_number", A_CMND),
            _field("full_name", A_NAME, A_NAME.upper()),
            _field("date_of_birth", A_DOB, "15/03/1999"),
            _field("sex", "female", "Nữ"),
            _field("place_of_residence", "Số 5 phố Huế, Hà Nội"),
            _field("issue_date", "2021-05-01"),
            _field("expiry_date", "2039-03-15"),
        ),
        findings=(
            Finding(
                "id_number.birth_year_mismatch",
                Severity.WARNING,
                f"Số {A_ID} không khớp năm sinh",
                "id_number",
            ),
        ),
        subjects=(
            SubjectRef(
                Role.HOLDER,
                SubjectKind.PERSON,
                {
                    "id_number": "id_number",
                    "cmnd_number": "cmnd_number",
                    "full_name": "full_name",
                    "date_of_birth": "date_of_birth",
                },
            ),
        ),
        attributes={"variant": "cccd_chip", "side": "front"},
        page_count=1,
    )


def birth_certificate_of_b() -> Extraction:
    return Extraction(
        sha256=new_sha256(),
        doc_type="birth_certificate",
        fields=(
            _field("id_number", B_ID),
            _field("full_name", B_NAME),
            _field("date_of_birth", B_DOB),
            _field("place_of_birth", "Bệnh viện Phụ sản Hà Nội"),
            _field("mother_id_number", A_ID),
            _field("mother_full_name", A_NAME),
            _field("mother_birth_year", "1999"),
            _field("mother_nationality", "Việt Nam"),
            _field("declarant_full_name", A_NAME),
            _field("issue_date", "2019-06-10"),
        ),
        subjects=(
            SubjectRef(
                Role.CHILD,
                SubjectKind.PERSON,
                {
                    "id_number": "id_number",
                    "full_name": "full_name",
                    "date_of_birth": "date_of_birth",
                },
            ),
            SubjectRef(
                Role.MOTHER,
                SubjectKind.PERSON,
                {"id_number": "mother_id_number", "full_name": "mother_full_name"},
            ),
        ),
        page_count=1,
    )


def _store_objects(runtime: Runtime, extraction: Extraction) -> None:
    sha = extraction.sha256
    words = [v for f in extraction.fields for v in (f.value, f.raw)]
    store = runtime.store
    store.put_bytes(layout.original(sha), b"%PDF-1.7 scan of " + " ".join(words).encode())
    store.put_bytes(layout.ocr_json(sha), json.dumps({"words": words}).encode())
    store.put_bytes(layout.extraction_json(sha), json.dumps(extraction.to_dict()).encode())
    store.put_bytes(layout.page_image(sha, 1), b"\x89PNG page pixels")


def _build(runtime: Runtime) -> dict[str, Any]:
    card, certificate = id_card_of_a(), birth_certificate_of_b()
    with runtime.session() as session:
        steward = Principal(kind="person", name="steward-an", role="steward")
        session.add(steward)
        run = batches.start_run(session, "lo-01", "/scans/lo-01")
        for extraction, name in ((card, f"CCCD {A_NAME}.pdf"), (certificate, "khai-sinh.pdf")):
            batches.register_file(
                session,
                run,
                sha256=extraction.sha256,
                original_name=name,
                size=10,
                media_type="application/pdf",
                manifest={"ho_ten": A_NAME, "so": A_ID},
            )
            load_extraction(session, extraction, batch="lo-01")
        session.flush()
        ids = {
            sha: session.scalar(select(Document.id).where(Document.sha256 == sha))
            for sha in (card.sha256, certificate.sha256)
        }
        card_doc = session.get_one(Document, ids[card.sha256])
        correct_field(
            session,
            card_doc.id,
            "place_of_residence",
            "Số 7 phố Huế, Hà Nội",
            principal_id=steward.id,
            expected_lock_version=card_doc.lock_version,
            reason=f"sửa theo CCCD {A_ID}",
        )
        for sha in ids:
            document = session.get_one(Document, ids[sha])
            accept_document(
                session,
                document.id,
                principal_id=steward.id,
                expected_lock_version=document.lock_version,
            )
        # A second organization-only document, untouched by the erasure.
        load_extraction(session, enterprise_registration("0101234567"))
        steward_id = steward.id
    for extraction in (card, certificate):
        _store_objects(runtime, extraction)
    return {
        "card": card.sha256,
        "certificate": certificate.sha256,
        "card_id": ids[card.sha256],
        "certificate_id": ids[certificate.sha256],
        "steward": steward_id,
    }


def _rows_mentioning(runtime: Runtime, needles: tuple[str, ...]) -> list[str]:
    """Every (table, column) whose value, as text, contains one of `needles` — all tables but the
    audit log, all columns (text, JSON, dates)."""
    hits = []
    lowered = [n.casefold() for n in needles]
    with runtime.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            if table.name == "audit_log":
                continue
            for row in conn.execute(select(table)).mappings():
                for column, value in row.items():
                    if value is None:
                        continue
                    text = (
                        json.dumps(value, ensure_ascii=False)
                        if isinstance(value, dict | list)
                        else str(value)
                    ).casefold()
                    hits += [f"{table.name}.{column}" for n in lowered if n in text]
    return hits


def _audit_rows(runtime: Runtime) -> dict[int, tuple[Any, ...]]:
    with runtime.engine.connect() as conn:
        return {
            r.id: (r.at, r.action, r.principal_id, r.subject_public_id, r.document_id, r.detail)
            for r in conn.execute(select(AuditEntry))
        }


def test_erasure_leaves_nothing_of_the_person(wh: Runtime) -> None:
    built = _build(wh)
    assert _rows_mentioning(wh, A_STRINGS)  # the scan does see them before
    audit_before = _audit_rows(wh)
    with wh.session() as session:
        public_id = find_person(session, A_ID).public_id

    report = erase_subject_everywhere(wh, A_ID, built["steward"], "Yêu cầu xóa số 12/2025")

    assert report.public_id == public_id
    assert report.warehouse.owned_sha256s == [built["card"]]
    assert report.warehouse.shared_sha256s == [built["certificate"]]
    assert _rows_mentioning(wh, A_STRINGS) == []

    # The audit log: every earlier entry unchanged, two new ones, still append-only.
    audit_after = _audit_rows(wh)
    assert {k: audit_after[k] for k in audit_before} == audit_before
    new = sorted(v[1] for k, v in audit_after.items() if k not in audit_before)
    assert new == ["subject.erase", "subject.erase.store"]
    erase_entry = next(v for v in audit_after.values() if v[1] == "subject.erase")
    assert erase_entry[3] == public_id and erase_entry[5]["reason"] == "Yêu cầu xóa số 12/2025"
    for statement in (
        sa.update(AuditEntry).values(action="x"),
        sa.delete(AuditEntry),
    ):
        with pytest.raises(sa.exc.DBAPIError), wh.engine.begin() as conn:
            conn.execute(statement)

    with wh.session() as session:
        # The change feed tells downstream systems, by public id only.
        events = session.scalars(
            select(ChangeEvent).where(ChangeEvent.kind == EventKind.SUBJECT_ERASED)
        ).all()
        assert {(e.document_id, e.subject_public_id) for e in events} == {
            (None, public_id),
            (built["card_id"], public_id),
            (built["certificate_id"], public_id),
        }
        corrected = session.scalars(
            select(ChangeEvent).where(
                ChangeEvent.kind == EventKind.CORRECTED,
                ChangeEvent.document_id == built["certificate_id"],
            )
        ).all()
        assert len(corrected) == 1

        # The person: a tombstone, unknown by the old numbers; their own document is gone.
        assert queries.find_subject(session, A_ID) is None
        assert queries.find_subject(session, A_CMND) is None
        subject = session.scalars(select(Subject).where(Subject.public_id == public_id)).one()
        assert subject.erased_at is not None and subject.key is None and subject.name is None
        card = session.get_one(Document, built["card_id"])
        assert card.status == DocumentStatus.REJECTED
        assert queries.erased_subject_of(session, card.id)
        values = session.scalars(
            select(FieldValue.value).where(FieldValue.document_id == card.id)
        ).all()
        assert set(values) == {TOMBSTONE}

        # The shared birth certificate keeps the child's data and is still served.
        fields = {
            f.name: f.value
            for f in session.scalars(
                select(FieldValue).where(FieldValue.document_id == built["certificate_id"])
            )
        }
        assert fields["id_number"] == B_ID
        assert fields["full_name"] == B_NAME
        assert fields["date_of_birth"] == B_DOB
        assert fields["place_of_birth"] == "Bệnh viện Phụ sản Hà Nội"
        for name in (
            "mother_id_number",
            "mother_full_name",
            "mother_birth_year",
            "mother_nationality",
            "declarant_full_name",
        ):
            assert fields[name] == TOMBSTONE, name
        child = queries.find_subject(session, B_ID)
        assert child is not None and child.name == B_NAME and child.erased_at is None
        links = session.scalars(
            select(DocumentSubject.subject_id).where(
                DocumentSubject.document_id == built["certificate_id"]
            )
        ).all()
        assert links == [child.id]
        assert not queries.erased_subject_of(session, built["certificate_id"])
        detail = queries.served_document(
            session, built["certificate_id"], valid_on=date(2025, 1, 1), scope=ReadScope()
        )
        assert detail is not None
        served = {f.name: f.value for f in detail.fields}
        assert served["full_name"] == B_NAME and "mother_full_name" not in served

    # The store: the person's own file and every derived object are gone; the shared original
    # stays for the child; no stored JSON names the person.
    keys = [info.key for info in wh.store.list("")]
    assert not [k for k in keys if built["card"] in k]
    assert not [k for k in keys if k.startswith(f"derived/{built['certificate']}/")]
    assert layout.original(built["certificate"]) in keys
    for key in keys:
        if key.endswith(".json"):
            text = wh.store.get_bytes(key).decode().casefold()
            assert not [s for s in A_STRINGS if s.casefold() in text], key


def test_reading_a_shared_original_again_does_not_bring_the_person_back(wh: Runtime) -> None:
    # The birth certificate's scan is kept for the child. Reprocessing it (another OCR setting, a
    # new extractor) reads the erased mother's name and number off the page again: the load must
    # keep her fields tombstoned and must not link or create her again.
    built = _build(wh)
    erase_subject_everywhere(wh, A_ID, built["steward"], "Yêu cầu xóa số 12/2025")
    reread = replace(birth_certificate_of_b(), sha256=built["certificate"])
    with wh.session() as session:
        result = load_extraction(session, reread, options_fingerprint="lang=vie+eng")
        session.commit()
    assert result.new_version is not None  # a new version was recorded
    assert _rows_mentioning(wh, A_STRINGS) == []
    with wh.session() as session:
        fields = {
            f.name: f.value
            for f in session.scalars(
                select(FieldValue).where(FieldValue.document_id == built["certificate_id"])
            )
        }
        assert fields["full_name"] == B_NAME and fields["mother_full_name"] == TOMBSTONE
        child = queries.find_subject(session, B_ID)
        links = session.scalars(
            select(DocumentSubject.subject_id).where(
                DocumentSubject.document_id == built["certificate_id"]
            )
        ).all()
        assert child is not None and links == [child.id]
        assert queries.find_subject(session, A_ID) is None


def test_erasing_again_by_public_id_finishes_and_changes_nothing(wh: Runtime) -> None:
    built = _build(wh)
    first = erase_subject_everywhere(wh, A_ID, None, "Yêu cầu 1")
    # A crash after the commit left a derived object behind: a second run removes it.
    wh.store.put_bytes(layout.ocr_json(built["card"]), b"{}")
    fields_before = _rows_mentioning(wh, (TOMBSTONE,))
    again = erase_subject_everywhere(wh, first.public_id, None, "Hoàn tất")
    assert again.warehouse.already_erased
    assert again.warehouse.owned_sha256s == [built["card"]]
    assert again.derived_deleted == 1
    assert _rows_mentioning(wh, (TOMBSTONE,)) == fields_before
    with pytest.raises(StepError):  # the old number no longer names anyone
        erase_subject_everywhere(wh, A_ID, None, "Yêu cầu 2")


def test_only_persons_are_erased_and_a_reason_is_required(wh: Runtime) -> None:
    _build(wh)
    with wh.session() as session:
        with pytest.raises(InvalidRecord):
            erase_subject(session, key_or_public_id="0101234567", principal_id=None, reason="x")
        with pytest.raises(NotFound):
            erase_subject(session, key_or_public_id="001099999999", principal_id=None, reason="x")
        with pytest.raises(InvalidRecord):
            erase_subject(session, key_or_public_id=A_ID, principal_id=None, reason="  ")
        assert find_person(session, A_ID).erased_at is None


def test_cli_erases_after_confirmation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sohoa.cli import app
    from sohoa.settings import get_settings

    monkeypatch.setenv("SOHOA_DATABASE_URL", f"sqlite:///{tmp_path / 'sohoa.db'}")
    monkeypatch.setenv("SOHOA_STORAGE_URL", f"file://{tmp_path / 'objects'}")
    monkeypatch.setenv("SOHOA_SECRET_KEY", "test-secret")
    get_settings.cache_clear()
    try:
        runtime = Runtime(get_settings())
        upgrade(runtime.engine)
        _build(runtime)
        runtime.close()
        runner = CliRunner()
        refused = runner.invoke(app, ["subjects", "erase", A_ID, "--reason", "r"], input="n\n")
        assert refused.exit_code != 0
        done = runner.invoke(app, ["subjects", "erase", A_ID, "--reason", "Yêu cầu", "--yes"])
        assert done.exit_code == 0, done.output
        assert A_ID not in done.output and A_NAME not in done.output
        assert "Bản gốc đã xóa" in done.output
        missing = runner.invoke(app, ["subjects", "erase", A_ID, "--reason", "r", "--yes"])
        assert missing.exit_code == 1
    finally:
        get_settings.cache_clear()
