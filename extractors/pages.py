"""Open a PDF or an image and hand out its pages one at a time, in bounded memory.

A PDF page is rendered with pypdfium2 at `render_dpi`; its text layer is read with pdfplumber and
scaled to the render's pixels. Text drawn by form widgets (the e-signature stamp, and the number and
day that e-office systems stamp in after signing) is not page content, so pdfplumber misses
it; it is read from pypdfium2 after flattening the page and added to the page's words.
"""

from __future__ import annotations

import contextlib
import logging
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from extractors.errors import CorruptFile, DecompressionBomb, EncryptedPdf, TooManyPages
from extractors.layout import order_words
from extractors.options import ReadOptions
from extractors.records import Box, Word
from extractors.sniff import MediaType
from extractors.text import nfc

log = logging.getLogger(__name__)

PDFIUM_ERR_FORMAT = 3
PDFIUM_ERR_PASSWORD = 4
PDFIUM_ERR_SECURITY = 6


@dataclass
class SourcePage:
    """One page: its image (RGB; boxes are in its pixels) and the PDF text layer words, if any."""

    number: int  # 1-based
    image: Image.Image
    text_words: list[Word] | None  # None: no text layer (an image, or the layer could not be read)
    notes: tuple[str, ...] = ()


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


def open_source(path: Path, media_type: MediaType, options: ReadOptions) -> SourceDocument:
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
        try:
            self._pdf = pdfium.PdfDocument(str(path))
        except pdfium.PdfiumError as exc:
            raise _translate_pdfium_open_error(exc) from exc
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
        self._pdf.close()

    def iter_pages(self) -> Iterator[SourcePage]:
        for index in range(self.page_count):
            yield self._read_page(index)

    def _read_page(self, index: int) -> SourcePage:
        notes: list[str] = []
        try:
            page = self._pdf[index]
            width_pt, height_pt = page.get_size()
            crop_left, crop_bottom, _, _ = page.get_cropbox()
            scale = self._options.render_dpi / 72
            pixels = (width_pt * scale) * (height_pt * scale)
            if pixels > self._options.max_image_pixels:
                # A large-format page is not an attack; render it smaller instead of refusing it.
                scale *= (self._options.max_image_pixels / pixels) ** 0.5
                notes.append(f"large page rendered at {round(scale * 72)} dpi")
            widget_words: list[Word] = []
            if pdfium_raw.FPDFPage_GetAnnotCount(page) > 0:
                page, widget_words = _flatten_widgets(
                    self._pdf, index, page, scale, crop_left, crop_bottom, height_pt
                )
            bitmap = page.render(scale=scale, may_draw_forms=True)
            image = bitmap.to_pil().convert("RGB")
            bitmap.close()
            page.close()
        except pdfium.PdfiumError as exc:
            raise CorruptFile(
                f"Không đọc được trang {index + 1} của PDF (tệp hỏng hoặc bị cắt): "
                "hãy xuất lại bản PDF",
                detail=f"pdfium: {exc}",
            ) from exc
        words = self._plumber_words(index, image.width, image.height, notes)
        if words is not None or widget_words:
            words = order_words([*(words or []), *widget_words])
        return SourcePage(index + 1, image, words, tuple(notes))

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
            glyphs = page.filter(
                lambda obj: not (obj.get("object_type") == "char" and obj.get("text", "").isspace())
            )
            raw = glyphs.extract_words(x_tolerance_ratio=0.12, keep_blank_chars=False)
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


def _flatten_widgets(
    pdf: pdfium.PdfDocument,
    index: int,
    page: pdfium.PdfPage,
    scale: float,
    crop_left: float,
    crop_bottom: float,
    height_pt: float,
) -> tuple[pdfium.PdfPage, list[Word]]:
    """Merge annotation appearances into the page; return the reopened page and their words."""
    textpage = page.get_textpage()
    before = textpage.count_chars()
    textpage.close()
    if page.flatten() != pdfium_raw.FLATTEN_SUCCESS:
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
        px_left = round((left - crop_left) * scale)
        px_top = round((height_pt - (top - crop_bottom)) * scale)
        px_w = max(1, round((right - left) * scale))
        px_h = max(1, round((top - bottom) * scale))
        words.append(Word(text, Box(px_left, px_top, px_w, px_h), 1.0))

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
                    oriented = ImageOps.exif_transpose(frame)
                    image = _to_rgb(oriented)
            except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
                raise _bomb(str(exc)) from exc
            except (OSError, SyntaxError, ValueError) as exc:
                raise CorruptFile(
                    f"Ảnh bị hỏng hoặc bị cắt (trang {number}): hãy chụp hoặc scan lại",
                    detail=f"{type(exc).__name__}: {exc}",
                ) from exc
            turned = frame.getexif().get(0x0112, 1) not in (0, 1)  # EXIF Orientation tag
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
