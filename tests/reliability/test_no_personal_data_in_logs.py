"""No personal data in logs: the logs of a full run (our loggers at DEBUG, in process, and the CLI's
stderr with --verbose) never contain an ID number, a name or a date of birth of the batch."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sohoa.pipeline.run import run_batch
from sohoa.runtime import Runtime
from tests.fixtures.batches import copy_batch

PERSONAL_FIELDS = ("id_number", "full_name", "date_of_birth", "place_of_residence")


def _personal_values(samples: Path) -> set[str]:
    values: set[str] = set()
    for truth_path in samples.glob("*.truth.json"):
        fields = json.loads(truth_path.read_text(encoding="utf-8"))["fields"]
        for name, value in fields.items():
            if any(name.endswith(p) for p in PERSONAL_FIELDS) and value and len(str(value)) >= 6:
                values.add(str(value))
                if name.endswith("date_of_birth"):  # also as printed: 05/01/1990
                    y, m, d = str(value).split("-")
                    values.add(f"{d}/{m}/{y}")
    return values


def _leaks(text: str, values: set[str]) -> list[str]:
    lowered = text.casefold()
    return sorted(v for v in values if v.casefold() in lowered)


def test_in_process_logs_of_a_run_hold_no_personal_data(
    runtime: Runtime, sample_batch: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    values = _personal_values(sample_batch)
    assert values, "the samples carry personal data to look for"
    folder = copy_batch(sample_batch, tmp_path / "inbox" / "nhat-ky")
    with caplog.at_level(logging.DEBUG):
        run_batch(runtime, str(folder), "nhat-ky", workers=1)
    ours = [
        r
        for r in caplog.records
        if r.name.split(".")[0] in {"sohoa", "extractors", "loaders", "storage"}
    ]
    assert ours, "the run logged something"
    text = "\n".join(r.getMessage() for r in ours)
    assert _leaks(text, values) == []


def test_cli_verbose_output_holds_no_personal_data_outside_the_report(
    sample_batch: Path, tmp_path: Path
) -> None:
    values = _personal_values(sample_batch)
    folder = copy_batch(sample_batch, tmp_path / "inbox" / "cli")
    env = dict(
        os.environ,
        SOHOA_DATABASE_URL=f"sqlite:///{tmp_path / 'var' / 'sohoa.db'}",
        SOHOA_STORAGE_URL=f"file://{tmp_path / 'var' / 'objects'}",
        SOHOA_LOG_LEVEL="DEBUG",
    )
    sohoa = str(Path(sys.executable).with_name("sohoa"))
    subprocess.run([sohoa, "db", "upgrade"], env=env, check=True, capture_output=True)
    proc = subprocess.run(
        [sohoa, "-v", "run", str(folder), "--batch", "cli", "--workers", "2"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "processed sha256=" in proc.stderr, "verbose logging reached stderr"
    assert _leaks(proc.stderr, values) == []
