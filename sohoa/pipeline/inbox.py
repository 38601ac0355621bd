"""Which batches in the store's inbox are ready to digitize (the `watch_inbox` DAG's question).

A digitization team uploads a batch under `inbox/<batch>/` of the configured store and says
"done uploading" by writing a `_READY` marker (or a `manifest.csv`, which is written last by the
upload tools we know). A batch is **ready** when one of the two exists, and **not yet done** when no
run of that batch finished, and none started, after the later of the two appeared:

- finished after the marker: the upload was digitized; nothing to do until the team writes the
  marker again (e.g. after adding files), which makes the batch ready once more;
- started after the marker but not finished: a run is under way (or failed and waits for a person:
  re-trigger `digitize_batch`, or write `_READY` again to let the watcher retry it).

Times compare the store's modification time with the warehouse's run times (both UTC). Each
trigger gets a run id derived from the batch and the marker's time, so two watcher runs that see
the same upload before the first `digitize_batch` run has started trigger it only once.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from loaders.models import Batch, BatchRun
from sohoa.pipeline.errors import step_boundary
from sohoa.pipeline.sources import MANIFEST, READY_MARKER, STORE_SOURCE_PREFIX
from sohoa.runtime import Runtime
from storage import layout
from storage.errors import InvalidKey

INBOX = "inbox/"
TRIGGERED_DAG = "digitize_batch"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReadyBatch:
    batch: str
    ready_at: datetime  # when the later of `_READY` / `manifest.csv` was written (UTC)

    @property
    def source(self) -> str:
        """The `digitize_batch` source for a batch in our own store's inbox."""
        return f"{STORE_SOURCE_PREFIX}{layout.inbox_prefix(self.batch).rstrip('/')}"

    @property
    def run_id(self) -> str:
        """One Airflow run id per upload: the same marker never triggers two runs."""
        stamp = self.ready_at.strftime("%Y%m%dT%H%M%S")
        return f"inbox__{self.batch}__{stamp}"

    def to_dict(self) -> dict[str, Any]:
        return {"batch": self.batch, "source": self.source, "ready_at": self.ready_at.isoformat()}


def ready_batches(runtime: Runtime) -> list[dict[str, Any]]:
    """The batches of `inbox/` that are ready and not yet done, oldest upload first (plain JSON:
    batch name, source reference, time)."""
    return [b.to_dict() for b in find_ready(runtime)]


def trigger_requests(runtime: Runtime) -> list[dict[str, Any]]:
    """What the watcher hands to `TriggerDagRunOperator.expand_kwargs`: conf and run id."""
    return [
        {"conf": {"source": b.source, "batch": b.batch}, "trigger_run_id": b.run_id}
        for b in find_ready(runtime)
    ]


def find_ready(runtime: Runtime) -> list[ReadyBatch]:
    with step_boundary("scan inbox"):
        markers = _markers(runtime)
        if not markers:
            return []
        with runtime.session() as session:
            runs = _runs_by_batch(session, list(markers))
    ready = []
    for batch, ready_at in sorted(markers.items(), key=lambda kv: kv[1]):
        started = [s for s, _ in runs.get(batch, []) if s >= ready_at]
        finished = [f for _, f in runs.get(batch, []) if f is not None and f >= ready_at]
        if finished or started:
            continue
        ready.append(ReadyBatch(batch, ready_at))
    log.info("inbox: %d batch(es) with a marker, %d ready", len(markers), len(ready))
    return ready


_MARKER_NAME = re.compile(rf"^inbox/([^/]+)/(?:{re.escape(READY_MARKER)}|{re.escape(MANIFEST)})$")


def _markers(runtime: Runtime) -> dict[str, datetime]:
    """batch → when its latest marker was written. Folders whose name is not a valid batch name
    are skipped with a warning (a person must rename them)."""
    found: dict[str, datetime] = {}
    for info in runtime.store.list(INBOX):
        match = _MARKER_NAME.match(info.key)
        if not match:
            continue
        batch = match.group(1)
        try:
            layout.check_batch(batch)
        except InvalidKey:
            log.warning("inbox folder with an invalid batch name is ignored: %r", batch[:100])
            continue
        found[batch] = max(found.get(batch, info.modified), info.modified)
    return found


def _runs_by_batch(
    session: Any, names: list[str]
) -> dict[str, list[tuple[datetime, datetime | None]]]:
    rows = session.execute(
        select(Batch.name, BatchRun.started_at, BatchRun.finished_at)
        .join(BatchRun, BatchRun.batch_id == Batch.id)
        .where(Batch.name.in_(names))
    )
    runs: dict[str, list[tuple[datetime, datetime | None]]] = {}
    for name, started, finished in rows:
        runs.setdefault(name, []).append((started, finished))
    return runs
