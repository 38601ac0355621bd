"""The numbers of a batch report: what the latest run did, and where the batch's documents stand.

A file counts as worked on by a run when the run gave it a chunk (intake chunks only what is still
to do); files already loaded elsewhere are counted as "already done" and cost nothing. Entries the
latest run listed but did not read (`skipped`, with why) are listed with their names, so the
entries listed add up: documents + quarantined + duplicates + skipped.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from loaders.batches import _batch, latest_run
from loaders.db import translate_db_errors
from loaders.models import BatchFile, BatchRun, Document, DocumentStatus, FieldValue, FileStatus


@translate_db_errors()
def run_summary(
    session: Session, batch: str, *, finish: bool = False, review_threshold: float = 1.0
) -> dict[str, Any]:
    """The latest run of `batch` as plain JSON values (original names included, for people).

    With `finish`, the run is closed and the counts are kept on it. `review_threshold` is the
    calibrated threshold the steward outlook (`steward_outlook`) is counted at.
    """
    row = _batch(session, batch)
    run = latest_run(session, batch)
    files = session.scalars(
        select(BatchFile).where(BatchFile.batch_id == row.id).order_by(BatchFile.id)
    ).all()
    worked = [f for f in files if f.run_id == run.id and f.chunk is not None]
    done = [f for f in worked if f.status in (FileStatus.PROCESSED, FileStatus.LOADED)]
    fresh = [f for f in done if not f.stats.get("cached")]
    intake = run.counts
    earlier = session.scalars(
        select(BatchRun)
        .where(BatchRun.batch_id == row.id, BatchRun.id < run.id)
        .order_by(BatchRun.id.desc())
    ).first()

    document_ids = {f.document_id for f in files if f.document_id is not None}
    by_type: Counter[str] = Counter()
    by_status: Counter[str] = Counter()
    fields = 0
    if document_ids:
        for doc_type, status in session.execute(
            select(Document.doc_type, Document.status).where(Document.id.in_(document_ids))
        ):
            by_type[doc_type] += 1
            by_status[status] += 1
        fields = session.scalar(
            select(func.count())
            .select_from(FieldValue)
            .where(FieldValue.document_id.in_(document_ids))
        )

    summary: dict[str, Any] = {
        "batch": row.name,
        # Runs are numbered per batch (a batch's first run is #1), not by the table's ids.
        "run": _run_number(session, row.id, run.id),
        "source": row.source,
        "started_at": run.started_at.isoformat(timespec="seconds"),
        "finished_at": None,
        "files": intake.get("files", len(files)),
        "new": intake.get("new", 0),
        "already_done": intake.get("already_done", 0),
        "duplicates": intake.get("duplicates", 0),
        "processed": len(fresh),
        "cached": len(done) - len(fresh),
        "loaded": sum(f.status == FileStatus.LOADED for f in worked),
        "quarantined": [
            {
                "sha256": f.sha256,
                "name": f.original_name,
                "code": f.reason_code,
                "message": f.reason_message,
            }
            for f in files
            if f.status == FileStatus.QUARANTINED
        ],
        "skipped": [
            {
                "sha256": f.sha256,
                "name": f.original_name,
                "code": f.reason_code,
                "message": f.reason_message,
            }
            for f in files
            if f.status == FileStatus.SKIPPED and f.run_id == run.id
        ],
        "manifest_missing": list(intake.get("manifest_missing_names", [])),
        "manifest_refused": bool(intake.get("manifest_refused", False)),
        "manifest_problems": list(intake.get("manifest_problems", [])),
        # A run after one that never finished (a crash, an outage) picks its work up again.
        "resumed_run": (
            _run_number(session, row.id, earlier.id)
            if earlier is not None and earlier.finished_at is None
            else None
        ),
        "pages": {
            "ocr": sum(f.stats.get("ocr_pages", 0) for f in fresh),
            "text_layer": sum(f.stats.get("text_pages", 0) for f in fresh),
        },
        "process_seconds": round(sum(f.stats.get("seconds", 0.0) for f in fresh), 3),
        "ocr_seconds": round(sum(f.stats.get("ocr_seconds", 0.0) for f in fresh), 3),
        "documents": {
            "total": len(document_ids),
            "by_type": dict(by_type),
            "needs_review": by_status[DocumentStatus.NEEDS_REVIEW],
            "verified": by_status[DocumentStatus.VERIFIED],
            "rejected": by_status[DocumentStatus.REJECTED],
        },
        "fields": fields or 0,
        "steward": steward_outlook(session, document_ids, review_threshold),
    }
    if finish:
        run.finished_at = datetime.now(UTC)
        run.counts = {**run.counts, "processed": summary["processed"], "loaded": summary["loaded"]}
        session.flush()
    if run.finished_at:
        summary["finished_at"] = run.finished_at.isoformat(timespec="seconds")
    return summary


# Why a document needs a steward, from its machine values (a document may have several).
UNKNOWN_TYPE, NO_FIELDS, VALIDATION, LOW_CONFIDENCE = (
    "unknown_type", "no_fields", "validation", "low_confidence"
)  # fmt: skip


def steward_outlook(
    session: Session, document_ids: set[int], review_threshold: float
) -> dict[str, Any]:
    """How many documents would verify with no person at `review_threshold` (at least one field,
    every field at or above it, no error finding: what `SOHOA_AUTO_VERIFY` does), and why the
    others need a steward, counted by reason."""
    facts: dict[int, set[str]] = {d: set() for d in document_ids}
    has_fields: set[int] = set()
    if document_ids:
        rows = session.execute(
            select(FieldValue.document_id, FieldValue.confidence, FieldValue.findings).where(
                FieldValue.document_id.in_(document_ids)
            )
        )
        for document_id, confidence, findings in rows:
            has_fields.add(document_id)
            if confidence < review_threshold:
                facts[document_id].add(LOW_CONFIDENCE)
            if any(f.get("severity") == "error" for f in findings or ()):
                facts[document_id].add(VALIDATION)
        for document_id, doc_type in session.execute(
            select(Document.id, Document.doc_type).where(Document.id.in_(document_ids))
        ):
            if doc_type == "unknown":
                facts[document_id].add(UNKNOWN_TYPE)
            elif document_id not in has_fields:
                facts[document_id].add(NO_FIELDS)
    reasons = Counter(reason for found in facts.values() for reason in found)
    return {
        "review_threshold": review_threshold,
        "straight_through": sum(1 for found in facts.values() if not found),
        "reasons": {
            r: reasons[r]
            for r in (UNKNOWN_TYPE, NO_FIELDS, VALIDATION, LOW_CONFIDENCE)
            if reasons[r]
        },
    }


def _run_number(session: Session, batch_id: int, run_id: int) -> int:
    """The place of run `run_id` among its batch's runs, from 1."""
    return session.scalar(
        select(func.count())
        .select_from(BatchRun)
        .where(BatchRun.batch_id == batch_id, BatchRun.id <= run_id)
    )
