"""(b) Airflow overhead: the same batch through `airflow dags test digitize_batch` vs `sohoa run`.

    .venv/bin/python bench/airflow_overhead.py [--count 24]

Both on fresh embedded warehouses (SQLite + folder), the same generated batch (mixed formats,
noise light). `airflow dags test` runs the DAG's tasks one after another in one process (it is
the test harness, not an executor), so its OCR uses one core where `sohoa run` uses all of them;
the figure is reported as measured, together with `sohoa run --workers 1` — the same single-core
work — to separate orchestration overhead from lost parallelism. Under a real executor the mapped
`process` tasks run side by side (see the distributed run in BENCHMARKS.md).
ratio = dags test / sohoa run (target ≤ 1.25); ratio_same_cores = dags test / sohoa run --workers 1.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from _common import BIN, REPO, embedded_env, emit, samples, sh, sohoa_run  # type: ignore[import-not-found]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=24)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sohoa-bench-af-") as tmp:
        root = Path(tmp)
        folder = samples(
            root / "batch", args.count, args.seed, ["png", "jpg", "pdf_scan", "pdf_text"]
        )
        timings: dict[str, float] = {}
        for name, extra in (("sohoa_run", []), ("sohoa_run_1_worker", ["--workers", "1"])):
            env = embedded_env(root / f"var-{name}")
            sh([str(BIN / "sohoa"), "db", "upgrade"], env)
            started = time.perf_counter()
            sohoa_run(folder, "bench-af", env, *extra)
            timings[name] = time.perf_counter() - started

        env = embedded_env(
            root / "var-airflow",
            AIRFLOW_HOME=str(root / "airflow"),
            AIRFLOW__CORE__DAGS_FOLDER=str(REPO / "dags"),
            AIRFLOW__CORE__LOAD_EXAMPLES="False",
            SOHOA_TASK_RETRIES="0",
        )
        sh([str(BIN / "sohoa"), "db", "upgrade"], env)
        sh([str(BIN / "airflow"), "db", "migrate"], env)
        conf = json.dumps({"source": str(folder), "batch": "bench-af"})
        started = time.perf_counter()
        out = sh([str(BIN / "airflow"), "dags", "test", "digitize_batch", "--conf", conf], env)
        timings["airflow_dags_test"] = time.perf_counter() - started
        assert "state=failed" not in out
        report = json.loads(
            (root / "var-airflow" / "objects" / "reports" / "bench-af.json").read_text()
        )
    emit(
        {
            "benchmark": "airflow_overhead",
            "files": report["counts"]["files"],
            "loaded": report["counts"]["loaded"],
            **{f"{k}_seconds": round(v, 2) for k, v in timings.items()},
            "ratio": round(timings["airflow_dags_test"] / timings["sohoa_run"], 3),
            "ratio_same_cores": round(
                timings["airflow_dags_test"] / timings["sohoa_run_1_worker"], 3
            ),
            "target": "<= 1.25",
        }
    )


if __name__ == "__main__":
    main()
