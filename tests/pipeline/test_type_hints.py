"""A document type a person names (`sohoa reprocess --type`, `sohoa quarantine retry --type`, the
DAG's `type_hint`) is checked before any work: an unknown one is refused with the list of types,
where it used to become `internal_error` after the OCR of every file (issue 14)."""

from __future__ import annotations

import pytest

from sohoa.pipeline.errors import PermanentStepError
from sohoa.pipeline.quarantine_ops import retry
from sohoa.pipeline.redo import reprocess_files
from sohoa.pipeline.steps import process_chunk
from sohoa.runtime import Runtime


@pytest.mark.parametrize(
    "call",
    [
        lambda rt: reprocess_files(rt, ["3fa94c1b20"], hint="giay_to_la"),
        lambda rt: retry(rt, "3fa94c1b20", hint="giay_to_la"),
        lambda rt: process_chunk(rt, "lo-1", 0, hint="giay_to_la"),
    ],
    ids=["reprocess", "quarantine retry", "DAG process"],
)
def test_an_unknown_type_is_refused_before_any_work(runtime: Runtime, call: object) -> None:
    with pytest.raises(PermanentStepError) as refused:
        call(runtime)  # type: ignore[operator]
    message = str(refused.value)
    assert "unknown document type 'giay_to_la'" in message
    assert "id_card" in message and "birth_certificate" in message
