"""Loading one processed file into the warehouse: one transaction per document."""

from __future__ import annotations

from extractors.records import Extraction
from loaders.load import LoadResult, load_extraction
from sohoa.pipeline.errors import PermanentStepError
from sohoa.pipeline.process import load_cached
from sohoa.runtime import Runtime


def load_file(runtime: Runtime, batch: str, sha256: str) -> LoadResult:
    """Upsert the cached extraction of `sha256`; the load marks the batch file loaded in the
    same transaction."""
    record = load_cached(runtime, sha256)
    if record is None:
        raise PermanentStepError(
            f"no extraction cached for {sha256[:12]}: process the batch before loading it"
        )
    extraction = Extraction.from_dict(record["extraction"])
    with runtime.session() as session:
        result = load_extraction(
            session,
            extraction,
            batch=batch,
            options_fingerprint=record.get("options_fingerprint", ""),
            auto_verify_confidence=runtime.settings.auto_verify_confidence,
        )
    return result
