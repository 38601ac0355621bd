"""`sohoa reprocess SHA256…`: redo OCR and extraction for chosen documents with other settings.

Without it a re-run reuses the cached extraction; with it the cache is ignored for exactly these
files, and the loader keeps the earlier extraction as a version (a new version is written only
when the content changed).
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from sohoa.cli.common import console, fail, open_runtime
from sohoa.pipeline.errors import StepError


def reprocess(
    sha256s: Annotated[
        list[str], typer.Argument(help="sha256 of each file (or prefixes of 6+ hex digits).")
    ],
    lang: Annotated[
        str | None, typer.Option(help="Tesseract language(s), e.g. vie+eng (default: settings).")
    ] = None,
    doc_type: Annotated[
        str | None,
        typer.Option("--type", help="Document type to assume, e.g. id_card, admin_document."),
    ] = None,
    batch: Annotated[
        str | None,
        typer.Option(help="The batch to record the work in (default: the latest that lists it)."),
    ] = None,
    timeout: Annotated[
        int | None,
        typer.Option(
            "--timeout", min=1, help="Seconds of OCR allowed per page (default: the setting)."
        ),
    ] = None,
) -> None:
    """Redo OCR and extraction of chosen files (e.g. with another language or type).

    Example: sohoa reprocess 3fa94c1b20 77d0e2a9c4 --lang vie+eng --type admin_document
    """
    from sohoa.pipeline.redo import reprocess_files

    runtime = open_runtime()
    try:
        results = reprocess_files(
            runtime, sha256s, batch=batch, lang=lang, hint=doc_type, ocr_timeout=timeout
        )
    except StepError as exc:
        fail(str(exc), "find a file's sha256 with `sohoa report BATCH --json`")
    table = Table(title="Xử lý lại")
    for column in ("sha256", "Lô", "Kết quả", "Phiên bản trích xuất"):
        table.add_column(column)
    for r in results:
        if r.status == "loaded":
            version = f"mới: {r.new_version}" if r.new_version else "không đổi"
            outcome = "đã nạp vào kho"
        elif r.status == "skipped":
            version, outcome = "—", f"bỏ qua: {r.reason_message}"
        else:
            version, outcome = "—", f"bị cách ly: {r.reason_message}"
        table.add_row(r.sha256[:12], r.batch, outcome, version)
    console.print(table)
    if any(r.status != "loaded" for r in results):
        raise typer.Exit(code=2)


def register(app: typer.Typer) -> None:
    app.command()(reprocess)
