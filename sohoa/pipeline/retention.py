"""Retention: delete stored files once their window has passed (`sohoa retention apply`).

Personal data is kept no longer than its purpose needs (Decree 13/2023). Three windows, each a
setting; an unset window keeps everything of its kind:

- `SOHOA_RETENTION_QUARANTINE_DAYS` (default 90): a quarantined file and its reason
  (`quarantine/<batch>/<sha256>[.reason.json]`) older than this are deleted, and the file's row in
  its batch becomes `released` (as if a person had released it; the batch still accounts for it).
  Its `originals/` copy and derived objects go too when no document and no other pending or
  quarantined listing needs them (a file quarantined after intake was also kept there).
- `SOHOA_RETENTION_DERIVED_DAYS` (default unset): the derived objects (page images, `ocr.json`,
  `extraction.json`) of documents verified or rejected and unchanged for this long are deleted;
  `sohoa reprocess` rebuilds them from the original when a steward needs the page again.
- `SOHOA_RETENTION_REJECTED_ORIGINALS_DAYS` (default unset): originals (and derived objects) of
  documents rejected and unchanged for this long are deleted.

An original that a non-rejected document (verified or awaiting review) or a file still to process
needs is never deleted: the warehouse is asked again right before each original goes. The age of a
quarantine entry is its object's time in the store; the age of a document is its last change in
the warehouse. `now` moves the clock (tests, "what would go next month"); `dry_run` deletes and
records nothing. Each real run writes one audit entry with the windows and the counts.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from loaders import retention as queries
from sohoa.pipeline.errors import step_boundary
from sohoa.runtime import Runtime
from storage import ObjectStore, layout

log = logging.getLogger(__name__)

_REASON_SUFFIX = ".reason.json"


@dataclass
class RetentionReport:
    """What a run deleted (or, with `dry_run`, would delete): store keys, by kind."""

    now: datetime
    dry_run: bool
    quarantine_days: int | None
    derived_days: int | None
    rejected_originals_days: int | None
    quarantine: list[str] = field(default_factory=list)  # quarantine copies and their reasons
    released: int = 0  # batch rows that became `released`
    derived: list[str] = field(default_factory=list)  # page images, ocr.json, extraction.json
    originals: list[str] = field(default_factory=list)  # originals/<sha256>
    originals_kept: int = 0  # originals a needed document still relies on (never deleted)

    def counts(self) -> dict[str, int]:
        return {
            "quarantine_objects": len(self.quarantine),
            "released": self.released,
            "derived_objects": len(self.derived),
            "originals": len(self.originals),
            "originals_kept": self.originals_kept,
        }

    @property
    def deleted(self) -> int:
        return len(self.quarantine) + len(self.derived) + len(self.originals)


def apply_retention(
    runtime: Runtime, *, now: datetime | None = None, dry_run: bool = False
) -> RetentionReport:
    """Apply the three retention windows of the settings (see the module docstring)."""
    now = now or datetime.now(UTC)
    settings = runtime.settings
    report = RetentionReport(
        now=now,
        dry_run=dry_run,
        quarantine_days=settings.retention_quarantine_days,
        derived_days=settings.retention_derived_days,
        rejected_originals_days=settings.retention_rejected_originals_days,
    )
    store = runtime.store
    gone: set[str] = set()  # sha256s whose original goes: their derived objects go with it
    with step_boundary("retention: quarantine"):
        if report.quarantine_days is not None:
            gone |= _quarantine(
                runtime, store, now - timedelta(days=report.quarantine_days), report
            )
    with step_boundary("retention: rejected originals"):
        if report.rejected_originals_days is not None:
            cutoff = now - timedelta(days=report.rejected_originals_days)
            with runtime.session() as session:
                rejected = queries.rejected_before(session, cutoff)
            gone |= _originals(runtime, store, rejected, report)
    with step_boundary("retention: derived"):
        _derived(runtime, store, now, gone, report)
    if not dry_run:
        with step_boundary("retention: audit"), runtime.session() as session:
            queries.record_run(
                session,
                {
                    "now": now.isoformat(timespec="seconds"),
                    "quarantine_days": report.quarantine_days,
                    "derived_days": report.derived_days,
                    "rejected_originals_days": report.rejected_originals_days,
                    **report.counts(),
                },
            )
    log.info("retention%s: %s", " (dry run)" if dry_run else "", report.counts())
    return report


def _quarantine(
    runtime: Runtime, store: ObjectStore, cutoff: datetime, report: RetentionReport
) -> set[str]:
    """Delete quarantine entries older than `cutoff`; the sha256s whose original may go."""
    entries: dict[tuple[str, str], list[tuple[str, datetime]]] = defaultdict(list)
    for info in store.list("quarantine/"):
        parts = info.key.split("/")
        if len(parts) != 3:
            continue
        sha256 = parts[2].removesuffix(_REASON_SUFFIX)
        entries[(parts[1], sha256)].append((info.key, info.modified))
    expired = {
        pair: objects
        for pair, objects in entries.items()
        if max(modified for _, modified in objects) < cutoff
    }
    for objects in expired.values():
        keys = sorted(key for key, _ in objects)
        report.quarantine += keys
        if not report.dry_run:
            for key in keys:
                store.delete(key)
    pairs = sorted(expired)
    if not report.dry_run and pairs:
        with runtime.session() as session:
            report.released = queries.release_expired(session, pairs)
    # The original of a file that never became a document goes when nothing else needs it (the
    # listings released now do not count, so a dry run answers as the real run will).
    candidates = {sha256 for _, sha256 in pairs}
    with runtime.session() as session:
        documents = queries.documents_of(session, candidates)
    return _originals(runtime, store, sorted(candidates - documents), report, releasing=set(pairs))


def _originals(
    runtime: Runtime,
    store: ObjectStore,
    sha256s: list[str],
    report: RetentionReport,
    *,
    releasing: set[tuple[str, str]] | None = None,
) -> set[str]:
    """Delete the originals of `sha256s` that nothing needs; the sha256s whose original goes."""
    with runtime.session() as session:
        needed = queries.needed_originals(session, sha256s, releasing=releasing or ())
    gone: set[str] = set()
    for sha256 in sha256s:
        key = layout.original(sha256)
        if sha256 in needed:
            report.originals_kept += int(store.exists(key))
            continue
        gone.add(sha256)
        if key in report.originals or not store.exists(key):
            continue
        report.originals.append(key)
        if not report.dry_run:
            store.delete(key)
    return gone


def _derived(
    runtime: Runtime, store: ObjectStore, now: datetime, gone: set[str], report: RetentionReport
) -> None:
    """Delete derived objects of settled documents past the window, and of deleted originals."""
    by_sha: dict[str, list[str]] = defaultdict(list)
    for info in store.list("derived/"):
        parts = info.key.split("/")
        if len(parts) >= 3:
            by_sha[parts[1]].append(info.key)
    doomed = {s for s in by_sha if s in gone}
    if report.derived_days is not None:
        cutoff = now - timedelta(days=report.derived_days)
        with runtime.session() as session:
            doomed |= queries.settled_before(session, set(by_sha) - doomed, cutoff)
    for sha256 in sorted(doomed):
        keys = sorted(by_sha[sha256])
        report.derived += keys
        if not report.dry_run:
            for key in keys:
                store.delete(key)
