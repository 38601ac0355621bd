"""watch_inbox: every 5 minutes, start `digitize_batch` for each batch uploaded to the inbox.

Wiring only. `find_ready_batches` asks `sohoa.pipeline.inbox` which `inbox/<batch>/` folders of
the configured store (SOHOA_STORAGE_URL) carry a `_READY` marker or a `manifest.csv` and have no
run that started or finished after it appeared; `trigger` is a `TriggerDagRunOperator` mapped over
them with conf `{"source": "store:inbox/<batch>", "batch": "<batch>"}`.

Each trigger's run id is derived from the batch and the marker's time, with
`skip_when_already_exists`, so two watcher runs that see the same upload before the first
`digitize_batch` run has started still start it once. To digitize a batch again after adding
files, write `_READY` again. Nothing but batch names and source references crosses tasks.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pendulum
from airflow.providers.standard.operators.trigger_dagrun import TriggerDagRunOperator
from airflow.sdk import dag, task

from sohoa.settings import get_settings

settings = get_settings()

default_args = settings.retry_args(max_retry_delay=timedelta(minutes=5))


@dag(
    dag_id="watch_inbox",
    schedule=timedelta(minutes=5),
    start_date=pendulum.datetime(2025, 1, 1, tz="Asia/Ho_Chi_Minh"),
    catchup=False,
    max_active_runs=1,  # two scans at once would only race to trigger the same batches
    dagrun_timeout=timedelta(minutes=15),
    default_args=default_args,
    tags=["sohoa"],
    doc_md=__doc__,
)
def watch_inbox() -> None:
    @task(execution_timeout=timedelta(minutes=5))
    def find_ready_batches() -> list[dict[str, Any]]:
        from airflow.sdk.exceptions import AirflowFailException

        from sohoa.pipeline.errors import PermanentStepError
        from sohoa.pipeline.inbox import trigger_requests
        from sohoa.runtime import Runtime

        try:
            return trigger_requests(Runtime())
        except PermanentStepError as exc:
            raise AirflowFailException(str(exc)) from exc

    TriggerDagRunOperator.partial(
        task_id="trigger_digitize_batch",
        trigger_dag_id="digitize_batch",
        logical_date=None,  # manual-style runs: several batches may start in the same second
        skip_when_already_exists=True,
        wait_for_completion=False,  # the watcher keeps watching; each batch reports itself
        retries=0,  # a failed trigger is retried by the next scan five minutes later
    ).expand_kwargs(find_ready_batches())


watch_inbox()
