"""The warehouse side of retention (`sohoa.pipeline.retention`): which files may go, and what the
warehouse records when they do.

The store decides nothing by itself: every original or derived object is deleted only when the
warehouse says its document no longer needs it. The one hard rule, checked here and again just
before each delete: an original that a non-rejected document or a file still to process needs is
never deleted.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from loaders.db import translate_db_errors
from loaders.journal import audit
from loaders.models import Batch, BatchFile, Document, DocumentStatus, FileStatus

AUDIT_ACTION = "retention.apply"
_CHUNK = 500  # sha256s per IN (…) list: well under every driver's parameter limit
_SETTLED = (DocumentStatus.VERIFIED, DocumentStatus.REJECTED)
# A file in these states will still be (or is being) read from `originals/`.
_PENDING_FILE = (FileStatus.REGISTERED, FileStatus.PROCESSED, FileStatus.QUARANTINED)


def _chunks(values: Collection[str]) -> Iterator[list[str]]:
    items = sorted(values)
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


@translate_db_errors()
def settled_before(session: Session, sha256s: Collection[str], cutoff: datetime) -> set[str]:
    """Of `sha256s`, the documents verified or rejected and unchanged since before `cutoff`: their
    derived objects can go (a re-run rebuilds them from the original)."""
    found: set[str] = set()
    for chunk in _chunks(sha256s):
        found.update(
            session.scalars(
                select(Document.sha256).where(
                    Document.sha256.in_(chunk),
                    Document.status.in_(_SETTLED),
                    Document.updated_at < cutoff,
                )
            )
        )
    return found


@translate_db_errors()
def rejected_before(session: Session, cutoff: datetime) -> list[str]:
    """sha256 of the documents rejected and unchanged since before `cutoff`."""
    return list(
        session.scalars(
            select(Document.sha256)
            .where(Document.status == DocumentStatus.REJECTED, Document.updated_at < cutoff)
            .order_by(Document.id)
        )
    )


@translate_db_errors()
def needed_originals(
    session: Session, sha256s: Collection[str], *, releasing: Collection[tuple[str, str]] = ()
) -> set[str]:
    """Of `sha256s`, the originals something still needs: a document that is not rejected, or a
    batch file still to process or still in quarantine (a retry reads the original) — except the
    quarantined (batch, sha256) listings in `releasing`, which this run releases."""
    releasing = set(releasing)
    needed: set[str] = set()
    for chunk in _chunks(sha256s):
        needed.update(
            session.scalars(
                select(Document.sha256).where(
                    Document.sha256.in_(chunk), Document.status != DocumentStatus.REJECTED
                )
            )
        )
        pending = session.execute(
            select(Batch.name, BatchFile.sha256)
            .join(Batch, Batch.id == BatchFile.batch_id)
            .where(BatchFile.sha256.in_(chunk), BatchFile.status.in_(_PENDING_FILE))
        )
        needed.update(sha256 for name, sha256 in pending if (name, sha256) not in releasing)
    return needed


@translate_db_errors()
def documents_of(session: Session, sha256s: Collection[str]) -> set[str]:
    """Of `sha256s`, those that are documents (whatever their status)."""
    found: set[str] = set()
    for chunk in _chunks(sha256s):
        found.update(session.scalars(select(Document.sha256).where(Document.sha256.in_(chunk))))
    return found


@translate_db_errors()
def release_expired(session: Session, files: Sequence[tuple[str, str]]) -> int:
    """Quarantined files (batch, sha256) whose quarantine copy retention deleted become
    `released`: the batch still accounts for them, a retry is no longer offered."""
    released = 0
    for batch, sha256 in files:
        batch_id = select(Batch.id).where(Batch.name == batch).scalar_subquery()
        result = session.execute(
            update(BatchFile)
            .where(
                BatchFile.batch_id == batch_id,
                BatchFile.sha256 == sha256,
                BatchFile.status == FileStatus.QUARANTINED,
            )
            .values(status=FileStatus.RELEASED)
        )
        released += result.rowcount or 0
    return released


def record_run(session: Session, detail: dict[str, Any]) -> None:
    """One audit entry per retention run: the windows and the counts (no personal data)."""
    audit(session, AUDIT_ACTION, detail=detail)
    session.flush()
