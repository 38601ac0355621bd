"""An engine that returns the words it was given: for tests of everything after OCR."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PIL import Image

from extractors.records import Word


class FakeEngine:
    """Returns `words` for every page, or `pages[i]` for the i-th call; records the images seen."""

    name = "fake"

    def __init__(
        self,
        words: Sequence[Word] = (),
        *,
        pages: Sequence[Sequence[Word]] | None = None,
        error: Callable[[], Exception] | None = None,
    ) -> None:
        self._words = list(words)
        self._pages = [list(p) for p in pages] if pages is not None else None
        self._error = error
        self.calls: list[tuple[int, int]] = []  # image sizes, in call order

    def version(self) -> str:
        return "fake 1"

    def recognize(self, image: Image.Image, *, lang: str, timeout: int) -> list[Word]:
        self.calls.append(image.size)
        if self._error is not None:
            raise self._error()
        if self._pages is not None:
            return self._pages[len(self.calls) - 1] if len(self.calls) <= len(self._pages) else []
        return list(self._words)
