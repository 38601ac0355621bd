"""Open a PDF or an image and hand out its pages one at a time, in bounded memory.

A PDF page is rendered with pypdfium2 at `render_dpi`, only when its image is asked for: a page
whose text layer is used needs no raster at all (its size is known without rendering), and the
review UI renders it later from the original (`render_page`). Its text layer is read with
pdfplumber and scaled to the render's pixels. Text drawn by form widgets (the e-signature stamp,
and the number and day that e-office systems stamp in after signing) is not page content, so
pdfplumber misses it; it is read from pypdfium2 after flattening the page and added to the page's
words. Some systems draw the number and the day as pictures inside the widget (real dev half:
dhxdhn-1089-qd): the header's widgets that add no text keep their ink alone (the page rendered with
and without them, compared) as the page's `pictures`, for the reader to OCR.
"""

from __future__ import annotations

import contextlib
import logging
import math
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np
import pdfplumber
import pdfplumber.utils
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
from pdfminer.layout import LTChar, LTContainer
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from extractors.errors import CorruptFile, DecompressionBomb, EncryptedPdf, TooManyPages
from extractors.layout import order_words
from extractors.options import ReadOptions
from extractors.records import Box, Word
from extractors.sniff import MediaType, sniff
from extractors.text import nfc

log = logging.getLogger(__name__)

PDFIUM_ERR_FORMAT = 3
PDFIUM_ERR_PASSWORD = 4
PDFIUM_ERR_SECURITY = 6


@dataclass(frozen=True)
class Picture:
    """What a form widget draws as a picture: its ink alone (black on white, the page's text and
    lines gone), and where it lies in the page image's pixels."""

    box: Box
    ink: Image.Image


class SourcePage:
    """One page: its image (RGB; boxes are in its pixels) and the PDF text layer words, if any.

    A PDF page's image is rendered on first use of `image` (`size` is known before): a page read
    from its text layer is never rasterized while processing.
    """

    def __init__(
        self,
        number: int,
        image: Image.Image | None = None,
        text_words: list[Word] | None = None,
        notes: tuple[str, ...] = (),
        *,
        size: tuple[int, int] | None = None,
        render: Callable[[], Image.Image] | None = None,
        pictures: tuple[Picture, ...] = (),
    ) -> None:
        if image is not None:
            size = image.size
        if size is None or (image is None and render is None):
            raise ValueError("a page needs its image, or its size and a way to render it")
        self.number = number  # 1-based
        self.text_words = text_words  # None: no text layer (an image, or an unreadable layer)
        self.notes = notes
        self.size: tuple[int, int] = size
        self.pictures = pictures  # what the header's widgets draw as pictures (their ink alone)
        self._image = image
        self._render = render

    @property
    def image(self) -> Image.Image:
        if self._image is None:
            assert self._render is not None
            self._image = self._render()
            self._render = None
        return self._image


class SourceDocument:
    """An opened file; use as a context manager and iterate `iter_pages()` once."""

    page_count: int

    def __enter__(self) -> SourceDocument:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def iter_pages(self) -> Iterator[SourcePage]:
        raise NotImplementedError

    def close(self) -> None:
        """Release file handles."""


def open_document(path: Path, media_type: MediaType, options: ReadOptions) -> SourceDocument:
    """Open `path` (already sniffed) page by page; raises InputDocumentError subclasses."""
    if media_type is MediaType.PDF:
        return PdfSource(path, options)
    return ImageSource(path, options)


# --- PDF -----------------------------------------------------------------------------------------


class PdfSource(SourceDocument):
    def __init__(self, path: Path, options: ReadOptions) -> None:
        self._path = path
        self._options = options
        self._plumber: Any = None
        self._page: pdfium.PdfPage | None = None  # the page last handed out, kept for its render
        self._page_index = -1
        self._closed = False
        self._pdf = _open_pdf(path)
        try:
            self.page_count = len(self._pdf)
            if self.page_count == 0:
                raise CorruptFile(
                    "PDF không có trang nào (tệp hỏng hoặc bị cắt): hãy xuất lại bản PDF",
                    detail="page_count=0",
                )
            if self.page_count > options.max_pages:
                raise TooManyPages(
                    f"PDF có {self.page_count} trang, vượt giới hạn {options.max_pages} trang: "
                    "hãy tách thành các tệp nhỏ hơn, mỗi tệp một giấy tờ",
                    detail=f"pages={self.page_count} max={options.max_pages}",
                )
            self._pdf.init_forms()
        except BaseException:
            self._pdf.close()
            raise

    def close(self) -> None:
        if self._plumber is not None:
            with contextlib.suppress(Exception):
                self._plumber.close()
            self._plumber = None
        self._release_page()
        if not self._closed:
            self._closed = True
            self._pdf.close()

    def iter_pages(self) -> Iterator[SourcePage]:
        for index in range(self.page_count):
            yield self._read_page(index)
        self._release_page()

    def _release_page(self) -> None:
        if self._page is not None:
            self._page.close()
        self._page, self._page_index = None, -1

    def _read_page(self, index: int) -> SourcePage:
        self._release_page()
        notes: list[str] = []
        try:
            page = self._pdf[index]
            scale, size = _render_scale(page, self._options, notes)
            widget_words: list[Word] = []
            pictures: tuple[Picture, ...] = ()
            if pdfium_raw.FPDFPage_GetAnnotCount(page) > 0:
                crop_left, crop_bottom, _, _ = page.get_cropbox()
                place = _Placement(scale, crop_left, crop_bottom, page.get_height())
                header = _header_widgets(page, place)
                before = _render_boxes(page, scale, header) if header else []
                page, widget_words = _flatten_widgets(self._pdf, index, page, place)
                pictures = _pictures(page, scale, header, before)
        except pdfium.PdfiumError as exc:
            raise _unreadable_page(index, exc) from exc
        self._page, self._page_index = page, index
        words = self._plumber_words(index, size[0], size[1], notes)
        if words is not None or widget_words:
            words = order_words([*(words or []), *widget_words])
        return SourcePage(
            index + 1,
            None,
            words,
            tuple(notes),
            size=size,
            render=lambda: self._render(index),
            pictures=pictures,
        )

    def _render(self, index: int) -> Image.Image:
        """The page's image: from the open page if it is still the current one, else loaded
        again (from a reopened file if this one was closed meanwhile)."""
        if self._page is not None and self._page_index == index:
            return _render_loaded(self._page, index, self._options)
        if not self._closed:
            return _render_index(self._pdf, index, self._options)
        return render_page(self._path, index + 1, self._options)

    def _plumber_words(
        self, index: int, width_px: int, height_px: int, notes: list[str]
    ) -> list[Word] | None:
        try:
            if self._plumber is None:
                self._plumber = pdfplumber.open(self._path)
            page = self._plumber.pages[index]
            x0, top0, x1, bottom0 = page.bbox
            sx, sy = width_px / (x1 - x0), height_px / (bottom0 - top0)
            # Word-processor PDFs carry stray space glyphs from neighbouring runs that split words
            # ("CỘ NG HÒA"); drop the space glyphs and split on real gaps instead. The gap is
            # measured relative to the glyph size: a fixed tolerance glues the words of small
            # print ("Họvàtên/Fullname:") and splits large print.
            raw = pdfplumber.utils.extract_words(
                plumber_glyphs(page), x_tolerance_ratio=0.12, keep_blank_chars=False
            )
            page.close()
        except Exception as exc:  # pdfminer raises many unrelated types on a damaged text layer
            log.warning("text layer unreadable on page %d: %s", index + 1, type(exc).__name__)
            notes.append("text layer unreadable")
            return None
        words = []
        for w in raw:
            text = nfc(w["text"]).strip()
            if not text:
                continue
            left, top = round((w["x0"] - x0) * sx), round((w["top"] - top0) * sy)
            right, bottom = round((w["x1"] - x0) * sx), round((w["bottom"] - top0) * sy)
            words.append(
                Word(text, Box(left, top, max(1, right - left), max(1, bottom - top)), 1.0)
            )
        return words


def plumber_glyphs(page: Any) -> list[dict[str, Any]]:
    """The non-space `page.chars` of a pdfplumber page, with only the keys word grouping reads.

    `page.chars` turns every object of the page (paths and images too) into a dict of some twenty
    resolved attributes, about a quarter of the time pdfplumber spends on a page; word grouping
    reads eight of them. Same values as `page.chars` (the coordinate conversion of pdfplumber's
    `Page.process_object`, checked in tests/extractors/test_pages.py), same order.
    """
    height = page.height
    mb_x0, mb_top = page.mediabox[:2]
    doctop = page.initial_doctop
    glyphs: list[dict[str, Any]] = []

    def walk(objs: list[Any]) -> None:
        for obj in objs:
            if isinstance(obj, LTContainer):  # a form XObject: its glyphs are the page's too
                walk(obj._objs)
            elif isinstance(obj, LTChar):
                text = obj.get_text()
                if text.isspace():
                    continue
                top = (height - obj.y1) + mb_top
                glyphs.append(
                    {
                        "text": text,
                        "x0": obj.x0 + mb_x0 if mb_x0 != 0 else obj.x0,
                        "x1": obj.x1 + mb_x0 if mb_x0 != 0 else obj.x1,
                        "top": top,
                        "bottom": (height - obj.y0) + mb_top,
                        "doctop": doctop + top,
                        "upright": obj.upright,
                        "size": obj.size,
                    }
                )

    walk(page.layout._objs)
    return glyphs


def render_page(path: Path, number: int, options: ReadOptions) -> Image.Image:
    """Page `number` (1-based) of a file as `open_document` hands it out (same pixels, so the
    stored word boxes fit): for the review UI, which renders page images when first shown."""
    media_type = sniff(path)
    if media_type is not MediaType.PDF:
        with ImageSource(path, options) as source:
            for page in source.iter_pages():
                if page.number == number:
                    return page.image
        raise IndexError(f"no page {number}")
    pdf = _open_pdf(path)
    try:
        if not 1 <= number <= len(pdf):
            raise IndexError(f"no page {number}")
        pdf.init_forms()
        return _render_index(pdf, number - 1, options)
    finally:
        pdf.close()


def _open_pdf(path: Path) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise _translate_pdfium_open_error(exc) from exc


def _render_scale(
    page: pdfium.PdfPage, options: ReadOptions, notes: list[str] | None = None
) -> tuple[float, tuple[int, int]]:
    """The render scale and the image size it gives, without rendering (pypdfium2 makes the
    bitmap ceil(points × scale) wide and high)."""
    width_pt, height_pt = page.get_size()
    scale = options.render_dpi / 72
    pixels = (width_pt * scale) * (height_pt * scale)
    if pixels > options.max_image_pixels:
        # A large-format page is not an attack; render it smaller instead of refusing it.
        scale *= (options.max_image_pixels / pixels) ** 0.5
        if notes is not None:
            notes.append(f"large page rendered at {round(scale * 72)} dpi")
    return scale, (math.ceil(width_pt * scale), math.ceil(height_pt * scale))


def _render_index(pdf: pdfium.PdfDocument, index: int, options: ReadOptions) -> Image.Image:
    """Load page `index`, flatten its widgets as `_read_page` does, and render it."""
    try:
        page = pdf[index]
        if pdfium_raw.FPDFPage_GetAnnotCount(page) > 0 and _flatten(page):
            page.close()
            page = pdf[index]
    except pdfium.PdfiumError as exc:
        raise _unreadable_page(index, exc) from exc
    try:
        return _render_loaded(page, index, options)
    finally:
        page.close()


def _render_loaded(page: pdfium.PdfPage, index: int, options: ReadOptions) -> Image.Image:
    try:
        scale, _ = _render_scale(page, options)
        bitmap = page.render(scale=scale, may_draw_forms=True)
        image = bitmap.to_pil().convert("RGB")
        bitmap.close()
    except pdfium.PdfiumError as exc:
        raise _unreadable_page(index, exc) from exc
    return image


def _unreadable_page(index: int, exc: Exception) -> CorruptFile:
    return CorruptFile(
        f"Không đọc được trang {index + 1} của PDF (tệp hỏng hoặc bị cắt): hãy xuất lại bản PDF",
        detail=f"pdfium: {exc}",
    )


def _translate_pdfium_open_error(exc: pdfium.PdfiumError) -> Exception:
    code = getattr(exc, "err_code", None)
    if code in (PDFIUM_ERR_PASSWORD, PDFIUM_ERR_SECURITY):
        return EncryptedPdf(
            "PDF được bảo vệ bằng mật khẩu: hãy gửi bản không mã hóa",
            detail=f"pdfium err_code={code}",
        )
    return CorruptFile(
        "PDF bị hỏng hoặc bị cắt, không mở được: hãy xuất lại hoặc scan lại tệp",
        detail=f"pdfium err_code={code}: {exc}",
    )


@dataclass(frozen=True)
class _Placement:
    """How PDF points map to the page image's pixels."""

    scale: float
    crop_left: float
    crop_bottom: float
    height_pt: float

    def box(self, left: float, bottom: float, right: float, top: float) -> Box:
        px_left = round((left - self.crop_left) * self.scale)
        px_top = round((self.height_pt - (top - self.crop_bottom)) * self.scale)
        px_w = max(1, round((right - left) * self.scale))
        px_h = max(1, round((top - bottom) * self.scale))
        return Box(px_left, px_top, px_w, px_h)


def _flatten(page: pdfium.PdfPage) -> bool:
    """Merge the page's annotation appearances into its content. A page copied out of a signed
    file keeps its widgets without the document's form (no AcroForm, so no form env):
    pypdfium2's flatten() refuses that, PDFium flattens it alike."""
    if page.formenv:
        status = page.flatten()
    else:
        status = pdfium_raw.FPDFPage_Flatten(page, pdfium_raw.FLAT_NORMALDISPLAY)
    return bool(status == pdfium_raw.FLATTEN_SUCCESS)


def _flatten_widgets(
    pdf: pdfium.PdfDocument, index: int, page: pdfium.PdfPage, place: _Placement
) -> tuple[pdfium.PdfPage, list[Word]]:
    """Merge annotation appearances into the page; return the reopened page and their words."""
    textpage = page.get_textpage()
    before = textpage.count_chars()
    textpage.close()
    if not _flatten(page):
        return page, []
    page.close()
    page = pdf[index]
    textpage = page.get_textpage()
    after = textpage.count_chars()
    words: list[Word] = []
    current: list[tuple[str, tuple[float, float, float, float]]] = []

    def flush() -> None:
        if not current:
            return
        text = nfc("".join(ch for ch, _ in current)).strip()
        left = min(b[0] for _, b in current)
        bottom = min(b[1] for _, b in current)
        right = max(b[2] for _, b in current)
        top = max(b[3] for _, b in current)
        current.clear()
        if not text:
            return
        words.append(Word(text, place.box(left, bottom, right, top), 1.0))

    for i in range(before, after):
        ch = textpage.get_text_range(i, 1)
        if not ch or ch.isspace():
            flush()
            continue
        box = textpage.get_charbox(i, loose=True)
        if current:
            prev = current[-1][1]
            line_height = max(1.0, prev[3] - prev[1])
            if box[0] - prev[2] > line_height or abs(box[1] - prev[1]) > 0.5 * line_height:
                flush()
        current.append((ch, box))
    flush()
    textpage.close()
    return page, words


# The e-office number and day sit in the header: widgets lower down are signatures and seals.
HEADER_SHARE = 0.4
# A pixel whose grey level changes by more than this when the widgets are drawn is their ink.
INK_CHANGE = 40


def _header_widgets(page: pdfium.PdfPage, place: _Placement) -> list[Box]:
    """The boxes (pixels) of the header's form widgets that draw pictures and no text."""
    boxes = []
    limit = HEADER_SHARE * place.height_pt * place.scale
    for i in range(pdfium_raw.FPDFPage_GetAnnotCount(page)):
        annot = pdfium_raw.FPDFPage_GetAnnot(page, i)
        try:
            if pdfium_raw.FPDFAnnot_GetSubtype(annot) != pdfium_raw.FPDF_ANNOT_WIDGET:
                continue
            rect = pdfium_raw.FS_RECTF()
            if not pdfium_raw.FPDFAnnot_GetRect(annot, rect):
                continue
            drawn: set[int] = set()
            for k in range(pdfium_raw.FPDFAnnot_GetObjectCount(annot)):
                drawn |= _object_types(pdfium_raw.FPDFAnnot_GetObject(annot, k))
            if pdfium_raw.FPDF_PAGEOBJ_TEXT in drawn or pdfium_raw.FPDF_PAGEOBJ_IMAGE not in drawn:
                continue
        finally:
            pdfium_raw.FPDFPage_CloseAnnot(annot)
        box = place.box(rect.left, rect.bottom, rect.right, rect.top)
        if box.top < limit and box.width > 1 and box.height > 1:
            boxes.append(box)
    return boxes


def _object_types(obj: Any) -> set[int]:
    """The kinds of page objects `obj` draws, inside nested forms too."""
    kind = pdfium_raw.FPDFPageObj_GetType(obj)
    kinds = {kind}
    if kind == pdfium_raw.FPDF_PAGEOBJ_FORM:
        for i in range(pdfium_raw.FPDFFormObj_CountObjects(obj)):
            kinds |= _object_types(pdfium_raw.FPDFFormObj_GetObject(obj, i))
    return kinds


def _render_boxes(page: pdfium.PdfPage, scale: float, boxes: list[Box]) -> list[Image.Image]:
    """The page's pixels in each box (grey), as the page draws them now."""
    bitmap = page.render(scale=scale, may_draw_forms=False)
    image = bitmap.to_pil().convert("L")
    bitmap.close()
    return [image.crop((b.left, b.top, b.right, b.bottom)) for b in boxes]


def _pictures(
    page: pdfium.PdfPage, scale: float, boxes: list[Box], before: list[Image.Image]
) -> tuple[Picture, ...]:
    """What the header's picture widgets draw: the pixels that changed when they were merged into
    the page, dark on white."""
    if not boxes:
        return ()
    after = _render_boxes(page, scale, boxes)
    out = []
    for box, old, new in zip(boxes, before, after, strict=True):
        old_px, new_px = np.asarray(old, dtype=np.int16), np.asarray(new, dtype=np.int16)
        if old_px.shape != new_px.shape:
            continue
        changed = np.abs(new_px - old_px) > INK_CHANGE
        if not changed.any():
            continue
        ink = np.where(changed, new_px, 255).astype(np.uint8)
        out.append(Picture(box, Image.fromarray(ink, "L")))
    return tuple(out)


# --- images --------------------------------------------------------------------------------------


class ImageSource(SourceDocument):
    def __init__(self, path: Path, options: ReadOptions) -> None:
        self._options = options
        # PIL refuses images above twice its limit on its own; our own check below is exact.
        Image.MAX_IMAGE_PIXELS = options.max_image_pixels
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                self._image = Image.open(path)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise _bomb(str(exc)) from exc
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            raise CorruptFile(
                "Ảnh bị hỏng hoặc không đúng định dạng, không mở được: hãy chụp hoặc scan lại",
                detail=f"{type(exc).__name__}: {exc}",
            ) from exc
        self.page_count = getattr(self._image, "n_frames", 1)
        if self.page_count > options.max_pages:
            self._image.close()
            raise TooManyPages(
                f"Ảnh TIFF có {self.page_count} trang, vượt giới hạn {options.max_pages} trang: "
                "hãy tách thành các tệp nhỏ hơn",
                detail=f"pages={self.page_count} max={options.max_pages}",
            )

    def close(self) -> None:
        self._image.close()

    def iter_pages(self) -> Iterator[SourcePage]:
        for number, frame in enumerate(ImageSequence.Iterator(self._image), start=1):
            width, height = frame.size
            if width * height > self._options.max_image_pixels:
                raise _bomb(f"{width}x{height}")
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("error", Image.DecompressionBombWarning)
                    # (reading a PNG's EXIF decodes it: a truncated file fails here)
                    turned = frame.getexif().get(0x0112, 1) not in (0, 1)  # Orientation tag
                    # exif_transpose copies the whole page even when there is nothing to turn
                    oriented = ImageOps.exif_transpose(frame) if turned else frame
                    image = _to_rgb(oriented)
            except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
                raise _bomb(str(exc)) from exc
            except (OSError, SyntaxError, ValueError) as exc:
                raise CorruptFile(
                    f"Ảnh bị hỏng hoặc bị cắt (trang {number}): hãy chụp hoặc scan lại",
                    detail=f"{type(exc).__name__}: {exc}",
                ) from exc
            notes = ("image turned upright by its EXIF orientation",) if turned else ()
            yield SourcePage(number, image, None, notes)


def _to_rgb(image: Image.Image) -> Image.Image:
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        # 16-bit scans: scale to 8 bits before converting, or everything turns white.
        image = image.point(lambda v: v / 256).convert("L")
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _bomb(detail: str) -> DecompressionBomb:
    return DecompressionBomb(
        "Ảnh quá lớn (nghi là 'bom giải nén'): hãy scan lại ở độ phân giải 200–300 dpi",
        detail=detail,
    )
