"""The `sohoa` command line. Each command group is a module of this package, a thin layer over
`sohoa.pipeline` and `loaders`. Settings come from the environment (SOHOA_*); with none set,
everything runs embedded under ./var/."""

from __future__ import annotations

import logging
import sys
import warnings
from typing import Annotated

import typer

from sohoa.cli import (
    accounts,
    batch,
    database,
    inspect,
    keys,
    procedures,
    quarantine,
    reprocess,
    retention,
    review,
    samples,
    serve,
    settings_cmd,
    subjects,
)
from sohoa.cli.common import fail
from sohoa.settings import get_settings

app = typer.Typer(
    name="sohoa",
    help=(
        "Số hóa: digitize Vietnamese administrative dossiers and procedure results into a "
        "warehouse of verified, reusable records.\n\n"
        "Quick start (embedded mode: SQLite + a local folder under ./var, no server):\n\n"
        "  sohoa samples var/inbox/demo --count 12     # make a batch of synthetic scans\n\n"
        "  sohoa db upgrade                            # create the warehouse tables\n\n"
        "  sohoa run var/inbox/demo --batch demo       # OCR, extract, load, report\n\n"
        "Settings are environment variables (SOHOA_DATABASE_URL, SOHOA_STORAGE_URL, …); "
        "see `sohoa settings`."
    ),
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)


@app.callback()
def _setup(
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Log progress to stderr.")
    ] = False,
) -> None:
    try:
        settings = get_settings()
    except ValueError as exc:  # SettingsError, or a value pydantic refuses
        fail(str(exc), "fix the SOHOA_* environment variables (`sohoa settings` lists them)")
    configured = getattr(logging, settings.log_level.upper(), logging.INFO)
    logging.basicConfig(
        level=logging.INFO if verbose else max(configured, logging.WARNING),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


for module in (
    batch,
    inspect,
    quarantine,
    reprocess,
    samples,
    settings_cmd,
    keys,
    serve,
    procedures,
    accounts,
    subjects,
    retention,
    review,
):
    module.register(app)
app.add_typer(database.app, name="db")


def quiet_dependency_warnings() -> None:
    """Warnings our dependencies raise about their own dependencies (cryptography deprecating a
    cipher a PDF library imports) say nothing a user can act on: they are not shown."""
    from cryptography.utils import CryptographyDeprecationWarning

    warnings.filterwarnings("ignore", category=CryptographyDeprecationWarning)


def main() -> None:
    quiet_dependency_warnings()
    app()
