"""`sohoa run`: the whole batch in this process, OCR spread over worker processes.

The same steps as the DAG (intake → process → load → report); only the parallelism differs: here
files are handed to a process pool one by one (Tesseract at one thread each), and loading stays in
the main process (one writer, which SQLite prefers), one transaction per `LOAD_TRANSACTION_SIZE`
files.

Start-up is most of what a small run, and all of what a re-run of a finished batch, costs, so
imports are taken when needed: this module imports nearly nothing, so that the worker's fork server
can be started before the warehouse stack is imported (its own imports then overlap them and
intake); the processing stack (OCR, extractors, PDF and image libraries, the bulk loader) is
imported only when there is something to process or load.

Working copies (downloaded originals, pages handed to Tesseract) live under one directory per
process (`sohoa.pipeline.workdir`); a run first removes those of processes that are gone (a run
killed with kill -9), never those of a run still alive.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any

from sohoa.pipeline.errors import RetryableStepError, step_boundary

if TYPE_CHECKING:
    from sohoa.pipeline.process import FileOutcome
    from sohoa.runtime import Runtime
    from sohoa.settings import Settings

# Progress callback: (stage, done, total). Stages: "intake", "process", "load".
Progress = Callable[[str, int, int], None]

# Files per load transaction; None: `sohoa.pipeline.load_step.LOAD_TRANSACTION_SIZE` (read when
# there is something to load, so that module is not imported otherwise).
LOAD_TRANSACTION_SIZE: int | None = None
# What a worker needs, imported once in the fork server before it forks any worker: the steps,
# this module (the worker functions) and the command's main module (each worker would otherwise
# import it again).
_WORKER_PRELOAD = ["__main__", __name__, "sohoa.pipeline.steps"]

_worker_runtime: Runtime | None = None


def _init_worker(settings: Settings, log_level: int) -> None:
    """Each worker process: its own store and database handles, the parent's log level."""
    global _worker_runtime
    from sohoa.pipeline import workdir
    from sohoa.runtime import Runtime

    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    workdir.adopt_tempdir()  # its copies in its own directory, found if it is killed
    logging.basicConfig(
        level=log_level,
        format="%(asctime)s %(levelname)s %(processName)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    _worker_runtime = Runtime(settings)


def _process_in_worker(
    batch: str, sha256: str, hint: str | None, lang: str | None, reprocess: bool
) -> FileOutcome:
    from sohoa.pipeline.steps import process_one

    assert _worker_runtime is not None, "worker not initialised"
    return process_one(_worker_runtime, batch, sha256, hint=hint, lang=lang, reprocess=reprocess)


def _worker_context() -> multiprocessing.context.BaseContext:
    """How worker processes start. Not fork: the parent holds database and HTTP connection pools
    that must not be shared. A fork server where there is one: a clean process that imports the
    stack once (`_WORKER_PRELOAD`), then forks each worker ready to work; spawned workers each
    imported it all again, ~1.5 s before their first page."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_WORKER_PRELOAD)
    return context


def _start_fork_server(workers: int) -> None:
    """Start the fork server now, so its imports (~1 s) overlap this process's work instead of
    following intake. Only with more than one worker and a fork server (spawn has no shared
    start-up to get ahead of); `ensure_running` does nothing if it is already running."""
    if workers > 1 and _worker_context().get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


def _looks_new(runtime: Runtime, batch: str) -> bool:
    """Whether `batch` has no saved report yet (never ran to the end): then its files are very
    likely new, and the workers are started before intake knows it. Only a guess about when to
    start them, never about what is done: any doubt (a bad name, a store error, which intake
    reports properly) says no."""
    from storage import layout

    try:
        return not runtime.store.exists(layout.report(batch))
    except Exception:  # a guess only: intake raises the real error
        return False


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
    from multiprocessing import util as mp_util

    from sohoa.pipeline import workdir

    workdir.sweep()  # copies left by killed runs (their lock is free); never a live run's
    mp_util.get_temp_dir()  # the fork server's socket stays in the system's temp, not in ours
    with workdir.owned_tempdir():
        return _run_batch(runtime, source, batch, workers, reprocess, lang, progress)


def _run_batch(
    runtime: Runtime,
    source: str,
    batch: str,
    workers: int | None,
    reprocess: bool,
    lang: str | None,
    progress: Progress | None,
) -> dict[str, Any]:
    tick: Progress = progress or (lambda stage, done, total: None)
    workers = workers or default_workers(runtime.settings)
    if reprocess or _looks_new(runtime, batch):  # before the imports below (~0.3 s)
        _start_fork_server(workers)

    from loaders import batches
    from loaders.review_log import chosen_types
    from sohoa.pipeline.intake import intake
    from sohoa.pipeline.report import build_report, save_report
    from sohoa.pipeline.sources import open_source

    def on_new(new: int) -> None:
        # A batch that ran before, with new files: at the second (one file is processed in this
        # process); a re-run with nothing new never starts the workers.
        if new == 2:
            _start_fork_server(workers)

    result = intake(
        runtime,
        open_source(source, runtime.settings),
        batch,
        reprocess=reprocess,
        progress=lambda done, total: tick("intake", done, total),
        on_new=on_new,
    )
    with step_boundary("list work"), runtime.session() as session:
        files = [
            f
            for chunk in range(result.chunks)
            for f in batches.files_in_chunk(session, batch, chunk)
        ]
        # Largest first: a big PDF started last would keep one worker busy while the others idle.
        files.sort(key=lambda f: -(f.size or 0))
        chosen = chosen_types(session, [f.sha256 for f in files if f.sha256])
        todo = [(f.sha256, chosen.get(f.sha256) or f.manifest.get("type_hint")) for f in files]
    _process_all(runtime, batch, todo, workers, lang, reprocess, tick)

    with step_boundary("list work"), runtime.session() as session:
        to_load = [
            f.sha256
            for chunk in range(result.chunks)
            for f in batches.files_in_chunk(session, batch, chunk, status="processed")
        ]
    tick("load", 0, len(to_load))
    if to_load:
        from sohoa.pipeline import load_step

        size = LOAD_TRANSACTION_SIZE or load_step.LOAD_TRANSACTION_SIZE
        for start in range(0, len(to_load), size):
            part = to_load[start : start + size]
            with step_boundary("load"):
                load_step.load_files(runtime, batch, part)  # one transaction: all loaded, or none
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
        from sohoa.pipeline.steps import process_one, record_outcome

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
        # Imported here, while the workers start on their first files, rather than before them
        # (it brings the processing stack, ~0.5 s; the load that follows needs it too).
        from sohoa.pipeline.steps import record_outcome

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
