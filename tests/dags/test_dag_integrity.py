"""Every DAG imports cleanly and cheaply, and `digitize_batch` runs for real through
`airflow dags test` (SQLite metadata, embedded warehouse and store) — twice, the second a no-op."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.fixtures.batches import copy_batch

REPO = Path(__file__).resolve().parents[2]
AIRFLOW = Path(sys.executable).with_name("airflow")


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
    assert dag.get_task("report").outlets, "an Asset event tells downstream DAGs a batch loaded"


def _airflow_env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        AIRFLOW_HOME=str(tmp / "airflow"),
        AIRFLOW__CORE__DAGS_FOLDER=str(REPO / "dags"),
        AIRFLOW__CORE__LOAD_EXAMPLES="False",
        SOHOA_DATABASE_URL=f"sqlite:///{tmp / 'var' / 'sohoa.db'}",
        SOHOA_STORAGE_URL=f"file://{tmp / 'var' / 'objects'}",
        SOHOA_TASK_RETRIES="0",
        PATH=f"{AIRFLOW.parent}:{env.get('PATH', '')}",
    )
    return env


def _run(cmd: list[str], env: dict[str, str], timeout: int = 600) -> str:
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-4000:]
    return out


@pytest.mark.slow
def test_airflow_dags_test_runs_the_batch_and_a_rerun_does_nothing(
    tmp_path: Path, sample_batch: Path
) -> None:
    inbox = copy_batch(sample_batch, tmp_path / "inbox" / "lo-af")
    env = _airflow_env(tmp_path)
    sohoa = str(AIRFLOW.with_name("sohoa"))
    _run([sohoa, "db", "upgrade"], env)
    _run([str(AIRFLOW), "db", "migrate"], env)
    conf = json.dumps({"source": str(inbox), "batch": "lo-af"})

    first = _run([str(AIRFLOW), "dags", "test", "digitize_batch", "--conf", conf], env)
    assert "state=failed" not in first
    report = json.loads((tmp_path / "var" / "objects" / "reports" / "lo-af.json").read_text())
    assert report["counts"]["loaded"] == 6
    assert report["pages"]["ocr"] > 0

    _run([str(AIRFLOW), "dags", "test", "digitize_batch", "--conf", conf], env)
    again = json.loads((tmp_path / "var" / "objects" / "reports" / "lo-af.json").read_text())
    assert again["counts"]["new"] == 0
    assert again["counts"]["loaded"] == 0
    assert again["counts"]["already_done"] == 6

    shown = _run([sohoa, "report", "lo-af"], env)
    assert "Báo cáo lô" in shown
