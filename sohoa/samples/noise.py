"""Scanner and phone-photo degradations, driven by a seeded numpy generator.

- ``none``: the clean render.
- ``light``: slight contrast/brightness change, ±0.5° skew, slight blur, faint speckle and sensor
  noise, a mild JPEG round trip.
- ``heavy``: ±2.5° skew, stronger blur, uneven lighting, low contrast, speckle (dust and pepper),
  sensor noise, a rough JPEG round trip.
- ``real``: a flatbed scan is degraded as ``heavy``; the level also turns on the real corpus's
  conditions (sohoa/samples/conditions.py), phone photos and screenshots among them
  (sohoa/samples/capture.py)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np
from PIL import Image

Noise = Literal["none", "light", "heavy", "real"]
NOISE_LEVELS: tuple[str, ...] = ("none", "light", "heavy", "real")


@dataclass(frozen=True)
class Degraded:
    image: Image.Image
    skew_degrees: float  # counter-clockwise rotation applied to the content


def _rotate(a: np.ndarray, angle: float, fill: float) -> np.ndarray:
    h, w = a.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(
        a,
        m,
        (w, h),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=(fill,) * 3,
    )


def _jpeg_roundtrip(a: np.ndarray, quality: int) -> np.ndarray:
    buf = io.BytesIO()
    Image.fromarray(a).save(buf, "JPEG", quality=quality)
    return np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"))


def degrade(img: Image.Image, level: str, rng: np.random.Generator) -> Degraded:
    if level == "none":
        return Degraded(img, 0.0)
    if level not in NOISE_LEVELS:
        raise ValueError(f"unknown noise level {level!r}")
    heavy = level in ("heavy", "real")
    a = np.asarray(img.convert("RGB"), dtype=np.uint8)
    h, w = a.shape[:2]

    # skew (paper not square on the glass)
    angle = float(rng.uniform(-2.5, 2.5) if heavy else rng.uniform(-0.5, 0.5))
    paper = 250.0 if not heavy else 235.0
    a = _rotate(a, angle, paper)
    f = a.astype(np.float32)

    # contrast / brightness
    if heavy:
        lo, hi = rng.uniform(45, 75), rng.uniform(195, 225)
    else:
        lo, hi = rng.uniform(0, 15), rng.uniform(240, 255)
    f = lo + f * (hi - lo) / 255.0

    # uneven lighting: a tilted plane times a soft vignette
    if heavy:
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        gx, gy = rng.uniform(-0.25, 0.25, size=2)
        plane = 1.0 + gx * (xx / w - 0.5) + gy * (yy / h - 0.5)
        cx, cy = rng.uniform(0.3, 0.7) * w, rng.uniform(0.3, 0.7) * h
        r2 = ((xx - cx) / w) ** 2 + ((yy - cy) / h) ** 2
        vignette = 1.0 - rng.uniform(0.15, 0.3) * r2 / r2.max()
        f *= (plane * vignette)[..., None]

    # blur
    sigma = float(rng.uniform(0.9, 1.4) if heavy else rng.uniform(0.3, 0.6))
    f = cv2.GaussianBlur(f, (0, 0), sigma)

    # sensor noise
    f += rng.normal(0, 7.0 if heavy else 2.0, size=(h, w, 1)).astype(np.float32)

    # speckle: dark dust dots (and light pepper when heavy)
    n_dark = int(h * w * (4e-4 if heavy else 2e-5))
    ys, xs = rng.integers(0, h, n_dark), rng.integers(0, w, n_dark)
    radii = rng.integers(1, 3 if heavy else 2, n_dark)
    shades = rng.uniform(40, 140, n_dark)
    for y, x, r, s in zip(ys, xs, radii, shades, strict=True):
        cv2.circle(f, (int(x), int(y)), int(r) - 1 if r > 1 else 0, (float(s),) * 3, -1)
    if heavy:
        n_light = int(h * w * 2e-4)
        ys, xs = rng.integers(0, h, n_light), rng.integers(0, w, n_light)
        f[ys, xs] = 245.0

    a = np.clip(f, 0, 255).astype(np.uint8)
    a = _jpeg_roundtrip(a, int(rng.integers(35, 55)) if heavy else int(rng.integers(80, 90)))
    return Degraded(Image.fromarray(a), round(angle, 3))
