"""Working copies of scans never outlive their process (issue 14, item 3). After `kill -9` of a run
mid-OCR, the copies it made (the original downloaded for OCR: an ID card, a birth certificate) are
removed by the next run; the copies of a run still alive are never touched.

The runs here keep their temporary files under this test's own folder (TMPDIR and the work root),
so nothing outside it is looked at or removed.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sohoa.pipeline import workdir
from sohoa.pipeline.run import run_batch
from tests.fixtures.batches import copy_batch
from tests.fixtures.embedded import embedded_runtime

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def tmp(tmp_path: Path) -> Iterator[Path]:
    """A private temporary directory, and the work root inside it, for this process too."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    workdir.use_root(tmp / workdir.ROOT_NAME)
    yield tmp
    workdir.use_root(None)


def _copies_of(folder: Path, under: Path) -> list[Path]:
    """Files under `under` whose bytes are those of a file of `folder` (a scan's copy)."""
    scans = {hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir() if p.is_file()}
    found = []
    for path in under.rglob("*"):
        try:
            if path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() in scans:
                found.append(path)
        except OSError:
            continue  # removed while we looked (a run is working there)
    return found


def _env(tmp: Path, var: Path) -> dict[str, str]:
    return {
        **os.environ,
        "TMPDIR": str(tmp),
        "_SOHOA_WORK_ROOT": str(tmp / workdir.ROOT_NAME),
        "SOHOA_DATABASE_URL": f"sqlite:///{var / 'sohoa.db'}",
        "SOHOA_STORAGE_URL": f"file://{var / 'objects'}",
        "SOHOA_SECRET_KEY": "test-secret",
    }


def _wait_for(check: Any, seconds: float) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.05)
    return None


def test_copies_left_by_a_killed_run_are_removed_by_the_next_run(
    tmp_path: Path, tmp: Path, sample_batch: Path, reliability_log: Any
) -> None:
    folder = copy_batch(sample_batch, tmp_path / "inbox" / "tam")
    for extra in sorted(folder.iterdir())[3:]:
        extra.unlink()  # three scans are enough to be caught mid-work
    var = tmp_path / "var"
    runtime = embedded_runtime(var)  # migrated; the killed run uses the same warehouse
    sohoa = str(Path(sys.executable).with_name("sohoa"))
    proc = subprocess.Popen(
        [sohoa, "run", str(folder), "--batch", "tam", "--workers", "2"],
        env=_env(tmp, var),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        downloaded = _wait_for(lambda: _copies_of(folder, tmp), 120)
        assert downloaded, "the run made working copies of the scans"
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the run, its workers and Tesseract, at once
        proc.wait()
    time.sleep(0.2)
    left = _copies_of(folder, tmp)
    assert left, "kill -9 leaves the copies behind: the next run must find them"
    assert all(tmp / workdir.ROOT_NAME in p.parents for p in left), "all under one directory"

    report = run_batch(runtime, str(folder), "tam", workers=1)

    assert report["counts"]["resumed_run"] == 1
    assert _copies_of(folder, tmp) == [], "no copy of a scan outlives the killed run"
    reliability_log.record(
        "temporary_copies",
        case="sohoa run killed with SIGKILL mid-OCR, then run again",
        tried=1,
        outcome=f"copies of scans left by the killed run: {len(left)}; after the next run: 0",
    )
    runtime.close()


def test_a_live_runs_copies_are_never_removed(tmp: Path, reliability_log: Any) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from sohoa.pipeline import workdir\n"
            "path = workdir.process_dir()\n"
            "(path / 'original').write_bytes(b'scan of a live run')\n"
            "print(path, flush=True)\n"
            "time.sleep(120)\n",
        ],
        env={**os.environ, "_SOHOA_WORK_ROOT": str(tmp / workdir.ROOT_NAME)},
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        live = Path(holder.stdout.readline().strip())
        assert (live / "original").is_file()
        swept = workdir.sweep()
        assert (live / "original").is_file(), "a live run's copy is left alone"
        assert swept.alive >= 1
    finally:
        holder.kill()
        holder.wait()
    assert workdir.sweep().removed >= 1
    assert not live.exists(), "gone once its process is"
    reliability_log.record(
        "temporary_copies",
        case="a sweep while another run is alive",
        tried=1,
        outcome="the live run's directory kept; removed once its process ended",
    )


def test_copies_from_before_this_layout_are_removed_once_old(tmp: Path) -> None:
    old = tmp / "sohoa-proc-abc123"
    old.mkdir()
    (old / "original").write_bytes(b"a birth certificate, 2 days old")
    recent = tmp / "sohoa-proc-def456"
    recent.mkdir()
    (recent / "original").write_bytes(b"a copy being worked on right now")
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(old, (two_days_ago, two_days_ago))
    workdir.sweep()
    assert not old.exists()
    assert (recent / "original").exists(), "a copy that may be in use stays"
