"""`sohoa samples`: synthetic documents with ground truth."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from sohoa.cli.common import console, progress_bar


class Noise(StrEnum):
    none = "none"
    light = "light"
    heavy = "heavy"


def samples(
    out: Annotated[Path, typer.Argument(help="Folder to write the samples into (created).")],
    count: Annotated[int, typer.Option(min=1, max=100_000, help="How many documents.")] = 12,
    seed: Annotated[int, typer.Option(help="Same seed, same files (byte for byte).")] = 1,
    noise: Annotated[Noise, typer.Option(help="Scan degradation: none, light or heavy.")] = (
        Noise.light
    ),
) -> None:
    """Make synthetic Vietnamese documents with a ground-truth JSON beside each.

    Scans (PNG, JPEG, image-only PDF) and born-digital PDFs with realistic names, addresses and
    valid ID numbers. `<file>.truth.json` holds the expected type and fields; `index.json` lists
    them all.

    Example: sohoa samples var/inbox/demo --count 40 --seed 7 --noise heavy
    """
    from sohoa.samples import generate

    with progress_bar() as bar:
        task = bar.add_task("Tạo mẫu", total=count)
        made = generate(
            out,
            count=count,
            seed=seed,
            noise=noise.value,
            progress=lambda n: bar.update(task, completed=n),
        )
    console.print(f"{len(made)} samples written to {out} (ground truth: *.truth.json)")


def register(app: typer.Typer) -> None:
    app.command()(samples)
