"""Working the quarantine: list, retry after a fix, release with an audit entry; and reprocessing
chosen files with other settings keeps the earlier extraction as a version."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from loaders.models import AuditEntry, BatchFile, ExtractionVersion, FileStatus
from sohoa.pipeline import steps
from sohoa.pipeline.errors import PermanentStepError
from sohoa.pipeline.quarantine_ops import list_quarantine, release, retry
from sohoa.pipeline.redo import reprocess_files
from sohoa.pipeline.run import run_batch
from sohoa.runtime import Runtime
from storage import layout
from tests.fixtures.batches import copy_batch


@pytest.fixture
def folder(tmp_path: Path, sample_batch: Path) -> Path:
    folder = copy_batch(sample_batch, tmp_path / "inbox" / "lo-q")
    for extra in sorted(folder.iterdir())[2:]:
        extra.unlink()
    (folder / "rỗng.pdf").write_bytes(b"")
    return folder


def _status(runtime: Runtime, sha256: str) -> str:
    with runtime.session() as s:
        return s.scalar(select(BatchFile.status).where(BatchFile.sha256 == sha256))


@pytest.mark.slow
def test_retry_after_a_fix_loads_the_file_and_clears_its_quarantine(
    runtime: Runtime, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = steps.process_file
    broken = {"n": 0}

    def crash_once(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        if broken["n"] == 0:
            broken["n"] += 1
            raise RuntimeError("a bug in the extractor")
        return real(*args, **kwargs)

    monkeypatch.setattr(steps, "process_file", crash_once)
    run_batch(runtime, str(folder), "lo-q", workers=1)
    listed = {q.reason_code: q for q in list_quarantine(runtime, "lo-q")}
    assert set(listed) == {"internal_error", "empty_file"}
    assert listed["empty_file"].original_name == "rỗng.pdf"

    fixed = listed["internal_error"].sha256
    results = retry(runtime, fixed[:10])
    assert [r.status for r in results] == ["loaded"]
    assert _status(runtime, fixed) == FileStatus.LOADED
    assert not runtime.store.exists(layout.quarantine("lo-q", fixed))

    still = retry(runtime, batch="lo-q")  # the empty file is still empty
    assert [(r.status, r.reason_code) for r in still] == [("quarantined", "empty_file")]


def test_release_drops_the_copy_keeps_the_row_and_audits(runtime: Runtime, tmp_path: Path) -> None:
    folder = tmp_path / "lo-r"
    folder.mkdir()
    (folder / "rỗng.pdf").write_bytes(b"")
    run_batch(runtime, str(folder), "lo-r", workers=1)
    [entry] = list_quarantine(runtime, "lo-r")

    with pytest.raises(PermanentStepError):
        release(runtime, entry.sha256, batch="lo-r", note="  ")  # a reason is required
    release(runtime, entry.sha256[:8], batch="lo-r", note="trang trắng", by="an")
    assert _status(runtime, entry.sha256) == FileStatus.RELEASED
    assert not runtime.store.exists(layout.quarantine("lo-r", entry.sha256))
    assert list_quarantine(runtime, "lo-r") == []
    with runtime.session() as s:
        audit = s.scalars(select(AuditEntry).where(AuditEntry.action == "quarantine.release")).one()
    assert audit.detail["note"] == "trang trắng" and audit.detail["reason_code"] == "empty_file"

    report = run_batch(runtime, str(folder), "lo-r", workers=1)  # re-runs leave it alone
    assert report["counts"]["quarantined"] == 0
    assert _status(runtime, entry.sha256) == FileStatus.RELEASED
    release(runtime, entry.sha256, batch="lo-r", note="lần nữa")  # harmless again


@pytest.mark.slow
def test_reprocess_with_another_type_keeps_the_earlier_version(
    runtime: Runtime, folder: Path
) -> None:
    run_batch(runtime, str(folder), "lo-q", workers=1)
    with runtime.session() as s:
        sha256 = s.scalars(
            select(BatchFile.sha256).where(BatchFile.status == FileStatus.LOADED)
        ).first()
    [same] = reprocess_files(runtime, [sha256[:10]])  # same settings: nothing new to keep
    assert same.status == "loaded" and same.new_version is None
    [other] = reprocess_files(runtime, [sha256], hint="admin_document")
    assert other.new_version == 2
    with runtime.session() as s:
        versions = s.scalars(
            select(ExtractionVersion.version)
            .where(ExtractionVersion.document_id == other.document_id)
            .order_by(ExtractionVersion.version)
        )
        assert list(versions) == [1, 2]
    with pytest.raises(PermanentStepError):
        reprocess_files(runtime, ["0123"])  # too short to be deliberate
