"""`sohoa run`: the whole batch in this process, OCR spread over worker processes.

The same steps as the DAG (intake → process → load → report); only the parallelism differs: here
files are handed to a process pool one by one (Tesseract at one thread each), and loading stays in
the main process (one writer, which SQLite prefers), one transaction per `LOAD_TRANSACTION_SIZE`
files.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from loaders import batches
from sohoa.pipeline.errors import RetryableStepError, step_boundary
from sohoa.pipeline.intake import intake
from sohoa.pipeline.load import LOAD_TRANSACTION_SIZE, load_files
from sohoa.pipeline.process import FileOutcome
from sohoa.pipeline.report import build_report, save_report
from sohoa.pipeline.sources import open_source
from sohoa.pipeline.steps import process_one, record_outcome
from sohoa.runtime import Runtime
from sohoa.settings import Settings

# Progress callback: (stage, done, total). Stages: "intake", "process", "load".
Progress = Callable[[str, int, int], None]

_worker_runtime: Runtime | None = None


def _init_worker(settings: Settings, log_level: int) -> None:
    """Each worker process: its own store and database handles, the parent's log level."""
    global _worker_runtime
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    logging.basicConfig(
        level=log_level,
        format="%(asctime)s %(levelname)s %(processName)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    _worker_runtime = Runtime(settings)


def _process_in_worker(
    batch: str, sha256: str, hint: str | None, lang: str | None, reprocess: bool
) -> FileOutcome:
    assert _worker_runtime is not None, "worker not initialised"
    return process_one(_worker_runtime, batch, sha256, hint=hint, lang=lang, reprocess=reprocess)


def _worker_context() -> multiprocessing.context.BaseContext:
    """How worker processes start. Not fork: the parent holds database and HTTP connection pools
    that must not be shared. A fork server where there is one: a clean process that imports the
    stack once (this module and the command's own main module), then forks each worker ready to
    work; spawned workers each imported it all again, ~1.5 s before their first page."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["__main__", __name__])
    return context


def default_workers(settings: Settings) -> int:
    return settings.workers or os.cpu_count() or 1


def run_batch(
    runtime: Runtime,
    source: str,
    batch: str,
    *,
    workers: int | None = None,
    reprocess: bool = False,
    lang: str | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Digitize `source` as `batch`; return the report (also saved at `reports/<batch>.json`)."""
    tick: Progress = progress or (lambda stage, done, total: None)
    workers = workers or default_workers(runtime.settings)
    result = intake(
        runtime,
        open_source(source, runtime.settings),
        batch,
        reprocess=reprocess,
        progress=lambda done, total: tick("intake", done, total),
    )
    with step_boundary("list work"), runtime.session() as session:
        files = [
            f
            for chunk in range(result.chunks)
            for f in batches.files_in_chunk(session, batch, chunk)
        ]
        # Largest first: a big PDF started last would keep one worker busy while the others idle.
        files.sort(key=lambda f: -(f.size or 0))
        todo = [(f.sha256, f.manifest.get("type_hint")) for f in files]
    _process_all(runtime, batch, todo, workers, lang, reprocess, tick)

    with step_boundary("list work"), runtime.session() as session:
        to_load = [
            f.sha256
            for chunk in range(result.chunks)
            for f in batches.files_in_chunk(session, batch, chunk, status="processed")
        ]
    tick("load", 0, len(to_load))
    for start in range(0, len(to_load), LOAD_TRANSACTION_SIZE):
        part = to_load[start : start + LOAD_TRANSACTION_SIZE]
        with step_boundary("load"):
            load_files(runtime, batch, part)  # one transaction: loaded and marked, or neither
        tick("load", start + len(part), len(to_load))

    report = build_report(runtime, batch, finish=True)
    save_report(runtime, report)
    return report


def _process_all(
    runtime: Runtime,
    batch: str,
    todo: list[tuple[str, str | None]],
    workers: int,
    lang: str | None,
    reprocess: bool,
    tick: Progress,
) -> None:
    tick("process", 0, len(todo))
    if not todo:
        return
    if workers <= 1 or len(todo) == 1:
        for i, (sha256, hint) in enumerate(todo, 1):
            outcome = process_one(runtime, batch, sha256, hint=hint, lang=lang, reprocess=reprocess)
            record_outcome(runtime, batch, outcome)
            tick("process", i, len(todo))
        return
    context = _worker_context()
    done = 0
    with ProcessPoolExecutor(
        max_workers=min(workers, len(todo)),
        mp_context=context,
        initializer=_init_worker,
        initargs=(runtime.settings, logging.getLogger().getEffectiveLevel()),
    ) as pool:
        pending: set[Future[FileOutcome]] = {
            pool.submit(_process_in_worker, batch, sha256, hint, lang, reprocess)
            for sha256, hint in todo
        }
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                try:
                    outcome = future.result()  # a retryable outage propagates and stops the run
                except BrokenProcessPool as exc:
                    raise RetryableStepError(
                        "a worker process died (killed, or out of memory); run the same batch "
                        "again: finished files are not redone"
                    ) from exc
                record_outcome(runtime, batch, outcome)
                done += 1
                tick("process", done, len(todo))
