"""Which inbox uploads are ready: a marker or a manifest, and no run since it appeared."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from loaders import batches
from sohoa.pipeline.inbox import ready_batches, trigger_requests
from sohoa.pipeline.sources import open_source
from sohoa.runtime import Runtime


def _upload(runtime: Runtime, batch: str, marker: str | None) -> None:
    runtime.store.put_bytes(f"inbox/{batch}/scan.png", b"\x89PNG fake")
    if marker:
        runtime.store.put_bytes(f"inbox/{batch}/{marker}", b"file\n")


def test_uploads_with_a_marker_or_manifest_are_ready(runtime: Runtime) -> None:
    _upload(runtime, "lo-a", "_READY")
    _upload(runtime, "lo-b", "manifest.csv")
    _upload(runtime, "lo-c", None)
    runtime.store.put_bytes("inbox/bad name!/_READY", b"")  # not a batch name: ignored
    ready = ready_batches(runtime)
    assert [(r["batch"], r["source"]) for r in ready] == [
        ("lo-a", "store:inbox/lo-a"),
        ("lo-b", "store:inbox/lo-b"),
    ]
    requests = trigger_requests(runtime)
    assert requests[0]["conf"] == {"source": "store:inbox/lo-a", "batch": "lo-a"}
    assert requests[0]["trigger_run_id"].startswith("inbox__lo-a__")


def test_a_run_after_the_marker_makes_it_done_until_the_marker_is_written_again(
    runtime: Runtime,
) -> None:
    _upload(runtime, "lo-a", "_READY")
    time.sleep(1.1)  # store times have one-second resolution on S3
    with runtime.session() as session:
        run = batches.start_run(session, "lo-a", "store:inbox/lo-a")
    assert ready_batches(runtime) == [], "a run under way"
    with runtime.session() as session:
        batches.finish_run(session, batches.get_run(session, run.id), {})
    assert ready_batches(runtime) == [], "done"
    time.sleep(1.1)
    runtime.store.put_bytes("inbox/lo-a/_READY", b"")
    assert [r["batch"] for r in ready_batches(runtime)] == ["lo-a"]
    assert datetime.fromisoformat(ready_batches(runtime)[0]["ready_at"]) <= datetime.now(UTC)


def test_the_store_source_reads_the_inbox_of_the_configured_store(runtime: Runtime) -> None:
    _upload(runtime, "lo-a", "_READY")
    source = open_source("store:inbox/lo-a", runtime.settings)
    assert [f.name for f in source.files()] == ["scan.png"]
