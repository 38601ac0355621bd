"""The scan beside the form: page images and OCR word boxes, read from the object store.

The browser never names a key: it asks for page n of document id, and the key is built here from
the document's sha256 (`storage.layout`). A page image the pipeline did not store is rendered from
the original on first view. Boxes are pixels of the stored page image, so the
overlay uses the image's own size as its coordinate system and scales with it.
"""

from __future__ import annotations

import json
import logging
import struct
from dataclasses import dataclass, field
from typing import Any

from sohoa.pipeline.page_images import page_image_png
from sohoa.runtime import Runtime
from storage import ObjectStore, layout
from storage.errors import ObjectNotFound, StorageError

log = logging.getLogger(__name__)

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Why a document's scan is not shown (docs/DESIGN.md, "Erasure is sticky"): said where it would be.
SCAN_WITHHELD = (
    "Không hiển thị bản quét: trên bản quét còn có người đã được xóa dữ liệu cá nhân theo yêu "
    "cầu (Nghị định 13/2023/NĐ-CP). Bản gốc được giữ cho những người còn lại nhưng không giao "
    "cho ai xem; các trường của họ vẫn được duyệt như thường."
)


@dataclass(frozen=True)
class WordBox:
    x: int
    y: int
    w: int
    h: int
    text: str
    confidence: float


@dataclass(frozen=True)
class FieldBox:
    name: str
    x: int
    y: int
    w: int
    h: int


@dataclass(frozen=True)
class PageView:
    number: int
    width: int
    height: int
    words: list[WordBox] = field(default_factory=list)
    fields: list[FieldBox] = field(default_factory=list)


def page_png(runtime: Runtime, sha256: str, number: int) -> bytes:
    """The image of one page, rendered from the original when first shown
    (`sohoa.pipeline.page_images`); `ObjectNotFound` when there is none to show."""
    data = page_image_png(runtime, sha256, number)
    if data is None:
        raise ObjectNotFound(layout.page_image(sha256, number))
    return data


def page_views(
    store: ObjectStore,
    sha256: str,
    page_count: int,
    field_boxes: list[tuple[str, int | None, list[Any] | None]],
) -> list[PageView]:
    """Every page with its size, its OCR words and the boxes of the document's fields."""
    ocr = _ocr_pages(store, sha256)
    count = max(page_count, max(ocr, default=0))
    views = []
    for number in range(1, count + 1):
        page = ocr.get(number)
        if page is not None:
            width, height = int(page["width"]), int(page["height"])
            words = [_word(w) for w in page.get("words", ())]
        else:
            size = _png_size(store, sha256, number)
            if size is None:
                continue
            (width, height), words = size, []
        boxes = [
            FieldBox(name, *(int(v) for v in box))
            for name, on_page, box in field_boxes
            if on_page == number and box and len(box) == 4
        ]
        views.append(PageView(number, width, height, words, boxes))
    return views


def _ocr_pages(store: ObjectStore, sha256: str) -> dict[int, dict[str, Any]]:
    try:
        data = json.loads(store.get_bytes(layout.ocr_json(sha256)))
    except ObjectNotFound:
        return {}
    except (StorageError, ValueError) as exc:
        log.warning("unreadable OCR words for %s: %s", sha256[:12], type(exc).__name__)
        return {}
    return {int(p["number"]): p for p in data.get("pages", ()) if "number" in p}


def _word(raw: dict[str, Any]) -> WordBox:
    x, y, w, h = (int(v) for v in raw["box"])
    return WordBox(x, y, w, h, str(raw.get("text", "")), float(raw.get("confidence", 0.0)))


def _png_size(store: ObjectStore, sha256: str, number: int) -> tuple[int, int] | None:
    """Width and height from the PNG header, without reading the whole image."""
    try:
        with store.open(layout.page_image(sha256, number)) as stream:
            head = stream.read(24)
    except StorageError:
        return None
    if len(head) < 24 or not head.startswith(_PNG_SIGNATURE):
        return None
    width, height = struct.unpack(">II", head[16:24])
    return int(width), int(height)
