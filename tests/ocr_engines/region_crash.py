"""Tesseract whose region reading crashes (the helper process dying on a crop), as
`extractors.ocr.tesseract` reports it; pages are read for real."""

from __future__ import annotations

from extractors.errors import OcrEngineError
from tests.ocr_engines.failing_regions import FailingRegions


class RegionCrash(FailingRegions):
    name = "region-crash"

    def failure(self, timeout: int) -> OcrEngineError:
        return OcrEngineError(
            "Tesseract gặp lỗi khi nhận dạng trang này",
            detail="tesseract helper exited with -11 (injected)",
        )
