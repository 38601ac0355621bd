"""(c) Text-layer PDFs vs scanned PDFs: seconds per page of our pipeline, ratio ≥ 20 expected.

    .venv/bin/python bench/textlayer_speed.py [--count 12] [--repeat 3]

The same documents generated as born-digital PDFs and as image-only PDFs (noise light), each set
through `sohoa run --workers 1` on its own fresh embedded warehouse. Per page = the files'
processing seconds (from the report) / pages; the wall time is printed too. Neither side makes
page images for the review UI (rendered when first shown). ratio = scanned s/page ÷ text-layer
s/page. `--repeat N` runs both sides N times, alternately (a busy machine's noise then hits both
alike), each run on a fresh warehouse, and reports each side's median run with every run's s/page.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import BIN, embedded_env, emit, samples, sh, sohoa_run  # type: ignore[import-not-found]


def measure(root: Path, fmt: str, count: int, seed: int, run: int = 0) -> dict[str, Any]:
    folder = root / fmt
    if not folder.exists():  # the same documents for every run
        samples(folder, count, seed, [fmt])
    env = embedded_env(root / f"var-{fmt}-{run}")
    sh([str(BIN / "sohoa"), "db", "upgrade"], env)
    started = time.perf_counter()
    report = sohoa_run(folder, f"bench-{fmt.replace('_', '-')}", env, "--workers", "1")
    wall = time.perf_counter() - started
    pages = report["pages"]["ocr"] + report["pages"]["text_layer"]
    return {
        "pages": pages,
        "ocr_pages": report["pages"]["ocr"],
        "text_layer_pages": report["pages"]["text_layer"],
        "seconds_per_page": round(report["process_seconds"] / pages, 4),
        "wall_seconds": round(wall, 2),
    }


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run with the median s/page (the upper one of an even count), listing every run's."""
    chosen = sorted(runs, key=lambda r: r["seconds_per_page"])[len(runs) // 2]
    if len(runs) == 1:
        return chosen
    return {**chosen, "runs_seconds_per_page": [r["seconds_per_page"] for r in runs]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=12)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each side, alternately")
    args = parser.parse_args()
    runs: dict[str, list[dict[str, Any]]] = {"pdf_text": [], "pdf_scan": []}
    with tempfile.TemporaryDirectory(prefix="sohoa-bench-text-") as tmp:
        for run in range(max(1, args.repeat)):
            for fmt, done in runs.items():
                done.append(measure(Path(tmp), fmt, args.count, args.seed, run))
    text, scan = median_run(runs["pdf_text"]), median_run(runs["pdf_scan"])
    emit(
        {
            "benchmark": "textlayer_speed",
            "text_layer": text,
            "scanned": scan,
            "ratio": round(scan["seconds_per_page"] / text["seconds_per_page"], 1),
            "target": ">= 20",
            "load_average_1m": round(os.getloadavg()[0], 2),
        }
    )


if __name__ == "__main__":
    main()
