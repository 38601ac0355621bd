"""Test-wide set-up. Airflow binds AIRFLOW_HOME at first import, so its environment is set here,
before any test module imports it: a throw-away home on SQLite, our dags folder, no examples."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REAL_DATA = REPO / "tests" / "data" / "real"

_airflow_home = Path(tempfile.mkdtemp(prefix="sohoa-airflow-"))
os.environ.setdefault("AIRFLOW_HOME", str(_airflow_home))
os.environ.setdefault("AIRFLOW__CORE__DAGS_FOLDER", str(REPO / "dags"))
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
os.environ["SOHOA_TASK_RETRIES"] = "0"  # dag.test() waits out real retry delays

pytest_plugins = [
    "tests.fixtures.s3server",
    "tests.fixtures.batches",
    "tests.fixtures.embedded",
    "tests.fixtures.pgcluster",
    "tests.fixtures.reliability_report",
]
