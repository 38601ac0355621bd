"""Make a page image easier for OCR, and map OCR boxes back to the page image.

Each step is here because it was measured to help Tesseract on our pages (bench/accuracy.py and
BENCHMARKS.md, "Extraction accuracy"); a step that did not pay for itself was left out:

0. **Seals faded, the sheet found.** A red seal over the signing block (most real decisions
   carry one) made Tesseract skip the block: on a colour page, strongly red pixels inside a
   round red shape larger than any letter are read in their red channel (bright: the seal
   fades, the black print over it stays; blue handwriting and red printed titles stay). A phone
   photo or a screenshot is cut to its sheet and its perspective undone (`extractors.photo`); a
   scan that fills its picture is left as it is.
1. **Resolution.** We measure the text height (median height of letter-sized ink blobs) and
   rescale towards what Tesseract reads well: a 70-dpi phone photo is upscaled; a page whose
   text is taller than 26 px (a 300-dpi scan: ~28–37 px) is read at ~20 px, the height of a
   200-dpi page — about a fifth less recognition time and no fewer words right (A4 pages at 300
   dpi: word F1 0.978 → 0.983 light noise, 0.916 → 0.942 heavy; 0.733 → 0.540 s a page).
   Boxes are mapped back to the page image's pixels.
2. **Background flattening** (the contrast step). Dividing the page by its own background (a grey
   closing wider than any stroke) removes uneven lighting, grey paper and low contrast in one go.
   On heavily degraded scans this alone cut the line CER from ~22 % to ~1 %.
3. **Deskew.** Small angles (±5°) are found with a projection profile and rotated out; lines that
   run straight are segmented as lines.
4. **Denoising, only on grainy pages** (many specks after a trial threshold): a 3×3 median before
   flattening, then Otsu and erasing connected components far smaller than the dot on an "i"
   (sized to the text height), so dust and pepper no longer become stray characters. On clean
   pages and upscaled photos we leave the grey page to tesseract: its own thresholding of a
   smooth grey page read better than our bilevel one (phone photo word F1 0.93 → 0.95).

Orientation (pages turned by 90°/180°) is handled in `extractors.reading` with Tesseract's OSD, only
when the first pass reads poorly (it costs most of a second per page).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from extractors.options import ReadOptions
from extractors.photo import find_sheet, unwarp
from extractors.records import Box, Word

# Target height of ordinary letters (median ink-blob height, ~ x-height to cap height) in pixels,
# when upscaling small text.
TARGET_TEXT_HEIGHT = 26.0
# Rescale only when the text is outside this band (resampling costs time and a little sharpness).
# ID card scans (text ~16–18 px) read better as they are: upscaling them x1.5 garbled MRZ lines
# (fields right on generated cards, light noise: 29/42 upscaled, 39/42 as they are). Generated
# 200-dpi pages measure 17.5–24.9 px and are read as they are.
MIN_TEXT_HEIGHT = 15.0
MAX_TEXT_HEIGHT = 26.0
# Taller text is brought down to this height (the working resolution of a 200-dpi page): 300-dpi
# pages read ~20–25 % faster with word F1 equal or better (16 generated A4 pages, light and heavy
# noise; born-digital pages rendered at 300 dpi: 0.980 → 0.984).
DOWNSCALE_TEXT_HEIGHT = 20.0
# Upscaling a 70-dpi photo x3 made interpolation blur that tesseract read worse than x2 (word F1
# of page_scans/4_1: 0.927 at x3, 0.951 at x2).
MAX_UPSCALE = 2.0
MIN_DOWNSCALE = 0.5
# Fallback when there are too few letters to measure: keep the long side within these bounds.
MIN_LONG_SIDE = 1600
MAX_LONG_SIDE = 4200
DESKEW_MAX_DEGREES = 5.0
DESKEW_MIN_DEGREES = 0.2  # below this, rotating costs sharpness for nothing
# Background estimate: a closing this many text heights wide (wider than any stroke, even bold).
BACKGROUND_KERNEL_TEXT_HEIGHTS = 1.2
# Ink blobs smaller than this share of (text height)² are specks (an "i" dot is about 0.04).
SPECK_AREA_SHARE = 0.012
GRAINY_SPECKS_PER_MEGAPIXEL = 50.0  # more specks than this: the page is grainy
# A pixel is red ink when its red channel exceeds both others by this much (a seal's red is
# ~(210, 40, 45); black print, grey paper and blue ink are far from it).
RED_INK_MARGIN = 60
# A seal is at least this share of the page's long side across (a 3.5–4.5 cm seal on an A4 page
# is ~0.13–0.15; a red title's letters are under 0.02).
SEAL_SHARE = 0.06
SEAL_JOIN_SHARE = 0.01  # pieces of one seal this close (share of the long side) are one shape


@dataclass(frozen=True)
class Prepared:
    """The image to OCR and how its pixels map back to the page image's pixels."""

    image: Image.Image
    scale: float  # prepared pixels per page-image pixel
    angle: float  # degrees the page was rotated (counter-clockwise) to deskew it
    notes: tuple[str, ...]
    page_size: tuple[int, int]  # the page image's (width, height)
    # Prepared pixels → page-image pixels, a projective map (a photo's sheet was unwarped).
    _to_page: tuple[tuple[float, float, float], ...] = (
        (1.0, 0.0, 0.0),
        (0.0, 1.0, 0.0),
        (0.0, 0.0, 1.0),
    )

    def map_point(self, x: float, y: float) -> tuple[float, float]:
        """A point of the prepared image in page-image pixels."""
        (a, b, c), (d, e, f), (g, h, i) = self._to_page
        w = g * x + h * y + i
        return (a * x + b * y + c) / w, (d * x + e * y + f) / w

    def map_box(self, box: Box) -> Box:
        """A box on the prepared image as the enclosing box on the page image."""
        xs, ys = [], []
        for x, y in (
            (box.left, box.top),
            (box.right, box.top),
            (box.left, box.bottom),
            (box.right, box.bottom),
        ):
            px, py = self.map_point(x, y)
            xs.append(px)
            ys.append(py)
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
    """Rescale, flatten the background, deskew, binarize and despeckle `image` for OCR."""
    if not options.preprocess:
        return identity(image)
    notes: list[str] = []
    gray, red = without_red_ink(image)
    if red:
        notes.append("seal faded")
    sheet = find_sheet(gray)
    unwarped = np.eye(3)
    if sheet is not None:
        gray = unwarp(gray, sheet)
        unwarped = sheet.homography()
        notes.append("sheet found and unwarped")
    text_height = estimate_text_height(gray)
    scale = _working_scale(gray.shape, text_height)
    if scale != 1.0:
        interpolation = cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA
        gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=interpolation)
        notes.append(f"rescaled x{scale:.2f}")
    working_height = (text_height or TARGET_TEXT_HEIGHT / scale) * scale
    flat = flatten_background(gray, working_height)
    _, specks = binarize(flat, working_height)
    grainy = specks > GRAINY_SPECKS_PER_MEGAPIXEL * gray.size / 1e6
    if grainy:
        # Grain and pepper: a 3×3 median before flattening removes most of it (measured on
        # heavy-noise scans: line CER 1.5 % → 0.5 %); on clean pages it would only cost time.
        flat = flatten_background(cv2.medianBlur(gray, 3), working_height)
        notes.append("median filter (grainy page)")
    # Too few letters to measure (a word, a stamp): a projection profile has no lines to align.
    angle = estimate_skew(flat) if text_height is not None else 0.0
    # Forward: page → sheet unwarped → scaled → rotated about the scaled image's center.
    forward = np.array([[scale, 0.0, 0.0], [0.0, scale, 0.0], [0.0, 0.0, 1.0]]) @ unwarped
    if abs(angle) >= DESKEW_MIN_DEGREES:
        h, w = flat.shape
        rotation = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        flat = cv2.warpAffine(flat, rotation, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)
        forward = np.vstack([rotation, [0, 0, 1]]) @ forward
        notes.append(f"deskewed {angle:+.1f}°")
    else:
        angle = 0.0
    binary = flat
    if grainy:
        binary, specks = binarize(flat, working_height)
        notes.append(f"{specks} specks removed")
    inverse = np.linalg.inv(forward)
    to_page = tuple(tuple(float(v) for v in row) for row in inverse)
    return Prepared(Image.fromarray(binary), scale, angle, tuple(notes), image.size, to_page)


def without_red_ink(image: Image.Image) -> tuple[np.ndarray, bool]:
    """The page in grey with its seals faded: strongly red pixels inside a round red shape larger
    than any letter (a seal's ring) take their red channel's value;
    (grey page, whether a seal was found). Red *print* (an ID card's or a certificate's red
    title: letter-sized shapes) is left as it is."""
    gray = np.asarray(image.convert("L"))
    if image.mode not in ("RGB", "RGBA"):
        return gray, False
    rgb = np.asarray(image.convert("RGB")).astype(np.int16)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    red = (r - g > RED_INK_MARGIN) & (r - b > RED_INK_MARGIN)
    if red.mean() < 1e-4:  # a few reddish pixels of JPEG noise are no ink
        return gray, False
    # A seal (its ring, the text and star inside, joined: print over it cuts the ring into arcs)
    # is one round shape wider than SEAL_SHARE of the page's long side; a red title's letters
    # join into a long, thin line, a printed red letter alone is far smaller.
    size = max(5, round(SEAL_JOIN_SHARE * max(gray.shape)) | 1)
    joined = cv2.dilate(red.astype(np.uint8), np.ones((size, size), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    seal = np.zeros_like(red)
    least = SEAL_SHARE * max(gray.shape)
    for i in range(1, count):
        x, y, w, h = stats[i, :4]
        if max(w, h) >= least and min(w, h) >= 0.5 * max(w, h):
            seal[y : y + h, x : x + w] = True
    fade = red & seal
    if not fade.any():
        return gray, False
    out = gray.copy()
    out[fade] = r[fade].astype(np.uint8)
    return out, True


def estimate_text_height(gray: np.ndarray) -> float | None:
    """Median height in pixels of letter-sized ink blobs, or None when there are too few."""
    h, w = gray.shape
    factor = min(1.0, 1600 / max(h, w))
    small = gray if factor == 1.0 else cv2.resize(gray, None, fx=factor, fy=factor)
    small = flatten_background(small, None)
    _, ink = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    heights = stats[1:, cv2.CC_STAT_HEIGHT].astype(np.float64)
    widths = stats[1:, cv2.CC_STAT_WIDTH].astype(np.float64)
    areas = stats[1:, cv2.CC_STAT_AREA].astype(np.float64)
    # Letters: not specks, not rules or frames, not photos; ink fills a fair part of their box.
    letters = (
        (heights >= 4)
        & (heights <= small.shape[0] / 15)
        & (widths <= 3 * heights)
        & (widths >= heights / 8)
        & (areas >= 0.15 * heights * widths)
    )
    if letters.sum() < 30:
        return None
    return float(np.median(heights[letters])) / factor


def _working_scale(shape: tuple[int, ...], text_height: float | None) -> float:
    if text_height is None:
        long_side = max(shape)
        if long_side < MIN_LONG_SIDE:
            return min(MAX_UPSCALE, MIN_LONG_SIDE / long_side)
        if long_side > MAX_LONG_SIDE:
            return MAX_LONG_SIDE / long_side
        return 1.0
    if MIN_TEXT_HEIGHT <= text_height <= MAX_TEXT_HEIGHT:
        return 1.0
    if text_height > MAX_TEXT_HEIGHT:
        return round(max(MIN_DOWNSCALE, DOWNSCALE_TEXT_HEIGHT / text_height), 3)
    return round(min(MAX_UPSCALE, TARGET_TEXT_HEIGHT / text_height), 3)


def flatten_background(gray: np.ndarray, text_height: float | None) -> np.ndarray:
    """The page divided by its background: white paper, dark ink, whatever the lighting was.

    The background is a grey closing (max then min filter) wider than any stroke, so ink is
    removed from it and only paper, shadows and stains remain.
    """
    size = round(BACKGROUND_KERNEL_TEXT_HEIGHTS * (text_height or max(gray.shape) / 75))
    size = max(15, size | 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (size, size))
    background = cv2.morphologyEx(gray, cv2.MORPH_CLOSE, kernel)
    return cv2.divide(gray, np.maximum(background, 1), scale=255)


def binarize(gray: np.ndarray, text_height: float) -> tuple[np.ndarray, int]:
    """Otsu on the flattened page, then erase specks; (bilevel image, specks erased)."""
    _, binary = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    min_area = max(2, int(SPECK_AREA_SHARE * text_height * text_height))
    _, labels, stats, _ = cv2.connectedComponentsWithStats(255 - binary, connectivity=8)
    small = stats[:, cv2.CC_STAT_AREA] < min_area
    small[0] = False
    specks = int(small.sum())
    if specks:
        binary[small[labels]] = 255
    return binary, specks


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
