"""OCR engines behind one Protocol, chosen by name from a registry."""

from extractors.ocr.engine import (
    OcrEngine,
    Segmentation,
    available_engines,
    get_engine,
    register_engine,
)

__all__ = ["OcrEngine", "Segmentation", "available_engines", "get_engine", "register_engine"]
