"""Objects in one S3 bucket (MinIO in production, seaweedfs in tests) through the minio SDK.

Every failure comes out as a `storage.errors` class: an outage as `StoreUnavailable` (retry later),
wrong settings as `StoreMisconfigured` naming the setting to fix. The HTTP client has short
timeouts and few retries so an outage fails within seconds instead of hanging a worker.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO
from urllib.parse import urlsplit

import certifi
import urllib3
from minio import Minio
from minio.error import InvalidResponseError, S3Error, ServerError
from minio.helpers import check_bucket_name
from urllib3.exceptions import SSLError

from storage.base import ObjectInfo
from storage.errors import (
    InvalidKey,
    ObjectExists,
    ObjectNotFound,
    StorageError,
    StoreMisconfigured,
    StoreUnavailable,
)
from storage.keys import check_key, check_lifetime, check_prefix
from storage.local import copy_to_file

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

# Large files go up in parts of this size, one at a time: memory stays bounded by one part.
PART_SIZE = 16 * 1024 * 1024
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 60.0

_CREDENTIAL_CODES = frozenset(
    {
        "AccessDenied",
        "InvalidAccessKeyId",
        "SignatureDoesNotMatch",
        "InvalidToken",
        "ExpiredToken",
        "AuthorizationHeaderMalformed",
    }
)
_BUSY_CODES = frozenset(
    {"SlowDown", "ServiceUnavailable", "InternalError", "RequestTimeout", "OperationAborted"}
)


class MinioStore:
    """An `ObjectStore` over one bucket. Construction makes no request; the first call checks
    that the bucket exists (or creates it when `create_bucket=True`)."""

    def __init__(
        self,
        endpoint: str,
        access_key: str,
        secret_key: str,
        bucket: str,
        *,
        public_endpoint: str | None = None,
        region: str = "us-east-1",
        create_bucket: bool = False,
    ) -> None:
        host, secure = _parse_endpoint(endpoint, "SOHOA_S3_ENDPOINT")
        public_host, public_secure = _parse_endpoint(
            public_endpoint or endpoint, "SOHOA_S3_PUBLIC_ENDPOINT"
        )
        if not access_key or not secret_key:
            raise StoreMisconfigured("S3 needs credentials: set SOHOA_S3_ACCESS_KEY and SECRET_KEY")
        try:
            check_bucket_name(bucket, strict=True)
        except ValueError as exc:
            raise StoreMisconfigured(f"invalid bucket in SOHOA_STORAGE_URL: {exc}") from exc
        self.url = f"s3://{bucket}"
        self.bucket = bucket
        self._endpoint = endpoint
        self._create_bucket = create_bucket
        self._bucket_ready = False
        self._client = Minio(
            host, access_key, secret_key, secure=secure, region=region, http_client=_http_client()
        )
        # Links are signed for the address clients use; with the region given, signing is local.
        self._presigner = Minio(
            public_host, access_key, secret_key, secure=public_secure, region=region
        )

    def __repr__(self) -> str:
        return f"MinioStore({self._endpoint!r}, bucket={self.bucket!r})"

    def put_bytes(
        self,
        key: str,
        data: bytes,
        *,
        content_type: str = "application/octet-stream",
        overwrite: bool = True,
    ) -> ObjectInfo:
        """Upload `data`; S3 makes an object visible only once it is complete."""
        return self._put(key, io.BytesIO(data), len(data), content_type, overwrite=overwrite)

    def put_file(
        self,
        key: str,
        path: Path,
        *,
        content_type: str = "application/octet-stream",
        overwrite: bool = True,
    ) -> ObjectInfo:
        """Upload a local file, streaming it in `PART_SIZE` parts."""
        with open(path, "rb") as src:
            size = os.fstat(src.fileno()).st_size
            return self._put(key, src, size, content_type, overwrite=overwrite)

    def get_bytes(self, key: str) -> bytes:
        with self.open(key) as stream:
            return stream.read()

    def open(self, key: str) -> BinaryIO:
        """A buffered stream of the object; read errors also come out as storage errors."""
        check_key(key)
        client = self._ready()
        with self._errors(key):
            response = client.get_object(self.bucket, key)
        raw = _ResponseReader(response, lambda: self._errors(key))
        return io.BufferedReader(raw, buffer_size=1024 * 1024)

    def download(self, key: str, path: Path) -> Path:
        """Copy the object to `path` (replaced atomically; parent folders created)."""
        with self.open(key) as src:
            return copy_to_file(src, path)

    def exists(self, key: str) -> bool:
        try:
            self.stat(key)
        except ObjectNotFound:
            return False
        return True

    def stat(self, key: str) -> ObjectInfo:
        check_key(key)
        client = self._ready()
        with self._errors(key):
            obj = client.stat_object(self.bucket, key)
        return ObjectInfo(key=key, size=obj.size or 0, modified=_utc(obj.last_modified))

    def list(self, prefix: str = "") -> Iterator[ObjectInfo]:
        """Objects under `prefix` in the order the server lists them (key order for MinIO)."""
        check_prefix(prefix)
        client = self._ready()
        with self._errors(prefix):
            for obj in client.list_objects(self.bucket, prefix=prefix or None, recursive=True):
                if not obj.is_dir and obj.object_name:
                    yield ObjectInfo(
                        key=obj.object_name, size=obj.size or 0, modified=_utc(obj.last_modified)
                    )

    def delete(self, key: str) -> None:
        """Remove the object; S3 answers a delete of an absent key with success."""
        check_key(key)
        client = self._ready()
        with self._errors(key):
            client.remove_object(self.bucket, key)

    def link(self, key: str, *, expires: timedelta) -> str:
        """A presigned GET on the public endpoint, valid for `expires` (1 second to 7 days)."""
        seconds = check_lifetime(expires)
        self.stat(key)
        return self._presigner.presigned_get_object(
            self.bucket, key, expires=timedelta(seconds=seconds)
        )

    def _put(
        self, key: str, data: BinaryIO, length: int, content_type: str, *, overwrite: bool
    ) -> ObjectInfo:
        check_key(key)
        client = self._ready()
        # The SDK has no conditional PUT, so check, then write. Keys written with overwrite=False
        # are content-addressed (originals/<sha256>): two racing writers write the same bytes,
        # so losing the race is harmless.
        if not overwrite and self.exists(key):
            raise ObjectExists(key)
        with self._errors(key):
            client.put_object(
                self.bucket,
                key,
                data,
                length,
                content_type=content_type,
                part_size=PART_SIZE,
                num_parallel_uploads=1,
            )
        # S3 does not return Last-Modified on PUT; the local clock is close enough here.
        return ObjectInfo(key=key, size=length, modified=datetime.now(UTC))

    def _ready(self) -> Minio:
        """The client, once the bucket is known to exist: otherwise a missing bucket would look
        like a missing key (a HEAD answer has no body to tell them apart)."""
        if not self._bucket_ready:
            with self._errors(""):
                if not self._client.bucket_exists(self.bucket):
                    self._make_bucket()
            self._bucket_ready = True
        return self._client

    def _make_bucket(self) -> None:
        if not self._create_bucket:
            raise StoreMisconfigured(self._no_bucket())
        try:
            self._client.make_bucket(self.bucket)
        except S3Error as exc:
            if exc.code not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                raise

    def _no_bucket(self) -> str:
        return (
            f"bucket {self.bucket!r} does not exist at {self._endpoint}: the bucket must exist "
            "(create it, or check SOHOA_STORAGE_URL and SOHOA_S3_ENDPOINT)"
        )

    @contextmanager
    def _errors(self, key: str) -> Iterator[None]:
        """Translate SDK and HTTP failures into storage errors."""
        try:
            yield
        except S3Error as exc:
            raise self._s3_error(exc, key) from exc
        except ServerError as exc:
            raise StoreUnavailable(f"S3 at {self._endpoint} failed: {exc}") from exc
        except InvalidResponseError as exc:
            raise self._odd_response(exc) from exc
        except urllib3.exceptions.HTTPError as exc:
            raise self._http_error(exc) from exc

    def _s3_error(self, exc: S3Error, key: str) -> StorageError:
        code = exc.code or ""
        if code == "NoSuchKey":
            return ObjectNotFound(key)
        if code == "NoSuchBucket":
            self._bucket_ready = False
            return StoreMisconfigured(self._no_bucket())
        if code in _CREDENTIAL_CODES:
            return StoreMisconfigured(
                f"S3 at {self._endpoint} refused the credentials ({code}): check "
                f"SOHOA_S3_ACCESS_KEY / SOHOA_S3_SECRET_KEY and their rights on {self.bucket!r}"
            )
        if code == "RequestTimeTooSkewed":
            return StoreMisconfigured(f"this machine's clock is off from S3 at {self._endpoint}")
        if code == "KeyTooLongError":
            return InvalidKey(f"key too long for S3: {key[:80]!r}")
        if exc.response.status >= 500 or code in _BUSY_CODES:
            return StoreUnavailable(f"S3 at {self._endpoint} is unavailable ({code})")
        return StorageError(f"S3 refused the request on {key!r}: {code}: {exc.message}")

    def _odd_response(self, exc: InvalidResponseError) -> StorageError:
        status = getattr(exc, "_code", 0) or 0
        if status >= 500:
            return StoreUnavailable(f"S3 at {self._endpoint} failed with HTTP {status}")
        return StoreMisconfigured(
            f"{self._endpoint} does not answer like S3 (HTTP {status}): check SOHOA_S3_ENDPOINT"
        )

    def _http_error(self, exc: urllib3.exceptions.HTTPError) -> StorageError:
        if isinstance(exc, SSLError) or isinstance(getattr(exc, "reason", None), SSLError):
            return StoreMisconfigured(
                f"TLS with {self._endpoint} failed: check SOHOA_S3_ENDPOINT (http or https) "
                f"and the certificate ({exc})"
            )
        return StoreUnavailable(
            f"cannot reach S3 at {self._endpoint} (SOHOA_S3_ENDPOINT): {type(exc).__name__}"
        )


class _ResponseReader(io.RawIOBase):
    """A raw stream over an SDK response that translates read errors and frees the connection."""

    def __init__(
        self,
        response: urllib3.BaseHTTPResponse,
        errors: Callable[[], AbstractContextManager[None]],
    ) -> None:
        super().__init__()
        self._response = response
        self._errors = errors

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        with self._errors():
            return self._response.readinto(buffer)  # type: ignore[arg-type]

    def close(self) -> None:
        if not self.closed:
            self._response.close()
            self._response.release_conn()
        super().close()


def _parse_endpoint(endpoint: str, setting: str) -> tuple[str, bool]:
    """`http(s)://host:port` → (`host:port`, secure)."""
    parts = urlsplit(endpoint)
    if parts.username or parts.password:
        raise StoreMisconfigured(f"{setting} must not contain credentials")
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.path not in ("", "/")
        or parts.query
    ):
        raise StoreMisconfigured(f"{setting} must look like http://host:port, got {endpoint!r}")
    return parts.netloc, parts.scheme == "https"


def _http_client() -> urllib3.PoolManager:
    """Fail fast: short connect timeout, a couple of retries, no waiting on Retry-After."""
    retry = urllib3.Retry(
        total=2,
        backoff_factor=0.3,
        status_forcelist=(500, 502, 503, 504),
        raise_on_status=False,
        respect_retry_after_header=False,
    )
    return urllib3.PoolManager(
        timeout=urllib3.Timeout(connect=CONNECT_TIMEOUT, read=READ_TIMEOUT),
        retries=retry,
        maxsize=10,
        cert_reqs="CERT_REQUIRED",
        ca_certs=os.environ.get("SSL_CERT_FILE") or certifi.where(),
    )


def _utc(moment: datetime | None) -> datetime:
    if moment is None:
        return datetime.now(UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
