"""Tesseract whose region reading crashes (the helper process dying on a crop), as
`extractors.ocr.tesseract` reports it; pages are read for real."""

from __future__ import annotations

from PIL import Image

from extractors.errors import OcrEngineError
from extractors.ocr.engine import Segmentation
from extractors.ocr.tesseract import TesseractEngine
from extractors.records import Word


class RegionCrash(TesseractEngine):
    name = "region-crash"

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
        raise OcrEngineError(
            "Tesseract gặp lỗi khi nhận dạng trang này",
            detail="tesseract helper exited with -11 (injected)",
        )
