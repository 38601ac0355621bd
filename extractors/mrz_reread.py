"""A second reading of an ID card's MRZ when the first one fails its check digits.

The first pass reads the whole card with the Vietnamese print model, which knows diacritics, not
the OCR-B font of the three MRZ lines: it reads "0" as "8" or "O", "<" as "«" and drops fillers. The
MRZ is worth a second look because its check digits say at once whether a reading is right. Here
the MRZ lines' region is cut from the page image and read again with the English model
restricted to the MRZ alphabet (A–Z, 0–9, "<"), one block of lines. The new lines replace the old
ones on the page only when they pass more check digits than the first reading did; the caller then
extracts the page again, so the fields, findings and confidences come from the one extraction path.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace

from PIL import Image

from extractors.mrz import Mrz, clean_line, find_mrz
from extractors.ocr.engine import OcrEngine, Segmentation
from extractors.records import Box, PageSource, PageText, Word
from extractors.regions import Band, RegionReader

MRZ_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"
MRZ_LANG = "eng"
# Sizes the MRZ crop is read at, in order (1.0 first: it is right most of the time).
READING_SCALES = (1.0, 0.67, 1.5)
# A block number no OCR page uses, so the re-read lines form their own lines in reading order.
REREAD_BLOCK = 10_000
_MRZ_LIKE = re.compile(r"<<|[I1T][D0O]VNM|VNM<")  # on clean_line() text: no spaces, « as <<


def score(mrz: Mrz | None) -> int:
    """How many check digits hold (0 when there is no MRZ)."""
    return 0 if mrz is None else sum(c.ok for c in mrz.checks)


def reread_mrz(
    pages: Sequence[PageText],
    images: Mapping[int, Image.Image],
    engine: OcrEngine,
    *,
    timeout: int = 30,
) -> list[PageText] | None:
    """`pages` with the MRZ lines of one page replaced by a better second reading, or None when
    there is nothing to re-read or the second reading is no better than the first."""
    reader = RegionReader(engine, "mrz")
    for index, page in enumerate(pages):
        image = images.get(page.number)
        if image is None or page.source is not PageSource.OCR:
            continue
        lines = _lines(page)
        old_words = [w for line in lines if _MRZ_LIKE.search(clean_line(_text(line))) for w in line]
        if not old_words:
            continue
        before = find_mrz([_text(line) for line in lines])
        if before is not None and before.all_ok:
            return None
        region = _region(old_words, image)
        new_words, after = _best_reading(image.crop(region), region, reader, timeout)
        if score(after) <= score(before):
            return None
        old = {id(w) for w in old_words}
        kept = tuple(w for w in page.words if id(w) not in old)
        notes = (*page.notes, "mrz re-read (OCR-B alphabet)")
        out = list(pages)
        out[index] = replace(page, words=kept + tuple(new_words), notes=notes)
        return out
    return None


def _best_reading(
    crop: Image.Image, region: Band, reader: RegionReader, timeout: int
) -> tuple[list[Word], Mrz | None]:
    """The crop read at a few sizes (OCR-B glyphs read best at a certain height, and a card's
    scan size varies), the reading with most check digits holding; it stops at the first that
    passes them all."""
    best: tuple[list[Word], Mrz | None] = ([], None)
    for scale in READING_SCALES:
        image = (
            crop
            if scale == 1.0
            else crop.resize(
                (max(1, round(crop.width * scale)), max(1, round(crop.height * scale)))
            )
        )
        words = [
            replace(
                w,
                box=Box(
                    region[0] + round(w.box.left / scale),
                    region[1] + round(w.box.top / scale),
                    max(1, round(w.box.width / scale)),
                    max(1, round(w.box.height / scale)),
                ),
                block=REREAD_BLOCK,
                line=REREAD_BLOCK + w.line,
            )
            for w in reader.read(
                image,
                lang=MRZ_LANG,
                timeout=timeout,
                segmentation=Segmentation.BLOCK,
                alphabet=MRZ_ALPHABET,
            )
        ]
        mrz = find_mrz([_text(line) for line in _lines_of(words)])
        if best[1] is None or score(mrz) > score(best[1]):
            best = (words, mrz)
        if mrz is not None and mrz.all_ok:
            break
    return best


def _lines(page: PageText) -> list[list[Word]]:
    return _lines_of(page.words)


def _lines_of(words: Sequence[Word]) -> list[list[Word]]:
    lines: list[list[Word]] = []
    last: tuple[int, int] | None = None
    for w in words:
        key = (w.block, w.line)
        if key != last:
            lines.append([])
            last = key
        lines[-1].append(w)
    return lines


def _text(line: Sequence[Word]) -> str:
    return " ".join(w.text for w in line)


def _region(words: Sequence[Word], image: Image.Image) -> Band:
    """The MRZ lines' box with a margin of about one line height (OCR needs white around text)."""
    left = min(w.box.left for w in words)
    top = min(w.box.top for w in words)
    right = max(w.box.right for w in words)
    bottom = max(w.box.bottom for w in words)
    height = sorted(w.box.height for w in words)[len(words) // 2]
    return (
        max(0, int(left - height)),
        max(0, int(top - 0.6 * height)),
        min(image.width, int(right + height)),
        min(image.height, int(bottom + 0.6 * height)),
    )
