"""The OCR engine's digit mode as a digit reader, and the vote of its readings of a gap.

An OCR engine's print model is no handwriting reader (Tesseract's reads a flagged "1" as "4" in
every way), so it is kept as an independent second opinion beside the CNN, never as the main
reading. It reads through the engine's region reading, restricted to digits: any engine behind
`extractors.ocr.OcrEngine` gives it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from extractors.handwriting.glyphs import cut_glyphs
from extractors.handwriting.protocol import DigitReader
from extractors.ocr.engine import OcrEngine, Segmentation
from extractors.regions import RegionReader

DIGITS = "0123456789"
DIGITS_LANG = "eng"  # the language the vote was measured with (bench/digits.py)
MAX_GLYPHS = 6  # more blobs than this: no per-glyph reading


class EngineDigits:
    """An OCR engine reading one line of digits (or one digit, `single_char`) from a small image.
    Once the engine fails (a crash, a time-out), it reads nothing more: the CNN's reading stands
    alone, and the document costs one time limit more at most."""

    def __init__(self, engine: OcrEngine, *, timeout: int = 20) -> None:
        self._reader = RegionReader(engine, "handwritten digits")
        self._timeout = timeout

    def read_digits(self, image: Image.Image, *, single_char: bool = False) -> str:
        words = self._reader.read(
            image,
            lang=DIGITS_LANG,
            timeout=self._timeout,
            segmentation=Segmentation.CHARACTER if single_char else Segmentation.LINE,
            alphabet=DIGITS,
        )
        return re.sub(r"\D", "", "".join(w.text for w in words))


@dataclass(frozen=True)
class Vote:
    value: str | None  # the agreed digits, None when the readings disagree or found nothing
    votes: int  # readings that gave this value
    readings: tuple[str, ...]  # every reading (for findings and tests)


def vote_digits(ink: np.ndarray, reader: DigitReader) -> Vote:
    """Read cleaned ink in several ways and vote: the whole gap as one line of digits at two
    sizes, and each glyph as one digit. A value counts only when two different ways agree and no
    other value has as many votes."""
    readings: list[tuple[str, str]] = []
    for height in (40, 64):
        readings.append((f"line{height}", reader.read_digits(sized(ink, height))))
    glyphs = cut_glyphs(ink)
    if 1 <= len(glyphs) <= MAX_GLYPHS:
        per_char = [reader.read_digits(sized(g.image, 36), single_char=True)[:1] for g in glyphs]
        readings.append(("chars", "".join(per_char) if all(per_char) else ""))
    texts = tuple(r for _, r in readings)
    counts: dict[str, set[str]] = {}
    for way, r in readings:
        if r:
            counts.setdefault(r, set()).add(way)
    if not counts:
        return Vote(None, 0, texts)
    ranked = sorted(counts.items(), key=lambda kv: -len(kv[1]))
    best, ways = ranked[0]
    if len(ways) < 2 or (len(ranked) > 1 and len(ranked[1][1]) == len(ways)):
        return Vote(None, len(ways), texts)
    return Vote(best, len(ways), texts)


def sized(ink: np.ndarray, height: int) -> Image.Image:
    """Ink scaled to `height` pixels, thresholded again and given a white margin (tesseract
    reads digits best at 30-60 px with room around them)."""
    scale = height / max(1, ink.shape[0])
    interpolation = cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA
    resized = cv2.resize(ink, None, fx=scale, fy=scale, interpolation=interpolation)
    _, resized = cv2.threshold(resized, 128, 255, cv2.THRESH_BINARY)
    margin = height // 2
    padded = cv2.copyMakeBorder(
        resized, margin, margin, margin, margin, cv2.BORDER_CONSTANT, value=255
    )
    return Image.fromarray(padded)
