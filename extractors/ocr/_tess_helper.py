"""A long-lived Tesseract process: the library loaded once, pages read over a pipe.

Run by `extractors.ocr.tesseract` as `python -I -S _tess_helper.py` (standard library only, so it
starts in milliseconds). The `tesseract` command line loads the language model again for every
page (about 0.1 s) and decodes an image file; here each model is loaded once per (language,
settings) and pages arrive as raw pixels. Recognition is the same library call the command line
makes (`TessBaseAPIRecognize`, then the TSV renderer), so the words are the same.

Protocol, one request at a time: the client writes a JSON header line
`{"lang", "psm", "vars": [[name, value], …], "width", "height", "bpp"}` followed by
width × height × bpp bytes of pixels (grey or RGB, rows packed). The helper answers with a JSON
line `{"ok": true, "size": n}` followed by n bytes of UTF-8 TSV (the command line's `tsv` output
without its header), or `{"ok": false, "error": "missing_language" | "failed", "detail": …}`.
On start it writes `{"ok": true, "version": …}`, or `{"ok": false, "error": "no_library"}` and
exits. It exits when its input closes (the client process ended).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import sys
from collections import OrderedDict
from typing import Any, BinaryIO

MAX_MODELS = 4  # (language, settings) pairs kept loaded; each costs ~30 MB

_LIBRARY_NAMES = ("libtesseract.so.5", "libtesseract.5.dylib", "libtesseract.so")


def _load_library() -> Any:
    names = list(_LIBRARY_NAMES)
    found = ctypes.util.find_library("tesseract")
    if found:
        names.insert(0, found)
    for name in names:
        try:
            lib = ctypes.CDLL(name)
        except OSError:
            continue
        void_p, char_p, c_int = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int
        lib.TessVersion.restype = char_p
        lib.TessBaseAPICreate.restype = void_p
        lib.TessBaseAPIInit3.argtypes = [void_p, char_p, char_p]
        lib.TessBaseAPISetVariable.argtypes = [void_p, char_p, char_p]
        lib.TessBaseAPISetPageSegMode.argtypes = [void_p, c_int]
        lib.TessBaseAPISetImage.argtypes = [void_p, char_p, c_int, c_int, c_int, c_int]
        lib.TessBaseAPIRecognize.argtypes = [void_p, void_p]
        lib.TessBaseAPIGetTsvText.argtypes = [void_p, c_int]
        lib.TessBaseAPIGetTsvText.restype = void_p
        lib.TessDeleteText.argtypes = [void_p]
        lib.TessBaseAPIClear.argtypes = [void_p]
        lib.TessBaseAPIEnd.argtypes = [void_p]
        lib.TessBaseAPIDelete.argtypes = [void_p]
        return lib
    return None


def _reply(out: BinaryIO, header: dict[str, Any], payload: bytes = b"") -> None:
    out.write(json.dumps(header).encode() + b"\n" + payload)
    out.flush()


def _read_exact(stream: BinaryIO, size: int) -> bytes | None:
    data = stream.read(size)
    return data if data is not None and len(data) == size else None


class _Models:
    def __init__(self, lib: Any) -> None:
        self._lib = lib
        self._apis: OrderedDict[tuple[Any, ...], int] = OrderedDict()

    def get(self, lang: str, psm: int, variables: list[list[str]]) -> int | None:
        key = (lang, psm, tuple(tuple(v) for v in variables))
        api = self._apis.get(key)
        if api is not None:
            self._apis.move_to_end(key)
            return api
        lib = self._lib
        api = lib.TessBaseAPICreate()
        lib.TessBaseAPISetVariable(api, b"debug_file", b"/dev/null")  # no chatter on stderr
        if lib.TessBaseAPIInit3(api, None, lang.encode()) != 0:
            lib.TessBaseAPIDelete(api)
            return None
        lib.TessBaseAPISetVariable(api, b"debug_file", b"/dev/null")
        lib.TessBaseAPISetPageSegMode(api, psm)
        for name, value in variables:
            lib.TessBaseAPISetVariable(api, name.encode(), value.encode())
        self._apis[key] = api
        while len(self._apis) > MAX_MODELS:
            _, old = self._apis.popitem(last=False)
            self._end(old)
        return api

    def _end(self, api: int) -> None:
        self._lib.TessBaseAPIEnd(api)
        self._lib.TessBaseAPIDelete(api)

    def close(self) -> None:
        while self._apis:
            _, api = self._apis.popitem()
            self._end(api)


def main() -> int:
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    lib = _load_library()
    if lib is None:
        _reply(stdout, {"ok": False, "error": "no_library"})
        return 1
    _reply(stdout, {"ok": True, "version": lib.TessVersion().decode()})
    models = _Models(lib)
    try:
        while True:
            line = stdin.readline()
            if not line:
                return 0
            request = json.loads(line)
            width, height, bpp = int(request["width"]), int(request["height"]), int(request["bpp"])
            pixels = _read_exact(stdin, width * height * bpp)
            if pixels is None:
                return 0
            api = models.get(str(request["lang"]), int(request["psm"]), request.get("vars", []))
            if api is None:
                detail = f"Failed loading language '{request['lang']}'"
                _reply(stdout, {"ok": False, "error": "missing_language", "detail": detail})
                continue
            lib.TessBaseAPISetImage(api, pixels, width, height, bpp, width * bpp)
            if lib.TessBaseAPIRecognize(api, None) != 0:
                lib.TessBaseAPIClear(api)
                _reply(stdout, {"ok": False, "error": "failed", "detail": "Recognize failed"})
                continue
            pointer = lib.TessBaseAPIGetTsvText(api, 0)
            tsv = ctypes.string_at(pointer) if pointer else b""
            if pointer:
                lib.TessDeleteText(pointer)
            lib.TessBaseAPIClear(api)
            _reply(stdout, {"ok": True, "size": len(tsv)}, tsv)
    finally:
        models.close()


if __name__ == "__main__":
    sys.exit(main())
