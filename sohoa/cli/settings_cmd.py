"""`sohoa settings`: every setting, its value and its meaning."""

from __future__ import annotations

import typer
from rich.table import Table

from sohoa.cli.common import console
from sohoa.settings import Settings, get_settings

_SECRETS = {"secret_key", "s3_secret_key", "s3_access_key"}


def settings() -> None:
    """List every setting (environment variable), its current value and what it does."""
    current = get_settings()
    table = Table("Variable", "Value", "Meaning")
    for name, info in Settings.model_fields.items():
        value = getattr(current, name)
        shown = ("(set)" if value else "") if name in _SECRETS else str(value)
        table.add_row(f"SOHOA_{name.upper()}", shown, info.description or "")
    console.print(table)


def register(app: typer.Typer) -> None:
    app.command()(settings)
