"""A second reading of an administrative document's signing block, when the first found no signer.

Tesseract's page layout analysis often drops the signing block whole: the signature and the seal
around the title and the name read as a picture, so neither "KT. THỦ TƯỚNG / PHÓ THỦ TƯỚNG" nor
the name comes out (real dev half: ttg-464-cv, vace-103-qd, daknong-syt-2734-cv). The right-hand
part of the last page, from the "Nơi nhận" row down, is cut out, cleaned as a page is (seals
faded) and read again as one block of text (`--psm 6`); its words replace the first reading's in
that region and the document is extracted again. The new reading is kept only when it adds the
signer and changes no other value; its values follow the same confidence rules (a scanned
signer always goes to a steward).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from PIL import Image

from extractors.ocr.engine import Segmentation
from extractors.options import ReadOptions
from extractors.preprocess import prepare_for_ocr
from extractors.records import Box, Extraction, PageSource, PageText, Word
from extractors.regions import Band, RegionReader, inside
from extractors.text import fold

REREAD_BLOCK = 9100  # block/line ids of the second reading's words (apart from the first's)
SIGNING_FIELDS = frozenset({"signer", "signer_title"})
LEFT_SHARE = 0.42  # the signing block sits in the page's right part
DEPTH_SHARE = 0.45  # and within this share of the page's height below "Nơi nhận"


def reread_signing(
    extraction: Extraction,
    pages: Sequence[PageText],
    images: Mapping[int, Image.Image],
    engine: Any,
    extract_again: Callable[[Sequence[PageText]], Extraction],
    *,
    timeout: int = 60,
) -> Extraction:
    """`extraction` with the signer (and its title) read again from the signing block's region
    when the first pass found no signer; unchanged otherwise."""
    if extraction.doc_type != "admin_document" or not pages or extraction.field("signer"):
        return extraction
    page = pages[-1]
    image = images.get(page.number)
    reader = RegionReader(engine, "signing block")
    if image is None or page.source is not PageSource.OCR:
        return extraction
    band = signing_band(page)
    if band is None:
        return extraction
    words = _read(image, band, reader, page, timeout)
    if not words:
        return extraction
    kept = [w for w in page.words if not inside(w.box, band)]
    notes = (*page.notes, "signing block: re-read")
    trial = [*pages[:-1], replace(page, words=(*kept, *words), notes=notes)]
    candidate = extract_again(trial)
    return candidate if adds_signer(extraction, candidate) else extraction


def signing_band(page: PageText) -> Band | None:
    """Where the signing block is: right of LEFT_SHARE of the width, from a little above the
    "Nơi nhận" row (its column's neighbour) down DEPTH_SHARE of the height."""
    # "Nơi nhận:" (its first word is often misread: "4Vơi"): a "nhận:" with its colon, in the
    # left column, the last on the page.
    anchors = [
        w
        for w in page.words
        if fold(w.text).startswith("NHAN")
        and w.text.endswith(":")
        and w.box.left < page.width * 0.4
    ]
    anchor = max(anchors, key=lambda w: w.box.top, default=None)
    if anchor is None:
        return None
    h = anchor.box.height
    top = max(0, anchor.box.top - 3 * h)
    bottom = min(page.height, anchor.box.top + round(DEPTH_SHARE * page.height))
    left = round(page.width * LEFT_SHARE)
    if bottom - top < 4 * h:
        return None
    return left, top, page.width, bottom


def _read(image: Image.Image, band: Band, reader: Any, page: PageText, timeout: int) -> list[Word]:
    """The band read as one block, cleaned as a page is; boxes in the page image's pixels."""
    lang = page.engine.split()[-1] if page.engine else "vie"
    crop = image.crop(band)
    prepared = prepare_for_ocr(crop, ReadOptions())
    out = []
    read = reader.read(prepared.image, lang=lang, timeout=timeout, segmentation=Segmentation.BLOCK)
    for w in prepared.map_words(read):
        box = Box(w.box.left + band[0], w.box.top + band[1], w.box.width, w.box.height)
        out.append(replace(w, box=box, block=REREAD_BLOCK + w.block, line=REREAD_BLOCK + w.line))
    return out


def adds_signer(before: Extraction, after: Extraction) -> bool:
    """The second reading found the signer and left every other value as it was."""
    if after.field("signer") is None:
        return False
    old = {f.name: f.value for f in before.fields if f.name not in SIGNING_FIELDS}
    new = {f.name: f.value for f in after.fields if f.name not in SIGNING_FIELDS}
    return old == new
