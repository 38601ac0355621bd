"""The cleaned ink of a gap cut into glyphs, left to right.

Handwritten digits rarely touch, but one digit is often several blobs (a "5" whose top bar is
lifted, a "4" in two strokes, a crossed "7"): blobs that stand over each other are one glyph, and a
small blob (a bar, a flag) joins the glyph it stands over. Touching digits are split by the
reader, which can ask the model whether a cut reads better (`split`).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

TALL = 0.3  # a blob shorter than this share of the ink's height is a part, never a glyph alone
OVERLAP = 0.5  # share of the narrower blob's width that must stand over the other to join it


@dataclass(frozen=True)
class Glyph:
    """One glyph: black ink on white, trimmed; `left`/`right`/`top` place it in the gap's ink."""

    image: np.ndarray
    left: int
    right: int
    top: int

    @property
    def width(self) -> int:
        return self.right - self.left

    @property
    def height(self) -> int:
        return int(self.image.shape[0])


def cut_glyphs(ink: np.ndarray) -> list[Glyph]:
    """The glyphs of `ink` (black on white, as `ink.clean_digits` leaves it), left to right."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(255 - ink, connectivity=8)
    height = ink.shape[0]
    tall = [i for i in range(1, count) if stats[i][3] >= TALL * height]
    parts = [i for i in range(1, count) if stats[i][3] < TALL * height]
    groups: list[list[int]] = []
    spans: list[tuple[int, int]] = []
    for i in sorted(tall, key=lambda i: stats[i][0]):
        left, right = int(stats[i][0]), int(stats[i][0] + stats[i][2])
        if spans and _overlap(spans[-1], (left, right)) >= OVERLAP * min(
            right - left, spans[-1][1] - spans[-1][0]
        ):
            groups[-1].append(i)
            spans[-1] = (min(spans[-1][0], left), max(spans[-1][1], right))
            continue
        groups.append([i])
        spans.append((left, right))
    for i in parts:
        span = (int(stats[i][0]), int(stats[i][0] + stats[i][2]))
        best = max(range(len(spans)), key=lambda g: _overlap(spans[g], span), default=None)
        if best is not None and _overlap(spans[best], span) >= OVERLAP * (span[1] - span[0]):
            groups[best].append(i)
    return [_glyph(labels, group) for group in groups]


def split(glyph: Glyph, column: int) -> tuple[Glyph, Glyph] | None:
    """`glyph` cut at `column` (relative to its left) into two trimmed glyphs; None when a side
    holds no ink."""
    sides = []
    for left, part in ((0, glyph.image[:, :column]), (column, glyph.image[:, column:])):
        trimmed = _trimmed(part)
        if trimmed is None:
            return None
        image, x0, x1, y0 = trimmed
        sides.append(Glyph(image, glyph.left + left + x0, glyph.left + left + x1, glyph.top + y0))
    return sides[0], sides[1]


def _glyph(labels: np.ndarray, group: list[int]) -> Glyph:
    mask = np.isin(labels, group)
    ys, xs = np.nonzero(mask)
    top, bottom, left, right = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    image = np.where(mask[top:bottom, left:right], 0, 255).astype(np.uint8)
    return Glyph(image, int(left), int(right), int(top))


def _trimmed(image: np.ndarray) -> tuple[np.ndarray, int, int, int] | None:
    ys, xs = np.nonzero(image == 0)
    if len(xs) == 0:
        return None
    trimmed = image[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
    return trimmed, int(xs.min()), int(xs.max() + 1), int(ys.min())


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))
