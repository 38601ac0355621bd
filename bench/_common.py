"""What the benchmarks share: a throw-away embedded sohoa, sample batches, timing, one output shape.

Every benchmark prints one JSON object with the measured figures and `ratio` against the limit it
measured in the same run, so the numbers in BENCHMARKS.md can be reproduced by one command.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
BIN = Path(sys.executable).parent


def embedded_env(root: Path, **extra: str) -> dict[str, str]:
    """The environment of a fresh embedded sohoa (SQLite + folder) under `root`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")}
    env.update(
        SOHOA_DATABASE_URL=f"sqlite:///{root / 'sohoa.db'}",
        SOHOA_STORAGE_URL=f"file://{root / 'objects'}",
        SOHOA_SECRET_KEY="bench",
        OMP_THREAD_LIMIT="1",
        PATH=f"{BIN}:{os.environ.get('PATH', '')}",
        **extra,
    )
    return env


def sh(cmd: list[str], env: dict[str, str] | None = None, timeout: float = 3600) -> str:
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:4])} failed:\n{(proc.stdout + proc.stderr)[-3000:]}")
    return proc.stdout


def samples(out: Path, count: int, seed: int, formats: list[str], noise: str = "light") -> Path:
    """Generated documents without their ground-truth files (a batch as a team drops it)."""
    from sohoa.samples import generate

    generate(out, count=count, seed=seed, noise=noise, formats=formats)
    for path in out.iterdir():
        if path.name.endswith(".json"):
            path.unlink()
    return out


@contextmanager
def timer(into: dict[str, float], name: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        into[name] = round(time.perf_counter() - started, 2)


def sohoa_run(folder: Path, batch: str, env: dict[str, str], *extra: str) -> dict[str, Any]:
    """`sohoa run`, then the saved report (reports/<batch>.json)."""
    sh([str(BIN / "sohoa"), "run", str(folder), "--batch", batch, *extra], env)
    store = Path(env["SOHOA_STORAGE_URL"].removeprefix("file://"))
    return json.loads((store / "reports" / f"{batch}.json").read_text())


def emit(result: dict[str, Any]) -> None:
    print(json.dumps(result, indent=1, ensure_ascii=False))
