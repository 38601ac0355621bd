"""Reading a gap's handwritten digits with the CNN: cut the cleaned ink into glyphs, classify each,
split a glyph that reads better as two touching digits, and drop print fragments at the ends.

The result keeps the model's probability for each digit (`DigitsRead`); turning that into a
field's confidence is the caller's job, against measured evidence.
"""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

from extractors.handwriting.glyphs import Glyph, cut_glyphs, split
from extractors.handwriting.ink import clean_digits
from extractors.handwriting.model import REJECT, DigitModel, load_model
from extractors.handwriting.protocol import DigitsRead

MAX_GLYPHS = 8  # more blobs than this in a number or day gap is not a handwritten number
SURE = 0.9  # a glyph read at least this surely is not tried as two touching digits
WIDE = 0.75  # ... nor is one narrower than this share of its height
WIDE_REJECT = 0.45  # (a glyph that reads as no digit at all: from this share)
SPLIT_CANDIDATES = 10  # columns tried as the cut between two touching digits
SPLIT_FLOOR = 0.5  # a glyph that reads as no digit is cut only when both halves read this well


class CnnDigits:
    """The digit CNN as a reader: `read_ink` for the cleaned gap (digits with probabilities),
    `read_digits` for an image (the `DigitReader` protocol)."""

    def __init__(self, model: DigitModel | None = None) -> None:
        self._model = model

    @property
    def model(self) -> DigitModel:
        if self._model is None:
            self._model = load_model()
        return self._model

    def read_digits(self, image: Image.Image, *, single_char: bool = False) -> str:
        ink = clean_digits(np.asarray(image.convert("L")))
        if ink is None:
            return ""
        digits = self.read_ink(ink).digits
        return digits[:1] if single_char else digits

    def read_ink(self, ink: np.ndarray) -> DigitsRead:
        glyphs = cut_glyphs(ink)
        if not glyphs or len(glyphs) > MAX_GLYPHS:
            return DigitsRead("", ())
        probabilities = self.model.probabilities([g.image for g in glyphs])
        read: list[np.ndarray] = []
        for glyph, p in zip(glyphs, probabilities, strict=True):
            read += self._maybe_split(glyph, p, depth=2)
        while read and int(np.argmax(read[0])) == REJECT:  # "Số:", "/" of the symbol, a dot
            read.pop(0)
        while read and int(np.argmax(read[-1])) == REJECT:
            read.pop()
        digits = [int(np.argmax(p[:REJECT])) for p in read]
        return DigitsRead(
            "".join(str(d) for d in digits),
            tuple(round(float(p[d]), 4) for p, d in zip(read, digits, strict=True)),
        )

    def _maybe_split(self, glyph: Glyph, p: np.ndarray, depth: int) -> list[np.ndarray]:
        """`[p]`, or the probabilities of the two halves when a cut reads better as two digits."""
        whole = float(p[:REJECT].max())
        rejected = int(np.argmax(p)) == REJECT
        wide = glyph.width >= (WIDE_REJECT if rejected else WIDE) * glyph.height
        if depth == 0 or not wide or (whole >= SURE and not rejected):
            return [p]
        straight = upright(glyph)
        pairs = [pair for c in _cut_columns(straight) if (pair := split(straight, c)) is not None]
        if not pairs:
            return [p]
        halves = self.model.probabilities([g.image for pair in pairs for g in pair])
        scores = [
            float(halves[2 * i][:REJECT].max() * halves[2 * i + 1][:REJECT].max())
            for i in range(len(pairs))
        ]
        best = int(np.argmax(scores))
        floor = SPLIT_FLOOR if rejected else 0.0
        if scores[best] <= max(whole, floor):
            return [p]
        left, right = pairs[best]
        return self._maybe_split(left, halves[2 * best], depth - 1) + self._maybe_split(
            right, halves[2 * best + 1], depth - 1
        )


def _cut_columns(glyph: Glyph) -> list[int]:
    """Columns across the middle of a glyph where two touching digits may meet (evenly spaced:
    the column of least ink is as often inside a digit as between two)."""
    lo, hi = int(glyph.width * 0.2), int(glyph.width * 0.8)
    if hi - lo < 2:
        return []
    step = max(1, (hi - lo) // (SPLIT_CANDIDATES - 1))
    return list(range(lo, hi + 1, step))[:SPLIT_CANDIDATES]


def upright(glyph: Glyph) -> Glyph:
    """`glyph` with its slant undone (a shear by its second moments), so that a vertical cut can
    part two slanted digits that touch."""
    ink = (glyph.image == 0).astype(np.float32)
    moments = cv2.moments(ink)
    if moments["mu02"] < 1e-6:
        return glyph
    skew = moments["mu11"] / moments["mu02"]
    if abs(skew) < 0.05:
        return glyph
    h, w = ink.shape
    pad = int(abs(skew) * h / 2) + 1
    matrix = np.float32([[1, -skew, pad + skew * h / 2], [0, 1, 0]])
    sheared = cv2.warpAffine(ink, matrix, (w + 2 * pad, h), flags=cv2.INTER_NEAREST)
    xs = np.nonzero(sheared.any(axis=0))[0]
    image = np.where(sheared[:, xs.min() : xs.max() + 1] > 0, 0, 255).astype(np.uint8)
    return Glyph(image, glyph.left, glyph.left + image.shape[1], glyph.top)
