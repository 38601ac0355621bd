"""A second, targeted reading of the ID-card values the first pass could not read.

Tesseract's page layout analysis sometimes drops a whole line of a card: the big bold ID number
of the 2024 card under its label is the usual victim (read as a picture), or a noisy date of
birth. The label is there, so we know where the value must be. Here the band where a missing
value is printed (under its label, or right of it on the label's row) is cut from the page image
and read as one line of text; the words of that band replace whatever the first pass had there,
and the caller extracts the page again. The second reading is accepted only when it adds values
and changes none of the values the first pass already had (`accept`), so it cannot make a card
worse; what it adds goes through the same parsing, validation and confidence as any value.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

import cv2
import numpy as np
from PIL import Image

from extractors.declaration import FieldSpec
from extractors.fields.id_card import ID_LABELS, SPECS
from extractors.fields.labelled import LabelHit, find_hits
from extractors.fields.lines import page_lines
from extractors.ocr.engine import OcrEngine, Segmentation
from extractors.records import Box, Extraction, PageSource, PageText, Word
from extractors.regions import PAD, Band, RegionReader, inside, padded

# Block numbers no OCR page uses, so each re-read band forms its own line.
REREAD_BLOCK = 20_000
BAND_HEIGHT = 2.6  # label heights below the label that the value line may take


def missing_card_fields(extraction: Extraction) -> list[str]:
    """Names of the card values the first pass left out (each has a `<name>.missing` finding)."""
    return [
        f.field
        for f in extraction.findings
        if f.field and f.code == f"{f.field}.missing" and f.field != "mrz"
    ]


def reread_card(
    extraction: Extraction,
    pages: Sequence[PageText],
    images: Mapping[int, Image.Image],
    engine: OcrEngine,
    extract_again: Callable[[Sequence[PageText]], Extraction],
    *,
    timeout: int = 30,
) -> Extraction:
    """`extraction` with the missing values found by reading their bands again: for each, the band
    right of its label, then the one under it, until a reading that `accept`s."""
    missing = missing_card_fields(extraction)
    if not missing or not pages:
        return extraction
    image = images.get(pages[0].number)
    if image is None or pages[0].source is not PageSource.OCR:
        return extraction
    variant = extraction.attributes.get("variant", "cccd_chip")
    side = extraction.attributes.get("side", "front")
    specs = {s.name: s for s in SPECS.get((variant, side), ())}
    specs["id_number"] = FieldSpec("id_number", ID_LABELS, "id12")
    reader = RegionReader(engine, "card band")
    current = list(pages)
    for n, name in enumerate(missing):
        spec = specs.get(name)
        if spec is None or spec.rows > 1:  # one line is read; addresses are left to a steward
            continue
        page = current[0]
        lines = page_lines(page)
        hit = _best_hit(find_hits(lines, (spec,)))
        if hit is None:
            continue
        label = lines[hit.line].words[hit.first : hit.last]
        label_words = {id(w) for w in label}
        for band in _bands(_label_row(label), spec, page):
            new = _read_band(image, band, reader, page, REREAD_BLOCK + n, timeout)
            if not new:
                continue
            kept = [w for w in page.words if id(w) in label_words or not inside(w.box, band)]
            notes = (*page.notes, f"{name}: re-read")
            trial = [replace(page, words=(*kept, *new), notes=notes), *current[1:]]
            candidate = extract_again(trial)
            if accept(extraction, candidate) and candidate.field(name) is not None:
                extraction, current = candidate, trial
                break
    return extraction


def _read_band(
    image: Image.Image,
    band: Band,
    reader: RegionReader,
    page: PageText,
    line_id: int,
    timeout: int,
) -> list[Word]:
    lang = page.engine.split()[-1] if page.engine else "vie"
    crop = padded(_binarized(image.crop(band)))
    return [
        replace(
            w,
            box=Box(
                w.box.left + band[0] - PAD, w.box.top + band[1] - PAD, w.box.width, w.box.height
            ),
            block=line_id,
            line=line_id,
        )
        for w in reader.read(crop, lang=lang, timeout=timeout, segmentation=Segmentation.LINE)
    ]


def accept(before: Extraction, after: Extraction) -> bool:
    """The second extraction is kept when it has more values and every value of the first is
    still there, unchanged."""
    old = {f.name: f.value for f in before.fields}
    new = {f.name: f.value for f in after.fields}
    return len(new) > len(old) and all(new.get(k) == v for k, v in old.items())


def _best_hit(hits: Sequence[LabelHit]) -> LabelHit | None:
    return max(hits, key=lambda h: h.last - h.first, default=None)


def _label_row(words: Sequence[Word]) -> Box:
    """The label's row by its words' median top and bottom: a speck or a tall mark glued to one
    word must not stretch the band where the value is looked for."""
    tops = sorted(w.box.top for w in words)
    bottoms = sorted(w.box.bottom for w in words)
    top, bottom = tops[len(tops) // 2], bottoms[len(bottoms) // 2]
    left = min(w.box.left for w in words)
    right = max(w.box.right for w in words)
    return Box(left, top, right - left, max(1, bottom - top))


def _bands(label: Box, spec: FieldSpec, page: PageText) -> list[Band]:
    """Where the value may be printed: right of the label on its row (unless the spec says the
    value is always below), then the line under the label, in the label's column."""
    h = max(label.height, 12)
    # Not past the rightmost text of the page: the card's edge and background read as letters.
    text_right = max((w.box.right for w in page.words), default=page.width)
    right = min(page.width, text_right + h)
    candidates = []
    if spec.same_row:
        candidates.append((label.right + h // 2, label.top - h // 2, right, label.bottom + h // 2))
    candidates.append(
        (label.left - h, label.bottom + h // 5, right, label.bottom + BAND_HEIGHT * h)
    )
    bands = []
    for left, top, r, bottom in candidates:
        left, top, bottom = max(0, left), max(0, top), min(page.height, bottom)
        if r - left >= 2 * h and bottom - top >= h // 2:
            bands.append((int(left), int(top), int(r), int(bottom)))
    return bands


def _binarized(image: Image.Image) -> Image.Image:
    """Otsu's threshold on the band alone: one line has one ink level, and a grey speckled band
    otherwise reads as noise (measured on heavy-noise cards)."""
    grey = np.asarray(image.convert("L"))
    _, binary = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return Image.fromarray(binary)
