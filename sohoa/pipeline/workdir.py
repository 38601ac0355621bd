"""Working copies of scans live under one directory, and none outlives its process.

Processing needs files on disk (the original downloaded from the store, a page handed to
Tesseract's command line); they are copies of ID cards and birth certificates. Each process that
makes them owns one directory, `<temp>/sohoa-work/<pid>-<random>/`, and holds an exclusive lock on
the `.owner` file inside it for as long as it lives. The kernel drops that lock when the process
ends, however it ends (kill -9 included), so the next run (`sweep`) can tell a directory whose
owner is gone — removed — from one of a run still alive — never touched.

While a pipeline step runs, `owned_tempdir` also points Python's `tempfile` at the process's
directory, so copies made by libraries (pytesseract's page images, `extractors.ocr`'s PNM
pages) land there too, without the pure extractors knowing about it.

Directories written by versions before this one (`<temp>/sohoa-proc-*`, `sohoa-intake-*`, …)
have no lock; `sweep` removes those older than `LEGACY_AGE` (a copy lives seconds to minutes
while its file is worked on).
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import logging
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

ROOT_NAME = "sohoa-work"
OWNER_FILE = ".owner"
# A directory being created is named `.new-…` until its lock is held; one left that way longer
# than this was abandoned by a process that died while creating it.
NEW_PREFIX = ".new-"
NEW_GRACE_S = 60.0
LEGACY_PREFIXES = ("sohoa-proc-", "sohoa-intake-", "sohoa-redo-", "sohoa-page-", "sohoa-ocr-")
LEGACY_AGE_S = 24 * 3600.0


@dataclass
class _Claim:
    pid: int
    path: Path
    fd: int


_claim: _Claim | None = None
_lock = threading.Lock()
# The root, once chosen, is handed to child processes (workers) through the environment: by then
# their `tempfile` may already point inside this process's own directory.
_ROOT_ENV = "_SOHOA_WORK_ROOT"


def root() -> Path:
    """The one directory every working copy lives under."""
    given = os.environ.get(_ROOT_ENV)
    return Path(given) if given else Path(tempfile.gettempdir()) / ROOT_NAME


def use_root(path: Path | None) -> None:
    """Put working copies under `path` instead of `<temp>/sohoa-work` (tests; None: back to the
    default). Releases this process's directory first."""
    release()
    if path is None:
        os.environ.pop(_ROOT_ENV, None)
    else:
        os.environ[_ROOT_ENV] = str(path)


def process_dir() -> Path:
    """This process's own directory (created and locked on first use; a forked child gets its
    own)."""
    global _claim
    with _lock:
        if _claim is not None and _claim.pid == os.getpid():
            if _claim.path.is_dir():
                return _claim.path
            os.close(_claim.fd)  # removed under us (by hand): claim a new one
            _claim = None
        base = root()
        base.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.environ[_ROOT_ENV] = str(base)
        fresh = Path(tempfile.mkdtemp(prefix=NEW_PREFIX, dir=base))
        fd = os.open(fresh / OWNER_FILE, os.O_CREAT | os.O_RDWR, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # new file: nobody else holds it
        os.write(fd, f"{os.getpid()}\n".encode())
        path = base / f"{os.getpid()}-{fresh.name.removeprefix(NEW_PREFIX)}"
        fresh.rename(path)  # the lock goes with the file: the directory is never unowned
        _claim = _Claim(os.getpid(), path, fd)
        return path


def release() -> None:
    """Remove this process's directory (at exit; the next run's sweep does it after a crash)."""
    global _claim
    with _lock:
        claim, _claim = _claim, None
    if claim is None or claim.pid != os.getpid():
        return
    shutil.rmtree(claim.path, ignore_errors=True)
    with contextlib.suppress(OSError):
        os.close(claim.fd)


atexit.register(release)


def _forget_parent_claim() -> None:
    """In a forked child: drop the parent's descriptor, so the parent's directory is freed when
    the parent ends even while the child lives on (the lock belongs to the open file)."""
    global _claim
    claim, _claim = _claim, None
    if claim is not None:
        with contextlib.suppress(OSError):
            os.close(claim.fd)


os.register_at_fork(after_in_child=_forget_parent_claim)


@contextlib.contextmanager
def scratch(prefix: str) -> Iterator[Path]:
    """A temporary directory inside this process's directory, removed when the block ends."""
    with tempfile.TemporaryDirectory(prefix=prefix, dir=process_dir()) as tmp:
        yield Path(tmp)


@contextlib.contextmanager
def owned_tempdir() -> Iterator[Path]:
    """Point `tempfile` (and child processes, through TMPDIR) at this process's directory for
    the length of the block, so every temporary copy a library makes lands where the next run's
    sweep finds it if this process is killed."""
    path = process_dir()
    saved_tempdir, saved_env = tempfile.tempdir, os.environ.get("TMPDIR")
    tempfile.tempdir = str(path)
    os.environ["TMPDIR"] = str(path)
    try:
        yield path
    finally:
        tempfile.tempdir = saved_tempdir
        if saved_env is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = saved_env


def adopt_tempdir() -> Path:
    """`owned_tempdir` for the rest of this process's life (worker processes)."""
    path = process_dir()
    tempfile.tempdir = str(path)
    os.environ["TMPDIR"] = str(path)
    return path


@dataclass(frozen=True)
class SweepResult:
    removed: int  # directories of processes that are gone (and old legacy ones)
    alive: int  # directories of processes still running: left alone


def sweep() -> SweepResult:
    """Remove the working directories whose owning process is gone; never one whose owner still
    holds its lock. Safe to run from several processes at once."""
    base = root()
    removed = alive = 0
    own = _claim.path if _claim is not None and _claim.pid == os.getpid() else None
    if base.is_dir():
        for entry in base.iterdir():
            if entry == own or entry.is_symlink() or not entry.is_dir():
                continue
            if entry.name.startswith(NEW_PREFIX):
                if _age(entry) > NEW_GRACE_S:
                    shutil.rmtree(entry, ignore_errors=True)
                    removed += 1
                continue
            if _owner_alive(entry):
                alive += 1
                continue
            removed += 1
    removed += _sweep_legacy(base.parent)
    if removed:
        log.info("removed %d working directories left by ended processes", removed)
    return SweepResult(removed, alive)


def _owner_alive(path: Path) -> bool:
    """False (and the directory removed) when nobody holds its lock; True when someone does."""
    try:
        fd = os.open(path / OWNER_FILE, os.O_RDWR | os.O_NOFOLLOW)
    except FileNotFoundError:
        shutil.rmtree(path, ignore_errors=True)  # not made by `process_dir`: nobody's
        return False
    except OSError:
        return True  # cannot tell: leave it
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        shutil.rmtree(path, ignore_errors=True)  # holding its lock: nobody can claim it now
        return False
    finally:
        os.close(fd)


def _sweep_legacy(tmp: Path) -> int:
    removed = 0
    with contextlib.suppress(OSError):
        for entry in tmp.iterdir():
            if not entry.name.startswith(LEGACY_PREFIXES) or entry.is_symlink():
                continue
            if entry.is_dir() and _age(entry) > LEGACY_AGE_S:
                shutil.rmtree(entry, ignore_errors=True)
                removed += 1
    return removed


def _age(path: Path) -> float:
    try:
        return time.time() - path.stat().st_mtime
    except OSError:
        return 0.0
