"""Reliability report: runs the reliability tests (bad input, faults) and prints what they tried and
found, from the figures those tests asserted (test-artifacts/reliability-report.json).

    .venv/bin/python bench/reliability_report.py
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

REPO = Path(__file__).resolve().parents[1]
REPORT = REPO / "test-artifacts" / "reliability-report.json"


def main() -> int:
    REPORT.unlink(missing_ok=True)
    tests = ["tests/reliability/test_bad_input.py", "tests/reliability/test_faults.py"]
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests], cwd=REPO
    )
    data = json.loads(REPORT.read_text()) if REPORT.exists() else {}
    console = Console()
    bad = Table(title="Bad input: files tried per class")
    for col in ("class", "tried", "outcome"):
        bad.add_column(col)
    for row in data.get("bad_input", []):
        bad.add_row(row["file_class"], str(row["tried"]), row["outcome"])
    console.print(bad)
    faults = Table(title="Faults injected, then a re-run, compared with one clean run")
    cols = ("fault", "injected", "documents_expected", "documents_found", "duplicates", "lost")
    for col in cols:
        faults.add_column(col)
    for row in data.get("faults", []):
        faults.add_row(*(str(row[c]) for c in cols))
    console.print(faults)
    console.print(f"pytest exit status: {proc.returncode}")
    return proc.returncode


if __name__ == "__main__":
    raise SystemExit(main())
