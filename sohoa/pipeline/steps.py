"""The four steps of a batch, as the DAG's tasks and `sohoa run` call them.

Each takes and returns plain JSON (references and counts, never names or text), so an Airflow task
can log its return value safely.
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any

from extractors.records import Extraction
from loaders import batches
from loaders.erasure import TOMBSTONE
from loaders.load import LoadResult, load_extraction
from loaders.review_log import chosen_types
from sohoa.pipeline import workdir
from sohoa.pipeline.errors import step_boundary
from sohoa.pipeline.intake import intake
from sohoa.pipeline.load_step import LOAD_TRANSACTION_SIZE, load_files
from sohoa.pipeline.process import FileOutcome, process_file
from sohoa.pipeline.quarantine import quarantine_file
from sohoa.pipeline.report import build_report, save_report
from sohoa.pipeline.sources import check_type_hint, open_source
from sohoa.runtime import Runtime

log = logging.getLogger(__name__)


def intake_step(
    runtime: Runtime,
    source: str,
    batch: str,
    *,
    reprocess: bool = False,
    sha256s: list[str] | None = None,
) -> list[dict[str, Any]]:
    """Register the source's files; return one reference per chunk of work. `sha256s` (non-empty)
    redoes exactly those files of the batch. Working copies left by killed processes go first."""
    workdir.sweep()
    with workdir.owned_tempdir():
        result = intake(
            runtime,
            open_source(source, runtime.settings),
            batch,
            reprocess=reprocess,
            only=sha256s or None,
        )
    return result.chunk_refs()


def record_outcome(runtime: Runtime, batch: str, outcome: FileOutcome) -> LoadResult | None:
    """Write what processing did to the file's batch row. A file shared with an erased person
    comes with its extraction (nothing of it was stored): it is loaded now, in the same
    transaction, and the load's result returned."""
    with step_boundary("record outcome"), runtime.session() as session:
        if outcome.status == "quarantined":
            batches.mark_quarantined(
                session, batch, outcome.sha256, outcome.reason_code, outcome.reason_message
            )
        elif outcome.status == "skipped":
            batches.mark_skipped(
                session,
                batch,
                outcome.sha256,
                outcome.reason_code,
                outcome.reason_message,
                original_name=TOMBSTONE,  # it names only erased people: so may its name
            )
        else:
            batches.mark_processed(session, batch, outcome.sha256, outcome.stats())
            if outcome.extraction is not None:
                return load_extraction(
                    session,
                    Extraction.from_dict(outcome.extraction),
                    batch=batch,
                    options_fingerprint=outcome.options_fingerprint,
                    auto_verify_confidence=runtime.settings.auto_verify_at,
                )
    return None


def process_one(
    runtime: Runtime,
    batch: str,
    sha256: str,
    *,
    hint: str | None = None,
    lang: str | None = None,
    reprocess: bool = False,
    ocr_timeout: int | None = None,
) -> FileOutcome:
    """Process one file, translating errors: a file that breaks the code is quarantined (the batch
    goes on), an outage is raised as retryable. `ocr_timeout` overrides the per-page limit."""
    with step_boundary("process"):
        try:
            return process_file(
                runtime,
                batch,
                sha256,
                hint=hint,
                lang=lang,
                reprocess=reprocess,
                ocr_timeout=ocr_timeout,
            )
        except Exception as exc:
            if getattr(exc, "retryable", False):
                raise
            log.exception("unexpected error on sha256=%s; quarantined", sha256[:12])
            message = (
                "Lỗi nội bộ khi xử lý tệp này. Hãy báo cho nhóm kỹ thuật kèm mã tệp; sau khi "
                "sửa, chạy lại bằng `sohoa quarantine retry`."
            )
            quarantine_file(
                runtime, batch, sha256, None, "internal_error", message, type(exc).__name__
            )
            return FileOutcome(
                sha256, "quarantined", reason_code="internal_error", reason_message=message
            )


def process_chunk(
    runtime: Runtime,
    batch: str,
    chunk: int,
    *,
    reprocess: bool = False,
    lang: str | None = None,
    hint: str | None = None,
) -> dict[str, Any]:
    """Process a chunk's files one after another; a manifest's type hint beats the batch's (an
    unknown batch type fails the task at once, without retry: every file would fail)."""
    with step_boundary("check the type"):
        check_type_hint(hint)
    with step_boundary("list chunk"), runtime.session() as session:
        files = batches.files_in_chunk(session, batch, chunk)
        chosen = chosen_types(session, [f.sha256 for f in files if f.sha256])
        todo = [(f.sha256, chosen.get(f.sha256) or f.manifest.get("type_hint")) for f in files]
    counts: Counter[str] = Counter()
    workdir.sweep()
    for sha256, file_hint in todo:
        with workdir.owned_tempdir():
            outcome = process_one(
                runtime, batch, sha256, hint=file_hint or hint, lang=lang, reprocess=reprocess
            )
        record_outcome(runtime, batch, outcome)
        counts[outcome.status] += 1
        counts["cached"] += outcome.cached
        counts["pages"] += outcome.pages
    return {"batch": batch, "chunk": chunk, **counts}


def load_chunk(runtime: Runtime, batch: str, chunk: int) -> dict[str, Any]:
    """Load the chunk's processed files, `LOAD_TRANSACTION_SIZE` per transaction (bulk path)."""
    with step_boundary("list chunk"), runtime.session() as session:
        todo = [f.sha256 for f in batches.files_in_chunk(session, batch, chunk, status="processed")]
    counts: Counter[str] = Counter()
    for start in range(0, len(todo), LOAD_TRANSACTION_SIZE):
        with step_boundary("load"):
            results = load_files(runtime, batch, todo[start : start + LOAD_TRANSACTION_SIZE])
        for result in results:
            counts["loaded"] += 1
            counts["created"] += result.created
            counts["new_version"] += result.new_version is not None
    return {"batch": batch, "chunk": chunk, **counts}


def report_step(runtime: Runtime, batch: str) -> dict[str, Any]:
    """Close the run, write `reports/<batch>.json`; return its headline counts."""
    with step_boundary("report"):
        report = build_report(runtime, batch, finish=True)
        save_report(runtime, report)
    return report["counts"]
