"""Tesseract: words with boxes, confidences and reading-order indices.

Pages are read by a long-lived helper process that keeps the language model loaded
(`_tess_helper.py`, the Tesseract library through ctypes): the `tesseract` command line loads the
model again for every page and decodes an image file, about 0.15 s a page of pure overhead. The
helper gives the same words as the command line (same library call, same TSV) and keeps its
isolation: a page that hangs is killed at its time-out, a crash fails that page only. Where the
library cannot be loaded, or for settings the helper does not take, the command line is used
through pytesseract as before. Orientation detection (rare) always uses the command line.

Regions cut from a page for a second reading are read the same way, with Tesseract's page
segmentation mode for the region's layout and, where the caller gives an alphabet, a character
whitelist (`read_region`).
"""

from __future__ import annotations

import atexit
import json
import os
import select
import shlex
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from functools import cache
from pathlib import Path
from typing import Any

import pytesseract
from PIL import Image

from extractors.errors import EngineMissing, OcrEngineError, OcrTimeout
from extractors.ocr.engine import Segmentation
from extractors.records import Box, Word
from extractors.text import nfc

# One thread per tesseract process: the pipeline already runs pages in parallel processes, and
# OpenMP threads on top of that only fight over the cores.
_SUBPROCESS_ENV = {"OMP_THREAD_LIMIT": "1"}
# The reader (`extractors.reading`) says which page and what limit; this is the engine's own word.
_TIMED_OUT = "Nhận dạng chữ (OCR) một trang quá thời gian cho phép"
# Tesseract's page segmentation mode for each layout of a region.
_PSM = {Segmentation.BLOCK: 6, Segmentation.LINE: 7, Segmentation.CHARACTER: 10}
# Orientation detection's confidence (Tesseract's OSD score) below which a page is left as it is.
MIN_ORIENTATION_CONFIDENCE = 5.0


class TesseractEngine:
    name = "tesseract"

    def __init__(self, config: str = "--psm 3", *, persistent: bool = True) -> None:
        """`config`: the command-line settings pages are read with. `persistent=False` always
        runs the command line (one process per page or region)."""
        self._config = config
        self._persistent = persistent
        self._helper_settings = _helper_settings(config) if persistent else None

    def version(self) -> str:
        return _tesseract_version()

    def recognize(self, image: Image.Image, *, lang: str, timeout: int) -> list[Word]:
        """OCR one image; words with conf -1 (layout rows) or empty text are dropped."""
        return self._read(image, lang, timeout, self._config, self._helper_settings)

    def read_region(
        self,
        image: Image.Image,
        *,
        lang: str,
        timeout: int,
        segmentation: Segmentation,
        alphabet: str | None = None,
    ) -> list[Word]:
        """A region read with the page segmentation mode of its layout, and the whitelist of
        `alphabet` when given."""
        config = f"--psm {_PSM[segmentation]}"
        if alphabet:
            config += " -c " + shlex.quote(f"tessedit_char_whitelist={alphabet}")
        settings = _helper_settings(config) if self._persistent else None
        return self._read(image, lang, timeout, config, settings)

    def orientation(self, image: Image.Image, *, timeout: int) -> int:
        """Tesseract's orientation and script detection (OSD): its rotation when its confidence
        reaches MIN_ORIENTATION_CONFIDENCE, else 0."""
        with _uncompressed(image) as path:
            result = _run(
                pytesseract.image_to_osd,
                path,
                config="--psm 0",
                output_type=pytesseract.Output.DICT,
                timeout=timeout,
            )
        rotate = int(result.get("rotate", 0)) % 360
        confidence = float(result.get("orientation_conf", 0.0))
        return rotate if confidence >= MIN_ORIENTATION_CONFIDENCE else 0

    def _read(
        self,
        image: Image.Image,
        lang: str,
        timeout: int,
        config: str,
        helper_settings: tuple[int, list[list[str]]] | None,
    ) -> list[Word]:
        """The words of `image` by the helper when it takes `helper_settings`, else by the
        command line with `config`."""
        if helper_settings is not None:
            psm, variables = helper_settings
            for attempt in (1, 2):
                helper = _shared_helper()
                if helper is None:
                    break
                try:
                    tsv = helper.recognize(image, lang, psm, variables, timeout)
                except _HelperGone as exc:
                    # It died between pages (killed, out of memory): not this page's fault.
                    if attempt == 2:
                        raise OcrEngineError(_FAILED, detail=str(exc)) from exc
                    continue
                return words_from_data(tsv_to_data(tsv))
        with _uncompressed(image) as path:
            data = _run(
                pytesseract.image_to_data,
                path,
                lang=lang,
                config=config,
                output_type=pytesseract.Output.DICT,
                timeout=timeout,
            )
        return words_from_data(data)


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


def tsv_to_data(tsv: str) -> dict[str, list[Any]]:
    """Tesseract's TSV rows (no header) as pytesseract's `image_to_data` columns: numbers as it
    makes them (confidence truncated to an integer), so both paths give the same words."""
    data: dict[str, list[Any]] = {name: [] for name in _TSV_COLUMNS}
    for row in tsv.rstrip("\n").split("\n"):
        cells = row.split("\t")
        if len(cells) < len(_TSV_COLUMNS) - 1:
            continue
        cells += [""] * (len(_TSV_COLUMNS) - len(cells))
        for name, cell in zip(_TSV_COLUMNS[:-1], cells, strict=False):
            data[name].append(int(float(cell)))
        data["text"].append(cells[-1])
    return data


_TSV_COLUMNS = (
    "level",
    "page_num",
    "block_num",
    "par_num",
    "line_num",
    "word_num",
    "left",
    "top",
    "width",
    "height",
    "conf",
    "text",
)


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
                _TIMED_OUT,
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


# --- the long-lived helper -------------------------------------------------------------------

_HELPER_SCRIPT = Path(__file__).with_name("_tess_helper.py")
_HELPER_START_TIMEOUT = 30.0
_FAILED = "Tesseract gặp lỗi khi nhận dạng trang này"  # same words as the command-line path


def _helper_settings(config: str) -> tuple[int, list[list[str]]] | None:
    """(page segmentation mode, variables) from a command-line config, or None when it holds
    anything the helper does not take (then the command line reads the page)."""
    psm = 3  # the command line's default (the library's own is 6)
    variables: list[list[str]] = []
    tokens = shlex.split(config)
    i = 0
    while i < len(tokens):
        token, value = tokens[i], tokens[i + 1] if i + 1 < len(tokens) else None
        if token == "--psm" and value is not None and value.isdigit():
            psm = int(value)
        elif token == "-c" and value is not None and "=" in value:
            name, _, setting = value.partition("=")
            variables.append([name, setting])
        else:
            return None
        i += 2
    return psm, variables


class _Helper:
    """One `_tess_helper.py` process; requests are serialized by a lock."""

    def __init__(self) -> None:
        env = {**os.environ, **_SUBPROCESS_ENV}
        self._proc = subprocess.Popen(
            [sys.executable, "-I", "-S", str(_HELPER_SCRIPT)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        self._buffer = b""
        self._lock = threading.Lock()
        started = self._read_header(time.monotonic() + _HELPER_START_TIMEOUT)
        if started is None or not started.get("ok"):
            self.close()
            raise _HelperUnavailable(str(started))
        self.version = str(started.get("version", ""))

    def alive(self) -> bool:
        return self._proc.poll() is None

    def recognize(
        self,
        image: Image.Image,
        lang: str,
        psm: int,
        variables: list[list[str]],
        timeout: int,
    ) -> str:
        if image.mode not in ("L", "RGB"):
            image = image.convert("L" if image.mode in ("1", "P", "LA", "I", "I;16") else "RGB")
        bpp = 1 if image.mode == "L" else 3
        header = {
            "lang": lang,
            "psm": psm,
            "vars": variables,
            "width": image.width,
            "height": image.height,
            "bpp": bpp,
        }
        request = json.dumps(header).encode() + b"\n" + image.tobytes()
        deadline = time.monotonic() + timeout
        with self._lock:
            try:
                assert self._proc.stdin is not None
                self._proc.stdin.write(request)
                self._proc.stdin.flush()
            except OSError as exc:  # BrokenPipeError among them
                self.close()
                raise _HelperGone(f"tesseract helper gone: {exc}") from exc
            reply = self._read_header(deadline)
            if reply is None:
                # Still on the page after its time: stop it now rather than wait for it.
                self.close(kill=time.monotonic() >= deadline)
                if time.monotonic() >= deadline:
                    raise OcrTimeout(
                        _TIMED_OUT,
                        detail=f"tesseract helper: no answer in {timeout} s",
                    )
                raise OcrEngineError(
                    _FAILED, detail=f"tesseract helper exited with {self._proc.returncode}"
                )
            if not reply.get("ok"):
                detail = str(reply.get("detail", reply))
                if reply.get("error") == "missing_language":
                    raise EngineMissing(
                        "Thiếu dữ liệu ngôn ngữ cho Tesseract (ví dụ tesseract-ocr-vie): "
                        "hãy cài rồi chạy lại",
                        detail=detail[:500],
                    )
                raise OcrEngineError(_FAILED, detail=detail[:500])
            payload = self._read_exact(int(reply["size"]), deadline)
            if payload is None:
                self.close(kill=True)
                raise OcrTimeout(
                    _TIMED_OUT,
                    detail="tesseract helper: answer cut short",
                )
        return payload.decode("utf-8", errors="replace")

    def close(self, *, kill: bool = False) -> None:
        """Stop the helper (closing its input ends it; kill it if it does not go). `kill`: at
        once — it is busy on a page nobody waits for any more."""
        proc = self._proc
        if kill and proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.poll() is None:
            try:
                if proc.stdin is not None:
                    proc.stdin.close()
                proc.wait(timeout=2)
            except (OSError, subprocess.TimeoutExpired):
                proc.kill()
                proc.wait()
        for stream in (proc.stdin, proc.stdout):
            if stream is not None:
                with suppress(OSError):
                    stream.close()

    def _fill(self, deadline: float) -> bool:
        """Read what the helper wrote, waiting until `deadline`; False on time-out or exit."""
        assert self._proc.stdout is not None
        fd = self._proc.stdout.fileno()
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        ready, _, _ = select.select([fd], [], [], remaining)
        if not ready:
            return False
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            self._proc.wait()
            return False
        self._buffer += chunk
        return True

    def _read_header(self, deadline: float) -> dict[str, Any] | None:
        while b"\n" not in self._buffer:
            if not self._fill(deadline):
                return None
        line, _, self._buffer = self._buffer.partition(b"\n")
        return json.loads(line)  # type: ignore[no-any-return]

    def _read_exact(self, size: int, deadline: float) -> bytes | None:
        while len(self._buffer) < size:
            if not self._fill(deadline):
                return None
        data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data


class _HelperUnavailable(Exception):
    pass


class _HelperGone(Exception):
    """The helper had exited before the page was handed over."""


_helper: _Helper | None = None
_helper_pid = 0
_helper_unavailable = False
_helper_lock = threading.Lock()


def _shared_helper() -> _Helper | None:
    """This process's helper, started on first use (a loaded model per process is the point);
    None where it cannot run, and then the command line is used."""
    global _helper, _helper_pid, _helper_unavailable
    if _helper_unavailable or os.name != "posix":
        return None
    with _helper_lock:
        if _helper is not None and (_helper_pid != os.getpid() or not _helper.alive()):
            if _helper_pid == os.getpid():
                _helper.close()
            _helper = None  # a forked child leaves its parent's helper alone
        if _helper is None:
            try:
                _helper = _Helper()
            except (_HelperUnavailable, OSError, ValueError):
                _helper_unavailable = True
                return None
            _helper_pid = os.getpid()
        return _helper


@atexit.register
def _stop_helper() -> None:
    if _helper is not None and _helper_pid == os.getpid():
        _helper.close()
