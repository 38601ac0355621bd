"""Running our DAGs for real with the `airflow` CLI in a throw-away home (SQLite metadata,
embedded warehouse and store), as `make demo` does. Subprocesses, because Airflow binds its home
and metadata database at first import."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
AIRFLOW = BIN / "airflow"
SOHOA = BIN / "sohoa"
# `airflow dags test` waits out real retry delays; CI must never hang on one.
DAG_TEST_TIMEOUT = 300


class AirflowHome:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.var = root / "var"
        self.objects = self.var / "objects"
        self.env = dict(os.environ)
        self.env.update(
            AIRFLOW_HOME=str(root / "airflow"),
            AIRFLOW__CORE__DAGS_FOLDER=str(REPO / "dags"),
            AIRFLOW__CORE__LOAD_EXAMPLES="False",
            SOHOA_DATABASE_URL=f"sqlite:///{self.var / 'sohoa.db'}",
            SOHOA_STORAGE_URL=f"file://{self.objects}",
            SOHOA_TASK_RETRIES="0",
            PATH=f"{BIN}:{os.environ.get('PATH', '')}",
        )

    @property
    def warehouse_url(self) -> str:
        return self.env["SOHOA_DATABASE_URL"]

    def setup(self) -> AirflowHome:
        self.var.mkdir(parents=True, exist_ok=True)
        self.run([str(SOHOA), "db", "upgrade"])
        self.run([str(AIRFLOW), "db", "migrate"])
        return self

    def run(self, cmd: list[str], timeout: int = DAG_TEST_TIMEOUT) -> str:
        proc = subprocess.run(
            cmd, env=self.env, capture_output=True, text=True, timeout=timeout, cwd=self.root
        )
        out = proc.stdout + proc.stderr
        assert proc.returncode == 0, out[-4000:]
        return out

    def dag_test(self, dag_id: str, conf: dict[str, Any] | None = None) -> str:
        cmd = [str(AIRFLOW), "dags", "test", dag_id]
        if conf is not None:
            cmd += ["--conf", json.dumps(conf)]
        out = self.run(cmd)
        # The run's outcome comes from the metadata database, not from log lines (their level
        # depends on the environment: `make` runs Airflow at WARNING).
        assert self.last_run_state(dag_id) == "success", out[-4000:]
        return out

    def last_run_state(self, dag_id: str) -> str | None:
        with sqlite3.connect(self.root / "airflow" / "airflow.db") as db:
            row = db.execute(
                "SELECT state FROM dag_run WHERE dag_id = ? ORDER BY id DESC LIMIT 1", (dag_id,)
            ).fetchone()
        return row[0] if row else None

    def dag_runs(self, dag_id: str) -> dict[str, dict[str, Any]]:
        """run id → conf of every run of `dag_id` in the metadata database."""
        with sqlite3.connect(self.root / "airflow" / "airflow.db") as db:
            rows = db.execute("SELECT run_id, conf FROM dag_run WHERE dag_id = ?", (dag_id,))
            return {run_id: _conf(conf) for run_id, conf in rows}


def _conf(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if isinstance(value, bytes | str):
        try:
            return json.loads(value)
        except (ValueError, UnicodeDecodeError):
            return {"_raw": repr(value)[:200]}
    return dict(value)
