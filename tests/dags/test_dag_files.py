"""Every DAG file imports without errors and without heavy work, and is wired as documented."""

from __future__ import annotations

import ast
from datetime import timedelta
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DAG_FILES = sorted((REPO / "dags").glob("*.py"))
# Imports a DAG file may make at module level; everything heavy is imported inside tasks. The
# registry of document types gives `type_hint` its choices (declarations only: ~0.1 s, no I/O).
ALLOWED_TOP_LEVEL = {
    "__future__", "datetime", "typing", "pendulum", "airflow", "sohoa.settings",
    "extractors.doctypes",
}  # fmt: skip


@pytest.fixture(scope="module")
def bag():  # type: ignore[no-untyped-def]
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(REPO / "dags"))


def test_every_dag_imports_cleanly(bag) -> None:  # type: ignore[no-untyped-def]
    assert bag.import_errors == {}
    assert {"digitize_batch", "watch_inbox", "expire_documents"} <= set(bag.dag_ids)


@pytest.mark.parametrize("path", DAG_FILES, ids=lambda p: p.name)
def test_dag_files_import_nothing_heavy_at_module_level(path: Path) -> None:
    tree = ast.parse(path.read_text())
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            module = node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
            root = module or ""
            assert any(root == a or root.startswith(a + ".") for a in ALLOWED_TOP_LEVEL), (
                f"{path.name}: move `import {root}` inside the task that needs it"
            )


def test_watch_inbox_is_scheduled_and_maps_triggers(bag) -> None:  # type: ignore[no-untyped-def]
    dag = bag.dags["watch_inbox"]
    assert dag.timetable.delta == timedelta(minutes=5) and dag.catchup is False
    assert dag.max_active_runs == 1
    trigger = dag.get_task("trigger_digitize_batch")
    assert type(trigger).__name__ == "MappedOperator"
    assert trigger.partial_kwargs.get("skip_when_already_exists") is True
    assert dag.get_task("find_ready_batches").execution_timeout == timedelta(minutes=5)


def test_expire_documents_runs_daily_in_vietnam_time(bag) -> None:  # type: ignore[no-untyped-def]
    dag = bag.dags["expire_documents"]
    assert dag.catchup is False
    assert dag.timetable.expression == "0 0 * * *"
    assert str(getattr(dag.timetable.timezone, "name", dag.timetable.timezone)) == (
        "Asia/Ho_Chi_Minh"
    )
    assert set(dag.task_ids) == {"write_expiry_events"}
    assert dag.params["today"] is None


def test_digitize_batch_takes_chosen_files_to_redo(bag) -> None:  # type: ignore[no-untyped-def]
    dag = bag.dags["digitize_batch"]
    assert dag.params["sha256s"] == []
    assert "store:inbox" in dag.params.get_param("source").description
    for task_id, limit in (("intake", 2), ("process", 1), ("load", 1)):
        timeout = dag.get_task(task_id).execution_timeout
        assert timeout is not None and timeout <= timedelta(hours=limit)
    assert dag.default_args["retry_exponential_backoff"]


@pytest.mark.parametrize("files", [1, 8, 1000, 10_000, 100_000])
def test_a_big_batch_maps_far_below_max_map_length_with_small_xcoms(files: int) -> None:
    import json
    import math

    from sohoa.pipeline.intake import MAX_CHUNKS, IntakeResult, chunk_size_for

    size = chunk_size_for(files)
    chunks = math.ceil(files / size)
    assert chunks <= MAX_CHUNKS < 1024  # Airflow's default max_map_length
    refs = IntakeResult(batch="lo-" + "x" * 97, run_id=1, chunks=chunks).chunk_refs()
    assert len(json.dumps(refs)) < 64_000, "intake's XCom: references only"
