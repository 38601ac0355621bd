"""The OCR engine interface and the registry that picks one by name (e.g. "tesseract").

Everything outside `extractors/ocr/` reads through `OcrEngine` and never asks which engine it
has: a page's words (`recognize`), which way up a page is (`orientation`) and the words of a
region cut from a page for a second reading (`read_region`, with how the region's text is laid
out and, where the caller knows it, the alphabet it is printed in).
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Protocol, runtime_checkable

from PIL import Image

from extractors.records import Word


class Segmentation(StrEnum):
    """How the text of a region is laid out, so the engine reads it as such."""

    BLOCK = "block"  # one block of lines: a signing block, the MRZ's three lines
    LINE = "line"  # one line: a card value's band, boxed digits, a handwritten number
    CHARACTER = "character"  # one glyph


@runtime_checkable
class OcrEngine(Protocol):
    """Recognizes words in images; boxes are in the given image's pixels. Every method raises
    `extractors.errors.OcrEngineError` subclasses (`OcrTimeout` past `timeout` seconds,
    `EngineMissing` when the engine or a language is not installed)."""

    name: str

    def version(self) -> str:
        """Engine version, recorded with each page (it changes the words)."""
        ...

    def recognize(self, image: Image.Image, *, lang: str, timeout: int) -> list[Word]:
        """A whole page's words in reading order, with `line`/`block` set."""
        ...

    def orientation(self, image: Image.Image, *, timeout: int) -> int:
        """Degrees (0, 90, 180, 270) to turn the page clockwise to make it upright: 0 when it is
        upright and when the engine cannot tell with confidence (the engine's own measure)."""
        ...

    def read_region(
        self,
        image: Image.Image,
        *,
        lang: str,
        timeout: int,
        segmentation: Segmentation,
        alphabet: str | None = None,
    ) -> list[Word]:
        """The words of a region cut from a page, read as `segmentation` says, recognizing only
        the characters of `alphabet` when given (e.g. the MRZ's OCR-B letters, digits)."""
        ...


_FACTORIES: dict[str, Callable[[], OcrEngine]] = {}


def register_engine(name: str, factory: Callable[[], OcrEngine]) -> None:
    """Make an engine available under `name` (tests register fakes and failure injectors)."""
    _FACTORIES[name] = factory


def available_engines() -> list[str]:
    _register_builtins()
    return sorted(_FACTORIES)


def get_engine(name: str) -> OcrEngine:
    """A new engine instance by name; KeyError names the known ones."""
    _register_builtins()
    try:
        factory = _FACTORIES[name]
    except KeyError:
        raise KeyError(f"unknown OCR engine {name!r}; known: {sorted(_FACTORIES)}") from None
    return factory()


def _register_builtins() -> None:
    if "tesseract" not in _FACTORIES:
        from extractors.ocr.tesseract import TesseractEngine

        _FACTORIES["tesseract"] = TesseractEngine
