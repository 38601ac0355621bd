"""`sohoa run` end to end on the embedded defaults: every file is a document or in quarantine,
a re-run does nothing twice, a crash followed by a re-run leaves what one clean run leaves."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from loaders.models import BatchFile, Document, ExtractionVersion
from sohoa.pipeline import process as process_module
from sohoa.pipeline.errors import RetryableStepError
from sohoa.pipeline.run import run_batch
from sohoa.runtime import Runtime
from storage import layout
from tests.fixtures.batches import copy_batch
from tests.fixtures.embedded import embedded_runtime


def _add_bad_files(folder: Path, real_pdf: bytes) -> None:
    (folder / "rỗng.pdf").write_bytes(b"")
    (folder / "bị cắt cụt.pdf").write_bytes(real_pdf[: len(real_pdf) // 3])
    (folder / "ghi chú.pdf").write_text("không phải tài liệu", encoding="utf-8")


def _counts(runtime: Runtime) -> dict[str, int]:
    with runtime.session() as s:
        return {
            "documents": s.scalar(select(func.count()).select_from(Document)),
            "versions": s.scalar(select(func.count()).select_from(ExtractionVersion)),
            "batch_files": s.scalar(select(func.count()).select_from(BatchFile)),
        }


@pytest.fixture
def batch_folder(tmp_path: Path, sample_batch: Path) -> Path:
    folder = copy_batch(sample_batch, tmp_path / "inbox" / "lo-1")
    pdfs = sorted(sample_batch.glob("*.pdf"))
    _add_bad_files(folder, pdfs[0].read_bytes())
    return folder


def test_every_file_becomes_a_document_or_a_quarantine_entry(
    runtime: Runtime, batch_folder: Path
) -> None:
    report = run_batch(runtime, str(batch_folder), "lo-1", workers=2)

    counts = report["counts"]
    assert counts["files"] == 9
    assert counts["loaded"] == 6
    assert counts["quarantined"] == 3
    assert counts["loaded"] + counts["quarantined"] == counts["files"]
    assert _counts(runtime)["documents"] == 6
    reasons = {q["name"]: q["code"] for q in report["quarantined"]}
    assert reasons == {
        "rỗng.pdf": "empty_file",
        "bị cắt cụt.pdf": "corrupt_file",
        "ghi chú.pdf": "unsupported_type",
    }
    for item in report["quarantined"]:
        assert item["message"], "a reason a person can act on"
        reason = json.loads(
            runtime.store.get_bytes(layout.quarantine_reason("lo-1", item["sha256"]))
        )
        assert reason["code"] == item["code"]
    assert report["pages"]["ocr"] > 0
    assert report["fields"] > 0
    saved = json.loads(runtime.store.get_bytes(layout.report("lo-1")))
    assert "rỗng.pdf" not in json.dumps(saved, ensure_ascii=False), "no names in the store"


def test_rerun_ocrs_and_loads_nothing_twice(runtime: Runtime, batch_folder: Path) -> None:
    run_batch(runtime, str(batch_folder), "lo-1", workers=2)
    before = _counts(runtime)

    again = run_batch(runtime, str(batch_folder), "lo-1", workers=2)

    assert again["counts"]["new"] == 0
    assert again["counts"]["already_done"] == 6
    assert again["counts"]["processed"] == 0
    assert again["counts"]["loaded"] == 0
    assert again["pages"]["ocr"] == 0
    assert _counts(runtime) == before


def test_same_file_in_two_batches_is_one_document(runtime: Runtime, batch_folder: Path) -> None:
    run_batch(runtime, str(batch_folder), "lo-1", workers=1)
    other = run_batch(runtime, str(batch_folder), "lo-2", workers=1)

    assert other["counts"]["already_done"] == 6
    counts = _counts(runtime)
    assert counts["documents"] == 6
    assert counts["batch_files"] == 18  # each batch lists its 9 files


def test_reprocess_keeps_the_earlier_extraction_as_a_version(
    runtime: Runtime, batch_folder: Path
) -> None:
    run_batch(runtime, str(batch_folder), "lo-1", workers=2)
    versions = _counts(runtime)["versions"]

    report = run_batch(
        runtime, str(batch_folder), "lo-1", workers=2, reprocess=True, lang="vie+eng"
    )

    assert report["counts"]["processed"] == 6
    assert report["pages"]["ocr"] > 0
    after = _counts(runtime)
    assert after["documents"] == 6
    assert after["versions"] > versions


def test_crash_mid_batch_then_rerun_equals_one_clean_run(
    runtime: Runtime, batch_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = process_module.process_file
    calls = {"n": 0}

    def flaky(*args: object, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] == 4:
            raise RetryableStepError("store went away")
        return real(*args, **kwargs)

    monkeypatch.setattr("sohoa.pipeline.steps.process_file", flaky)
    with pytest.raises(RetryableStepError):
        run_batch(runtime, str(batch_folder), "lo-1", workers=1)
    monkeypatch.setattr("sohoa.pipeline.steps.process_file", real)

    report = run_batch(runtime, str(batch_folder), "lo-1", workers=1)

    clean = embedded_runtime(tmp_path / "clean")
    run_batch(clean, str(batch_folder), "lo-1", workers=1)
    assert _counts(runtime) == _counts(clean)
    assert report["counts"]["loaded"] + report["counts"]["already_done"] == 6
    clean.close()


def test_rerun_reads_loaded_files_in_place_and_still_sees_what_changed(
    runtime: Runtime, batch_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A re-run recognises the files it loaded by hashing them where they are (no copy, no
    workers); a changed manifest row or a lost original still takes the full path."""
    from sohoa.pipeline import run as run_module
    from sohoa.pipeline.sources import FolderSource, SourceFile

    run_batch(runtime, str(batch_folder), "lo-1", workers=1)
    before = _counts(runtime)
    fetched: list[str] = []
    real_fetch = FolderSource.fetch

    def counting_fetch(self: FolderSource, item: SourceFile, dest: Path) -> Path:
        fetched.append(item.name)
        return real_fetch(self, item, dest)

    started: list[int] = []
    monkeypatch.setattr(FolderSource, "fetch", counting_fetch)
    monkeypatch.setattr(run_module, "_start_fork_server", started.append)

    again = run_batch(runtime, str(batch_folder), "lo-1", workers=2)

    assert again["counts"]["already_done"] == 6
    assert sorted(fetched) == ["bị cắt cụt.pdf", "ghi chú.pdf", "rỗng.pdf"]  # quarantined ones
    assert started == [], "nothing new: no worker started"
    assert _counts(runtime) == before

    with runtime.session() as s:
        name, sha256 = s.execute(
            select(BatchFile.original_name, BatchFile.sha256)
            .where(BatchFile.status == "loaded")
            .order_by(BatchFile.id)
        ).first()
    (batch_folder / "manifest.csv").write_text(
        f"file,dossier_code\n{name},HS-001\n", encoding="utf-8"
    )
    runtime.store.delete(layout.original(sha256))
    fetched.clear()

    third = run_batch(runtime, str(batch_folder), "lo-1", workers=2)

    assert third["counts"]["already_done"] == 6
    assert name in fetched
    assert runtime.store.exists(layout.original(sha256)), "the lost original is put back"
    with runtime.session() as s:
        manifest = s.scalar(select(BatchFile.manifest).where(BatchFile.sha256 == sha256))
    assert manifest == {"dossier_code": "HS-001"}
    assert _counts(runtime) == before
