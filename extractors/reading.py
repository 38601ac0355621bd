"""File → per-page words: the PDF text layer when it is the page's real text, OCR otherwise."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
from PIL import Image

from extractors.errors import OcrEngineError, OcrTimeout
from extractors.layout import order_words
from extractors.ocr.engine import OcrEngine
from extractors.options import ReadOptions
from extractors.pages import SourcePage, open_document
from extractors.preprocess import prepare_for_ocr
from extractors.records import PageSource, PageText, Word
from extractors.sniff import sniff
from extractors.textlayer import assess_text_layer
from extractors.widget_pictures import read_pictures

log = logging.getLogger(__name__)

TEXT_LAYER_ENGINE = f"pdfplumber {pdfplumber.__version__}"
# A first OCR pass this poor may mean the page is upside down or on its side: ask the engine's
# orientation detector (only then, because it costs most of a second per page).
RETRY_ORIENTATION_BELOW_CONFIDENCE = 0.6


@dataclass(frozen=True)
class ReadPage:
    """One page's words, and the image they were read from when there was one."""

    text: PageText
    image: Image.Image | None  # the image OCR read (boxes are its pixels); None: text layer
    turned: bool = False  # the image was turned upright: it is not the file's page as it is


def read_pages(path: Path, options: ReadOptions, engine: OcrEngine) -> Iterator[ReadPage]:
    """Each page's words; a page read from its text layer is not rendered at all (its image is
    rendered for display when first needed, `extractors.pages.render_page`).

    Raises InputDocumentError subclasses for unusable files and OcrEngineError subclasses when OCR
    fails; pages are produced one at a time, so a long PDF never sits in memory at once.
    """
    media_type = sniff(path)
    with open_document(path, media_type, options) as source:
        for page in source.iter_pages():
            yield _read(page, options, engine)


def read_document(
    path: Path, options: ReadOptions, engine: OcrEngine
) -> Iterator[tuple[PageText, Image.Image]]:
    """Yield each page's words and the page image to show (boxes are in that image's pixels);
    as `read_pages`, with text-layer pages rendered too."""
    media_type = sniff(path)
    with open_document(path, media_type, options) as source:
        for page in source.iter_pages():
            read = _read(page, options, engine)
            yield read.text, read.image if read.image is not None else page.image


def read_page(
    page: SourcePage, options: ReadOptions, engine: OcrEngine
) -> tuple[PageText, Image.Image]:
    """One page's words: its text layer if assessed usable, else OCR of its image."""
    read = _read(page, options, engine)
    return read.text, read.image if read.image is not None else page.image


def _read(page: SourcePage, options: ReadOptions, engine: OcrEngine) -> ReadPage:
    width, height = page.size
    if page.text_words is not None:
        started = time.perf_counter()
        verdict = assess_text_layer(page.text_words, page.size)
        if verdict.usable:
            words, notes = list(page.text_words), (*page.notes, verdict.reason)
            if page.pictures:  # a number and a day an e-office system drew as pictures
                words = order_words([*words, *read_pictures(page.pictures, engine, options)])
                notes = (*notes, "widget pictures read by OCR")
            text = PageText(
                number=page.number,
                width=width,
                height=height,
                source=PageSource.TEXT_LAYER,
                words=tuple(words),
                engine=TEXT_LAYER_ENGINE,
                seconds=time.perf_counter() - started,
                notes=notes,
            )
            return ReadPage(text, None)
        why = verdict.reason
    else:
        why = "no text layer"
    source_image = page.image  # rendered here, outside the OCR time
    started = time.perf_counter()
    try:
        words, image, ocr_notes = _ocr_page(source_image, options, engine)
    except OcrTimeout as exc:
        raise page_timeout(page.number, options.ocr_timeout, exc.detail) from exc
    text = PageText(
        number=page.number,
        width=image.width,
        height=image.height,
        source=PageSource.OCR,
        words=tuple(words),
        engine=f"{engine.version()} {options.lang}",
        seconds=time.perf_counter() - started,
        notes=(*page.notes, f"OCR: {why}", *ocr_notes),
    )
    return ReadPage(text, image, turned=image is not source_image)


def page_timeout(number: int, limit: int, detail: str = "") -> OcrTimeout:
    """The time-out of page `number`, saying which page and what limit, and what to do."""
    return OcrTimeout(
        f"Trang {number} cần nhận dạng chữ (OCR) lâu hơn giới hạn {limit} giây mỗi trang "
        "(trang quá dày chữ hoặc ảnh quá lớn). Cho tệp thêm thời gian: "
        "`sohoa quarantine retry <mã tệp> --timeout <số giây>`.",
        detail=f"page {number} over the {limit} s limit" + (f": {detail}" if detail else ""),
        page=number,
        limit=limit,
    )


def _ocr_page(
    image: Image.Image, options: ReadOptions, engine: OcrEngine
) -> tuple[list[Word], Image.Image, list[str]]:
    prepared = prepare_for_ocr(image, options)
    words = prepared.map_words(
        engine.recognize(prepared.image, lang=options.lang, timeout=options.ocr_timeout)
    )
    notes = list(prepared.notes)
    if not options.detect_orientation or _quality(words) >= RETRY_ORIENTATION_BELOW_CONFIDENCE:
        return words, image, notes
    try:
        rotate = engine.orientation(prepared.image, timeout=options.ocr_timeout)
    except OcrEngineError as exc:  # too little text for orientation detection is common
        log.debug("orientation detection skipped: %s", exc.detail[:80])
        return words, image, notes
    if rotate % 360 == 0:  # upright, or the engine cannot tell
        return words, image, notes
    upright = image.rotate(-rotate, expand=True)
    prepared_upright = prepare_for_ocr(upright, options)
    retry = prepared_upright.map_words(
        engine.recognize(prepared_upright.image, lang=options.lang, timeout=options.ocr_timeout)
    )
    if _quality(retry) * len(retry) <= _quality(words) * len(words):
        return words, image, notes
    return retry, upright, [*prepared_upright.notes, f"page turned {rotate}° to read it upright"]


def _quality(words: list[Word]) -> float:
    if len(words) < 5:
        return 0.0
    return sum(w.confidence for w in words) / len(words)
