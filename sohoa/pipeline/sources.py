"""Where a batch comes from: a folder or `s3://bucket/prefix`, with an optional `manifest.csv`.

A source lists files by their name relative to the batch root. Names are user-supplied: they are
kept (NFC) for the warehouse only and never used to build object keys.
"""

from __future__ import annotations

import csv
import io
import shutil
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from sohoa.settings import Settings
from storage import ObjectStore, open_store

MANIFEST = "manifest.csv"
READY_MARKER = "_READY"
MANIFEST_COLUMNS = ("file", "dossier_code", "procedure_code", "subject_id", "type_hint")
SAMPLES_INDEX = "index.json"
# `store:inbox/BATCH`: a batch already in the configured store's inbox (what `watch_inbox` hands
# to `digitize_batch`), read with the store's own settings whatever kind of store it is.
STORE_SOURCE_PREFIX = "store:"
# Not documents: the batch's own control files, and the ground truth `sohoa samples` writes beside
# each generated document (so a samples folder can be run as it is).
_SKIPPED_NAMES = {MANIFEST, READY_MARKER, SAMPLES_INDEX}
_SKIPPED_SUFFIXES = (".truth.json",)


def is_control_file(name: str) -> bool:
    base = name.rsplit("/", 1)[-1]
    return name in _SKIPPED_NAMES or base.endswith(_SKIPPED_SUFFIXES) or base.startswith(".")


class SourceError(ValueError):
    """The source does not exist or cannot be read as a batch; the message says what to check."""

    retryable = False


@dataclass(frozen=True)
class SourceFile:
    name: str  # relative to the batch root, '/'-separated, NFC
    size: int


class Source(Protocol):
    description: str

    def files(self) -> Iterator[SourceFile]: ...

    def fetch(self, name: str, dest: Path) -> Path: ...

    def local_path(self, name: str) -> Path | None:
        """The file where it lies, to read in place (hashing a file already done), or None when
        it must be fetched."""
        ...

    def read_manifest(self) -> dict[str, dict[str, str]]: ...


def _nfc(name: str) -> str:
    return unicodedata.normalize("NFC", name)


def _parse_manifest(text: str) -> dict[str, dict[str, str]]:
    """Rows keyed by file name. Unknown columns are ignored; empty cells are dropped."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if not reader.fieldnames or "file" not in reader.fieldnames:
        raise SourceError(
            f"{MANIFEST} needs a header row with a 'file' column (columns: "
            f"{', '.join(MANIFEST_COLUMNS)})"
        )
    rows: dict[str, dict[str, str]] = {}
    for row in reader:
        name = _nfc((row.get("file") or "").strip())
        if not name:
            continue
        rows[name] = {
            key: value.strip()
            for key, value in row.items()
            if key in MANIFEST_COLUMNS and key != "file" and value and value.strip()
        }
    return rows


class FolderSource:
    def __init__(self, root: Path) -> None:
        if not root.is_dir():
            raise SourceError(f"source folder not found: {root} (give a folder of scans)")
        self.root = root.resolve()
        self.description = str(self.root)

    def files(self) -> Iterator[SourceFile]:
        for path in sorted(self.root.rglob("*")):
            rel = path.relative_to(self.root)
            if not path.is_file() or any(part.startswith(".") for part in rel.parts):
                continue
            if is_control_file(rel.as_posix()):
                continue
            yield SourceFile(_nfc(rel.as_posix()), path.stat().st_size)

    def _path(self, name: str) -> Path:
        path = (self.root / name).resolve()
        if not path.is_relative_to(self.root):
            raise SourceError(f"file name escapes the source folder: {name!r}")
        return path

    def fetch(self, name: str, dest: Path) -> Path:
        shutil.copyfile(self._path(name), dest)
        return dest

    def local_path(self, name: str) -> Path | None:
        return self._path(name)

    def read_manifest(self) -> dict[str, dict[str, str]]:
        path = self.root / MANIFEST
        return _parse_manifest(path.read_text(encoding="utf-8")) if path.is_file() else {}


class StoreSource:
    """Files under a prefix of an object store (an S3 bucket, or the inbox of our own store)."""

    def __init__(self, store: ObjectStore, prefix: str, description: str) -> None:
        self.store = store
        self.prefix = prefix.rstrip("/") + "/" if prefix else ""
        self.description = description

    def files(self) -> Iterator[SourceFile]:
        for info in self.store.list(self.prefix):
            name = info.key[len(self.prefix) :]
            if not name or name.endswith("/") or is_control_file(name):
                continue
            if any(part.startswith(".") for part in name.split("/")):
                continue
            yield SourceFile(_nfc(name), info.size)

    def fetch(self, name: str, dest: Path) -> Path:
        return self.store.download(self.prefix + name, dest)

    def local_path(self, name: str) -> Path | None:
        return None  # downloaded, then hashed

    def read_manifest(self) -> dict[str, dict[str, str]]:
        key = self.prefix + MANIFEST
        if not self.store.exists(key):
            return {}
        return _parse_manifest(self.store.get_bytes(key).decode("utf-8"))


def open_source(source: str, settings: Settings) -> Source:
    """`s3://bucket/prefix` (credentials from the SOHOA_S3_* settings), `store:inbox/BATCH` (a
    prefix of the configured SOHOA_STORAGE_URL store, whichever kind it is) or a local folder."""
    if source.startswith(STORE_SOURCE_PREFIX):
        prefix = source.removeprefix(STORE_SOURCE_PREFIX).strip("/")
        if not prefix.startswith("inbox/") or ".." in prefix.split("/"):
            raise SourceError(f"{source!r}: write store:inbox/BATCH (a folder of the inbox)")
        store = open_store(
            settings.storage_url,
            s3_endpoint=settings.s3_endpoint,
            s3_public_endpoint=settings.s3_public_endpoint,
            s3_access_key=settings.s3_access_key,
            s3_secret_key=settings.s3_secret_key,
            s3_region=settings.s3_region,
        )
        return StoreSource(store, prefix, source)
    if source.startswith("s3://"):
        bucket, _, prefix = source.removeprefix("s3://").partition("/")
        if not bucket:
            raise SourceError(f"no bucket in {source!r}: write s3://BUCKET/PREFIX")
        store = open_store(
            f"s3://{bucket}",
            s3_endpoint=settings.s3_endpoint,
            s3_public_endpoint=settings.s3_public_endpoint,
            s3_access_key=settings.s3_access_key,
            s3_secret_key=settings.s3_secret_key,
            s3_region=settings.s3_region,
        )
        return StoreSource(store, prefix, source)
    return FolderSource(Path(source.removeprefix("file://")))
