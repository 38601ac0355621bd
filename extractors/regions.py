"""Regions of a page image cut out for a second reading (`mrz_reread`, `card_reread`,
`boxed_digits`), and the recognizer that reads them.

A band is (left, top, right, bottom) in the page image's pixels, the coordinates of the words.
"""

from __future__ import annotations

from typing import Any, Protocol

from PIL import Image

from extractors.records import Box, Word

Band = tuple[int, int, int, int]
PAD = 16  # white pixels around a cut-out: Tesseract misreads glyphs that touch the image edge


def inside(box: Box, band: Band) -> bool:
    """True when the centre of `box` lies in `band` (a word of the first reading there)."""
    cx, cy = box.left + box.width / 2, box.top + box.height / 2
    return band[0] <= cx <= band[2] and band[1] <= cy <= band[3]


def padded(image: Image.Image) -> Image.Image:
    """`image` (grey) on a white canvas PAD pixels larger on every side."""
    canvas = Image.new("L", (image.width + 2 * PAD, image.height + 2 * PAD), 255)
    canvas.paste(image.convert("L"), (PAD, PAD))
    return canvas


class RegionReader(Protocol):
    """Reads words (boxes relative to `image`) from a cut-out."""

    def recognize(self, image: Image.Image, *, lang: str, timeout: int) -> list[Word]: ...


def region_reader(engine: Any, config: str) -> RegionReader | None:
    """Tesseract with `config` (a page segmentation mode, a character whitelist) when the pipeline's
    engine is Tesseract; None for other engines (no second reading then)."""
    if getattr(engine, "name", "") != "tesseract":
        return None
    from extractors.ocr.tesseract import TesseractEngine

    return TesseractEngine(config=config)
