"""Every DAG imports cleanly and cheaply, and `digitize_batch` runs for real through
`airflow dags test` (SQLite metadata, embedded warehouse and store) — twice, the second a no-op."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from tests.dags.airflow_cli import SOHOA, AirflowHome
from tests.fixtures.batches import copy_batch

REPO = Path(__file__).resolve().parents[2]


def test_dags_import_without_errors_and_quickly() -> None:
    from airflow.dag_processing.dagbag import DagBag

    started = time.perf_counter()
    bag = DagBag(dag_folder=str(REPO / "dags"))
    assert bag.import_errors == {}
    assert "digitize_batch" in bag.dag_ids
    # No heavy work at import: parsing all our DAG files stays far below dagbag_import_timeout.
    assert time.perf_counter() - started < 15


def test_digitize_batch_shape_and_params() -> None:
    from airflow.dag_processing.dagbag import DagBag

    dag = DagBag(dag_folder=str(REPO / "dags")).dags["digitize_batch"]
    assert set(dag.task_ids) == {"intake", "process", "load", "report"}
    assert dag.get_task("process").pool == os.environ.get("SOHOA_OCR_POOL", "sohoa_ocr")
    assert dag.params["reprocess"] is False
    # Retries come from the settings (tests set SOHOA_TASK_RETRIES=0: dag.test waits real delays).
    assert dag.get_task("process").retries == 0
    assert dag.get_task("process").retry_exponential_backoff
    assert dag.get_task("report").outlets, "an Asset event tells downstream DAGs a batch loaded"


@pytest.mark.slow
def test_airflow_dags_test_runs_the_batch_and_a_rerun_does_nothing(
    tmp_path: Path, sample_batch: Path
) -> None:
    inbox = copy_batch(sample_batch, tmp_path / "inbox" / "lo-af")
    home = AirflowHome(tmp_path).setup()
    conf = {"source": str(inbox), "batch": "lo-af"}

    home.dag_test("digitize_batch", conf)
    report = json.loads((home.objects / "reports" / "lo-af.json").read_text())
    assert report["counts"]["loaded"] == 6
    assert report["pages"]["ocr"] > 0

    home.dag_test("digitize_batch", conf)
    again = json.loads((home.objects / "reports" / "lo-af.json").read_text())
    assert again["counts"]["new"] == 0
    assert again["counts"]["loaded"] == 0
    assert again["counts"]["already_done"] == 6

    shown = home.run([str(SOHOA), "report", "lo-af"])
    assert "Báo cáo lô" in shown
