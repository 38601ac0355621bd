"""Reliability report: runs the reliability tests and prints what they tried and found, from the
figures those tests asserted (test-artifacts/reliability-report.json, written by the
`reliability_log` fixture in tests/fixtures/reliability_report.py).

    .venv/bin/python bench/reliability_report.py            # every class (the faults take minutes)
    .venv/bin/python bench/reliability_report.py --quick    # without the fault injections

Classes: bad input and faults (issue 8); odd entries, manifest encodings, the OCR time budget,
erasure re-runs and temporary copies (issue 14, items 1-6); revoked writes, scopes and NUL bytes
(issue 14, items 7-9: requests, each on SQLite and PostgreSQL). The summary adds up files tried,
documents expected vs found, duplicate documents, files lost and erased people found again.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

REPO = Path(__file__).resolve().parents[1]
REPORT = REPO / "test-artifacts" / "reliability-report.json"

# Test modules run, in order.
TESTS = [
    "tests/reliability/test_bad_input.py",
    "tests/reliability/test_odd_entries.py",
    "tests/reliability/test_manifest_encodings.py",
    "tests/reliability/test_time_budget.py",
    "tests/reliability/test_erasure_sticky.py",
    "tests/reliability/test_temporary_copies.py",
]
SLOW_TESTS = ["tests/reliability/test_faults.py"]
ACCESS_TESTS = [  # issue 14 items 7-9: revoked writes, scopes, NUL bytes (SQLite and PostgreSQL)
    "tests/web/api/test_revoked_writes.py",
    "tests/web/api/test_subject_scope.py",
    "tests/web/api/test_invalid_characters.py",
]

# (section recorded by the tests, title, columns) — a section with no rows is not printed.
SECTIONS: list[tuple[str, str, tuple[str, ...]]] = [
    ("bad_input", "Bad input: files tried per class", ("file_class", "tried", "outcome")),
    ("odd_entries", "Odd entries of a batch folder", ("entry_class", "tried", "outcome")),
    ("encodings", "manifest.csv as saved", ("manifest", "tried", "outcome", "batch")),
    (
        "time_budget",
        "OCR time limit per page",
        ("case", "tried", "outcome", "documents_expected", "documents_found"),
    ),
    (
        "erasure_reruns",
        "Erasure re-runs: erased people found again",
        ("case", "tried", "outcome", "erased_found_again", "written_back"),
    ),
    ("temporary_copies", "Temporary copies of scans", ("case", "tried", "outcome")),
    (
        "batches",
        "Every entry accounted for (documents + quarantined + duplicates + skipped)",
        ("batch", "entries", "documents_expected", "documents_found", "duplicates", "lost"),
    ),
    (
        "faults",
        "Faults injected, then a re-run, compared with one clean run",
        ("fault", "injected", "documents_expected", "documents_found", "duplicates", "lost"),
    ),
    # issue 14 items 7-9: requests tried, not files (so not in "files tried")
    (
        "revoked_writes",
        "Revoked, disabled, demoted or narrowed keys writing while cached",
        ("case", "requests", "outcome"),
    ),
    ("scopes", "Subjects and reads outside a key's scope", ("case", "requests", "outcome")),
    ("nul_bytes", "NUL bytes and control characters in requests", ("case", "requests", "outcome")),
]


def summary(data: dict[str, list[dict[str, Any]]]) -> dict[str, int]:
    """The headline: files tried, documents expected vs found, duplicate documents, files lost,
    erased people found again, over every section that records them; and the access checks'
    requests tried."""
    rows = [row for section in data.values() for row in section]
    per_class = [
        r for key, section in data.items() if key not in ("batches", "faults") for r in section
    ]
    return {
        "files tried": sum(int(r.get("tried", 0)) for r in per_class),
        "requests tried (access checks)": sum(int(r.get("requests", 0)) for r in rows),
        "documents expected": sum(int(r.get("documents_expected", 0)) for r in rows),
        "documents found": sum(int(r.get("documents_found", 0)) for r in rows),
        "duplicate documents": sum(int(r.get("duplicates", 0)) for r in rows),
        "lost": sum(int(r.get("lost", 0)) for r in rows),
        "erased people found again": sum(int(r.get("erased_found_again", 0)) for r in rows),
        "written back for erased people": sum(int(r.get("written_back", 0)) for r in rows),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the fault injections")
    args = parser.parse_args()
    REPORT.unlink(missing_ok=True)
    tests = TESTS + ACCESS_TESTS + ([] if args.quick else SLOW_TESTS)
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests], cwd=REPO
    )
    data = json.loads(REPORT.read_text()) if REPORT.exists() else {}
    console = Console(width=150)  # the tables as written in BENCHMARKS.md
    for key, title, columns in SECTIONS:
        if not data.get(key):
            continue
        table = Table(title=title)
        for column in columns:
            table.add_column(column)
        for row in data[key]:
            table.add_row(*(str(row.get(c, "")) for c in columns))
        console.print(table)
    head = Table(title="Summary", show_header=False)
    for name, value in summary(data).items():
        head.add_row(name, str(value))
    console.print(head)
    console.print(f"pytest exit status: {proc.returncode}")
    return proc.returncode


if __name__ == "__main__":
    raise SystemExit(main())
