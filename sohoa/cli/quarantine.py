"""`sohoa quarantine list|retry|release`: work the quarantine from a terminal (no Airflow UI).

Thin layer over `sohoa.pipeline.quarantine_ops`; the semantics (what release keeps, what retry
does) are documented there and in the README.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from sohoa.cli.common import console, fail, open_runtime
from sohoa.pipeline.errors import StepError

app = typer.Typer(
    help="Files set aside (quarantined): list them, retry them after a fix, or release them.",
    no_args_is_help=True,
)

_OUTCOME_LABELS = {
    "loaded": "đã nạp vào kho",
    "quarantined": "vẫn bị cách ly",
    "skipped": "bỏ qua (chỉ chứa dữ liệu người đã bị xóa)",
}


@app.command("list")
def list_(
    batch: Annotated[str | None, typer.Option(help="Only this batch.")] = None,
) -> None:
    """List quarantined files: sha256 prefix, original name, reason, batch.

    Example: sohoa quarantine list --batch lo-01
    """
    from sohoa.pipeline.quarantine_ops import list_quarantine

    runtime = open_runtime()
    try:
        rows = list_quarantine(runtime, batch)
    except StepError as exc:
        fail(str(exc))
    table = Table(title=f"Tệp bị cách ly ({len(rows)})")
    for column in ("sha256", "Tệp gốc", "Lý do", "Lô", "Từ"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            row.sha256[:12],
            row.original_name,
            f"[bold]{row.reason_code}[/]: {row.reason_message}",
            row.batch,
            row.since.strftime("%Y-%m-%d %H:%M"),
        )
    console.print(table)
    if not rows:
        console.print("Không có tệp nào bị cách ly.")


@app.command()
def retry(
    sha256: Annotated[
        str | None, typer.Argument(help="sha256 of the file, or a prefix of 6+ digits.")
    ] = None,
    batch: Annotated[
        str | None, typer.Option(help="Retry every quarantined file of this batch.")
    ] = None,
    lang: Annotated[str | None, typer.Option(help="Tesseract language(s) for the retry.")] = None,
    doc_type: Annotated[
        str | None, typer.Option("--type", help="Document type to assume (e.g. id_card).")
    ] = None,
    timeout: Annotated[
        int | None,
        typer.Option(
            "--timeout",
            min=1,
            help="Seconds of OCR allowed per page for this retry (default: "
            "SOHOA_OCR_TIMEOUT_SECONDS). For files quarantined as ocr_timeout.",
        ),
    ] = None,
) -> None:
    """Process quarantined files again (after a fix) and load those that now work.

    A file quarantined as ocr_timeout has a page that took longer than the limit per page: give
    it longer with --timeout (the reason names the page and the limit).

    Example: sohoa quarantine retry 3fa94c1b20 ; sohoa quarantine retry --batch lo-01 ;
    sohoa quarantine retry 3fa94c1b20 --timeout 600
    """
    from sohoa.pipeline.quarantine_ops import retry as retry_files

    runtime = open_runtime()
    try:
        results = retry_files(
            runtime, sha256, batch=batch, lang=lang, hint=doc_type, ocr_timeout=timeout
        )
    except StepError as exc:
        fail(str(exc), "list the quarantine with `sohoa quarantine list`")
    table = Table(title="Thử lại tệp bị cách ly")
    for column in ("sha256", "Lô", "Kết quả", "Lý do"):
        table.add_column(column)
    for r in results:
        table.add_row(r.sha256[:12], r.batch, _OUTCOME_LABELS[r.status], r.reason_message or "—")
    console.print(table)
    if any(r.status == "quarantined" for r in results):
        raise typer.Exit(code=2)


@app.command()
def release(
    sha256: Annotated[str, typer.Argument(help="sha256 of the file, or a prefix of 6+ digits.")],
    batch: Annotated[str, typer.Option(help="The batch the file is quarantined in.")],
    note: Annotated[
        str, typer.Option(help="Why it is dropped (kept in the audit log).", prompt="Lý do")
    ],
    by: Annotated[str, typer.Option(help="Who decides (kept in the audit log).")] = "",
) -> None:
    """Drop a quarantined file for good: it will not become a document.

    Its quarantine copy is deleted, its row in the batch is kept as 'released' and an audit entry
    records who and why. Re-runs of the batch leave it alone.

    Example: sohoa quarantine release 3fa94c1b20 --batch lo-01 --note "ảnh chụp nhầm"
    """
    from sohoa.pipeline.quarantine_ops import release as release_file

    runtime = open_runtime()
    try:
        name, full = release_file(runtime, sha256, batch=batch, note=note, by=by)
    except StepError as exc:
        fail(str(exc), "list the quarantine with `sohoa quarantine list`")
    console.print(f"Đã loại tệp {full[:12]} khỏi khu cách ly của lô {name} (ghi vào nhật ký).")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="quarantine")
