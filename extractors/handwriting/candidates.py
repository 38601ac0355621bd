"""Which of a few digit strings a gap's handwriting most likely is: the CNN read under constraints.

A free reading must decide every glyph on its own, and real handwriting defeats it in known ways:
a Vietnamese flagged "1" reads as "4" (real dev half: "16" → "46", "17" → "47"), two digits that
touch read as no digit at all ("20", "15" at 8-px text), a day's "1" that the print of "ngày" runs
into is taken for a print fragment. When the page itself says which values are possible (a day of
a printed month, the few days before a signed PDF's signing time), each possible value is scored
against the glyphs instead: the product of the model's probabilities of its digits, a glyph before
the first digit or after the last costing its probability of being no digit ("reject"), a wide
glyph allowed to hold two touching digits (its best cut). The caller decides what margin over the
runner-up makes a value worth proposing, and always sends it to a steward.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

from extractors.handwriting.glyphs import Glyph, cut_glyphs, split
from extractors.handwriting.model import REJECT, DigitModel, load_model
from extractors.handwriting.reader import MAX_GLYPHS, _cut_columns, upright

PAIR_WIDTH = 0.6  # a glyph at least this wide for its height may be two touching digits


@dataclass(frozen=True)
class Ranked:
    """A candidate value and how well the glyphs support it (a product of probabilities)."""

    value: str
    score: float


@dataclass(frozen=True)
class _Glyphs:
    """The glyphs' class probabilities, and for wide ones the halves of every cut tried."""

    single: np.ndarray  # (glyphs, classes)
    pairs: tuple[tuple[tuple[np.ndarray, np.ndarray], ...], ...]  # per glyph: (left, right) cuts


def rank(
    ink: np.ndarray, candidates: Iterable[str], model: DigitModel | None = None
) -> list[Ranked]:
    """`candidates` (digit strings) scored against the glyphs of `ink` (cleaned as
    `ink.clean_digits` leaves it), best first; empty when the gap holds no readable glyph."""
    glyphs = cut_glyphs(ink)
    if not glyphs or len(glyphs) > MAX_GLYPHS:
        return []
    read = _probabilities(glyphs, model or load_model())
    ranked = [Ranked(c, _score(read, tuple(int(d) for d in c))) for c in set(candidates) if c]
    return sorted(ranked, key=lambda r: (-r.score, r.value))


def _probabilities(glyphs: Sequence[Glyph], model: DigitModel) -> _Glyphs:
    single = model.probabilities([g.image for g in glyphs])
    pairs = []
    for glyph in glyphs:
        cuts: list[tuple[Glyph, Glyph]] = []
        if glyph.width >= PAIR_WIDTH * glyph.height:
            straight = upright(glyph)
            cuts = [p for c in _cut_columns(straight) if (p := split(straight, c)) is not None]
        if not cuts:
            pairs.append(())
            continue
        halves = model.probabilities([g.image for pair in cuts for g in pair])
        pairs.append(tuple((halves[2 * i], halves[2 * i + 1]) for i in range(len(cuts))))
    return _Glyphs(single, tuple(pairs))


def _score(read: _Glyphs, digits: tuple[int, ...]) -> float:
    """The best alignment of `digits` to the glyphs: leading and trailing glyphs may be no digit,
    every glyph between them is one digit, or two when it is wide."""
    n, k = len(read.single), len(digits)

    @cache
    def best(i: int, j: int) -> float:
        if i == n:
            return 1.0 if j == k else 0.0
        p = read.single[i]
        out = 0.0
        if j in (0, k):  # outside the digits: this glyph is print, a stroke, a dot
            out = float(p[REJECT]) * best(i + 1, j)
        if j < k:
            out = max(out, float(p[digits[j]]) * best(i + 1, j + 1))
        if j + 1 < k and read.pairs[i]:
            two = max(float(a[digits[j]] * b[digits[j + 1]]) for a, b in read.pairs[i])
            out = max(out, two * best(i + 1, j + 2))
        return out

    return best(0, 0)


def day_forms(day: int) -> tuple[str, ...]:
    """How a day or a month is written: "5" or "05"; "16"."""
    return (str(day), f"{day:02d}") if day < 10 else (str(day),)
