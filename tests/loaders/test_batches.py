"""Batch bookkeeping: idempotent registration, chunks, statuses and the report."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from loaders.batches import (
    assign_chunks,
    batch_status,
    files_in_chunk,
    finish_run,
    list_batches,
    mark_loaded,
    mark_processed,
    mark_quarantined,
    register_file,
    start_run,
)
from loaders.errors import NotFound
from loaders.load import load_extraction
from loaders.models import BatchFile, Document, FileStatus
from tests.loaders import factories
from tests.loaders.helpers import count


def _register(session: Session, run, sha256: str, name: str = "scan.pdf"):  # type: ignore[no-untyped-def]
    return register_file(
        session, run, sha256=sha256, original_name=name, size=1234, media_type="application/pdf"
    )


def test_registering_a_file_twice_is_one_row(session: Session) -> None:
    run = start_run(session, "2025-07-lot1", "inbox/2025-07-lot1")
    sha = factories.new_sha256()
    first, seen_first = _register(session, run, sha)
    again_run = start_run(session, "2025-07-lot1", "inbox/2025-07-lot1")
    second, seen_second = _register(session, again_run, sha)
    assert first.id == second.id and not seen_first and not seen_second
    assert count(session, BatchFile) == 1


def test_the_same_file_in_two_batches_is_one_document(session: Session) -> None:
    extraction = factories.id_card()
    run_a = start_run(session, "a", "inbox/a")
    _register(session, run_a, extraction.sha256, "cccd.pdf")
    load_extraction(session, extraction, batch="a", media_type="application/pdf", size=1234)
    run_b = start_run(session, "b", "inbox/b")
    row_b, already = _register(session, run_b, extraction.sha256, "CCCD ban sao.pdf")
    assert already and row_b.status == FileStatus.LOADED
    assert assign_chunks(session, run_b, 10) == 0
    load_extraction(session, extraction, batch="b")
    assert count(session, Document) == 1 and count(session, BatchFile) == 2
    assert batch_status(session, "b")["documents"] == 1
    names = {r.original_name for r in session.query(BatchFile)}
    assert names == {"cccd.pdf", "CCCD ban sao.pdf"}


def test_chunks_statuses_and_report(session: Session) -> None:
    run = start_run(session, "lot", "s3://inbox/lot")
    shas = [factories.new_sha256() for _ in range(5)]
    for i, sha in enumerate(shas):
        _register(session, run, sha, f"f{i}.pdf")
    assert assign_chunks(session, run, 2) == 3
    assert [f.sha256 for f in files_in_chunk(session, "lot", 2)] == shas[4:]

    mark_quarantined(session, "lot", shas[0], "pdf.encrypted", "Tệp PDF có mật khẩu")
    for sha in shas[1:]:
        mark_processed(
            session, "lot", sha, {"pages": 2, "ocr_pages": 1, "text_pages": 1, "seconds": 1.5}
        )
    load_extraction(session, factories.id_card(sha256=shas[1]), batch="lot")
    mark_loaded(session, "lot", shas[1])
    finish_run(session, run, {"processed": 4, "quarantined": 1})

    report = batch_status(session, "lot")
    assert report["files"] == 5
    assert report["by_status"] == {
        "registered": 0,
        "processed": 3,
        "loaded": 1,
        "quarantined": 1,
        "skipped": 0,
    }
    assert report["quarantined"] == [
        {
            "sha256": shas[0],
            "original_name": "f0.pdf",
            "reason_code": "pdf.encrypted",
            "reason_message": "Tệp PDF có mật khẩu",
        }
    ]
    assert report["runs"][0]["counts"] == {"processed": 4, "quarantined": 1}
    assert report["totals"]["pages"] == 8 and report["documents"] == 1

    # a re-run picks up the files processed but not loaded, never the quarantined one
    rerun = start_run(session, "lot", "s3://inbox/lot")
    assert assign_chunks(session, rerun, 2) == 2
    assert {f.sha256 for f in files_in_chunk(session, "lot", 0)} == set(shas[2:4])
    assert assign_chunks(session, rerun, 100, reprocess=True) == 1
    assert len(files_in_chunk(session, "lot", 0)) == 5
    assert [b["name"] for b in list_batches(session)] == ["lot"]


def test_unknown_batches_and_files_are_not_found(session: Session) -> None:
    with pytest.raises(NotFound):
        batch_status(session, "nope")
    run = start_run(session, "x", "inbox/x")
    with pytest.raises(NotFound):
        mark_processed(session, "x", factories.new_sha256(), {})
    assert run.id is not None
