"""`sohoa retention apply`: delete stored files past their retention window.

Thin layer over `sohoa.pipeline.retention`; the windows are the SOHOA_RETENTION_* settings.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from sohoa.cli.common import console, fail, open_runtime
from sohoa.pipeline.errors import StepError

app = typer.Typer(
    help="Retention of stored files (SOHOA_RETENTION_* settings).", no_args_is_help=True
)


def _window(days: int | None) -> str:
    return f"{days} ngày" if days is not None else "giữ lại (chưa đặt)"


@app.command()
def apply(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be deleted; delete nothing.")
    ] = False,
    show_keys: Annotated[
        bool, typer.Option("--show-keys", help="List every object key (no names: sha256s).")
    ] = False,
) -> None:
    """Delete quarantined files, derived objects and rejected originals past their window.

    Originals of documents that are verified or awaiting review are never deleted. A real run
    writes one audit entry with the counts.

    Example: sohoa retention apply --dry-run
    """
    from sohoa.pipeline.retention import apply_retention

    runtime = open_runtime()
    try:
        report = apply_retention(runtime, dry_run=dry_run)
    except StepError as exc:
        fail(str(exc), "a store or database outage: run the same command again later")
    verb = "Sẽ xóa (chạy thử)" if dry_run else "Đã xóa"
    table = Table(title=f"Lưu giữ — {verb}")
    for column in ("Loại", "Thời hạn", "Số đối tượng"):
        table.add_column(column)
    table.add_row(
        "Tệp cách ly + lý do", _window(report.quarantine_days), str(len(report.quarantine))
    )
    table.add_row(
        "Tệp dẫn xuất (ảnh trang, OCR)", _window(report.derived_days), str(len(report.derived))
    )
    table.add_row("Bản gốc", _window(report.rejected_originals_days), str(len(report.originals)))
    console.print(table)
    if report.released:
        console.print(f"{report.released} tệp cách ly chuyển sang 'đã loại' (released).")
    if report.originals_kept:
        console.print(f"{report.originals_kept} bản gốc được giữ vì hồ sơ còn cần.")
    if show_keys:
        for key in [*report.quarantine, *report.derived, *report.originals]:
            console.print(key, highlight=False)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="retention")
