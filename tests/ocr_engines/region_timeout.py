"""Tesseract whose region reading runs out of time (a crop on a loaded machine), as
`extractors.ocr.tesseract` reports it, at once (the test need not wait it out); pages are read
for real."""

from __future__ import annotations

from PIL import Image

from extractors.errors import OcrTimeout
from extractors.ocr.engine import Segmentation
from extractors.ocr.tesseract import TesseractEngine
from extractors.records import Word


class RegionTimeout(TesseractEngine):
    name = "region-timeout"

    def __init__(self) -> None:
        super().__init__()
        self.region_calls = 0

    def read_region(
        self,
        image: Image.Image,
        *,
        lang: str,
        timeout: int,
        segmentation: Segmentation,
        alphabet: str | None = None,
    ) -> list[Word]:
        self.region_calls += 1
        raise OcrTimeout(
            "Nhận dạng chữ (OCR) một trang quá thời gian cho phép",
            detail=f"tesseract helper: no answer in {timeout} s (injected)",
        )
