"""Tesseract through pytesseract: words with boxes, confidences and reading-order indices."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

import pytesseract
from PIL import Image

from extractors.errors import EngineMissing, OcrEngineError, OcrTimeout
from extractors.records import Box, Word
from extractors.text import nfc

# One thread per tesseract process: the pipeline already runs pages in parallel processes, and
# OpenMP threads on top of that only fight over the cores.
_SUBPROCESS_ENV = {"OMP_THREAD_LIMIT": "1"}


class TesseractEngine:
    name = "tesseract"

    def __init__(self, config: str = "--psm 3") -> None:
        self._config = config

    def version(self) -> str:
        return _tesseract_version()

    def recognize(self, image: Image.Image, *, lang: str, timeout: int) -> list[Word]:
        """OCR one image; words with conf -1 (layout rows) or empty text are dropped."""
        with _uncompressed(image) as path:
            data = _run(
                pytesseract.image_to_data,
                path,
                lang=lang,
                config=self._config,
                output_type=pytesseract.Output.DICT,
                timeout=timeout,
            )
        return words_from_data(data)

    def orientation(self, image: Image.Image, *, timeout: int) -> tuple[int, float]:
        """(degrees to rotate clockwise to make the page upright, OSD confidence)."""
        with _uncompressed(image) as path:
            result = _run(
                pytesseract.image_to_osd,
                path,
                config="--psm 0",
                output_type=pytesseract.Output.DICT,
                timeout=timeout,
            )
        return int(result.get("rotate", 0)), float(result.get("orientation_conf", 0.0))


@contextmanager
def _uncompressed(image: Image.Image) -> Iterator[str]:
    """The image as a PNM file for tesseract to read. Handing pytesseract a PIL image makes it
    write a PNG first, and that compression costs about half a second per A4 page."""
    if image.mode not in ("1", "L", "RGB"):
        image = image.convert("RGB")
    with tempfile.TemporaryDirectory(prefix="sohoa-ocr-") as tmp:
        path = os.path.join(tmp, "page.pnm")
        image.save(path, format="PPM")
        yield path


def words_from_data(data: dict[str, list]) -> list[Word]:
    """Turn `image_to_data` columns into Words; `line` counts lines over the whole page."""
    words: list[Word] = []
    line_ids: dict[tuple[int, int, int], int] = {}
    for i, raw_text in enumerate(data["text"]):
        conf = float(data["conf"][i])
        text = nfc(str(raw_text)).strip()
        if conf < 0 or not text:
            continue
        key = (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))
        line = line_ids.setdefault(key, len(line_ids))
        box = Box(
            int(data["left"][i]),
            int(data["top"][i]),
            max(1, int(data["width"][i])),
            max(1, int(data["height"][i])),
        )
        words.append(Word(text, box, min(1.0, max(0.0, conf / 100)), line=line, block=key[0]))
    return words


def _run(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call a pytesseract function with one OpenMP thread; translate its errors."""
    saved = {k: os.environ.get(k) for k in _SUBPROCESS_ENV}
    os.environ.update(_SUBPROCESS_ENV)  # pytesseract passes our environment to the subprocess
    try:
        return func(*args, **kwargs)
    except pytesseract.TesseractNotFoundError as exc:
        raise EngineMissing(
            "Chưa cài Tesseract OCR trên máy xử lý: hãy cài tesseract-ocr và gói tiếng Việt",
            detail=str(exc),
        ) from exc
    except pytesseract.TesseractError as exc:
        message = str(exc)
        if "Failed loading language" in message or "traineddata" in message:
            raise EngineMissing(
                "Thiếu dữ liệu ngôn ngữ cho Tesseract (ví dụ tesseract-ocr-vie): "
                "hãy cài rồi chạy lại",
                detail=message[:500],
            ) from exc
        raise OcrEngineError(
            "Tesseract gặp lỗi khi nhận dạng trang này", detail=message[:500]
        ) from exc
    except RuntimeError as exc:
        if "timeout" in str(exc).lower():
            raise OcrTimeout(
                "Nhận dạng chữ (OCR) một trang quá thời gian cho phép: sẽ thử lại",
                detail=str(exc),
            ) from exc
        raise
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@cache
def _tesseract_version() -> str:
    try:
        return f"tesseract {pytesseract.get_tesseract_version()}"
    except pytesseract.TesseractNotFoundError as exc:
        raise EngineMissing(
            "Chưa cài Tesseract OCR trên máy xử lý: hãy cài tesseract-ocr và gói tiếng Việt",
            detail=str(exc),
        ) from exc
