"""(c) Text-layer PDFs vs scanned PDFs: seconds per page of our pipeline, ratio ≥ 20 expected.

    .venv/bin/python bench/textlayer_speed.py [--count 12]

The same documents generated as born-digital PDFs and as image-only PDFs (noise light), each set
through `sohoa run --workers 1` on its own fresh embedded warehouse. Per page = the files'
processing seconds (from the report) / pages; the wall time is printed too. Neither side makes
page images for the review UI (rendered when first shown). ratio = scanned s/page ÷ text-layer
s/page.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import BIN, embedded_env, emit, samples, sh, sohoa_run  # type: ignore[import-not-found]


def measure(root: Path, fmt: str, count: int, seed: int) -> dict[str, Any]:
    folder = samples(root / fmt, count, seed, [fmt])
    env = embedded_env(root / f"var-{fmt}")
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=12)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sohoa-bench-text-") as tmp:
        text = measure(Path(tmp), "pdf_text", args.count, args.seed)
        scan = measure(Path(tmp), "pdf_scan", args.count, args.seed)
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
