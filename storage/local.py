"""Objects as files under one folder: the embedded mode (no MinIO needed) and fast tests.

Writes go to a temporary file beside the object, are fsynced, then renamed into place, so a reader
or a crash never sees half an object. Links point at the sohoa web app, signed with HMAC-SHA256.
"""

from __future__ import annotations

import errno
import hashlib
import hmac
import os
import secrets
import shutil
import stat as stat_mode
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote

from storage.base import ObjectInfo
from storage.errors import (
    InvalidKey,
    ObjectExists,
    ObjectNotFound,
    StorageError,
    StoreMisconfigured,
    StoreUnavailable,
)
from storage.keys import TEMP_PREFIX, check_key, check_lifetime, check_prefix

_CHUNK = 1024 * 1024
# A folder a concurrent delete prunes may vanish between mkdir and creating the temp file.
_TEMP_ATTEMPTS = 3


class LocalStore:
    """An `ObjectStore` over a folder. The folder is created on the first write, not here.

    A folder keeps no content type, so `content_type` is accepted and ignored. Unlike S3, a folder
    cannot hold both `a` and `a/b`; writing the second raises `InvalidKey`.
    """

    def __init__(
        self, root: Path | str, *, secret: str | None = None, link_base: str = "/v1/objects"
    ) -> None:
        self.root = Path(os.path.abspath(root))
        self.url = "file://" + str(self.root)
        self._secret = secret
        self._link_base = link_base.rstrip("/")

    def __repr__(self) -> str:
        return f"LocalStore({str(self.root)!r})"

    def put_bytes(
        self,
        key: str,
        data: bytes,
        *,
        content_type: str = "application/octet-stream",
        overwrite: bool = True,
    ) -> ObjectInfo:
        """Write `data` at `key` atomically; `ObjectExists` if taken and `overwrite=False`."""
        return self._write(key, lambda out: out.write(data), overwrite=overwrite)

    def put_file(
        self,
        key: str,
        path: Path,
        *,
        content_type: str = "application/octet-stream",
        overwrite: bool = True,
    ) -> ObjectInfo:
        """Copy a local file to `key` in chunks, atomically."""
        with open(path, "rb") as src:
            return self._write(
                key, lambda out: shutil.copyfileobj(src, out, _CHUNK), overwrite=overwrite
            )

    def get_bytes(self, key: str) -> bytes:
        path = self._path(key)
        with _os_errors(key):
            return path.read_bytes()

    def open(self, key: str) -> BinaryIO:
        path = self._path(key)
        with _os_errors(key):
            return open(path, "rb")  # the caller closes it

    def download(self, key: str, path: Path) -> Path:
        """Copy the object to `path` (replaced atomically; parent folders created)."""
        with self.open(key) as src:
            return copy_to_file(src, path)

    def exists(self, key: str) -> bool:
        path = self._path(key)
        with _os_errors(key):
            return path.is_file()

    def stat(self, key: str) -> ObjectInfo:
        path = self._path(key)
        with _os_errors(key):
            st = path.stat()
        if not stat_mode.S_ISREG(st.st_mode):
            raise ObjectNotFound(key)
        return _info(key, st)

    def list(self, prefix: str = "") -> Iterator[ObjectInfo]:
        """Objects under `prefix` in the byte order of their keys, like S3 (`a-b` before `a/b`)."""
        check_prefix(prefix)
        base = prefix.rpartition("/")[0]
        start = self.root.joinpath(*base.split("/")) if base else self.root
        yield from self._walk(start, base + "/" if base else "", prefix)

    def delete(self, key: str) -> None:
        """Remove the object and any folders it leaves empty; an absent key is fine."""
        path = self._path(key)
        with _os_errors(key):
            try:
                path.unlink()
            except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
                return
        self._prune(path.parent)

    def link(self, key: str, *, expires: timedelta) -> str:
        """A path of the sohoa web app that serves the object until `expires` from now."""
        if not self._secret:
            raise StoreMisconfigured(
                "the local store needs a secret to sign links: set SOHOA_SECRET_KEY"
            )
        seconds = check_lifetime(expires)
        self.stat(key)
        until = int(time.time()) + seconds
        sig = sign_link(self._secret, key, until)
        return f"{self._link_base}/{quote(key, safe='/')}?expires={until}&sig={sig}"

    def _path(self, key: str) -> Path:
        return self.root.joinpath(*check_key(key).split("/"))

    def _write(
        self, key: str, fill: Callable[[BinaryIO], object], *, overwrite: bool
    ) -> ObjectInfo:
        path = self._path(key)
        with _os_errors(key, writing=True):
            fd, tmp = _create_temp(path.parent)
            try:
                with os.fdopen(fd, "wb") as out:
                    fill(out)
                    out.flush()
                    os.fsync(out.fileno())
                _publish(tmp, path, key, overwrite=overwrite)
            finally:
                tmp.unlink(missing_ok=True)
            _fsync_dir(path.parent)
            return _info(key, path.stat())

    def _walk(self, directory: Path, dir_key: str, prefix: str) -> Iterator[ObjectInfo]:
        """Depth-first, sorting a folder as `name/` so its objects fall where S3 would put them."""
        with _os_errors(dir_key):
            try:
                entries = list(os.scandir(directory))
            except (FileNotFoundError, NotADirectoryError):
                return
        ordered = sorted(
            (
                (dir_key + entry.name + ("/" if entry.is_dir(follow_symlinks=False) else ""), entry)
                for entry in entries
                if not entry.name.startswith(TEMP_PREFIX)
            ),
            key=lambda pair: pair[0],
        )
        for key, entry in ordered:
            if key.endswith("/"):
                if key.startswith(prefix) or prefix.startswith(key):
                    yield from self._walk(Path(entry.path), key, prefix)
            elif key.startswith(prefix):
                info = _entry_info(key, entry)
                if info is not None:
                    yield info

    def _prune(self, directory: Path) -> None:
        while directory != self.root and self.root in directory.parents:
            try:
                directory.rmdir()
            except OSError:
                return  # not empty (or gone): stop climbing
            directory = directory.parent


def sign_link(secret: str, key: str, expires: int) -> str:
    """The hex HMAC-SHA256 of `key` and its expiry time (unix seconds)."""
    if not secret:
        raise StoreMisconfigured("no secret to sign links with: set SOHOA_SECRET_KEY")
    message = f"{key}\n{expires}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verify_link(secret: str, key: str, expires: int, sig: str, *, now: float | None = None) -> bool:
    """Whether a link made by `LocalStore.link` is genuine and not yet expired (constant time)."""
    current = time.time() if now is None else now
    if current >= expires:
        return False
    expected = sign_link(secret, key, expires)
    return hmac.compare_digest(expected.encode(), sig.encode("utf-8", "replace"))


def copy_to_file(src: BinaryIO, path: Path) -> Path:
    """Stream `src` into `path` via a temporary file beside it, so `path` is never half written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            shutil.copyfileobj(src, out, _CHUNK)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


@contextmanager
def _os_errors(key: str, *, writing: bool = False) -> Iterator[None]:
    try:
        yield
    except OSError as exc:
        raise _storage_error(exc, key, writing=writing) from exc


def _storage_error(exc: OSError, key: str, *, writing: bool) -> StorageError:
    """Map an OS error to the storage error that tells the caller what to do about it."""
    if isinstance(exc, (IsADirectoryError, NotADirectoryError, FileExistsError)):
        if writing:
            return InvalidKey(
                f"{key!r} clashes with an existing object: a folder store cannot hold "
                "both 'a' and 'a/b'"
            )
        return ObjectNotFound(key)
    if isinstance(exc, FileNotFoundError) and not writing:
        return ObjectNotFound(key)
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return StoreMisconfigured(
            f"no permission for {key!r} in the local store: check the folder of "
            f"SOHOA_STORAGE_URL and its owner ({exc})"
        )
    if exc.errno == errno.ENAMETOOLONG:
        return InvalidKey(f"key too long for this file system: {key[:80]!r}")
    return StoreUnavailable(f"local store failed on {key!r}: {exc}")


def _create_temp(directory: Path) -> tuple[int, Path]:
    for _ in range(_TEMP_ATTEMPTS):
        directory.mkdir(parents=True, exist_ok=True)
        tmp = directory / f"{TEMP_PREFIX}{secrets.token_hex(8)}"
        try:
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC
            return os.open(tmp, flags, 0o666), tmp
        except FileNotFoundError:
            continue  # a concurrent delete pruned the empty folder: make it again
    raise StoreUnavailable(f"folder {directory} keeps disappearing while writing")


def _publish(tmp: Path, path: Path, key: str, *, overwrite: bool) -> None:
    """Move the finished temp file into place; a hard link refuses atomically to replace."""
    if overwrite:
        os.replace(tmp, path)
        return
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise ObjectExists(key) from None


def _fsync_dir(directory: Path) -> None:
    """Make the rename durable; some file systems cannot fsync a folder, which is fine."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP):
            raise
    finally:
        os.close(fd)


def _info(key: str, st: os.stat_result) -> ObjectInfo:
    return ObjectInfo(key=key, size=st.st_size, modified=datetime.fromtimestamp(st.st_mtime, UTC))


def _entry_info(key: str, entry: os.DirEntry[str]) -> ObjectInfo | None:
    """Info for a listed file, or None if it vanished (a concurrent delete) or is not a file."""
    try:
        st = entry.stat()
    except FileNotFoundError:
        return None
    return _info(key, st) if stat_mode.S_ISREG(st.st_mode) else None
