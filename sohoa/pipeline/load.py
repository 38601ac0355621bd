"""Loading processed files into the warehouse.

`load_files` is the batch path: a chunk's cached extractions go through the set-based bulk loader
(`loaders.bulk_load`) in one transaction of at most `LOAD_TRANSACTION_SIZE` documents, which also
marks the files loaded, so a crash leaves a transaction either whole or absent and a re-run loads
what is still `processed`. `load_file` is one file in its own transaction (retry, reprocess).
"""

from __future__ import annotations

from collections.abc import Sequence

from extractors.records import Extraction
from loaders.bulk_load import BulkItem, load_extractions
from loaders.load import LoadResult, load_extraction
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


def load_file(runtime: Runtime, batch: str, sha256: str) -> LoadResult:
    """Upsert the cached extraction of `sha256`; the load marks the batch file loaded in the
    same transaction."""
    item = _cached(runtime, sha256)
    with runtime.session() as session:
        result = load_extraction(
            session,
            item.extraction,
            batch=batch,
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
            items,
            batch=batch,
            auto_verify_confidence=runtime.settings.auto_verify_at,
        )
