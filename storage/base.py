"""One object-store interface for every part of sohoa. It knows nothing of documents.

Keys are relative, `/`-separated paths. The layout (same in both stores) is in `storage.layout`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO, Protocol, runtime_checkable


@dataclass(frozen=True)
class ObjectInfo:
    key: str
    size: int
    modified: datetime  # timezone-aware, UTC


@runtime_checkable
class ObjectStore(Protocol):
    """What sohoa needs from a store. Implementations: `LocalStore`, `MinioStore`."""

    url: str  # e.g. "file:///abs/path" or "s3://bucket" (no credentials)

    def put_bytes(
        self,
        key: str,
        data: bytes,
        *,
        content_type: str = "application/octet-stream",
        overwrite: bool = True,
    ) -> ObjectInfo:
        """Write `data` at `key` atomically (readers never see half an object).

        With `overwrite=False`, an existing key raises `ObjectExists` and is left untouched.
        """
        ...

    def put_file(
        self,
        key: str,
        path: Path,
        *,
        content_type: str = "application/octet-stream",
        overwrite: bool = True,
    ) -> ObjectInfo:
        """Like `put_bytes`, streaming from a local file (bounded memory for large files)."""
        ...

    def get_bytes(self, key: str) -> bytes:
        """The whole object. `ObjectNotFound` if absent."""
        ...

    def open(self, key: str) -> BinaryIO:
        """A readable stream of the object (close it). `ObjectNotFound` if absent."""
        ...

    def download(self, key: str, path: Path) -> Path:
        """Copy the object to a local file, streaming. Returns `path`."""
        ...

    def exists(self, key: str) -> bool: ...

    def stat(self, key: str) -> ObjectInfo:
        """Size and time. `ObjectNotFound` if absent."""
        ...

    def list(self, prefix: str = "") -> Iterator[ObjectInfo]:
        """Every object whose key starts with `prefix`, in key order, recursively."""
        ...

    def delete(self, key: str) -> None:
        """Remove the object; removing an absent key is not an error."""
        ...

    def link(self, key: str, *, expires: timedelta) -> str:
        """A short-lived URL a client can GET the object from (presigned for S3; for the local
        store a signed `/objects/...` path of the sohoa web app). `ObjectNotFound` if absent."""
        ...
