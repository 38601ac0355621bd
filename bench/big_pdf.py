"""A 500-page scanned PDF through `sohoa run`: processed page by page in bounded memory.

Prints the peak resident memory of the whole process tree (the `sohoa run` process, its worker and
the tesseract children, sampled every 0.1 s) against the 600 MB target, and the pages per second.

    .venv/bin/python bench/big_pdf.py [--pages 500]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.reliability.badfiles import many_page_pdf  # noqa: E402

TARGET_MB = 600


def tree_rss(proc: psutil.Process) -> int:
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):  # a tesseract child may end meanwhile
            total += p.memory_info().rss
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sohoa-bigpdf-") as tmp:
        root = Path(tmp)
        inbox = root / "inbox" / "dai"
        inbox.mkdir(parents=True)
        started = time.perf_counter()
        many_page_pdf(inbox / "ho-so-dai.pdf", args.pages)
        made = time.perf_counter() - started
        size_mb = (inbox / "ho-so-dai.pdf").stat().st_size / 1e6
        env = dict(
            os.environ,
            SOHOA_DATABASE_URL=f"sqlite:///{root / 'sohoa.db'}",
            SOHOA_STORAGE_URL=f"file://{root / 'objects'}",
        )
        sohoa = str(Path(sys.executable).with_name("sohoa"))
        subprocess.run([sohoa, "db", "upgrade"], env=env, check=True, capture_output=True)
        started = time.perf_counter()
        proc = subprocess.Popen(
            [sohoa, "run", str(inbox), "--batch", "dai", "--workers", "1"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        watched = psutil.Process(proc.pid)
        peak = 0
        while proc.poll() is None:
            peak = max(peak, tree_rss(watched))
            time.sleep(0.1)
        seconds = time.perf_counter() - started
        out = proc.stdout.read() if proc.stdout else ""
        # Pages read = the pages of the stored OCR result (page images are made on first view).
        ocr = list((root / "objects" / "derived").glob("*/ocr.json"))
        pages_done = sum(len(json.loads(p.read_text("utf-8")).get("pages", [])) for p in ocr)
    peak_mb = peak / 1e6
    print(f"PDF: {args.pages} scanned pages, {size_mb:.1f} MB, made in {made:.1f} s")
    print(
        f"sohoa run: exit {proc.returncode}, {seconds:.1f} s, {pages_done} pages read, "
        f"{pages_done / seconds:.2f} pages/s"
    )
    print(
        f"peak RSS of the process tree: {peak_mb:.0f} MB (target ≤ {TARGET_MB} MB) "
        f"→ {'met' if peak_mb <= TARGET_MB else 'NOT met'}"
    )
    if proc.returncode != 0:
        print(out[-2000:])
    return 0 if proc.returncode == 0 and pages_done == args.pages else 1


if __name__ == "__main__":
    raise SystemExit(main())
