"""expire_documents: every day, tell downstream systems which verified documents expired.

Wiring only: one task calls `sohoa.pipeline.expiry.expire_step`, which appends a
`document.expired` event to the change feed for each verified document whose `valid_to` is
before today (Asia/Ho_Chi_Minh) and that was not announced yet. Nothing is flipped or removed —
validity stays a date question that reuse queries answer. Idempotent: a second run the same day
writes nothing, so a retry after a database outage is safe.

"Today" is the date in Việt Nam at the run's `run_after` (a scheduled run fires at local
midnight), or the `today` param when given (to replay a missed day by hand).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pendulum
from airflow.sdk import Param, dag, get_current_context, task

from sohoa.settings import get_settings

settings = get_settings()

default_args = settings.retry_args(max_retry_delay=timedelta(minutes=30))


@dag(
    dag_id="expire_documents",
    schedule="@daily",
    start_date=pendulum.datetime(2025, 1, 1, tz="Asia/Ho_Chi_Minh"),
    catchup=False,  # one run covers every day missed: the query is "valid_to before today"
    max_active_runs=1,
    default_args=default_args,
    tags=["sohoa"],
    doc_md=__doc__,
    params={
        "today": Param(
            None,
            type=["null", "string"],
            format="date",
            description="The date to expire against (YYYY-MM-DD); empty: the run's date in "
            "Việt Nam.",
        ),
    },
)
def expire_documents() -> None:
    @task(execution_timeout=timedelta(minutes=30))
    def write_expiry_events() -> dict[str, Any]:
        from airflow.sdk.exceptions import AirflowFailException

        from sohoa.pipeline.errors import PermanentStepError
        from sohoa.pipeline.expiry import expire_step, local_today
        from sohoa.runtime import Runtime

        context = get_current_context()
        today = context["params"]["today"] or local_today(context["dag_run"].run_after)
        try:
            return expire_step(Runtime(), today)
        except PermanentStepError as exc:
            raise AirflowFailException(str(exc)) from exc

    write_expiry_events()


expire_documents()
