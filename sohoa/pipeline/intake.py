"""Intake: hash each file, keep the original, skip what was seen, quarantine what is broken.

Order matters for crash safety: the object is written before the warehouse row that points at it,
and every write is idempotent, so a crash anywhere followed by a re-run leaves what one run leaves.

A re-run of a finished batch is mostly files it already loaded: those are recognised by hashing
them where they are against one list of the batch's loaded files read up front, with no copy and
no query or transaction per file; every other file takes the full path.

No entry stops the batch (issue 14): one with nothing to read (a refused or dangling link, a file
gone before it was read) is a `skipped` row with its reason; a link to a file of the batch is that
file again (a duplicate); a manifest that cannot be used is set aside with the row and the reason,
and its problems are kept on the run for the report. A file naming only erased people is never
stored again (a `skipped` row without its name); one shared with an erased person is listed
without its name (`loaders.erasure.listing_after_erasure`). Working copies are made under this
process's own directory (`sohoa.pipeline.workdir`).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import math
import os
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from extractors.errors import InputDocumentError
from extractors.sniff import sniff
from loaders import batches
from loaders.erasure import (
    ERASED_ONLY,
    TOMBSTONE,
    erasure_mark,
    erasure_marks,
    listing_after_erasure,
)
from loaders.models import BatchFile, Document, FileStatus
from sohoa.pipeline import workdir
from sohoa.pipeline.erasure import ERASED_CODE, ERASED_MESSAGE, clear_written_back
from sohoa.pipeline.errors import step_boundary
from sohoa.pipeline.quarantine import quarantine_file
from sohoa.pipeline.sources import (
    STORE_SOURCE_PREFIX,
    EntryUnreadable,
    Skip,
    Source,
    SourceFile,
    StoreSource,
    open_regular,
)
from sohoa.runtime import Runtime
from storage import ObjectExists, layout

log = logging.getLogger(__name__)

# Chunks are what Airflow maps over: small enough to spread work, few enough to stay far under
# max_map_length (1024) for a batch of 10,000 files.
MIN_CHUNK_SIZE = 8
MAX_CHUNKS = 256


@dataclass
class IntakeResult:
    batch: str
    run_id: int
    files: int = 0
    new: int = 0
    already_done: int = 0
    quarantined: int = 0
    duplicates: int = 0  # same bytes as another file of this batch: one document, both names kept
    skipped: int = 0  # nothing to read (a refused link, a vanished file) or only erased people
    manifest_missing: list[str] = field(default_factory=list)  # manifest rows with no file
    # What was wrong with manifest.csv: {"row", "code", "message"}, no cell values.
    manifest_problems: list[dict[str, Any]] = field(default_factory=list)
    manifest_refused: bool = False
    chunks: int = 0

    def chunk_refs(self) -> list[dict[str, object]]:
        """What crosses Airflow tasks: the batch name and a chunk number, nothing personal."""
        return [{"batch": self.batch, "chunk": i} for i in range(self.chunks)]


def chunk_size_for(count: int) -> int:
    return max(MIN_CHUNK_SIZE, math.ceil(count / MAX_CHUNKS))


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _sha256_in_place(path: Path) -> str | None:
    """The sha256 of a regular file where it lies; None when it is gone, unreadable or not a
    regular file any more (the full path then says why)."""
    try:
        fd = open_regular(path)
    except EntryUnreadable:
        return None
    digest = hashlib.sha256()
    try:
        with os.fdopen(fd, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


def intake(
    runtime: Runtime,
    source: Source,
    batch: str,
    *,
    reprocess: bool = False,
    only: Collection[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    on_new: Callable[[int], None] | None = None,
) -> IntakeResult:
    """Register every file of `source` under `batch`; return how the work is chunked.

    `reprocess` chunks every file again; `only` (sha256s) chunks exactly those files again.
    `on_new(n)` is called when the n-th new file is registered (so the caller can get workers
    ready while intake goes on)."""
    layout.check_batch(batch)
    with step_boundary("intake"):
        manifest = source.read_manifest()
        listed = list(source.files())
        with runtime.session() as session:
            run = batches.start_run(session, batch, source.description)
            result = IntakeResult(batch=batch, run_id=run.id, files=len(listed))
            loaded = _loaded_files(session, run.batch_id)
        result.manifest_refused = manifest.refused
        result.manifest_problems = [
            {"row": p.row, "code": p.code, "message": p.message} for p in manifest.problems
        ]
        for problem in manifest.problems:
            log.warning("manifest of batch=%s: %s (row %s)", batch, problem.code, problem.row)
        seen_names: set[str] = set()
        seen_digests: set[str] = set()
        with workdir.scratch("intake-") as tmp:
            for i, item in enumerate(listed, 1):
                seen_names.add(item.name)
                row = manifest.get(item.name)
                if item.skip is not None:
                    _skip(runtime, result, item.name, item.skip)
                elif not _already_loaded(runtime, source, item, row, loaded, seen_digests):
                    new_before = result.new
                    _intake_one(runtime, source, item, row, result, tmp, seen_digests)
                    if on_new and result.new > new_before:
                        on_new(result.new)
                else:
                    result.already_done += 1
                if progress:
                    progress(i, len(listed))
        result.manifest_missing = sorted(set(manifest.rows) - seen_names)
        with runtime.session() as session:
            run = batches.get_run(session, result.run_id)
            result.chunks = batches.assign_chunks(
                session, run, chunk_size_for, reprocess=reprocess, only=only
            )
            batches.record_run_counts(
                session,
                run,
                {
                    "files": result.files,
                    "new": result.new,
                    "already_done": result.already_done,
                    "quarantined_at_intake": result.quarantined,
                    "duplicates": result.duplicates,
                    "skipped": result.skipped,
                    "manifest_missing": len(result.manifest_missing),
                    "manifest_refused": result.manifest_refused,
                    "manifest_problems": result.manifest_problems,
                },
                manifest_missing=result.manifest_missing,
            )
    log.info(
        "intake batch=%s files=%d new=%d already_done=%d quarantined=%d duplicates=%d "
        "skipped=%d chunks=%d",
        batch,
        result.files,
        result.new,
        result.already_done,
        result.quarantined,
        result.duplicates,
        result.skipped,
        result.chunks,
    )
    return result


def _loaded_files(session: Session, batch_id: int) -> dict[str, dict[str, str]]:
    """The batch's files loaded as documents, sha256 → manifest row: one query for the batch (and
    one for erasures: a file an erasure touched always takes the full path)."""
    rows = session.execute(
        select(BatchFile.sha256, BatchFile.manifest)
        .join(Document, Document.sha256 == BatchFile.sha256)
        .where(BatchFile.batch_id == batch_id, BatchFile.status == FileStatus.LOADED)
    )
    loaded = {sha256: manifest or {} for sha256, manifest in rows if sha256}
    for sha256 in erasure_marks(session, loaded):
        del loaded[sha256]
    return loaded


def _already_loaded(
    runtime: Runtime,
    source: Source,
    item: SourceFile,
    manifest_row: dict[str, str] | None,
    loaded: dict[str, dict[str, str]],
    seen_digests: set[str],
) -> bool:
    """True when the file, hashed where it is, is one this batch already loaded and the full path
    would change nothing: its manifest row is unchanged, its original is kept and it still sniffs
    as a document (then it is what `_intake_one` counts as already done). Anything else (a source
    that must be downloaded, new bytes, a duplicate within the batch, a changed manifest row, a
    missing original) returns False and takes the full path."""
    path = source.local_path(item) if loaded else None
    if path is None:
        return False
    sha256 = _sha256_in_place(path)
    if sha256 is None or sha256 in seen_digests or sha256 not in loaded:
        return False
    if manifest_row and manifest_row != loaded[sha256]:
        return False  # register_file keeps the new row
    if not runtime.store.exists(layout.original(sha256)):
        return False  # put back by the full path
    try:
        sniff(path)
    except (InputDocumentError, OSError):
        return False  # the full path decides (quarantine, released, or skipped)
    seen_digests.add(sha256)
    return True


def _skip(runtime: Runtime, result: IntakeResult, name: str, skip: Skip) -> None:
    """An entry with nothing to read: a row without a hash, with why."""
    with runtime.session() as session:
        run = batches.get_run(session, result.run_id)
        batches.register_skipped(
            session, run, original_name=name, code=skip.code, message=skip.message
        )
    result.skipped += 1


def _intake_one(
    runtime: Runtime,
    source: Source,
    item: SourceFile,
    manifest_row: dict[str, str] | None,
    result: IntakeResult,
    tmp: Path,
    seen_digests: set[str],
) -> None:
    try:
        local = source.fetch(item, tmp / "incoming")
    except EntryUnreadable as exc:
        _skip(runtime, result, item.name, exc.skip)
        return
    try:
        _register(runtime, source, item, manifest_row, result, local, seen_digests)
    finally:
        local.unlink(missing_ok=True)


def _register(
    runtime: Runtime,
    source: Source,
    item: SourceFile,
    manifest_row: dict[str, str] | None,
    result: IntakeResult,
    local: Path,
    seen_digests: set[str],
) -> None:
    sha256 = sha256_of(local)
    size = local.stat().st_size
    if sha256 in seen_digests:
        result.duplicates += 1
        return
    seen_digests.add(sha256)
    name = item.name
    with runtime.session() as session:
        mark = erasure_mark(session, sha256)
    if mark == ERASED_ONLY:
        _erased_again(runtime, source, item, result, sha256, size)
        return
    if mark is not None:  # shared with an erased person: its name may be theirs
        name, manifest_row = listing_after_erasure(mark, name, manifest_row or {})
    try:
        media_type = sniff(local)
    except InputDocumentError as exc:
        with runtime.session() as session:
            released = batches.file_status(session, result.batch, sha256) == FileStatus.RELEASED
        if released:  # a person dropped it (`sohoa quarantine release`): leave it be
            result.already_done += 1
            return
        quarantine_file(runtime, result.batch, sha256, local, exc.reason_code, exc.message)
        with runtime.session() as session:
            run = batches.get_run(session, result.run_id)
            batches.register_file(
                session,
                run,
                sha256=sha256,
                original_name=name,
                size=size,
                media_type="",
                manifest=manifest_row,
            )
            batches.mark_quarantined(session, result.batch, sha256, exc.reason_code, exc.message)
        result.quarantined += 1
        return
    # Content-addressed: if the key exists, the same bytes are already kept (a re-run asks
    # first rather than copying every file again only to be refused).
    key = layout.original(sha256)
    if not runtime.store.exists(key):
        with contextlib.suppress(ObjectExists):
            runtime.store.put_file(key, local, content_type=str(media_type), overwrite=False)
    with runtime.session() as session:
        run = batches.get_run(session, result.run_id)
        row, already_loaded = batches.register_file(
            session,
            run,
            sha256=sha256,
            original_name=name,
            size=size,
            media_type=str(media_type),
            manifest=manifest_row,
        )
        earlier_quarantine = row.status == FileStatus.QUARANTINED
        released = row.status == FileStatus.RELEASED
    if released:
        result.already_done += 1  # dropped by a person; re-runs leave it alone
    elif earlier_quarantine:
        result.quarantined += 1  # set aside by an earlier run; `sohoa quarantine retry` redoes it
    elif already_loaded:
        result.already_done += 1
    else:
        result.new += 1


def _erased_again(
    runtime: Runtime,
    source: Source,
    item: SourceFile,
    result: IntakeResult,
    sha256: str,
    size: int,
) -> None:
    """A file naming only erased people came back: it is not stored (what an earlier run put
    back goes), our own inbox's copy goes as erasure took it, and the batch lists it as skipped
    with neither its name nor its manifest row."""
    clear_written_back(runtime, sha256, ERASED_ONLY)
    if isinstance(source, StoreSource) and source.description.startswith(STORE_SOURCE_PREFIX):
        source.store.delete(source.prefix + item.location)
    with runtime.session() as session:
        run = batches.get_run(session, result.run_id)
        batches.register_skipped(
            session,
            run,
            original_name=TOMBSTONE,
            code=ERASED_CODE,
            message=ERASED_MESSAGE,
            sha256=sha256,
            size=size,
        )
    result.skipped += 1
