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
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from loaders.erasure import (
    ErasureResult,
    FileCopy,
    documents_only_about,
    erase_subject,
    file_copies,
    find_person,
)
from loaders.journal import audit
from sohoa.pipeline.errors import step_boundary
from sohoa.pipeline.sources import STORE_SOURCE_PREFIX
from sohoa.runtime import Runtime
from storage import ObjectNotFound, ObjectStore, layout

log = logging.getLogger(__name__)

STORE_AUDIT_ACTION = "subject.erase.store"


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
