"""The object store: one interface (`ObjectStore`), a folder (`LocalStore`) and S3 (`MinioStore`).

`open_store` turns the `SOHOA_STORAGE_URL` setting into a store. This package knows nothing of
documents and imports nothing from the rest of sohoa.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from storage.base import ObjectInfo, ObjectStore
from storage.errors import (
    InvalidKey,
    ObjectExists,
    ObjectNotFound,
    StorageError,
    StoreMisconfigured,
    StoreUnavailable,
)
from storage.local import LocalStore, verify_link

if TYPE_CHECKING:
    from storage.minio_store import MinioStore

__all__ = [
    "InvalidKey",
    "LocalStore",
    "MinioStore",
    "ObjectExists",
    "ObjectInfo",
    "ObjectNotFound",
    "ObjectStore",
    "StorageError",
    "StoreMisconfigured",
    "StoreUnavailable",
    "open_store",
    "verify_link",
]


def open_store(
    url: str,
    *,
    s3_endpoint: str | None = None,
    s3_public_endpoint: str | None = None,
    s3_access_key: str | None = None,
    s3_secret_key: str | None = None,
    s3_region: str = "us-east-1",
    secret: str | None = None,
) -> ObjectStore:
    """A store for `file://PATH` (relative paths resolve against the current folder) or
    `s3://BUCKET`. Makes no request and creates nothing; wrong settings raise
    `StoreMisconfigured` naming the setting to fix."""
    if url.startswith("file://"):
        return _local(url.removeprefix("file://"), secret)
    if url.startswith("s3://"):
        if not s3_endpoint:
            raise StoreMisconfigured(f"{url} needs SOHOA_S3_ENDPOINT (e.g. http://minio:9000)")
        if not s3_access_key or not s3_secret_key:
            raise StoreMisconfigured(f"{url} needs SOHOA_S3_ACCESS_KEY and SOHOA_S3_SECRET_KEY")
        from storage.minio_store import MinioStore

        return MinioStore(
            s3_endpoint,
            s3_access_key,
            s3_secret_key,
            _bucket(url.removeprefix("s3://")),
            public_endpoint=s3_public_endpoint,
            region=s3_region,
        )
    raise StoreMisconfigured(
        f"SOHOA_STORAGE_URL must start with file:// or s3://, got {url[:80]!r}"
    )


def _local(path: str, secret: str | None) -> LocalStore:
    if not path:
        raise StoreMisconfigured(
            "SOHOA_STORAGE_URL file:// needs a folder, e.g. file://./var/objects"
        )
    return LocalStore(os.path.abspath(path), secret=secret)


def _bucket(rest: str) -> str:
    bucket = rest.rstrip("/")
    if not bucket or "/" in bucket:
        raise StoreMisconfigured(
            f"SOHOA_STORAGE_URL must be s3://BUCKET (one bucket, no path), got s3://{rest[:80]}"
        )
    return bucket


def __getattr__(name: str) -> Any:
    # The S3 client (minio, urllib3, its crypto: ~0.15 s) is imported when an s3:// store is
    # opened or `MinioStore` is named, not by every command working on a local folder.
    if name == "MinioStore":
        from storage.minio_store import MinioStore

        return MinioStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
