"""`watch_inbox` for real (`airflow dags test`): it triggers `digitize_batch` once per upload that
is ready, the triggered conf digitizes the batch from the store's inbox, and a digitized upload is
not triggered again until its marker is written again."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tests.dags.airflow_cli import AirflowHome
from tests.fixtures.batches import copy_batch


def _upload(home: AirflowHome, src: Path, batch: str, marker: str | None, only: int) -> Path:
    folder = home.objects / "inbox" / batch
    copy_batch(src, folder)
    for extra in sorted(p for p in folder.iterdir() if p.is_file())[only:]:
        extra.unlink()
    if marker == "_READY":
        (folder / "_READY").write_bytes(b"")
    elif marker == "manifest.csv":
        (folder / "manifest.csv").write_text("file,type_hint\n", encoding="utf-8")
    return folder


@pytest.mark.slow
def test_watch_inbox_triggers_each_ready_upload_once(tmp_path: Path, sample_batch: Path) -> None:
    home = AirflowHome(tmp_path).setup()
    _upload(home, sample_batch, "lo-ready", "_READY", only=1)
    _upload(home, sample_batch, "lo-manifest", "manifest.csv", only=1)
    _upload(home, sample_batch, "lo-uploading", None, only=1)  # no marker yet: not ready

    home.dag_test("watch_inbox")
    runs = home.dag_runs("digitize_batch")
    assert {c["batch"]: c["source"] for c in runs.values()} == {
        "lo-ready": "store:inbox/lo-ready",
        "lo-manifest": "store:inbox/lo-manifest",
    }
    assert all(run_id.startswith("inbox__") for run_id in runs)

    # A second scan before anything ran: same run ids, skipped — nothing triggered twice.
    home.dag_test("watch_inbox")
    assert home.dag_runs("digitize_batch").keys() == runs.keys()

    # The triggered conf digitizes the batch from the store's own inbox.
    conf = next(c for c in runs.values() if c["batch"] == "lo-ready")
    home.dag_test("digitize_batch", conf)
    assert (home.objects / "reports" / "lo-ready.json").is_file()

    # Done after its marker: a later scan leaves it; writing the marker again re-arms it.
    home.dag_test("watch_inbox")
    assert _watcher_runs(home) == sorted(runs)

    marker = home.objects / "inbox" / "lo-ready" / "_READY"
    later = time.time() + 2
    os.utime(marker, (later, later))
    home.dag_test("watch_inbox")
    again = [r for r in _watcher_runs(home) if r.startswith("inbox__lo-ready__")]
    assert len(again) == 2


def _watcher_runs(home: AirflowHome) -> list[str]:
    """Runs of digitize_batch the watcher started (`dags test` above adds a manual one)."""
    return sorted(r for r in home.dag_runs("digitize_batch") if r.startswith("inbox__"))
