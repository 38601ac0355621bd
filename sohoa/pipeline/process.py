"""Processing one file: pages → words (text layer or OCR) → extraction.

Results are cached under `derived/<sha256>/`. Page images for the review UI are not written here
when they can be rebuilt from the original (`sohoa.pipeline.page_images` renders them when first
shown): encoding a page as PNG cost about 0.2 s, a quarter of a scanned page's time, for images
most of which nobody opens. A page turned upright by orientation detection is stored now.

Pure work on the store; the warehouse is touched only to record the outcome. A cached extraction
whose options fingerprint matches is reused, so a re-run costs a read, not an OCR.

Erasure is sticky (docs/DESIGN.md): the warehouse is asked first whether an erasure touched the file
(by content hash). One naming only erased people is not processed (`skipped`); one shared with
people who remain is read for them, but nothing derived from it is written — no `ocr.json`, page
image or `extraction.json` — and its extraction travels in the outcome, to be loaded at once
(`sohoa.pipeline.steps.record_outcome`), where the erased slot's fields stay tombstoned. The
question is asked again after writing, so an erasure that lands mid-file leaves nothing behind.

A page that outruns `SOHOA_OCR_TIMEOUT_SECONDS` quarantines its file (`ocr_timeout`, the page and
the limit in the reason): the time-out is the page's, not an outage, so it is never retried as
one; `sohoa quarantine retry --timeout N` gives one file longer.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from PIL import Image

from extractors.content import require_text
from extractors.document import EXTRACTOR_VERSION, extract
from extractors.errors import ExtractionError, OcrEngineError, OcrTimeout
from extractors.explain import explain_low_confidence
from extractors.ocr import OcrEngine, get_engine
from extractors.options import ReadOptions
from extractors.reading import read_pages
from extractors.records import Extraction, PageSource, PageText
from extractors.refine import finish_extraction
from extractors.signatures import read_signatures, with_signatures
from loaders.erasure import ERASED_ONLY, SHARED_WITH_ERASED, erasure_mark
from sohoa.pipeline import workdir
from sohoa.pipeline.erasure import ERASED_CODE, ERASED_MESSAGE, clear_written_back
from sohoa.pipeline.page_images import encode_png
from sohoa.pipeline.quarantine import quarantine_file
from sohoa.runtime import Runtime
from storage import ObjectNotFound, layout

log = logging.getLogger(__name__)

# Page images kept in memory after reading, for the re-read steps (MRZ, handwritten header: page
# 1, OCR pages only); every other page image is dropped, so memory stays bounded on long PDFs.
KEEP_IMAGES_OF_PAGES = 1


@dataclass(frozen=True)
class FileOutcome:
    """What processing one file did; plain values only (it crosses process boundaries)."""

    sha256: str
    status: str  # "processed" | "quarantined" | "skipped" (names only erased people)
    cached: bool = False
    pages: int = 0
    ocr_pages: int = 0
    text_pages: int = 0
    seconds: float = 0.0
    ocr_seconds: float = 0.0
    doc_type: str = ""
    reason_code: str = ""
    reason_message: str = ""
    # A file shared with an erased person: its extraction (`Extraction.to_dict()`), never written
    # to the store; the caller loads it straight away.
    extraction: dict[str, Any] | None = None
    options_fingerprint: str = ""

    def stats(self) -> dict[str, Any]:
        hidden = ("sha256", "status", "extraction", "options_fingerprint")
        return {k: v for k, v in asdict(self).items() if k not in hidden}


def what_the_run_does(exc: ExtractionError) -> str:
    """What `sohoa run` does with a file that fails so (for `sohoa ocr`/`extract`, so what they
    say matches the run)."""
    if exc.retryable:
        return (
            "`sohoa run` would stop and try again later (a machine problem, not the file's): "
            "fix it, then run the batch again"
        )
    hint = f"`sohoa run` would put this file in quarantine as `{exc.reason_code}` and go on"
    if isinstance(exc, OcrTimeout):
        hint += (
            "; to give it longer, set SOHOA_OCR_TIMEOUT_SECONDS for this command, and after a run "
            "use `sohoa quarantine retry SHA256 --timeout SECONDS`"
        )
    return hint


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
    ocr_timeout: int | None = None,
) -> FileOutcome:
    """Read and extract one original. Bad input, and a page over the OCR time limit, is
    quarantined (returned, not raised); store outages raise (retryable). A file an erasure
    touched is skipped or processed without a trace in the store (see the module docstring)."""
    mark = _erasure_mark(runtime, sha256)
    if mark == ERASED_ONLY:
        clear_written_back(runtime, sha256, mark)
        return _skipped(sha256)
    withheld = mark == SHARED_WITH_ERASED
    if withheld:
        clear_written_back(runtime, sha256, mark)  # what a run before erasure was sticky wrote
    options = runtime.settings.read_options(lang=lang, ocr_timeout=ocr_timeout)
    fingerprint = options_fingerprint(options, hint)
    if not reprocess and not withheld:
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
    with workdir.scratch("proc-") as tmp:
        local = runtime.store.download(layout.original(sha256), tmp / "original")
        images: dict[int, Image.Image] = {}
        try:
            pages, images = _read_pages(runtime, sha256, local, options, engine, store=not withheld)
            require_text(pages)
            signatures = read_signatures(local)  # a property of the file, not of its pages
            extraction = extract(pages, sha256=sha256, hint=hint)
            extraction = _second_readings(extraction, pages, images, engine, signatures)
        except ExtractionError as exc:
            if exc.retryable:
                raise
            quarantine_file(runtime, batch, sha256, local, exc.reason_code, exc.message, exc.detail)
            return FileOutcome(
                sha256, "quarantined", reason_code=exc.reason_code, reason_message=exc.message
            )
        finally:
            images.clear()  # page images go as soon as the second readings are done
    outcome = FileOutcome(
        sha256=sha256,
        status="processed",
        pages=len(pages),
        ocr_pages=sum(p.source is PageSource.OCR for p in pages),
        text_pages=sum(p.source is PageSource.TEXT_LAYER for p in pages),
        seconds=round(time.perf_counter() - started, 3),
        ocr_seconds=round(sum(p.seconds for p in pages if p.source is PageSource.OCR), 3),
        doc_type=str(extraction.doc_type),
    )
    if not withheld:
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
        # An erasure committed while this file was read: take back what was just written.
        mark = _erasure_mark(runtime, sha256)
        if mark is not None:
            clear_written_back(runtime, sha256, mark)
            if mark == ERASED_ONLY:
                return _skipped(sha256)
            withheld = True
    if withheld:
        outcome = replace(outcome, extraction=extraction.to_dict(), options_fingerprint=fingerprint)
    log.info(
        "processed sha256=%s type=%s pages=%d ocr=%d text=%d seconds=%.2f%s",
        sha256[:12],
        outcome.doc_type,
        outcome.pages,
        outcome.ocr_pages,
        outcome.text_pages,
        outcome.seconds,
        " (shared with an erased person: nothing derived stored)" if withheld else "",
    )
    return outcome


def _second_readings(
    extraction: Extraction,
    pages: list[PageText],
    images: dict[int, Image.Image],
    engine: OcrEngine,
    signatures: list[dict[str, Any]],
) -> Extraction:
    """`finish_extraction`, or the first reading when an engine error escapes it: the first
    reading is whole, and its doubtful values go to a steward anyway, so the file is not lost for
    a second opinion. A region the engine fails on (a crop over its time limit on a loaded
    machine) does not get here: that second reading keeps the first by itself
    (`extractors.regions.RegionReader`) and the others go on."""
    try:
        return finish_extraction(extraction, pages, images, engine, signatures)
    except OcrEngineError as exc:
        log.warning(
            "second readings of sha256=%s skipped (%s): first reading kept",
            extraction.sha256[:12],
            exc.reason_code,
        )
    # What finish_extraction does without the engine still happens: the file's signatures are
    # recorded (and checked against the issue date), and every doubtful value says why.
    if signatures:
        extraction = with_signatures(extraction, signatures)
    return explain_low_confidence(extraction)


def _erasure_mark(runtime: Runtime, sha256: str) -> str | None:
    with runtime.session() as session:
        return erasure_mark(session, sha256)


def _skipped(sha256: str) -> FileOutcome:
    return FileOutcome(sha256, "skipped", reason_code=ERASED_CODE, reason_message=ERASED_MESSAGE)


def _read_pages(
    runtime: Runtime,
    sha256: str,
    local: Path,
    options: ReadOptions,
    engine: OcrEngine,
    *,
    store: bool = True,
) -> tuple[list[PageText], dict[int, Image.Image]]:
    """Every page's words (in `ocr.json`, with what the review UI needs to rebuild each page's
    image); the OCR images of the first KEEP_IMAGES_OF_PAGES pages are returned for the re-read
    steps. A page image that cannot be rebuilt from the original (turned upright) is stored.
    `store` False writes nothing (a file shared with an erased person)."""
    pages: list[PageText] = []
    images: dict[int, Image.Image] = {}
    stored: list[int] = []
    for read in read_pages(local, options, engine):
        page = read.text
        if read.image is not None and page.number <= KEEP_IMAGES_OF_PAGES:
            images[page.number] = read.image
        if store and read.turned and read.image is not None:
            runtime.store.put_bytes(
                layout.page_image(sha256, page.number),
                encode_png(read.image),
                content_type="image/png",
            )
            stored.append(page.number)
        pages.append(page)
    if not store:
        return pages, images
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
