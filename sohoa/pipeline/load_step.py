"""The pipeline's load step: processed files' cached extractions into the warehouse.

`load_files` is the batch path: a chunk's cached extractions go through the set-based bulk loader
(`loaders.bulk_load`) in one transaction of at most `LOAD_TRANSACTION_SIZE` documents, which also
marks the files loaded, so a crash leaves a transaction either whole or absent and a re-run loads
what is still `processed`. `load_file` is one file in its own transaction (retry, reprocess).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from extractors.records import Extraction
from loaders.bulk_load import BulkItem, load_extractions
from loaders.load import LoadResult, load_extraction
from loaders.models import Batch, BatchFile
from sohoa.pipeline.errors import PermanentStepError
from sohoa.pipeline.process import load_cached
from sohoa.runtime import Runtime

# Documents per load transaction: big enough that statements are few per document, small enough
# that a retried transaction redoes little and holds its locks briefly.
LOAD_TRANSACTION_SIZE = 200


def _cached(runtime: Runtime, sha256: str) -> BulkItem:
    record = load_cached(runtime, sha256)
    if record is None:
        raise PermanentStepError(
            f"no extraction cached for {sha256[:12]}: process the batch before loading it"
        )
    return BulkItem(
        Extraction.from_dict(record["extraction"]),
        options_fingerprint=record.get("options_fingerprint", ""),
    )


def _as_registered(session: Session, batch: str, items: list[BulkItem]) -> list[BulkItem]:
    """The items with the media type intake sniffed from each file's bytes and its size (the
    batch's registration), so that a document never goes without them."""
    rows = session.execute(
        select(BatchFile.sha256, BatchFile.media_type, BatchFile.size)
        .join(Batch, Batch.id == BatchFile.batch_id)
        .where(Batch.name == batch, BatchFile.sha256.in_([i.extraction.sha256 for i in items]))
    ).all()
    found = {sha256: (media_type, size) for sha256, media_type, size in rows}
    return [
        replace(item, media_type=found[sha][0], size=found[sha][1])
        if (sha := item.extraction.sha256) in found
        else item
        for item in items
    ]


def load_file(runtime: Runtime, batch: str, sha256: str) -> LoadResult:
    """Upsert the cached extraction of `sha256`; the load marks the batch file loaded in the
    same transaction."""
    item = _cached(runtime, sha256)
    with runtime.session() as session:
        [item] = _as_registered(session, batch, [item])
        result = load_extraction(
            session,
            item.extraction,
            batch=batch,
            media_type=item.media_type,
            size=item.size,
            options_fingerprint=item.options_fingerprint,
            auto_verify_confidence=runtime.settings.auto_verify_at,
        )
    return result


def load_files(runtime: Runtime, batch: str, sha256s: Sequence[str]) -> list[LoadResult]:
    """Load up to `LOAD_TRANSACTION_SIZE` files' cached extractions in one transaction, marking
    them loaded in it (the caller splits bigger chunks)."""
    if len(sha256s) > LOAD_TRANSACTION_SIZE:
        raise ValueError(f"at most {LOAD_TRANSACTION_SIZE} files per load transaction")
    items = [_cached(runtime, sha256) for sha256 in sha256s]
    with runtime.session() as session:
        return load_extractions(
            session,
            _as_registered(session, batch, items),
            batch=batch,
            auto_verify_confidence=runtime.settings.auto_verify_at,
        )
