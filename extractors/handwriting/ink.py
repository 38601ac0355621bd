"""A cropped gap, cleaned down to its ink: what every digit reader here starts from."""

from __future__ import annotations

import cv2
import numpy as np

MIN_HEIGHT = 48  # a gap lower than this (a phone photo, a 100-dpi scan) is enlarged first


def clean_digits(gray: np.ndarray) -> np.ndarray | None:
    """The gap as black ink on white, flattened and thresholded, printed rules and dust removed,
    trimmed to the ink; None when there is no ink (the number was never written in)."""
    cleaned = clean_digits_at(enlarged(gray))
    return None if cleaned is None else cleaned[0]


def enlarged(gray: np.ndarray) -> np.ndarray:
    """`gray` scaled up (whole times) to at least MIN_HEIGHT rows: thresholding a gap whose digits
    are 8-12 px high merges their strokes, thresholding it enlarged keeps them apart."""
    factor = -(-MIN_HEIGHT // max(1, gray.shape[0]))
    if factor <= 1:
        return gray
    return cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)


def clean_digits_at(gray: np.ndarray) -> tuple[np.ndarray, int, int] | None:
    """`clean_digits` of a gap already `enlarged`, and where its top-left corner lies in `gray`
    (ink, left, top)."""
    size = max(15, int(gray.shape[0] * 0.8) | 1)
    background = cv2.morphologyEx(gray, cv2.MORPH_CLOSE, np.ones((size, size), np.uint8))
    flat = cv2.divide(gray, np.maximum(background, 1), scale=255)
    _, binary = cv2.threshold(flat, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    binary = _without_rules(binary)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(255 - binary, connectivity=8)
    height = gray.shape[0]
    keep = np.zeros(count, dtype=bool)
    for i in range(1, count):
        _, _, w, h, area = stats[i]
        rule = w > 3 * h and h < 0.15 * height
        keep[i] = not rule and area >= 0.002 * gray.size and h >= 0.2 * height
    if not keep.any():
        return None
    ink = np.where(keep[labels], 0, 255).astype(np.uint8)
    ys, xs = np.nonzero(ink == 0)
    top, left = int(ys.min()), int(xs.min())
    return ink[top : ys.max() + 1, left : xs.max() + 1], left, top


def _without_rules(binary: np.ndarray) -> np.ndarray:
    """`binary` (ink black) without printed rules: a horizontal run of ink longer than the gap is
    high is a rule or a run of leader dots, never a stroke of a digit written in the gap."""
    length = max(20, binary.shape[0])
    if binary.shape[1] <= length:
        return binary
    ink = 255 - binary
    rules = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, length), np.uint8))
    if not rules.any():
        return binary
    return 255 - cv2.subtract(ink, rules)
