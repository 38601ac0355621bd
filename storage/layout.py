"""The object layout, the same in both stores (docs/DESIGN.md, "Object layout").

    inbox/<batch>/…                      as uploaded
    originals/<sha256>                   immutable
    derived/<sha256>/…                   OCR JSON, page images, extraction cache
    quarantine/<batch>/<sha256>          a file set aside, with `<sha256>.reason.json` beside it
    reports/<batch>.json                 the batch report

Original file names never appear in keys: they live in the warehouse only.
"""

from __future__ import annotations

import re

from storage.errors import InvalidKey

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
# A batch name is chosen by people; keep it to a safe, readable alphabet.
_BATCH = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


def check_sha256(sha256: str) -> str:
    if not _SHA256.match(sha256):
        raise InvalidKey(f"not a sha256 hex digest: {sha256[:80]!r}")
    return sha256


def check_batch(batch: str) -> str:
    if not _BATCH.match(batch) or ".." in batch:
        raise InvalidKey(
            f"invalid batch name {batch[:80]!r}: use letters, digits, '.', '_' or '-' "
            "(at most 100 characters, starting with a letter or digit)"
        )
    return batch


def inbox_prefix(batch: str) -> str:
    return f"inbox/{check_batch(batch)}/"


def original(sha256: str) -> str:
    return f"originals/{check_sha256(sha256)}"


def derived(sha256: str, name: str) -> str:
    return f"derived/{check_sha256(sha256)}/{name}"


def page_image(sha256: str, page: int) -> str:
    """The PNG every box refers to (pages count from 1)."""
    if page < 1:
        raise InvalidKey(f"page numbers start at 1, got {page}")
    return derived(sha256, f"pages/{page}.png")


def ocr_json(sha256: str) -> str:
    return derived(sha256, "ocr.json")


def extraction_json(sha256: str) -> str:
    return derived(sha256, "extraction.json")


def quarantine(batch: str, sha256: str) -> str:
    return f"quarantine/{check_batch(batch)}/{check_sha256(sha256)}"


def quarantine_reason(batch: str, sha256: str) -> str:
    return quarantine(batch, sha256) + ".reason.json"


def report(batch: str) -> str:
    return f"reports/{check_batch(batch)}.json"
