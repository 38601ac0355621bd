"""Processing one file: pages → words (text layer or OCR) → extraction.

Results are cached under `derived/<sha256>/`. Page images for the review UI are not written here
when they can be rebuilt from the original (`sohoa.pipeline.page_images` renders them when first
shown): encoding a page as PNG cost about 0.2 s, a quarter of a scanned page's time, for images
most of which nobody opens. A page turned upright by orientation detection is stored now.

Pure work on the store; the warehouse is touched only to record the outcome. A cached extraction
whose options fingerprint matches is reused, so a re-run costs a read, not an OCR.
"""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from PIL import Image

from extractors.content import require_text
from extractors.document import EXTRACTOR_VERSION, extract
from extractors.errors import ExtractionError, InputDocumentError
from extractors.ocr import OcrEngine, get_engine
from extractors.options import ReadOptions
from extractors.reading import read_pages
from extractors.records import PageSource, PageText
from extractors.refine import finish_extraction
from extractors.signatures import read_signatures
from sohoa.pipeline.page_images import encode_png
from sohoa.pipeline.quarantine import quarantine_file
from sohoa.runtime import Runtime
from sohoa.settings import Settings
from storage import ObjectNotFound, layout

log = logging.getLogger(__name__)

# Page images kept in memory after reading, for the re-read steps (MRZ, handwritten header: page
# 1, OCR pages only); every other page image is dropped, so memory stays bounded on long PDFs.
KEEP_IMAGES_OF_PAGES = 1


@dataclass(frozen=True)
class FileOutcome:
    """What processing one file did; plain values only (it crosses process boundaries)."""

    sha256: str
    status: str  # "processed" | "quarantined"
    cached: bool = False
    pages: int = 0
    ocr_pages: int = 0
    text_pages: int = 0
    seconds: float = 0.0
    ocr_seconds: float = 0.0
    doc_type: str = ""
    reason_code: str = ""
    reason_message: str = ""

    def stats(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if k not in ("sha256", "status")}


def read_options(settings: Settings, *, lang: str | None = None) -> ReadOptions:
    return ReadOptions(
        lang=lang or settings.ocr_lang,
        render_dpi=settings.render_dpi,
        max_pages=settings.max_pages,
        max_image_pixels=settings.max_image_pixels,
        ocr_timeout=settings.ocr_timeout_seconds,
    )


def options_fingerprint(options: ReadOptions, hint: str | None) -> str:
    """Changes whenever a setting that changes the result changes (then the cache is not reused)."""
    material = json.dumps(
        {"read": options.fingerprint(), "hint": hint or "", "extractor": EXTRACTOR_VERSION},
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(material.encode()).hexdigest()[:16]


def load_cached(runtime: Runtime, sha256: str) -> dict[str, Any] | None:
    try:
        return json.loads(runtime.store.get_bytes(layout.extraction_json(sha256)))
    except ObjectNotFound:
        return None


def process_file(
    runtime: Runtime,
    batch: str,
    sha256: str,
    *,
    hint: str | None = None,
    lang: str | None = None,
    reprocess: bool = False,
) -> FileOutcome:
    """Read and extract one original. Bad input is quarantined (returned, not raised); store
    outages and engine time-outs raise (retryable)."""
    options = read_options(runtime.settings, lang=lang)
    fingerprint = options_fingerprint(options, hint)
    if not reprocess:
        cached = load_cached(runtime, sha256)
        if cached and cached.get("options_fingerprint") == fingerprint:
            stats = cached.get("stats", {})
            return FileOutcome(
                sha256=sha256,
                status="processed",
                cached=True,
                pages=stats.get("pages", 0),
                doc_type=cached["extraction"]["doc_type"],
            )

    started = time.perf_counter()
    engine = get_engine(options.engine)  # one per file: reading and the second readings share it
    with tempfile.TemporaryDirectory(prefix="sohoa-proc-") as tmp:
        local = runtime.store.download(layout.original(sha256), Path(tmp) / "original")
        try:
            pages, images = _read_pages(runtime, sha256, local, options, engine)
            require_text(pages)
            signatures = read_signatures(local)  # a property of the file, not of its pages
        except InputDocumentError as exc:
            quarantine_file(runtime, batch, sha256, local, exc.reason_code, exc.message, exc.detail)
            return FileOutcome(
                sha256, "quarantined", reason_code=exc.reason_code, reason_message=exc.message
            )
        except ExtractionError as exc:
            if exc.retryable:
                raise
            quarantine_file(runtime, batch, sha256, local, exc.reason_code, exc.message, exc.detail)
            return FileOutcome(
                sha256, "quarantined", reason_code=exc.reason_code, reason_message=exc.message
            )

    extraction = extract(pages, sha256=sha256, hint=hint)
    extraction = finish_extraction(extraction, pages, images, engine, signatures)
    images.clear()
    outcome = FileOutcome(
        sha256=sha256,
        status="processed",
        pages=len(pages),
        ocr_pages=sum(p.source is PageSource.OCR for p in pages),
        text_pages=sum(p.source is PageSource.TEXT_LAYER for p in pages),
        seconds=round(time.perf_counter() - started, 3),
        ocr_seconds=round(sum(p.seconds for p in pages if p.source is PageSource.OCR), 3),
        doc_type=extraction.doc_type,
    )
    record = {
        "options_fingerprint": fingerprint,
        "stats": outcome.stats(),
        "extraction": extraction.to_dict(),
    }
    runtime.store.put_bytes(
        layout.extraction_json(sha256),
        json.dumps(record, ensure_ascii=False).encode(),
        content_type="application/json",
    )
    log.info(
        "processed sha256=%s type=%s pages=%d ocr=%d text=%d seconds=%.2f",
        sha256[:12],
        outcome.doc_type,
        outcome.pages,
        outcome.ocr_pages,
        outcome.text_pages,
        outcome.seconds,
    )
    return outcome


def _read_pages(
    runtime: Runtime, sha256: str, local: Path, options: ReadOptions, engine: OcrEngine
) -> tuple[list[PageText], dict[int, Image.Image]]:
    """Every page's words (in `ocr.json`, with what the review UI needs to rebuild each page's
    image); the OCR images of the first KEEP_IMAGES_OF_PAGES pages are returned for the re-read
    steps. A page image that cannot be rebuilt from the original (turned upright) is stored."""
    pages: list[PageText] = []
    images: dict[int, Image.Image] = {}
    stored: list[int] = []
    for read in read_pages(local, options, engine):
        page = read.text
        if read.image is not None and page.number <= KEEP_IMAGES_OF_PAGES:
            images[page.number] = read.image
        if read.turned and read.image is not None:
            runtime.store.put_bytes(
                layout.page_image(sha256, page.number),
                encode_png(read.image),
                content_type="image/png",
            )
            stored.append(page.number)
        pages.append(page)
    runtime.store.put_bytes(
        layout.ocr_json(sha256),
        json.dumps(
            {
                "sha256": sha256,
                "pages": [p.to_dict() for p in pages],
                "page_images": {
                    "stored": stored,
                    "render_dpi": options.render_dpi,
                    "max_image_pixels": options.max_image_pixels,
                },
            },
            ensure_ascii=False,
        ).encode(),
        content_type="application/json",
    )
    return pages, images
