"""Make a page image easier for OCR, and map OCR boxes back to the page image.

Modest and fast on purpose: grayscale, a working resolution (low-resolution phone photos are
upscaled, very large renders downscaled), contrast stretch, small-angle deskew, and a median filter
only when the page is speckled. Binarization is left to tesseract (its Otsu is good on clean scans;
ours would not be better without tuning).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageOps

from extractors.options import ReadOptions
from extractors.records import Box, Word

# Long side of the working image: about an A4 page at 200–300 dpi.
MIN_LONG_SIDE = 1600  # smaller images (phone photos, 70 dpi scans) are upscaled to this
# (2200 read the blurred copy of page_scans/4_1 worse: word F1 0.75 against 0.84 at 1600)
MAX_LONG_SIDE = 4200  # larger ones are downscaled to this
MAX_UPSCALE = 3.0
DESKEW_MAX_DEGREES = 5.0
DESKEW_MIN_DEGREES = 0.3  # below this, rotating costs sharpness for nothing
NOISE_THRESHOLD = 6.0  # mean |image - median(image)| on the page background, in grey levels


@dataclass(frozen=True)
class Prepared:
    """The image to OCR and how its pixels map back to the page image's pixels."""

    image: Image.Image
    scale: float  # prepared pixels per page-image pixel
    angle: float  # degrees the page was rotated (counter-clockwise) to deskew it
    notes: tuple[str, ...]
    page_size: tuple[int, int]  # the page image's (width, height)
    _to_page: tuple[tuple[float, float, float], tuple[float, float, float]] = (
        (1.0, 0.0, 0.0),
        (0.0, 1.0, 0.0),
    )

    def map_box(self, box: Box) -> Box:
        """A box on the prepared image as the enclosing box on the page image."""
        (a, b, c), (d, e, f) = self._to_page
        xs, ys = [], []
        for x, y in (
            (box.left, box.top),
            (box.right, box.top),
            (box.left, box.bottom),
            (box.right, box.bottom),
        ):
            xs.append(a * x + b * y + c)
            ys.append(d * x + e * y + f)
        width, height = self.page_size
        left = int(max(0, min(width - 1, np.floor(min(xs)))))
        top = int(max(0, min(height - 1, np.floor(min(ys)))))
        right = int(max(left + 1, min(width, np.ceil(max(xs)))))
        bottom = int(max(top + 1, min(height, np.ceil(max(ys)))))
        return Box(left, top, right - left, bottom - top)

    def map_words(self, words: list[Word]) -> list[Word]:
        return [
            Word(w.text, self.map_box(w.box), w.confidence, line=w.line, block=w.block)
            for w in words
        ]


def identity(image: Image.Image) -> Prepared:
    """No preprocessing: OCR the page image as it is."""
    return Prepared(image, 1.0, 0.0, (), image.size)


def prepare_for_ocr(image: Image.Image, options: ReadOptions) -> Prepared:
    """Grayscale, rescale, stretch contrast, deskew and (if speckled) denoise `image`."""
    if not options.preprocess:
        return identity(image)
    notes: list[str] = []
    gray = np.asarray(ImageOps.autocontrast(image.convert("L"), cutoff=0.5))
    height, width = gray.shape
    long_side = max(width, height)
    scale = 1.0
    if long_side < MIN_LONG_SIDE:
        scale = min(MAX_UPSCALE, MIN_LONG_SIDE / long_side)
    elif long_side > MAX_LONG_SIDE:
        scale = MAX_LONG_SIDE / long_side
    if scale != 1.0:
        interpolation = cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA
        gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=interpolation)
        notes.append(f"rescaled x{scale:.2f}")
    noise = _background_noise(gray)
    if noise > NOISE_THRESHOLD:
        gray = cv2.medianBlur(gray, 3)
        notes.append("median filter (speckled page)")
    angle = estimate_skew(gray)
    # Forward: page → scaled → rotated about the scaled image's center.
    forward = np.array([[scale, 0.0, 0.0], [0.0, scale, 0.0], [0.0, 0.0, 1.0]])
    if abs(angle) >= DESKEW_MIN_DEGREES:
        h, w = gray.shape
        rotation = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        gray = cv2.warpAffine(gray, rotation, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)
        forward = np.vstack([rotation, [0, 0, 1]]) @ forward
        notes.append(f"deskewed {angle:+.1f}°")
    else:
        angle = 0.0
    inverse = np.linalg.inv(forward)
    to_page = (tuple(float(v) for v in inverse[0]), tuple(float(v) for v in inverse[1]))
    return Prepared(Image.fromarray(gray), scale, angle, tuple(notes), image.size, to_page)


def estimate_skew(gray: np.ndarray) -> float:
    """Skew angle in degrees (projection-profile search on a small binarized copy)."""
    h, w = gray.shape
    factor = 800 / max(h, w)
    small = cv2.resize(gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    _, ink = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    if ink.mean() < 1.0:  # nearly blank page: nothing to align
        return 0.0
    sh, sw = ink.shape
    center = (sw / 2, sh / 2)

    def score(angle: float) -> float:
        rotation = cv2.getRotationMatrix2D(center, angle, 1.0)
        rotated = cv2.warpAffine(ink, rotation, (sw, sh), flags=cv2.INTER_NEAREST, borderValue=0)
        rows = rotated.sum(axis=1, dtype=np.float64)
        return float(np.square(np.diff(rows)).sum())

    coarse = np.arange(-DESKEW_MAX_DEGREES, DESKEW_MAX_DEGREES + 0.01, 0.5)
    best = max(coarse, key=score)
    fine = np.arange(best - 0.4, best + 0.41, 0.1)
    return round(float(max(fine, key=score)), 2)


def _background_noise(gray: np.ndarray) -> float:
    """How speckled the light part of the page is (salt-and-pepper noise, sensor grain)."""
    small = gray[::2, ::2]
    smooth = cv2.medianBlur(small, 3)
    background = smooth > 160
    if background.sum() < 1000:
        return 0.0
    diff = np.abs(small.astype(np.int16) - smooth.astype(np.int16))
    return float(diff[background].mean())
