"""Redoing one file on purpose: `sohoa reprocess` and `sohoa quarantine retry` share this.

A redo ignores the extraction cache (OCR and extraction run again, with the language or type
given), then loads the result: the loader keeps the earlier extraction as a version and writes a
new one only when the content differs, so a redo with the same settings changes nothing in the
warehouse. A file that still fails goes back to quarantine with its new reason.

Files set aside at intake (not a PDF or image, empty, …) never reached `originals/`; their only
copy is the quarantine one, so it is sniffed again first and kept as an original once it passes.

Erasure is sticky: a file naming only erased people is not redone (`skipped`, with why) and its
quarantine copy is never made an original again; one shared with an erased person is read again
for the others, and loaded straight from memory (nothing derived from it is stored).
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass

from extractors.errors import InputDocumentError
from extractors.sniff import sniff
from loaders import batches
from loaders.erasure import ERASED_ONLY, TOMBSTONE, erasure_mark
from loaders.errors import NotFound
from loaders.journal import audit
from loaders.review_log import chosen_types
from sohoa.pipeline import workdir
from sohoa.pipeline.erasure import ERASED_CODE, ERASED_MESSAGE, clear_written_back
from sohoa.pipeline.errors import PermanentStepError, step_boundary
from sohoa.pipeline.load_step import load_file
from sohoa.pipeline.quarantine import quarantine_file
from sohoa.pipeline.report import build_report, save_report
from sohoa.pipeline.sources import check_type_hint
from sohoa.pipeline.steps import process_one, record_outcome
from sohoa.runtime import Runtime
from storage import ObjectExists, layout

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RedoResult:
    """What a redo did; no file name (the CLI adds it back from the warehouse)."""

    batch: str
    sha256: str
    status: str  # "loaded" | "quarantined" | "skipped" (names only erased people)
    reason_code: str = ""
    reason_message: str = ""
    document_id: int | None = None
    new_version: int | None = None  # None: the extraction did not change


def redo_file(
    runtime: Runtime,
    batch: str,
    sha256: str,
    *,
    lang: str | None = None,
    hint: str | None = None,
    action: str = "document.reprocess",
    ocr_timeout: int | None = None,
) -> RedoResult:
    """Process `sha256` of `batch` again from its original and load it if it now works.

    `hint` None keeps the type a steward chose for the document, else the manifest's hint.
    `action` names the audit entry. `ocr_timeout` (seconds per page) gives this file longer than
    the setting."""
    with step_boundary("redo"), runtime.session() as session:
        rows = batches.find_files(session, sha256, batch=batch)
        if not rows:
            raise NotFound(f"file {sha256[:12]} is not listed in batch {batch!r}")
        manifest_hint = rows[0][1].manifest.get("type_hint")
        steward_hint = chosen_types(session, [sha256]).get(sha256)
        mark = erasure_mark(session, sha256)
    hint = hint or steward_hint or manifest_hint
    if mark == ERASED_ONLY:
        return _erased_again(runtime, batch, sha256, action, lang, hint)
    media_type = _restore_original(runtime, batch, sha256)
    if media_type is None:
        with step_boundary("redo"), runtime.session() as session:
            row = batches.find_files(session, sha256, batch=batch)[0][1]
            result = RedoResult(
                batch, sha256, "quarantined", row.reason_code or "", row.reason_message or ""
            )
            _audit(runtime, action, result, lang, hint)
        return result

    with step_boundary("redo"), runtime.session() as session:
        batches.reopen_file(session, batch, sha256, media_type=media_type)
    with workdir.owned_tempdir():
        outcome = process_one(
            runtime,
            batch,
            sha256,
            hint=hint,
            lang=lang,
            reprocess=True,
            ocr_timeout=ocr_timeout,
        )
    loaded = record_outcome(runtime, batch, outcome)
    if outcome.status in ("quarantined", "skipped"):
        result = RedoResult(
            batch, sha256, outcome.status, outcome.reason_code, outcome.reason_message
        )
    else:
        if loaded is None:  # shared with an erased person: loaded from memory already
            with step_boundary("load"):
                loaded = load_file(runtime, batch, sha256)
        _drop_quarantine_copy(runtime, batch, sha256)
        result = RedoResult(
            batch,
            sha256,
            "loaded",
            document_id=loaded.document_id,
            new_version=loaded.new_version,
        )
    _audit(runtime, action, result, lang, hint)
    log.info("redo sha256=%s batch=%s -> %s", sha256[:12], batch, result.status)
    return result


def _erased_again(
    runtime: Runtime, batch: str, sha256: str, action: str, lang: str | None, hint: str | None
) -> RedoResult:
    """A file naming only erased people is not redone: what earlier runs put back goes (its
    original, derived objects, this batch's quarantine copy) and its row says why."""
    with step_boundary("redo"):
        clear_written_back(runtime, sha256, ERASED_ONLY)
        _drop_quarantine_copy(runtime, batch, sha256)
        with runtime.session() as session:
            batches.mark_skipped(
                session, batch, sha256, ERASED_CODE, ERASED_MESSAGE, original_name=TOMBSTONE
            )
    result = RedoResult(batch, sha256, "skipped", ERASED_CODE, ERASED_MESSAGE)
    _audit(runtime, action, result, lang, hint)
    return result


def _restore_original(runtime: Runtime, batch: str, sha256: str) -> str | None:
    """Make sure `originals/<sha256>` exists; return its media type, or None when the file is
    still not a document (its quarantine reason is refreshed)."""
    store = runtime.store
    with step_boundary("redo"):
        if store.exists(layout.original(sha256)):
            with runtime.session() as session:
                row = batches.find_files(session, sha256, batch=batch)[0][1]
            return row.media_type or "application/octet-stream"
        with workdir.scratch("redo-") as tmp:
            local = store.download(layout.quarantine(batch, sha256), tmp / "file")
            try:
                media_type = str(sniff(local))
            except InputDocumentError as exc:
                quarantine_file(runtime, batch, sha256, local, exc.reason_code, exc.message)
                with runtime.session() as session:
                    batches.mark_quarantined(session, batch, sha256, exc.reason_code, exc.message)
                return None
            with contextlib.suppress(ObjectExists):
                store.put_file(
                    layout.original(sha256), local, content_type=media_type, overwrite=False
                )
            return media_type


def _drop_quarantine_copy(runtime: Runtime, batch: str, sha256: str) -> None:
    """The file is a document now: its quarantine copy and reason go (the original stays)."""
    with step_boundary("redo"):
        runtime.store.delete(layout.quarantine(batch, sha256))
        runtime.store.delete(layout.quarantine_reason(batch, sha256))


def _audit(
    runtime: Runtime, action: str, result: RedoResult, lang: str | None, hint: str | None
) -> None:
    with step_boundary("audit"), runtime.session() as session:
        audit(
            session,
            action,
            document_id=result.document_id,
            detail={
                "batch": result.batch,
                "sha256": result.sha256,
                "outcome": result.status,
                "reason_code": result.reason_code or None,
                "new_version": result.new_version,
                "lang": lang,
                "type_hint": hint,
            },
        )


def reprocess_files(
    runtime: Runtime,
    sha256s: list[str],
    *,
    batch: str | None = None,
    lang: str | None = None,
    hint: str | None = None,
    ocr_timeout: int | None = None,
) -> list[RedoResult]:
    """`sohoa reprocess`: resolve each sha256 (or prefix of 6+ digits) to one file, recorded in
    `batch` or else in the latest batch that lists it, and redo it. Every name is checked before
    any work starts, so a typo does not leave half the list redone."""
    with step_boundary("check the type"):
        check_type_hint(hint)
    targets: list[tuple[str, str]] = []
    with step_boundary("find files"), runtime.session() as session:
        for given in sha256s:
            value = given.strip().lower()
            if len(value) < 6 or any(c not in "0123456789abcdef" for c in value):
                raise PermanentStepError(f"{given[:70]!r} is not a sha256 (or a 6+ digit prefix)")
            rows = batches.find_files(session, value, batch=batch)
            digests = {f.sha256 for _, f in rows}
            if len(digests) != 1:
                where = f" in batch {batch!r}" if batch else ""
                what = "no file" if not digests else f"{len(digests)} files"
                raise PermanentStepError(f"{given[:12]} names {what}{where}")
            name, row = rows[-1]  # the latest batch that lists it
            targets.append((name, row.sha256))
    results = [
        redo_file(runtime, b, s, lang=lang, hint=hint, ocr_timeout=ocr_timeout) for b, s in targets
    ]
    for name in sorted({b for b, _ in targets}):
        with step_boundary("report"):
            save_report(runtime, build_report(runtime, name))
    return results
