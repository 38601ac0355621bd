"""The distributed run (bench/distributed_run.py) as a test: Airflow with CeleryExecutor and two
workers on this machine, PostgreSQL, Redis and an S3 server; a clean batch checked to the last
record, then a worker SIGKILLed mid-task and the warehouse compared with one clean run.

About 3–4 minutes on 2 cores (≈1 min of it starting the services)."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _services_reachable() -> str | None:
    if (
        shutil.which("redis-cli")
        and subprocess.run(
            ["redis-cli", "-h", "127.0.0.1", "ping"], capture_output=True, timeout=5
        ).returncode
    ):
        return "Redis not reachable at 127.0.0.1:6379"
    if importlib.util.find_spec("airflow.providers.celery") is None:
        return "apache-airflow-providers-celery not installed"
    return None


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.s3
@pytest.mark.timeout(900)
def test_distributed_run_loses_and_duplicates_nothing_even_when_a_worker_dies() -> None:
    reason = _services_reachable()
    if reason:
        pytest.skip(reason=reason)
    spec = importlib.util.spec_from_file_location(
        "distributed_run", REPO / "bench" / "distributed_run.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)

    summary = module.run(files=12, kill_files=8, kill=True)

    assert "error" not in summary, (summary.get("error"), summary.get("logs"))
    clean, killed = summary["clean_run"], summary["kill_run"]
    assert all(clean["checks"].values()), clean
    assert clean["documents"] == 12 and clean["quarantined"] == 2
    assert {"w1", "w2"} <= set(clean["tasks_by_worker"])
    assert all(killed["checks"].values()), killed.get("difference", killed)
    assert summary["ok"]
