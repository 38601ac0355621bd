"""Shared fixtures: the real documents, one tesseract engine, and a session cache of read pages
(OCR costs 1–2 s a page, so each real file is read at most once per test session)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from extractors.ocr import get_engine
from extractors.ocr.engine import OcrEngine
from extractors.options import ReadOptions
from extractors.reading import read_document
from extractors.records import PageText

REAL = Path(__file__).parents[1] / "data/real"


def require_real() -> Path:
    """The real documents kept in the repository (tests/data/real, provenance in its README)."""
    assert REAL.is_dir(), f"real documents missing at {REAL}: they are part of the repository"
    return REAL


@pytest.fixture(scope="session")
def real() -> Path:
    return require_real()


@pytest.fixture(scope="session")
def tesseract() -> OcrEngine:
    return get_engine("tesseract")


@pytest.fixture(scope="session")
def read_pages(tesseract: OcrEngine) -> Callable[[Path], list[PageText]]:
    """Read a file once per session with the default options; later calls reuse the pages."""
    cache: dict[Path, list[PageText]] = {}

    def read(path: Path) -> list[PageText]:
        if path not in cache:
            cache[path] = [page for page, _ in read_document(path, ReadOptions(), tesseract)]
        return cache[path]

    return read
