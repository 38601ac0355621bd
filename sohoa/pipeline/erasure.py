"""Erasing a person everywhere: the warehouse (`loaders.erasure`) and the object store.

Order, chosen so that a crash at any point loses nothing that should be kept and a second run
finishes the job:

1. **Inbox copies** (`inbox/<batch>/<name>` of batches run from our own store) of the documents
   that are only about the person are deleted first, while the warehouse still knows their names
   (erasure tombstones them); each is checked against the file's sha256 before it goes. Their
   original is still in `originals/`, so nothing needed is lost if step 2 then fails.
2. **The warehouse** is erased in one transaction (see `loaders.erasure`).
3. **Store objects**, after the commit:
   - documents only about the person: `originals/<sha256>`, every `derived/<sha256>/…` object
     (page images, `ocr.json`, `extraction.json`) and any quarantine copy and reason;
   - documents shared with other subjects: every `derived/<sha256>/…` object (the page images,
     the OCR words and the cached extraction all hold the person's data) — the **original is
     kept**, because the other subjects' verified record rests on it (the decree allows keeping
     data another person's rights or a legal duty require). The review page then has no page
     image until someone runs `sohoa reprocess` on it — which re-reads the scan, person included,
     so it is for a steward to decide, not a default.
4. An audit entry `subject.erase.store` records the counts.

Running the command again with the subject's public id (the old number no longer finds them)
repeats steps 3 and 4 for the documents the first erasure recorded, so a crash after the commit is
finished by a re-run. Logs name the subject by public id only, never by number or name.

**Erasure is sticky** (docs/DESIGN.md): intake, processing, `quarantine retry` and `reprocess` ask
`loaders.erasure.erasure_marks` (by content hash) before they store or read a file again; this
module says what must then not exist (`clear_written_back`). Working copies left by killed
processes (`sohoa.pipeline.workdir`) are swept here too. `repair_erasures` (`sohoa subjects
repair-erasures`) removes what runs wrote back before erasure was sticky.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from loaders.erasure import (
    ERASED_ONLY,
    ErasureResult,
    FileCopy,
    documents_only_about,
    erase_subject,
    erasure_marks,
    file_copies,
    find_person,
    scrub_event_dates,
    scrub_listings,
)
from loaders.journal import audit
from sohoa.pipeline import workdir
from sohoa.pipeline.errors import step_boundary
from sohoa.pipeline.sources import STORE_SOURCE_PREFIX
from sohoa.runtime import Runtime
from storage import ObjectNotFound, ObjectStore, layout

log = logging.getLogger(__name__)

STORE_AUDIT_ACTION = "subject.erase.store"
REPAIR_AUDIT_ACTION = "subject.erase.repair"
# A file naming only erased people, met again (intake, processing, a retry): skipped, and why.
ERASED_CODE = "erased_subject"
ERASED_MESSAGE = (
    "Tệp này chỉ chứa dữ liệu của người đã được xóa theo yêu cầu (Nghị định 13/2023/NĐ-CP): "
    "không lưu và không xử lý lại. Không cần làm gì thêm; nên xóa tệp khỏi thư mục nguồn."
)


@dataclass(frozen=True)
class ErasureReport:
    """What was erased, in counts and ids (safe to print and to log)."""

    warehouse: ErasureResult
    originals_deleted: int
    originals_kept: int  # originals of shared documents, kept for the other subjects
    derived_deleted: int  # page images, ocr.json, extraction.json
    inbox_deleted: int
    quarantine_deleted: int

    @property
    def public_id(self) -> str:
        return self.warehouse.public_id

    def counts(self) -> dict[str, int]:
        return {
            **self.warehouse.counts(),
            "originals_deleted": self.originals_deleted,
            "originals_kept": self.originals_kept,
            "derived_deleted": self.derived_deleted,
            "inbox_deleted": self.inbox_deleted,
            "quarantine_deleted": self.quarantine_deleted,
        }


def erase_subject_everywhere(
    runtime: Runtime, key: str, principal_id: int | None, reason: str
) -> ErasureReport:
    """Erase the person named by `key` (12-digit ID, 9-digit CMND or public id) from the warehouse
    and the store; see the module docstring for the order and what is kept."""
    store = runtime.store
    with step_boundary("erase: find the person"), runtime.session() as session:
        subject = find_person(session, key)
        public_id = subject.public_id
        inbox = (
            []
            if subject.erased_at is not None
            else _inbox_keys(file_copies(session, documents_only_about(session, subject)))
        )
    with step_boundary("erase: inbox copies"):
        inbox_deleted = sum(_delete_if_same(store, k, sha256) for k, sha256 in inbox)
    with step_boundary("erase: warehouse"), runtime.session() as session:
        result = erase_subject(
            session, key_or_public_id=public_id, principal_id=principal_id, reason=reason
        )
    with step_boundary("erase: store"):
        workdir.sweep()  # copies left by killed runs may be theirs
        with runtime.session() as session:
            quarantined = file_copies(session, result.owned_sha256s)
        originals = sum(_delete(store, layout.original(s)) for s in result.owned_sha256s)
        derived = sum(
            _delete_prefix(store, layout.derived(s, ""))
            for s in [*result.owned_sha256s, *result.shared_sha256s]
        )
        quarantine = sum(
            _delete(store, layout.quarantine(c.batch, c.sha256))
            + _delete(store, layout.quarantine_reason(c.batch, c.sha256))
            for c in quarantined
        )
    report = ErasureReport(
        warehouse=result,
        originals_deleted=originals,
        originals_kept=len(result.shared_sha256s),
        derived_deleted=derived,
        inbox_deleted=inbox_deleted,
        quarantine_deleted=quarantine,
    )
    with step_boundary("erase: audit"), runtime.session() as session:
        audit(
            session,
            STORE_AUDIT_ACTION,
            subject_public_id=public_id,
            principal_id=principal_id,
            detail={
                "repeat": result.already_erased,
                "originals_deleted": originals,
                "originals_kept": report.originals_kept,
                "derived_deleted": derived,
                "inbox_deleted": inbox_deleted,
                "quarantine_deleted": quarantine,
            },
        )
    log.info(
        "erased subject public_id=%s (repeat=%s): %s",
        public_id,
        result.already_erased,
        report.counts(),
    )
    return report


def _inbox_keys(copies: list[FileCopy]) -> list[tuple[str, str]]:
    """Inbox keys of batches run from our own store (`store:inbox/<batch>`), with the sha256 the
    object must have. Files from a local folder or another bucket are the team's to delete."""
    keys = []
    for copy in copies:
        if not copy.source.startswith(STORE_SOURCE_PREFIX) or not copy.original_name:
            continue
        prefix = copy.source.removeprefix(STORE_SOURCE_PREFIX).strip("/")
        keys.append((f"{prefix}/{copy.original_name}", copy.sha256))
    return keys


def _delete_if_same(store: ObjectStore, key: str, sha256: str) -> int:
    """Delete `key` when it still holds the file with this sha256 (a newer upload under the same
    name is someone else's); 1 if deleted."""
    digest = hashlib.sha256()
    try:
        with store.open(key) as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    except ObjectNotFound:
        return 0
    if digest.hexdigest() != sha256:
        return 0
    store.delete(key)
    return 1


def _delete(store: ObjectStore, key: str) -> int:
    if not store.exists(key):
        return 0
    store.delete(key)
    return 1


def _delete_prefix(store: ObjectStore, prefix: str) -> int:
    keys = [info.key for info in store.list(prefix)]
    for key in keys:
        store.delete(key)
    return len(keys)


def clear_written_back(runtime: Runtime, sha256: str, mark: str) -> int:
    """Delete what must not exist for a file an erasure touched: every derived object (OCR text,
    extraction, page images) and, for a file naming only erased people, its original. Returns
    the objects deleted (0 when nothing had been written back)."""
    store = runtime.store
    deleted = _delete_prefix(store, layout.derived(sha256, ""))
    if mark == ERASED_ONLY:
        deleted += _delete(store, layout.original(sha256))
    return deleted


@dataclass(frozen=True)
class RepairReport:
    """What `repair_erasures` found and removed (counts only: safe to print and to log)."""

    files_checked: int  # files an erasure touched
    originals_deleted: int
    derived_deleted: int
    quarantine_deleted: int
    listings_scrubbed: int  # batch rows naming such a file, written after its erasure
    events_scrubbed: int  # change events of erased people that still carried a date
    working_dirs_removed: int  # temporary copies left by processes that are gone

    def counts(self) -> dict[str, int]:
        return dict(self.__dict__)


def repair_erasures(
    runtime: Runtime, principal_id: int | None = None, *, dry_run: bool = False
) -> RepairReport:
    """Remove what runs made before erasure was sticky brought back for erased people: originals
    of files naming only them, derived objects of every file an erasure touched, quarantine
    copies, names and manifest rows of later batch listings, dates in their change events, and
    working copies of killed runs. Idempotent; `dry_run` counts without changing anything."""
    store = runtime.store
    with step_boundary("repair: find erased files"), runtime.session() as session:
        marks = erasure_marks(session)
        copies = file_copies(session, [s for s, m in marks.items() if m == ERASED_ONLY])
    with step_boundary("repair: store"):
        originals = derived = quarantine = 0
        for sha256, mark in sorted(marks.items()):
            derived_keys = [i.key for i in store.list(layout.derived(sha256, ""))]
            original = mark == ERASED_ONLY and store.exists(layout.original(sha256))
            derived += len(derived_keys)
            originals += int(original)
            if not dry_run:
                clear_written_back(runtime, sha256, mark)
        for copy in copies:
            keys = [layout.quarantine(copy.batch, copy.sha256)]
            keys.append(layout.quarantine_reason(copy.batch, copy.sha256))
            found = [k for k in keys if store.exists(k)]
            quarantine += len(found)
            if not dry_run:
                for key in found:
                    store.delete(key)
        swept = 0 if dry_run else workdir.sweep().removed
    with step_boundary("repair: warehouse"), runtime.session() as session:
        listings = scrub_listings(session, marks)
        events = scrub_event_dates(session)
        if dry_run:
            session.rollback()
        else:
            audit(
                session,
                REPAIR_AUDIT_ACTION,
                principal_id=principal_id,
                detail={
                    "files_checked": len(marks),
                    "originals_deleted": originals,
                    "derived_deleted": derived,
                    "quarantine_deleted": quarantine,
                    "listings_scrubbed": listings,
                    "events_scrubbed": events,
                    "working_dirs_removed": swept,
                },
            )
    report = RepairReport(
        files_checked=len(marks),
        originals_deleted=originals,
        derived_deleted=derived,
        quarantine_deleted=quarantine,
        listings_scrubbed=listings,
        events_scrubbed=events,
        working_dirs_removed=swept,
    )
    log.info("repair of erasures (dry run=%s): %s", dry_run, report.counts())
    return report
