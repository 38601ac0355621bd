"""Retention deletes exactly what is past its window, honours --dry-run, and never deletes the
original of a document that is needed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from extractors.records import Extraction
from loaders import batches
from loaders.load import load_extraction
from loaders.models import AuditEntry, Document, FileStatus, Principal
from loaders.review import accept_document, reject_document
from sohoa.pipeline.quarantine import quarantine_file
from sohoa.pipeline.retention import apply_retention
from sohoa.runtime import Runtime
from storage import layout
from tests.fixtures.embedded import embedded_runtime
from tests.loaders.factories import id_card, new_sha256


@pytest.fixture
def rt(tmp_path: Path) -> Iterator[Runtime]:
    runtime = embedded_runtime(
        tmp_path / "var", retention_derived_days=30, retention_rejected_originals_days=60
    )
    yield runtime
    runtime.close()


def _objects(runtime: Runtime, sha: str) -> None:
    runtime.store.put_bytes(layout.original(sha), b"scan")
    runtime.store.put_bytes(layout.ocr_json(sha), b"{}")
    runtime.store.put_bytes(layout.page_image(sha, 1), b"png")


def _build(runtime: Runtime) -> dict[str, str]:
    """A verified, a rejected and a waiting document, and a file quarantined after intake."""
    made: dict[str, Extraction] = {
        "verified": id_card(id_number="001099012345"),
        "rejected": id_card(id_number="001099012346"),
        "waiting": id_card(id_number="001099012347"),
    }
    quarantined = new_sha256()
    with runtime.session() as session:
        steward = Principal(kind="person", name="steward-an", role="steward")
        session.add(steward)
        session.flush()
        for name, extraction in made.items():
            load_extraction(session, extraction)
            document = session.scalars(
                select(Document).where(Document.sha256 == extraction.sha256)
            ).one()
            lock = document.lock_version
            if name == "verified":
                accept_document(
                    session, document.id, principal_id=steward.id, expected_lock_version=lock
                )
            elif name == "rejected":
                reject_document(
                    session,
                    document.id,
                    "ảnh mờ",
                    principal_id=steward.id,
                    expected_lock_version=lock,
                )
        run = batches.start_run(session, "lo-01", "/scans/lo-01")
        batches.register_file(
            session, run, sha256=quarantined, original_name="x.pdf", size=4, media_type="x"
        )
        batches.mark_quarantined(session, "lo-01", quarantined, "not_a_document", "Không đọc được")
    shas = {name: e.sha256 for name, e in made.items()} | {"quarantined": quarantined}
    for sha in shas.values():
        _objects(runtime, sha)
    quarantine_file(runtime, "lo-01", quarantined, None, "not_a_document", "Không đọc được")
    return shas


def _keys(runtime: Runtime) -> set[str]:
    return {info.key for info in runtime.store.list("")}


def _retention_audits(runtime: Runtime) -> list[dict[str, Any]]:
    with runtime.session() as session:
        return [
            e.detail
            for e in session.scalars(
                select(AuditEntry).where(AuditEntry.action == "retention.apply")
            )
        ]


def test_nothing_goes_inside_the_windows(rt: Runtime) -> None:
    _build(rt)
    before = _keys(rt)
    report = apply_retention(rt, now=datetime.now(UTC) + timedelta(days=10))
    assert report.deleted == 0
    assert _keys(rt) == before


def test_dry_run_then_real_run_past_every_window(rt: Runtime) -> None:
    shas = _build(rt)
    before = _keys(rt)
    later = datetime.now(UTC) + timedelta(days=100)
    expected = {
        layout.quarantine("lo-01", shas["quarantined"]),
        layout.quarantine_reason("lo-01", shas["quarantined"]),
        layout.original(shas["quarantined"]),
        layout.ocr_json(shas["quarantined"]),
        layout.page_image(shas["quarantined"], 1),
        layout.original(shas["rejected"]),
        layout.ocr_json(shas["rejected"]),
        layout.page_image(shas["rejected"], 1),
        layout.ocr_json(shas["verified"]),  # derived of a settled document: rebuildable
        layout.page_image(shas["verified"], 1),
    }

    dry = apply_retention(rt, now=later, dry_run=True)
    assert set(dry.quarantine + dry.derived + dry.originals) == expected
    assert _keys(rt) == before  # nothing deleted
    assert _retention_audits(rt) == []  # and nothing recorded

    real = apply_retention(rt, now=later)
    assert set(real.quarantine + real.derived + real.originals) == expected
    assert _keys(rt) == before - expected
    # Never deleted: the verified document's original, anything of the waiting document.
    assert layout.original(shas["verified"]) in _keys(rt)
    assert {layout.original(shas["waiting"]), layout.ocr_json(shas["waiting"])} <= _keys(rt)
    with rt.session() as session:
        assert batches.file_status(session, "lo-01", shas["quarantined"]) == FileStatus.RELEASED
    audits = _retention_audits(rt)
    assert len(audits) == 1
    assert audits[0]["originals"] == 2 and audits[0]["released"] == 1
    assert apply_retention(rt, now=later).deleted == 0  # a second run finds nothing more


def test_unset_windows_keep_derived_and_rejected_originals(tmp_path: Path) -> None:
    runtime = embedded_runtime(tmp_path / "var")  # only the quarantine window (90 days) is set
    try:
        shas = _build(runtime)
        report = apply_retention(runtime, now=datetime.now(UTC) + timedelta(days=1000))
        assert report.derived_days is None and report.rejected_originals_days is None
        keys = _keys(runtime)
        assert layout.original(shas["rejected"]) in keys
        assert layout.ocr_json(shas["verified"]) in keys
        assert not [k for k in keys if shas["quarantined"] in k]
    finally:
        runtime.close()


def test_a_needed_original_is_kept_even_if_quarantined_elsewhere(rt: Runtime) -> None:
    """The same bytes quarantined in one batch and a verified document: the original stays."""
    shas = _build(rt)
    quarantine_file(rt, "lo-02", shas["verified"], None, "x", "y")
    report = apply_retention(rt, now=datetime.now(UTC) + timedelta(days=100))
    assert layout.quarantine("lo-02", shas["verified"]) in report.quarantine
    assert layout.original(shas["verified"]) in _keys(rt)
    assert layout.original(shas["verified"]) not in report.originals


def test_cli_dry_run(rt: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    from sohoa.cli import app
    from sohoa.settings import get_settings

    _build(rt)
    settings = rt.settings
    monkeypatch.setenv("SOHOA_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("SOHOA_STORAGE_URL", settings.storage_url)
    monkeypatch.setenv("SOHOA_SECRET_KEY", "test-secret")
    monkeypatch.setenv("SOHOA_RETENTION_QUARANTINE_DAYS", "1")
    get_settings.cache_clear()
    try:
        before = _keys(rt)
        result = CliRunner().invoke(app, ["retention", "apply", "--dry-run"])
        assert result.exit_code == 0, result.output
        assert "chạy thử" in result.output
        assert _keys(rt) == before
    finally:
        get_settings.cache_clear()
    assert _retention_audits(rt) == []
