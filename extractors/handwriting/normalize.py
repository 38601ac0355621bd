"""A glyph as the model's input: the training script and the reader both call `model_input`, so
what the model learned from is exactly what it is shown."""

from __future__ import annotations

import cv2
import numpy as np

SIZE = 32  # the model's input is SIZE × SIZE, one channel
FIT = 24  # the glyph's longer side is scaled to FIT pixels, its aspect kept, centred


def model_input(glyph: np.ndarray) -> np.ndarray:
    """`glyph` (black ink on white, uint8) as a float32 SIZE × SIZE image, ink 1.0, paper 0.0."""
    ink = (255 - glyph.astype(np.float32)) / 255.0
    ys, xs = np.nonzero(ink > 0.5)
    if len(xs) == 0:
        return np.zeros((SIZE, SIZE), np.float32)
    ink = ink[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
    h, w = ink.shape
    scale = FIT / max(h, w)
    nh, nw = max(1, round(h * scale)), max(1, round(w * scale))
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    small = cv2.resize(ink, (nw, nh), interpolation=interpolation)
    out = np.zeros((SIZE, SIZE), np.float32)
    top, left = (SIZE - nh) // 2, (SIZE - nw) // 2
    out[top : top + nh, left : left + nw] = small
    return np.clip(out, 0.0, 1.0)


def batch(glyphs: list[np.ndarray]) -> np.ndarray:
    """Several glyphs as one (n, 1, SIZE, SIZE) float32 batch."""
    if not glyphs:
        return np.zeros((0, 1, SIZE, SIZE), np.float32)
    return np.stack([model_input(g) for g in glyphs])[:, None, :, :]
