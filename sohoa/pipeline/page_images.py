"""Page images for the review UI: `derived/<sha256>/pages/<n>.png`, rendered when first asked for.

Processing does not write them (`sohoa.pipeline.process`): a page's image is rebuilt from the
original exactly as processing saw it (the same render or decode, `extractors.pages.render_page`),
so the word boxes in `ocr.json` fit it, and then stored, so it is rendered once. `ocr.json` says
how (`page_images`: the render DPI and pixel limit used, and the pages whose image was stored at
processing because it cannot be rebuilt: turned upright by orientation detection). Nothing is
rebuilt without `ocr.json` or the original (erased or expired documents stay without images), and
nothing is shown of a file an erasure touched: its page still shows the erased person
(docs/DESIGN.md, "Erasure is sticky"), so even an image a run wrote back before that rule is not
served."""

from __future__ import annotations

import io
import json
import logging
import threading
from dataclasses import replace
from typing import Any

from PIL import Image

from sohoa.runtime import Runtime
from storage import ObjectNotFound, layout

log = logging.getLogger(__name__)

# zlib level 1: an A4 scan encodes in 0.13 s instead of 0.17 s (level 3), 2.0 MB instead of 1.8.
PNG_COMPRESS_LEVEL = 1
# pdfium is not thread-safe, and the web app serves requests from a thread pool.
_render_lock = threading.Lock()


def encode_png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=PNG_COMPRESS_LEVEL)
    return buffer.getvalue()


def page_image_png(runtime: Runtime, sha256: str, number: int) -> bytes | None:
    """The PNG of page `number` of a document: stored, or rendered now from its original (and
    then stored). None when there is no such page or it cannot be shown any more."""
    from loaders.erasure import erasure_mark

    with runtime.session() as session:
        if erasure_mark(session, sha256) is not None:
            return None
    store = runtime.store
    key = layout.page_image(sha256, number)
    try:
        return store.get_bytes(key)
    except ObjectNotFound:
        pass
    try:
        ocr = json.loads(store.get_bytes(layout.ocr_json(sha256)))
    except ObjectNotFound:
        return None
    page = next((p for p in ocr.get("pages", ()) if p.get("number") == number), None)
    if page is None or not _rebuildable(ocr, page):
        return None
    image = _render(runtime, sha256, number, ocr.get("page_images") or {})
    if image is None:
        return None
    size = (int(page["width"]), int(page["height"]))
    if image.size != size:  # the boxes would not fit it: better no image than a wrong one
        log.warning(
            "page image of %s page %d rebuilt at %s, words are for %s; not shown",
            sha256[:12],
            number,
            image.size,
            size,
        )
        return None
    data = encode_png(image)
    store.put_bytes(key, data, content_type="image/png")
    return data


def _rebuildable(ocr: dict[str, Any], page: dict[str, Any]) -> bool:
    info = ocr.get("page_images")
    if info is not None:
        return page["number"] not in info.get("stored", ())
    # Written before images were rendered on demand: every image was stored then; one that is
    # gone can be rebuilt unless the page was turned upright.
    return not any("page turned" in note for note in page.get("notes", ()))


def _render(runtime: Runtime, sha256: str, number: int, info: dict[str, Any]) -> Image.Image | None:
    from extractors.errors import InputDocumentError
    from extractors.pages import render_page
    from sohoa.pipeline import workdir

    options = runtime.settings.read_options()
    options = replace(  # as processing rendered it, whatever the settings say now
        options,
        render_dpi=int(info.get("render_dpi", options.render_dpi)),
        max_image_pixels=int(info.get("max_image_pixels", options.max_image_pixels)),
    )
    with workdir.scratch("page-") as tmp:
        try:
            local = runtime.store.download(layout.original(sha256), tmp / "original")
        except ObjectNotFound:
            return None
        try:
            with _render_lock:
                return render_page(local, number, options)
        except (InputDocumentError, IndexError) as exc:
            log.warning("cannot render %s page %d: %s", sha256[:12], number, exc)
            return None
