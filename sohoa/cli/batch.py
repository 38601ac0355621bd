"""`sohoa run`, `sohoa report`, `sohoa batches`: digitizing batches and reading how they went."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from sohoa.cli.common import console, fail, open_runtime, progress_bar
from sohoa.pipeline.errors import StepError

_STAGE_LABELS = {"intake": "Tiếp nhận", "process": "OCR & trích xuất", "load": "Nạp vào kho"}


def run(
    source: Annotated[
        str, typer.Argument(help="A folder of scans, or s3://BUCKET/PREFIX (SOHOA_S3_* settings).")
    ],
    batch: Annotated[
        str | None, typer.Option(help="Batch name (default: the folder's name).")
    ] = None,
    workers: Annotated[
        int | None, typer.Option(min=1, help="Worker processes for OCR (default: all cores).")
    ] = None,
    reprocess: Annotated[
        bool,
        typer.Option(
            help="Redo OCR and extraction even when a cached result exists; the earlier "
            "extraction is kept as a version."
        ),
    ] = False,
    lang: Annotated[
        str | None, typer.Option(help="Tesseract language(s) for this run, e.g. vie+eng.")
    ] = None,
) -> None:
    """Digitize a batch in this process: intake → OCR/extract → load → report.

    Every file becomes a document or lands in quarantine with a reason. Running the same batch
    again skips what was done (nothing is OCRed or loaded twice) unless --reprocess.

    Example: sohoa run var/inbox/demo --batch demo --workers 2
    """
    from sohoa.pipeline.run import run_batch  # light: it imports the rest when needed

    runtime = open_runtime()
    name = batch or Path(source.rstrip("/")).name or "batch"
    try:
        with progress_bar() as bar:
            tasks: dict[str, Any] = {}

            def tick(stage: str, done: int, total: int) -> None:
                if stage not in tasks:
                    tasks[stage] = bar.add_task(_STAGE_LABELS[stage], total=total)
                bar.update(tasks[stage], completed=done, total=total)

            report = run_batch(
                runtime,
                source,
                name,
                workers=workers,
                reprocess=reprocess,
                lang=lang,
                progress=tick,
            )
    except StepError as exc:
        fail(
            str(exc),
            "if a server was unreachable, start it and run the same command again: "
            "finished files are not redone",
        )
    except (ValueError, OSError) as exc:
        fail(str(exc))
    from sohoa.pipeline.report import render_report

    render_report(report, console)


def report(
    batch: Annotated[str, typer.Argument(help="Batch name.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print it as JSON.")] = False,
) -> None:
    """Show the report of a batch's latest run (from the warehouse, with file names)."""
    from loaders.errors import NotFound
    from sohoa.pipeline.report import build_report, render_report

    runtime = open_runtime()
    try:
        data = build_report(runtime, batch)
    except NotFound:
        fail(f"no batch named {batch!r}", "list batches with `sohoa batches`")
    if as_json:
        console.print_json(json.dumps(data, ensure_ascii=False, default=str))
    else:
        render_report(data, console)


def batches() -> None:
    """List batches with the status of their files."""
    from loaders import batches as batch_queries

    runtime = open_runtime()
    with runtime.session() as session:
        rows = batch_queries.list_batches(session)
    table = Table(title="Lô hồ sơ")
    for col in (
        "Lô",
        "Lần chạy",
        "Tệp",
        "Đã nạp",
        "Cách ly",
        "Đã loại",
        "Bỏ qua",
        "Đang chờ",
        "Chạy gần nhất",
    ):
        table.add_column(col)
    for row in rows:
        table.add_row(
            row["name"],
            str(row["runs"]),
            str(row["files"]),
            str(row["loaded"]),
            str(row["quarantined"]),
            str(row.get("released", 0)),
            str(row.get("skipped", 0)),
            str(row["pending"]),
            str(row["last_run_at"] or "—"),
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    app.command()(run)
    app.command()(report)
    app.command()(batches)
