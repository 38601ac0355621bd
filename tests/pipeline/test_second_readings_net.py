"""When an engine error escapes the second readings, the pipeline keeps the first reading (the
file is not lost) and still does what needs no engine: the file's digital signatures are recorded
and every doubtful value says why."""

from __future__ import annotations

import pytest

from extractors.errors import OcrEngineError
from extractors.ocr.fake import FakeEngine
from extractors.records import Extraction, Field
from sohoa.pipeline import process

SIGNATURE = {"signer": "UBND tỉnh Quảng Ngãi", "signed_at": "2025-01-16T09:00:00+07:00",
             "intact": True}  # fmt: skip


def test_an_escaped_engine_error_keeps_the_first_reading_with_signatures_and_reasons(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def crashing(*args: object, **kwargs: object) -> Extraction:
        raise OcrEngineError("Tesseract dừng đột ngột", detail="injected")

    monkeypatch.setattr(process, "finish_extraction", crashing)  # the failure injected
    first = Extraction(
        sha256="0" * 64,
        doc_type="admin_document",
        fields=(Field("number_symbol", "86/QĐ-UBND", "86/QĐ-UBND", 0.6),),
    )
    kept = process._second_readings(first, [], {}, FakeEngine(), [SIGNATURE])
    assert kept.value("number_symbol") == "86/QĐ-UBND"
    assert kept.provenance["signatures"][0]["signer"] == "UBND tỉnh Quảng Ngãi"
    assert [f.field for f in kept.findings if f.field] == ["number_symbol"]  # says why it is low
