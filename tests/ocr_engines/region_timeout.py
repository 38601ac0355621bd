"""Tesseract whose region reading runs out of time (a crop on a loaded machine), as
`extractors.ocr.tesseract` reports it, at once (the test need not wait it out); pages are read
for real."""

from __future__ import annotations

from extractors.errors import OcrEngineError, OcrTimeout
from tests.ocr_engines.failing_regions import FailingRegions


class RegionTimeout(FailingRegions):
    name = "region-timeout"

    def failure(self, timeout: int) -> OcrEngineError:
        return OcrTimeout(
            "Nhận dạng chữ (OCR) một trang quá thời gian cho phép",
            detail=f"tesseract helper: no answer in {timeout} s (injected)",
        )
