"""Regions of a page image cut out for a second reading (`mrz_reread`, `card_reread`,
`boxed_digits`, `signing_reread`, the handwritten digits' second opinion), and the reader that
reads them through the OCR engine.

A band is (left, top, right, bottom) in the page image's pixels, the coordinates of the words.
"""

from __future__ import annotations

import logging

from PIL import Image

from extractors.errors import OcrEngineError
from extractors.ocr.engine import OcrEngine, Segmentation
from extractors.records import Box, Word

log = logging.getLogger(__name__)

Band = tuple[int, int, int, int]
PAD = 16  # white pixels around a cut-out: OCR misreads glyphs that touch the image edge


def inside(box: Box, band: Band) -> bool:
    """True when the centre of `box` lies in `band` (a word of the first reading there)."""
    cx, cy = box.left + box.width / 2, box.top + box.height / 2
    return band[0] <= cx <= band[2] and band[1] <= cy <= band[3]


def padded(image: Image.Image) -> Image.Image:
    """`image` (grey) on a white canvas PAD pixels larger on every side."""
    canvas = Image.new("L", (image.width + 2 * PAD, image.height + 2 * PAD), 255)
    canvas.paste(image.convert("L"), (PAD, PAD))
    return canvas


class RegionReader:
    """The engine's region reading for one second reading. A second reading is a bonus on top of
    a whole first reading: when the engine fails on a region (a crash, a crop over its time
    limit on a loaded machine), the failure is logged and every read from then on answers no
    words at once, so the caller keeps what it had and the file costs one time limit more at
    most, never its first reading."""

    def __init__(self, engine: OcrEngine, what: str) -> None:
        self._engine = engine
        self._what = what  # which second reading, for the log
        self.failed: OcrEngineError | None = None

    def read(
        self,
        image: Image.Image,
        *,
        lang: str,
        timeout: int,
        segmentation: Segmentation,
        alphabet: str | None = None,
    ) -> list[Word]:
        """Words of `image` (boxes relative to it); none once the engine has failed."""
        if self.failed is not None:
            return []
        try:
            return self._engine.read_region(
                image, lang=lang, timeout=timeout, segmentation=segmentation, alphabet=alphabet
            )
        except OcrEngineError as exc:
            self.failed = exc
            log.warning(
                "%s: second reading stopped (%s: %s); the first reading stands",
                self._what,
                exc.reason_code,
                exc.detail[:120],
            )
            return []
