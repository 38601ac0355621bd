"""Re-extracting a document as the type a steward chose (the review page's "Đổi loại giấy tờ").

A document's text is cached when it is first read (`derived/<sha256>/ocr.json`), so choosing a
type costs an extraction, not an OCR: the cached pages go through `extract` with the chosen type
as the hint, then the same second readings the pipeline does (`finish_extraction`, with the page
image the review UI shows and the original's signatures), and the result is loaded as a new
extraction version. Like any re-extraction, machine values change and a steward's decisions stay
(a disagreement opens a field conflict).

Without the cache (gone, or never written) the file is read again through the redo path
(`sohoa.pipeline.redo`, what `sohoa reprocess --type` does), from the latest batch listing it.

Erasure is sticky: the cache of a file an erasure touched is never read (a leftover must not
come back into use) and nothing is written for it here; such a file goes through the redo path,
which reads a file shared with an erased person in memory only and does not redo one that names
only erased people.

Who chose the type is recorded: `review.retype` in the document's history and the audit log.
"""

from __future__ import annotations

import io
import json
import logging
from dataclasses import dataclass
from typing import Any

from PIL import Image
from sqlalchemy.orm import Session

from extractors import doctypes
from extractors.document import extract
from extractors.ocr import get_engine
from extractors.records import Extraction, PageText
from extractors.refine import finish_extraction
from extractors.signatures import read_signatures
from loaders import batches
from loaders.erasure import ERASED_ONLY, erasure_mark
from loaders.errors import InvalidRecord
from loaders.load import load_extraction
from loaders.models import Document, DocumentStatus
from loaders.review_log import open_locked, record_action
from sohoa.pipeline import workdir
from sohoa.pipeline.page_images import page_image_png
from sohoa.pipeline.process import KEEP_IMAGES_OF_PAGES, options_fingerprint
from sohoa.pipeline.redo import redo_file
from sohoa.runtime import Runtime
from storage import ObjectNotFound, layout

log = logging.getLogger(__name__)

ACTION = "retype"


class RetypeRefused(InvalidRecord):
    """The document cannot be re-extracted as asked; `message` is Vietnamese and says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


NOT_A_TYPE = "Loại giấy tờ đã chọn không có trong danh sách: hãy chọn lại."
REJECTED = "Tài liệu đã bị từ chối: không trích xuất lại."
ERASED = (
    "Không trích xuất lại: tệp này chỉ nêu những người đã được xóa dữ liệu cá nhân theo yêu cầu."
)
NO_TEXT = (
    "Không có văn bản đã đọc của tài liệu này và tệp không thuộc lô nào để đọc lại: hãy nạp lại "
    "tệp (sohoa run) rồi chọn loại."
)
NOT_READ = "Đọc lại tệp không thành công ({reason}): tài liệu giữ nguyên."


@dataclass(frozen=True)
class RetypeResult:
    document_id: int
    doc_type_before: str
    doc_type: str
    new_version: int | None  # None: the extraction did not change
    via: str  # "cache" (cached text) | "redo" (the file read again)


def retype_document(
    runtime: Runtime,
    document_id: int,
    doc_type: str,
    *,
    principal_id: int,
    expected_lock_version: int,
) -> RetypeResult:
    """Re-extract document `document_id` as `doc_type` and load it as a new version.

    Raises `ConflictingUpdate` when the document changed since the steward saw
    `expected_lock_version`, `RetypeRefused` (a Vietnamese message) when it cannot be done."""
    declared = doctypes.find(doc_type)
    if declared is None or declared.code == doctypes.UNKNOWN:
        raise RetypeRefused(NOT_A_TYPE)
    with runtime.session() as session:
        document = open_locked(session, document_id, expected_lock_version)
        sha256, before, media_type = document.sha256, document.doc_type, document.media_type
        mark = erasure_mark(session, sha256)
        if mark == ERASED_ONLY:
            raise RetypeRefused(ERASED)
        _open(session, document_id, expected_lock_version)
    cached = None if mark is not None else _from_cache(runtime, sha256, declared.code, media_type)
    if cached is not None:
        extraction, fingerprint = cached
        with runtime.session() as session:
            document = _open(session, document_id, expected_lock_version)
            loaded = load_extraction(
                session,
                extraction,
                options_fingerprint=fingerprint,
                auto_verify_confidence=runtime.settings.auto_verify_at,
            )
            result = RetypeResult(document_id, before, declared.code, loaded.new_version, "cache")
            _record(session, document, principal_id, result)
    else:
        result = _redo(runtime, document_id, sha256, before, declared.code)
        with runtime.session() as session:
            document = session.get_one(Document, document_id, populate_existing=True)
            _record(session, document, principal_id, result)
    log.info(
        "retyped document %d %s -> %s via %s (version %s)",
        document_id,
        before,
        declared.code,
        result.via,
        result.new_version,
    )
    return result


def _open(session: Session, document_id: int, expected_lock_version: int) -> Document:
    document = open_locked(session, document_id, expected_lock_version)
    if document.status == DocumentStatus.REJECTED:
        raise RetypeRefused(REJECTED)
    return document


def _from_cache(
    runtime: Runtime, sha256: str, doc_type: str, media_type: str = ""
) -> tuple[Extraction, str] | None:
    """The extraction of the cached pages as `doc_type`, with its options fingerprint; None
    when there are no cached pages."""
    try:
        ocr = json.loads(runtime.store.get_bytes(layout.ocr_json(sha256)))
    except ObjectNotFound:
        return None
    pages = [PageText.from_dict(p) for p in ocr.get("pages", ())]
    if not pages:
        return None
    options = runtime.settings.read_options()
    extraction = extract(pages, sha256=sha256, hint=doc_type)
    extraction = finish_extraction(
        extraction,
        pages,
        _page_images(runtime, sha256, len(pages)),
        get_engine(options.engine),
        _signatures(runtime, sha256) if media_type in ("", "application/pdf") else [],
    )
    return extraction, options_fingerprint(options, doc_type)


def _page_images(runtime: Runtime, sha256: str, page_count: int) -> dict[int, Image.Image]:
    """The images the second readings look at (as processing kept them: the first pages), the
    ones the review page shows; none when they cannot be made."""
    images = {}
    for number in range(1, min(page_count, KEEP_IMAGES_OF_PAGES) + 1):
        data = page_image_png(runtime, sha256, number)
        if data is not None:
            images[number] = Image.open(io.BytesIO(data)).convert("RGB")
    return images


def _signatures(runtime: Runtime, sha256: str) -> list[dict[str, Any]]:
    with workdir.scratch("retype-") as tmp:
        try:
            local = runtime.store.download(layout.original(sha256), tmp / "original")
        except ObjectNotFound:
            return []
        return read_signatures(local)


def _redo(
    runtime: Runtime, document_id: int, sha256: str, before: str, doc_type: str
) -> RetypeResult:
    with runtime.session() as session:
        listed = batches.find_files(session, sha256)
    if not listed:
        raise RetypeRefused(NO_TEXT)
    batch = listed[-1][0]  # the latest batch that lists the file
    redone = redo_file(runtime, batch, sha256, hint=doc_type, action="document.retype")
    if redone.status != "loaded":
        raise RetypeRefused(NOT_READ.format(reason=redone.reason_message or redone.status))
    return RetypeResult(document_id, before, doc_type, redone.new_version, "redo")


def _record(session: Session, document: Document, principal_id: int, result: RetypeResult) -> None:
    record_action(
        session,
        document,
        principal_id=principal_id,
        action=ACTION,
        before={"doc_type": result.doc_type_before},
        after={"doc_type": result.doc_type, "version": result.new_version, "via": result.via},
    )
