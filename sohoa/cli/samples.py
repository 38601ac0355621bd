"""`sohoa samples`: synthetic documents with ground truth."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from sohoa.cli.common import console, fail, progress_bar


class Noise(StrEnum):
    none = "none"
    light = "light"
    heavy = "heavy"
    real = "real"


# sohoa/samples/conditions.py CONDITIONS (kept literal here: the CLI starts without the generator)
Condition = StrEnum(  # type: ignore[misc]
    "Condition",
    {
        name: name
        for name in (
            "handwritten_number", "handwritten_day", "handwritten_month", "stamp_over_signature",
            "two_line_issuer", "multiline_subject", "body_citation", "delegated_signing",
            "phone_photo", "screenshot", "low_resolution", "show_through",
        )
    },
)  # fmt: skip


def samples(
    out: Annotated[Path, typer.Argument(help="Folder to write the samples into (created).")],
    count: Annotated[int, typer.Option(min=1, max=100_000, help="How many documents.")] = 12,
    seed: Annotated[int, typer.Option(help="Same seed, same files (byte for byte).")] = 1,
    noise: Annotated[
        Noise,
        typer.Option(
            help="none, light or heavy: scanner degradation only. real: what the real corpus "
            "shows, each document drawing the conditions below at the corpus's frequencies "
            "(flatbed scans degraded as heavy, 15 % phone photos, 8 % screenshots)."
        ),
    ] = Noise.light,
    condition: Annotated[
        list[Condition] | None,
        typer.Option(
            "--condition",
            help="Turn a condition on for every document that can show it (repeat the option; "
            "replaces the real level's draw). Handwritten number/day/month: written into the "
            "blanks in handwriting fonts the digit reader never trained on. "
            "stamp_over_signature: a red round seal over a blue signature, sometimes over the "
            "name. two_line_issuer: a parent body above the issuer. multiline_subject: a subject "
            "over two or three lines. body_citation: other documents' dates cited in the body. "
            "delegated_signing: TL./TUQ./KT. signing chains. phone_photo: perspective, a "
            "background, uneven light, JPEG. screenshot: the page inside a viewer's interface. "
            "low_resolution: the page 400-800 px wide. show_through: the back page shows "
            "through.",
        ),
    ] = None,
) -> None:
    """Make synthetic Vietnamese documents with a ground-truth JSON beside each.

    Scans (PNG, JPEG, image-only PDF) and born-digital PDFs with realistic names, addresses and
    valid ID numbers. `<file>.truth.json` holds the expected type and fields, the conditions the
    page shows and how it was captured; `index.json` lists them all.

    Example: sohoa samples var/inbox/demo --count 40 --seed 7 --noise real
    """
    from sohoa.samples import generate
    from sohoa.samples.conditions import check
    from sohoa.samples.hand import fonts_present

    chosen = [c.value for c in condition or []]
    try:
        check(chosen)
    except ValueError as exc:  # e.g. phone_photo together with screenshot
        fail(str(exc), "choose conditions that can go together (see sohoa samples --help)")
    wants_hand = noise is Noise.real or any(c.startswith("handwritten") for c in chosen)
    if wants_hand and not fonts_present():
        fail(
            "the handwriting fonts are not installed",
            "install the Debian packages fonts-dkg-handwriting and fonts-sjfonts "
            "(scripts/setup.sh does), then run the command again",
        )
    with progress_bar() as bar:
        task = bar.add_task("Tạo mẫu", total=count)
        made = generate(
            out,
            count=count,
            seed=seed,
            noise=noise.value,
            conditions=chosen or None,
            progress=lambda n: bar.update(task, completed=n),
        )
    console.print(f"{len(made)} samples written to {out} (ground truth: *.truth.json)")


def register(app: typer.Typer) -> None:
    app.command()(samples)
