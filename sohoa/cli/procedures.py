"""`sohoa procedures …`: the procedure catalogue the reuse API checks documents against."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from sohoa.cli.common import console, fail, open_runtime

BUILTIN_CATALOGUE = Path(__file__).resolve().parents[1] / "data" / "procedures.json"

app = typer.Typer(help="Procedure catalogue: load, list.", no_args_is_help=True)


@app.command("load")
def load(
    file: Annotated[
        Path | None,
        typer.Argument(
            help="A .json or .csv catalogue (default: the one shipped with sohoa).",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
) -> None:
    """Add or replace procedures from a catalogue file; others are kept (safe to run again).

    JSON: {"procedures": [{"code", "name", "requirements": [{"doc_type", "note"}]}]}.
    CSV: columns code,name,doc_type,note, one row per required document type.

    Example: sohoa procedures load my-procedures.csv
    """
    from loaders import procedures
    from loaders.errors import InvalidRecord

    path = file or BUILTIN_CATALOGUE
    try:
        specs = procedures.read_catalogue(path)
    except (InvalidRecord, OSError, UnicodeDecodeError) as exc:
        fail(f"cannot read {path}: {exc}")
    runtime = open_runtime()
    with runtime.session() as session:
        count = procedures.upsert_all(session, specs)
    console.print(f"{count} procedures loaded from {path.name}")


@app.command("list")
def list_procedures() -> None:
    """List the catalogue: code, name and the document types each procedure needs."""
    from loaders import procedures

    runtime = open_runtime()
    with runtime.session() as session:
        specs = procedures.list_all(session)
    if not specs:
        console.print("the catalogue is empty: run `sohoa procedures load`")
        return
    table = Table("Code", "Name", "Required documents")
    for spec in specs:
        table.add_row(spec.code, spec.name, ", ".join(r.doc_type for r in spec.requirements))
    console.print(table)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="procedures")
