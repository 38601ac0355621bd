"""The OCR engine interface and the registry that picks one by name (e.g. "tesseract")."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, runtime_checkable

from PIL import Image

from extractors.records import Word


@runtime_checkable
class OcrEngine(Protocol):
    """Recognizes the words of one page image; boxes are in that image's pixels."""

    name: str

    def version(self) -> str:
        """Engine version, recorded with each page (it changes the words)."""
        ...

    def recognize(self, image: Image.Image, *, lang: str, timeout: int) -> list[Word]:
        """Words in reading order with `line`/`block` set; raises OcrEngineError subclasses."""
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
