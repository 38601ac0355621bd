"""Personal ID numbers written one digit per box, as application forms print them (CT01, the
birth registration form): "4. Số định danh cá nhân: |0|3|6|1|7|2|4|3|8|1|4|4|".

The first pass reads the box walls as "1", "|" or "/" between the digits, so the 12 digits come
out as "|0/3 6 17.24 38111414" and the value is missing or wrong. Here the row right of the label
is cut from the page image, the box walls are removed (long vertical and horizontal strokes,
found with a morphological opening), and the digits are read again as one line with a
digits-only recognizer. A reading of exactly 12 digits replaces the first pass's words there
and the document is extracted again. Digits in boxes are often handwritten on real forms and
nothing checks them (a personal ID has no check digit), so the value read here is always left
for a steward: its confidence is capped below the review threshold.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

import cv2
import numpy as np
from PIL import Image

from extractors.confidence import BELOW_REVIEW, REVIEW_THRESHOLD
from extractors.declaration import FieldSpec
from extractors.fields.labelled import find_hits
from extractors.fields.lines import page_lines
from extractors.ocr.engine import OcrEngine, Segmentation
from extractors.records import Box, Extraction, PageSource, PageText, Word
from extractors.regions import Band, RegionReader, inside, padded

DIGITS = "0123456789"
BOXED_CONFIDENCE = BELOW_REVIEW  # never auto-accepted (see the module notes)


def id_fields(specs: Sequence[FieldSpec]) -> list[FieldSpec]:
    """The 12-digit ID fields of a label table."""
    return [s for s in specs if s.kind == "id12"]


def reread_boxed_ids(
    extraction: Extraction,
    pages: Sequence[PageText],
    images: Mapping[int, Image.Image],
    engine: OcrEngine,
    specs: Sequence[FieldSpec],
    extract_again: Callable[[Sequence[PageText]], Extraction],
    *,
    timeout: int = 30,
) -> Extraction:
    """`extraction` with each ID field of `specs` that is missing or doubtful read again from its
    boxes; unchanged when no reading gives 12 digits or the new extraction changes another value."""
    if not pages:
        return extraction
    page = pages[0]
    image = images.get(page.number)
    if image is None or page.source is not PageSource.OCR:
        return extraction
    reader = RegionReader(engine, "boxed digits")
    current = list(pages)
    for spec in id_fields(specs):
        field = extraction.field(spec.name)
        if field is not None and field.confidence >= REVIEW_THRESHOLD:
            continue
        page = current[0]
        lines = page_lines(page)
        hits = [h for h in find_hits(lines, specs) if h.name == spec.name]
        if not hits:
            continue
        hit = hits[0]
        label = lines[hit.line].words[hit.first : hit.last]
        band = _band(label, page)
        if band is None:
            continue
        words = reader.read(
            _without_boxes(image.crop(band)),
            lang="eng",
            timeout=timeout,
            segmentation=Segmentation.LINE,
            alphabet=DIGITS,
        )
        digits = "".join(w.text for w in words)
        if len(digits) != 12 or not digits.isdigit():
            continue
        # The digits become one word on the label's OCR line, right after the label, so the
        # value is read where the form prints it (and boxed over the 12 boxes for the steward).
        last = label[-1]
        box = Box(band[0], last.box.top, band[2] - band[0], last.box.height)
        confidence = min(BOXED_CONFIDENCE, min(w.confidence for w in words))
        new = Word(digits, box, confidence, line=last.line, block=last.block)
        keep = {id(w) for w in label}
        kept: list[Word] = []
        for w in page.words:
            if id(w) in keep or not inside(w.box, band):
                kept.append(w)
            if w is last:
                kept.append(new)
        notes = (*page.notes, f"{spec.name}: digits re-read from their boxes")
        trial = [replace(page, words=tuple(kept), notes=notes), *current[1:]]
        candidate = extract_again(trial)
        if candidate.value(spec.name) == digits and _others_unchanged(
            extraction, candidate, spec.name
        ):
            extraction, current = candidate, trial
    return extraction


def _others_unchanged(before: Extraction, after: Extraction, name: str) -> bool:
    new = {f.name: f.value for f in after.fields}
    return all(new.get(f.name) == f.value for f in before.fields if f.name != name)


def _band(label: Sequence[Word], page: PageText) -> Band | None:
    """The label's row, right of the label, tall enough for the boxes around the digits."""
    heights = sorted(w.box.height for w in label)
    h = heights[len(heights) // 2]
    tops = sorted(w.box.top for w in label)
    middle = tops[len(tops) // 2] + h / 2
    left = max(w.box.right for w in label) + h // 3
    top, bottom = int(middle - 1.3 * h), int(middle + 1.3 * h)
    right = min(page.width, left + 16 * 2 * h)  # 12 boxes about 1.6 h wide each, and a margin
    top, bottom = max(0, top), min(page.height, bottom)
    if right - left < 6 * h or bottom - top < h:
        return None
    return (int(left), top, int(right), bottom)


def _without_boxes(crop: Image.Image) -> Image.Image:
    """The crop binarized, its box walls (long thin vertical and horizontal strokes) removed."""
    grey = np.asarray(crop.convert("L"))
    _, ink = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    height, width = ink.shape
    vertical = cv2.morphologyEx(
        ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(3, height * 2 // 3)))
    )
    horizontal = cv2.morphologyEx(
        ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(3, width // 8), 1))
    )
    walls = cv2.dilate(cv2.bitwise_or(vertical, horizontal), np.ones((3, 3), np.uint8))
    digits = cv2.bitwise_and(ink, cv2.bitwise_not(walls))
    # Specks of a noisy scan read as digits in a digits-only line: drop blobs far smaller than
    # a digit (a digit's stroke area is a good share of the band's height squared).
    count, labels, stats, _ = cv2.connectedComponentsWithStats(digits, connectivity=8)
    speck = max(12, (height * height) // 60)
    for i in range(1, count):
        if stats[i, cv2.CC_STAT_AREA] < speck:
            digits[labels == i] = 0
    return padded(Image.fromarray(cv2.bitwise_not(digits)))
