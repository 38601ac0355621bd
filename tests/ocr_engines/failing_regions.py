"""The real Tesseract engine whose region reading fails the way each test engine says (pages
are read for real); it counts the region readings it was asked for."""

from __future__ import annotations

from PIL import Image

from extractors.errors import OcrEngineError
from extractors.ocr.engine import Segmentation
from extractors.ocr.tesseract import TesseractEngine
from extractors.records import Word


class FailingRegions(TesseractEngine):
    def __init__(self) -> None:
        super().__init__()
        self.region_calls = 0

    def failure(self, timeout: int) -> OcrEngineError:
        raise NotImplementedError

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
        raise self.failure(timeout)
