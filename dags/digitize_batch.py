"""digitize_batch: intake → process (mapped over chunks) → load (mapped) → report.

Wiring only: each task calls one function of `sohoa.pipeline.steps` and passes plain references
(batch name, chunk number) and counts between tasks — never file names, text or personal data.
A store or database outage fails the task so Airflow retries it with backoff; a bad file is
quarantined inside the task and the batch goes on; a configuration error fails without retry.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from airflow.sdk import Asset, Param, TriggerRule, dag, get_current_context, task

import extractors.doctypes as doctypes
from sohoa.settings import get_settings

settings = get_settings()

DOCUMENTS_LOADED = Asset(name="sohoa_documents_loaded", uri="sohoa://warehouse/documents")

default_args = settings.retry_args(max_retry_delay=timedelta(minutes=10))


def _call(fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Run a pipeline step; a permanent error must not be retried."""
    from airflow.sdk.exceptions import AirflowFailException

    from sohoa.pipeline.errors import PermanentStepError
    from sohoa.runtime import Runtime

    try:
        return fn(Runtime(), *args, **kwargs)
    except PermanentStepError as exc:
        raise AirflowFailException(str(exc)) from exc


@dag(
    dag_id="digitize_batch",
    schedule=None,
    catchup=False,
    max_active_runs=4,
    default_args=default_args,
    tags=["sohoa"],
    doc_md=__doc__,
    params={
        "source": Param(
            type="string",
            minLength=1,
            description="A folder of scans on the workers, s3://BUCKET/PREFIX, or "
            "store:inbox/BATCH (the inbox of the configured store, as watch_inbox sends it).",
        ),
        "batch": Param(
            type="string",
            pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$",
            description="Batch name: letters, digits, '.', '_' or '-'.",
        ),
        "type_hint": Param(
            None,
            type=["null", "string"],
            enum=[None, *(c for c in doctypes.codes() if c != doctypes.UNKNOWN)],
            description="Document type of every file, when known (a manifest row beats it).",
        ),
        "lang": Param(
            None, type=["null", "string"], description="Tesseract language(s), e.g. vie+eng."
        ),
        "reprocess": Param(
            False,
            type="boolean",
            description="Redo OCR and extraction even where cached; earlier extractions are kept "
            "as versions.",
        ),
        "sha256s": Param(
            [],
            type="array",
            items={"type": "string", "pattern": "^[0-9a-f]{64}$"},
            uniqueItems=True,
            description="Redo OCR and extraction for just these files of the batch (sha256), "
            "e.g. with another lang or type_hint; empty: the usual run.",
        ),
    },
)
def digitize_batch() -> None:
    @task(execution_timeout=timedelta(hours=2))
    def intake() -> list[dict[str, Any]]:
        from sohoa.pipeline.steps import intake_step

        p = get_current_context()["params"]
        return _call(
            intake_step,
            p["source"],
            p["batch"],
            reprocess=p["reprocess"],
            sha256s=p.get("sha256s") or None,
        )

    @task(pool=settings.ocr_pool, execution_timeout=timedelta(hours=1))
    def process(chunk: dict[str, Any]) -> dict[str, Any]:
        from sohoa.pipeline.steps import process_chunk

        p = get_current_context()["params"]
        return _call(
            process_chunk,
            chunk["batch"],
            chunk["chunk"],
            reprocess=p["reprocess"] or bool(p.get("sha256s")),
            lang=p["lang"],
            hint=p["type_hint"],
        )

    @task(execution_timeout=timedelta(minutes=30))
    def load(processed: dict[str, Any]) -> dict[str, Any]:
        from sohoa.pipeline.steps import load_chunk

        return _call(load_chunk, processed["batch"], processed["chunk"])

    # none_failed: an empty batch (nothing mapped) still gets its report.
    @task(
        outlets=[DOCUMENTS_LOADED],
        trigger_rule=TriggerRule.NONE_FAILED,
        execution_timeout=timedelta(minutes=10),
    )
    def report(loaded: list[dict[str, Any]]) -> dict[str, Any]:
        from sohoa.pipeline.steps import report_step

        p = get_current_context()["params"]
        return _call(report_step, p["batch"])

    chunks = intake()
    processed = process.expand(chunk=chunks)
    loaded = load.expand(processed=processed)
    report(loaded)


digitize_batch()
