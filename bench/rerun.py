"""(d) A re-run of a finished batch costs ≤ 5% of the first run.

    .venv/bin/python bench/rerun.py [--count 40]

A generated batch (mixed scans and PDFs, noise light) through `sohoa run` on a fresh embedded
warehouse, then the same command again: intake hashes every file, finds each already a document,
and nothing is OCRed or loaded. Wall times of both commands (process start included).
ratio = re-run / first run.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from _common import BIN, embedded_env, emit, samples, sh, sohoa_run  # type: ignore[import-not-found]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=40)
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sohoa-bench-rerun-") as tmp:
        root = Path(tmp)
        folder = samples(
            root / "batch", args.count, args.seed, ["png", "jpg", "pdf_scan", "pdf_text"]
        )
        env = embedded_env(root / "var")
        sh([str(BIN / "sohoa"), "db", "upgrade"], env)
        started = time.perf_counter()
        first = sohoa_run(folder, "bench-rerun", env)
        first_s = time.perf_counter() - started
        started = time.perf_counter()
        again = sohoa_run(folder, "bench-rerun", env)
        again_s = time.perf_counter() - started
    emit(
        {
            "benchmark": "rerun",
            "files": first["counts"]["files"],
            "first_run_seconds": round(first_s, 2),
            "first_run_loaded": first["counts"]["loaded"],
            "rerun_seconds": round(again_s, 2),
            "rerun_new": again["counts"]["new"],
            "rerun_loaded": again["counts"]["loaded"],
            "ratio": round(again_s / first_s, 4),
            "target": "<= 0.05",
        }
    )


if __name__ == "__main__":
    main()
