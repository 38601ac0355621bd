"""An engine that returns the words it was given: for tests of everything after OCR."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PIL import Image

from extractors.ocr.engine import Segmentation
from extractors.records import Word


@dataclass(frozen=True)
class RegionCall:
    """One `read_region` call, as the fake saw it."""

    size: tuple[int, int]
    lang: str
    segmentation: Segmentation
    alphabet: str | None


class FakeEngine:
    """Returns `words` for every page, or `pages[i]` for the i-th call; `regions[i]` for the i-th
    region read (none when not given); `rotate` as every page's orientation. Records the images
    seen (`calls`, `region_calls`)."""

    name = "fake"

    def __init__(
        self,
        words: Sequence[Word] = (),
        *,
        pages: Sequence[Sequence[Word]] | None = None,
        regions: Sequence[Sequence[Word]] = (),
        rotate: int = 0,
        error: Callable[[], Exception] | None = None,
    ) -> None:
        self._words = list(words)
        self._pages = [list(p) for p in pages] if pages is not None else None
        self._regions = [list(r) for r in regions]
        self._rotate = rotate
        self._error = error
        self.calls: list[tuple[int, int]] = []  # page image sizes, in call order
        self.region_calls: list[RegionCall] = []
        self.orientation_calls = 0

    def version(self) -> str:
        return "fake 1"

    def recognize(self, image: Image.Image, *, lang: str, timeout: int) -> list[Word]:
        self.calls.append(image.size)
        if self._error is not None:
            raise self._error()
        if self._pages is not None:
            return self._pages[len(self.calls) - 1] if len(self.calls) <= len(self._pages) else []
        return list(self._words)

    def orientation(self, image: Image.Image, *, timeout: int) -> int:
        self.orientation_calls += 1
        return self._rotate

    def read_region(
        self,
        image: Image.Image,
        *,
        lang: str,
        timeout: int,
        segmentation: Segmentation,
        alphabet: str | None = None,
    ) -> list[Word]:
        self.region_calls.append(RegionCall(image.size, lang, segmentation, alphabet))
        n = len(self.region_calls)
        return list(self._regions[n - 1]) if n <= len(self._regions) else []
