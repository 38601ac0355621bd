"""Working the quarantine without the Airflow UI: list, retry, release (`sohoa quarantine …`).

- **list**: the files set aside, with their batch, original name (from the warehouse) and reason.
- **retry**: process a quarantined file again (after a fix, or with another language or type, or
  with more time per page for an `ocr_timeout`) and load it when it now works; its quarantine copy
  goes, the original stays. Still failing: it stays in quarantine with the new reason. A file
  naming only erased people is not redone (it becomes `skipped`).
- **release**: a person decides a file will never be a document (a blank page, a photo scanned by
  mistake): the file's row in the batch becomes `released` — kept, so the batch still accounts for
  every file, with its last reason — its quarantine copy and reason are deleted from the store, and
  an audit entry records who released it and why. Re-runs of the batch leave a released file alone
  (`--reprocess` too); only naming it explicitly (`sohoa reprocess`, `sha256s`) takes it up again.

Short sha256 prefixes are accepted; a prefix that names several files must be made longer.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from loaders import batches
from loaders.errors import NotFound
from loaders.models import FileStatus
from sohoa.pipeline.errors import PermanentStepError, step_boundary
from sohoa.pipeline.redo import RedoResult, redo_file
from sohoa.pipeline.report import build_report, save_report
from sohoa.pipeline.sources import check_type_hint
from sohoa.runtime import Runtime
from storage import layout

log = logging.getLogger(__name__)

MIN_PREFIX = 6  # shorter prefixes name too many files to be a deliberate choice


@dataclass(frozen=True)
class QuarantinedFile:
    batch: str
    sha256: str
    original_name: str  # for the person at the console only: never logged, never in keys
    reason_code: str
    reason_message: str
    since: datetime


def list_quarantine(runtime: Runtime, batch: str | None = None) -> list[QuarantinedFile]:
    """Every quarantined file (of `batch`, if given), oldest first."""
    with step_boundary("list quarantine"), runtime.session() as session:
        rows = batches.find_files(session, batch=batch, status=FileStatus.QUARANTINED)
        return [
            QuarantinedFile(
                name,
                f.sha256,
                f.original_name,
                f.reason_code or "",
                f.reason_message or "",
                f.updated_at,
            )
            for name, f in rows
        ]


def retry(
    runtime: Runtime,
    sha256: str | None = None,
    *,
    batch: str | None = None,
    lang: str | None = None,
    hint: str | None = None,
    ocr_timeout: int | None = None,
) -> list[RedoResult]:
    """Retry one quarantined file (by sha256 prefix, optionally within `batch`) or every
    quarantined file of `batch`; refresh the batch reports; return what became of each.
    `ocr_timeout` gives each page of these files that many seconds (an `ocr_timeout` file)."""
    if sha256 is None and batch is None:
        raise PermanentStepError("name a file (SHA256) or a batch (--batch) to retry")
    if ocr_timeout is not None and ocr_timeout < 1:
        raise PermanentStepError("--timeout is a number of seconds per page, at least 1")
    with step_boundary("check the type"):
        check_type_hint(hint)
    targets = _resolve(runtime, sha256, batch, status=FileStatus.QUARANTINED)
    results = [
        redo_file(
            runtime,
            b,
            s,
            lang=lang,
            hint=hint,
            action="quarantine.retry",
            ocr_timeout=ocr_timeout,
        )
        for b, s in targets
    ]
    _refresh_reports(runtime, {b for b, _ in targets})
    return results


def release(
    runtime: Runtime, sha256: str, *, batch: str, note: str = "", by: str = ""
) -> tuple[str, str]:
    """Drop a quarantined file of `batch` (see the module docstring); return (batch, sha256).

    The warehouse row changes first, then the store copies go: a crash in between leaves only
    copies that a second `release` removes (a released file may be released again, harmlessly)."""
    if not note.strip():
        raise PermanentStepError("say why the file is released (--note): it goes in the audit log")
    with step_boundary("release"), runtime.session() as session:
        found = batches.find_files(session, _prefix(sha256), batch=batch)
        if len(found) != 1:
            raise _not_one(sha256, batch, len(found))
        full = found[0][1].sha256
        if found[0][1].status != FileStatus.RELEASED:
            batches.release_file(session, batch, full, note=note.strip(), by=by)
    with step_boundary("release"):
        runtime.store.delete(layout.quarantine(batch, full))
        runtime.store.delete(layout.quarantine_reason(batch, full))
    _refresh_reports(runtime, {batch})
    log.info("released sha256=%s from quarantine of batch=%s", full[:12], batch)
    return batch, full


def _resolve(
    runtime: Runtime, sha256: str | None, batch: str | None, *, status: str
) -> list[tuple[str, str]]:
    with step_boundary("find files"), runtime.session() as session:
        if sha256 is None:
            assert batch is not None
            batches.latest_run(session, batch)  # NotFound names the batch when it does not exist
            rows = batches.find_files(session, batch=batch, status=status)
            return [(b, f.sha256) for b, f in rows]
        rows = batches.find_files(session, _prefix(sha256), batch=batch, status=status)
        if len({f.sha256 for _, f in rows}) != 1:
            raise _not_one(sha256, batch, len(rows), status)
        return [(b, f.sha256) for b, f in rows]


def _prefix(sha256: str) -> str:
    value = sha256.strip().lower()
    if len(value) < MIN_PREFIX or any(c not in "0123456789abcdef" for c in value):
        raise PermanentStepError(
            f"{sha256[:70]!r} is not a sha256 (or a prefix of at least {MIN_PREFIX} hex digits)"
        )
    return value


def _not_one(
    sha256: str, batch: str | None, found: int, status: str = FileStatus.QUARANTINED
) -> PermanentStepError:
    where = f" in batch {batch!r}" if batch else ""
    if found == 0:
        return PermanentStepError(
            f"no {status} file {sha256[:12]}{where} (see `sohoa quarantine list`)"
        )
    return PermanentStepError(
        f"{sha256[:12]} names {found} files{where}: give more digits, or --batch"
    )


def _refresh_reports(runtime: Runtime, names: set[str]) -> None:
    """Rewrite `reports/<batch>.json` so the stored report matches the quarantine."""
    for name in sorted(names):
        try:
            with step_boundary("report"):
                save_report(runtime, build_report(runtime, name))
        except PermanentStepError as exc:
            if not isinstance(exc.__cause__, NotFound):
                raise
