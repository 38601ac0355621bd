"""Batches: which files a batch lists, how far each got, and the numbers for the batch report.

Intake registers every file of a batch (idempotent per batch and sha256), then `assign_chunks`
cuts the files still to do into numbered chunks; Airflow maps processing and loading over chunk
numbers and each task reads its files back with `files_in_chunk`. A re-run after a crash
registers again (a no-op), and only files not yet loaded are chunked again, so nothing is lost
and nothing is done twice. The same file in two batches is two `batch_files` rows and one document.

An entry of the source with nothing to read (a link refused or dangling, a file gone before it
was read) is a row too, with no sha256, status `skipped` and a reason (`register_skipped`), so the
batch accounts for every entry it listed; so is a file naming only erased people, with its sha256
but neither its name nor its manifest row. Skipped rows are never chunked.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from loaders.db import translate_db_errors
from loaders.errors import InvalidRecord, NotFound
from loaders.journal import audit
from loaders.models import Batch, BatchFile, BatchRun, Document, FileStatus
from loaders.upsert import get_or_create

_TO_DO = (FileStatus.REGISTERED, FileStatus.PROCESSED)
_ALL_STATUSES = (
    FileStatus.REGISTERED,
    FileStatus.PROCESSED,
    FileStatus.LOADED,
    FileStatus.QUARANTINED,
    FileStatus.SKIPPED,
)
# Statuses a `reprocess` leaves alone: a person dropped the file, or there is nothing to read.
_LEFT_ALONE = (FileStatus.RELEASED, FileStatus.SKIPPED)
_STAT_TOTALS = ("pages", "ocr_pages", "text_pages", "seconds")


@translate_db_errors()
def start_run(session: Session, batch: str, source: str) -> BatchRun:
    """Begin a run of `batch` (created on first use) reading from `source`."""
    row, _ = get_or_create(session, Batch, {"name": batch}, {"source": source})
    run = BatchRun(batch_id=row.id)
    session.add(run)
    session.flush()
    return run


@translate_db_errors()
def register_file(
    session: Session,
    run: BatchRun,
    *,
    sha256: str,
    original_name: str,
    size: int,
    media_type: str,
    manifest: dict[str, Any] | None = None,
) -> tuple[BatchFile, bool]:
    """List a file in the run's batch; True when its sha256 is already a document anywhere.

    Registering the same sha256 in the same batch again returns the existing row. A file that is
    already a document is marked loaded at once (intake skips it; `assign_chunks` with
    `reprocess=True` still includes it).
    """
    row, created = get_or_create(
        session,
        BatchFile,
        {"batch_id": run.batch_id, "sha256": sha256},
        {
            "original_name": original_name,
            "size": size,
            "media_type": media_type,
            "manifest": manifest or {},
            "run_id": run.id,
        },
    )
    if created:  # the name was an unreadable entry in an earlier run: it is this file now
        session.execute(
            delete(BatchFile).where(
                BatchFile.batch_id == run.batch_id,
                BatchFile.sha256.is_(None),
                BatchFile.original_name == original_name,
            )
        )
    document_id = session.scalar(select(Document.id).where(Document.sha256 == sha256))
    if document_id is not None and row.status == FileStatus.REGISTERED:
        row.status, row.document_id, row.run_id = FileStatus.LOADED, document_id, run.id
    elif not created and manifest and row.manifest != manifest:
        row.manifest = manifest
    session.flush()
    return row, document_id is not None


@translate_db_errors()
def register_skipped(
    session: Session,
    run: BatchRun,
    *,
    original_name: str,
    code: str,
    message: str,
    sha256: str | None = None,
    size: int = 0,
) -> BatchFile:
    """List an entry that will not be read, with why (`code` stable English, `message`
    Vietnamese): no sha256 when there was nothing to hash (one row per name, kept up to date by
    re-runs), or the sha256 of a file naming only erased people (the caller passes no name)."""
    lookup: dict[str, Any] = {"batch_id": run.batch_id, "sha256": sha256}
    if sha256 is None:
        lookup["original_name"] = original_name
    row = session.scalars(select(BatchFile).filter_by(**lookup).order_by(BatchFile.id)).first()
    if row is None:
        row = BatchFile(
            batch_id=run.batch_id,
            sha256=sha256,
            original_name=original_name,
            size=size,
            media_type="",
            manifest={},
        )
        session.add(row)
    elif sha256 is not None:
        row.original_name, row.manifest = original_name, {}
    row.status, row.reason_code, row.reason_message = FileStatus.SKIPPED, code, message
    row.run_id, row.chunk = run.id, None
    session.flush()
    return row


@translate_db_errors()
def assign_chunks(
    session: Session,
    run: BatchRun,
    chunk_size: int | Callable[[int], int],
    *,
    reprocess: bool = False,
    only: Collection[str] | None = None,
) -> int:
    """Number the files still to do in chunks of `chunk_size`; returns the number of chunks.

    `chunk_size` may be a function of the number of files to do, so the caller can bound the
    number of chunks (Airflow maps over them) whatever is to do.

    Files to do are those registered or processed but not loaded (a crashed run's leftovers);
    `reprocess` takes every file of the batch again, quarantined and loaded ones included (not
    those a person released, nor skipped entries). `only` (sha256s) takes exactly those files
    again, whatever their state; a sha256 the batch does not list raises `NotFound`.
    """
    files = session.scalars(
        select(BatchFile).where(BatchFile.batch_id == run.batch_id).order_by(BatchFile.id)
    ).all()
    if only is not None:
        wanted = set(only)
        missing = wanted - {f.sha256 for f in files}
        if missing:
            shown = ", ".join(sorted(m[:12] for m in missing))
            raise NotFound(f"not listed in this batch: {shown}")
        reprocess = True
        to_do = [f for f in files if f.sha256 in wanted]
    else:
        to_do = [
            f for f in files if f.status in _TO_DO or (reprocess and f.status not in _LEFT_ALONE)
        ]
    size = chunk_size(len(to_do)) if callable(chunk_size) else chunk_size
    if size < 1:
        raise ValueError("chunk_size must be at least 1")
    for f in files:
        f.chunk = None
    for index, f in enumerate(to_do):
        f.chunk, f.run_id = index // size, run.id
        if reprocess:
            f.status, f.reason_code, f.reason_message = FileStatus.REGISTERED, None, None
    session.flush()
    return -(-len(to_do) // size)


@translate_db_errors()
def files_in_chunk(
    session: Session, batch: str, chunk: int, *, status: str | None = None
) -> list[BatchFile]:
    """The files of one chunk, in registration order (only those in `status`, if given)."""
    query = (
        select(BatchFile)
        .join(Batch, Batch.id == BatchFile.batch_id)
        .where(Batch.name == batch, BatchFile.chunk == chunk)
        .order_by(BatchFile.id)
    )
    if status is not None:
        query = query.where(BatchFile.status == status)
    return list(session.scalars(query))


@translate_db_errors()
def get_run(session: Session, run_id: int) -> BatchRun:
    run = session.get(BatchRun, run_id)
    if run is None:
        raise NotFound(f"no batch run {run_id}")
    return run


@translate_db_errors()
def latest_run(session: Session, batch: str) -> BatchRun:
    row = _batch(session, batch)
    run = session.scalars(
        select(BatchRun).where(BatchRun.batch_id == row.id).order_by(BatchRun.id.desc())
    ).first()
    if run is None:
        raise NotFound(f"batch {batch!r} has never run")
    return run


@translate_db_errors()
def record_run_counts(
    session: Session,
    run: BatchRun,
    counts: dict[str, Any],
    *,
    manifest_missing: list[str] | None = None,
) -> BatchRun:
    """Keep intake's counts on the run (and the manifest rows that named no file)."""
    run.counts = {**run.counts, **counts, "manifest_missing_names": manifest_missing or []}
    session.flush()
    return run


@translate_db_errors()
def mark_quarantined(
    session: Session, batch: str, sha256: str, code: str, message: str
) -> BatchFile:
    """The file could not become a document; `message` (Vietnamese) says what a person can do."""
    row = _file(session, batch, sha256)
    row.status, row.reason_code, row.reason_message = FileStatus.QUARANTINED, code, message
    session.flush()
    return row


@translate_db_errors()
def mark_skipped(
    session: Session,
    batch: str,
    sha256: str,
    code: str,
    message: str,
    *,
    original_name: str | None = None,
) -> BatchFile:
    """The file will not be read (it names only erased people): status `skipped`, with why.
    `original_name` given replaces the name, and the manifest row goes (what erasure leaves)."""
    row = _file(session, batch, sha256)
    row.status, row.reason_code, row.reason_message = FileStatus.SKIPPED, code, message
    row.chunk = None
    if original_name is not None:
        row.original_name, row.manifest = original_name, {}
    session.flush()
    return row


@translate_db_errors()
def mark_processed(session: Session, batch: str, sha256: str, stats: dict[str, Any]) -> BatchFile:
    """The file's extraction is in the store.

    `stats`: pages, ocr_pages, text_pages, seconds, cached (the batch report sums them).
    """
    row = _file(session, batch, sha256)
    row.status, row.stats = FileStatus.PROCESSED, dict(stats)
    row.reason_code = row.reason_message = None
    session.flush()
    return row


@translate_db_errors()
def mark_loaded(session: Session, batch: str, sha256: str) -> BatchFile:
    """The file's document is in the warehouse (`load_extraction(..., batch=…)` does this too)."""
    document = session.scalars(select(Document).where(Document.sha256 == sha256)).first()
    if document is None:
        raise NotFound(f"no document for {sha256[:12]}")
    return link_loaded_file(session, batch, document)


def link_loaded_file(session: Session, batch: str, document: Document) -> BatchFile:
    row = _file(session, batch, document.sha256)
    row.status, row.document_id = FileStatus.LOADED, document.id
    row.reason_code = row.reason_message = None
    session.flush()
    return row


@translate_db_errors()
def finish_run(session: Session, run: BatchRun, counts: dict[str, Any]) -> BatchRun:
    """Close the run with its counts (processed, quarantined, cached, …) for the report."""
    run.finished_at, run.counts = datetime.now(UTC), dict(counts)
    session.flush()
    return run


@translate_db_errors()
def batch_status(session: Session, batch: str) -> dict[str, Any]:
    """Everything the batch report shows, as plain JSON-able values (original names included:
    the report is for the digitization team, not for Airflow's logs)."""
    row = _batch(session, batch)
    files = session.scalars(
        select(BatchFile).where(BatchFile.batch_id == row.id).order_by(BatchFile.id)
    ).all()
    runs = session.scalars(
        select(BatchRun).where(BatchRun.batch_id == row.id).order_by(BatchRun.id)
    ).all()
    by_status = Counter({status: 0 for status in _ALL_STATUSES})
    by_status.update(f.status for f in files)
    totals: dict[str, float] = {k: 0 for k in _STAT_TOTALS}
    for f in files:
        for k in _STAT_TOTALS:
            totals[k] += f.stats.get(k) or 0
    return {
        "batch": row.name,
        "source": row.source,
        "created_at": row.created_at.isoformat(),
        "files": len(files),
        "by_status": dict(by_status),
        "cached": sum(1 for f in files if f.stats.get("cached")),
        "documents": len({f.document_id for f in files if f.document_id is not None}),
        "totals": totals,
        "quarantined": [
            {
                "sha256": f.sha256,
                "original_name": f.original_name,
                "reason_code": f.reason_code,
                "reason_message": f.reason_message,
            }
            for f in files
            if f.status == FileStatus.QUARANTINED
        ],
        "runs": [
            {
                "id": r.id,
                "started_at": r.started_at.isoformat(),
                "finished_at": r.finished_at.isoformat() if r.finished_at else None,
                "counts": r.counts,
            }
            for r in runs
        ],
    }


@translate_db_errors()
def list_batches(session: Session) -> list[dict[str, Any]]:
    """Every batch, newest first, with its files counted by status and its runs."""
    by_status: dict[int, Counter[str]] = {}
    for batch_id, status, n in session.execute(
        select(BatchFile.batch_id, BatchFile.status, func.count()).group_by(
            BatchFile.batch_id, BatchFile.status
        )
    ):
        by_status.setdefault(batch_id, Counter())[status] = n
    runs = {
        batch_id: (n, last)
        for batch_id, n, last in session.execute(
            select(BatchRun.batch_id, func.count(), func.max(BatchRun.started_at)).group_by(
                BatchRun.batch_id
            )
        )
    }
    rows = []
    for b in session.scalars(select(Batch).order_by(Batch.created_at.desc(), Batch.id.desc())):
        counts = by_status.get(b.id, Counter())
        n_runs, last = runs.get(b.id, (0, None))
        rows.append(
            {
                "name": b.name,
                "source": b.source,
                "created_at": b.created_at.isoformat(),
                "files": sum(counts.values()),
                "loaded": counts[FileStatus.LOADED],
                "quarantined": counts[FileStatus.QUARANTINED],
                "pending": counts[FileStatus.REGISTERED] + counts[FileStatus.PROCESSED],
                "released": counts[FileStatus.RELEASED],
                "skipped": counts[FileStatus.SKIPPED],
                "runs": n_runs,
                "last_run_at": last.isoformat(timespec="seconds") if last else None,
            }
        )
    return rows


@translate_db_errors()
def file_status(session: Session, batch: str, sha256: str) -> str | None:
    """The file's status in the batch, None when the batch does not list it (yet)."""
    return session.scalar(
        select(BatchFile.status)
        .join(Batch, Batch.id == BatchFile.batch_id)
        .where(Batch.name == batch, BatchFile.sha256 == sha256)
    )


@translate_db_errors()
def find_files(
    session: Session,
    sha256_prefix: str = "",
    *,
    batch: str | None = None,
    status: str | None = None,
) -> list[tuple[str, BatchFile]]:
    """(batch name, file) pairs whose sha256 starts with `sha256_prefix`, oldest first: how a
    person's short hash (`sohoa quarantine …`, `sohoa reprocess …`) finds its files."""
    query = (
        select(Batch.name, BatchFile)
        .join(Batch, Batch.id == BatchFile.batch_id)
        .order_by(BatchFile.id)
    )
    if sha256_prefix:
        query = query.where(BatchFile.sha256.startswith(sha256_prefix.lower(), autoescape=True))
    if batch is not None:
        query = query.where(Batch.name == batch)
    if status is not None:
        query = query.where(BatchFile.status == status)
    return [(name, row) for name, row in session.execute(query)]


@translate_db_errors()
def reopen_file(
    session: Session, batch: str, sha256: str, *, media_type: str | None = None
) -> BatchFile:
    """Put a file back to `registered` to process it again (quarantine retry, reprocess)."""
    row = _file(session, batch, sha256)
    row.status, row.reason_code, row.reason_message = FileStatus.REGISTERED, None, None
    if media_type is not None:
        row.media_type = media_type
    session.flush()
    return row


@translate_db_errors()
def release_file(
    session: Session, batch: str, sha256: str, *, note: str = "", by: str = ""
) -> BatchFile:
    """A person dropped a quarantined file: it becomes `released` (kept, with its last reason, so
    the batch still accounts for it), and an audit entry records who and why."""
    row = _file(session, batch, sha256)
    if row.status != FileStatus.QUARANTINED:
        raise InvalidRecord(
            f"file {sha256[:12]} of batch {batch!r} is {row.status}, not quarantined"
        )
    row.status = FileStatus.RELEASED
    audit(
        session,
        "quarantine.release",
        detail={
            "batch": batch,
            "sha256": sha256,
            "reason_code": row.reason_code,
            "note": note,
            "by": by,
        },
    )
    session.flush()
    return row


def _batch(session: Session, batch: str) -> Batch:
    row = session.scalars(select(Batch).where(Batch.name == batch)).first()
    if row is None:
        raise NotFound(f"no batch named {batch!r}")
    return row


def _file(session: Session, batch: str, sha256: str) -> BatchFile:
    row = session.scalars(
        select(BatchFile)
        .join(Batch, Batch.id == BatchFile.batch_id)
        .where(Batch.name == batch, BatchFile.sha256 == sha256)
    ).first()
    if row is None:
        raise NotFound(f"file {sha256[:12]} is not registered in batch {batch!r}")
    return row
