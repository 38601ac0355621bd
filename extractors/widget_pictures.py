"""Words that an e-office system drew as pictures inside a text-layer PDF's form widgets.

Some systems stamp the number and the day into the signed file as pictures in signature widgets
(real dev half: dhxdhn-1089-qd, "Số: 1089/QĐ-ĐHXDHN", "ngày 24 tháng 6"): the text layer says
"Số: /QĐ-ĐHXDHN" and "ngày tháng năm 2025", and the page reads as a document without its number
and date. `extractors.pages` keeps what the header's picture widgets draw, their ink alone; here
each run of that ink is read by the OCR engine as one line, and its words join the text layer's.

They are OCR, not the document's own characters: each word's confidence stays under the
structured-value floor (`extractors.confidence.STRUCTURED_MIN_WORD`), so a number or a date made
with one goes to a steward.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import cv2
import numpy as np

from extractors.ocr.engine import OcrEngine, Segmentation
from extractors.options import ReadOptions
from extractors.pages import Picture
from extractors.records import Box, Word
from extractors.regions import PAD, RegionReader, padded

PICTURE_WORD_CAP = 0.9  # under STRUCTURED_MIN_WORD (0.95): never auto-accepted
MIN_CONFIDENCE = 0.5  # a reading less sure than this is the picture's noise, not a word
MIN_HEIGHT = 8  # pixels: smaller runs of ink are dots and specks


def read_pictures(
    pictures: Sequence[Picture], engine: OcrEngine, options: ReadOptions
) -> list[Word]:
    """The words of the pictures' ink, boxes in the page image's pixels."""
    reader = RegionReader(engine, "widget pictures")
    out: list[Word] = []
    for picture in pictures:
        for left, top, width, height in ink_runs(np.asarray(picture.ink.convert("L"))):
            crop = picture.ink.crop((left, top, left + width, top + height))
            words = reader.read(
                padded(crop),
                lang=options.lang,
                timeout=options.ocr_timeout,
                segmentation=Segmentation.LINE,
            )
            for w in words:
                if w.confidence < MIN_CONFIDENCE or not any(ch.isalnum() for ch in w.text):
                    continue
                box = Box(
                    picture.box.left + left + w.box.left - PAD,
                    picture.box.top + top + w.box.top - PAD,
                    w.box.width,
                    w.box.height,
                )
                out.append(replace(w, box=box, confidence=min(w.confidence, PICTURE_WORD_CAP)))
    return out


def ink_runs(gray: np.ndarray) -> list[tuple[int, int, int, int]]:
    """(left, top, width, height) of each run of ink on one line: glyphs closer than a glyph's
    height to each other are one run ("1089"), farther ones apart ("24" … "6")."""
    ink = (gray < 128).astype(np.uint8)
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    heights = [int(stats[i][3]) for i in range(1, count) if stats[i][3] >= MIN_HEIGHT]
    if not heights:
        return []
    height = int(np.median(heights))
    joined = cv2.dilate(ink, np.ones((max(1, height // 4), max(1, height)), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    runs = []
    for i in range(1, count):
        left, top, width, tall, _ = (int(v) for v in stats[i])
        if tall >= MIN_HEIGHT and width >= MIN_HEIGHT // 2:
            runs.append((left, top, width, tall))
    return sorted(runs, key=lambda r: (r[1], r[0]))
