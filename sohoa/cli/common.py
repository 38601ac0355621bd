"""Shared pieces of the command line: consoles, the error format, progress bars, the runtime."""

from __future__ import annotations

from typing import TYPE_CHECKING, NoReturn

import typer
from rich.console import Console

from sohoa.settings import SettingsError, get_settings

if TYPE_CHECKING:  # imported when used: every command module imports this one at start-up
    from rich.progress import Progress

    from sohoa.runtime import Runtime

console = Console()
err = Console(stderr=True)


def fail(message: str, hint: str = "") -> NoReturn:
    """Print what went wrong and what to do next, then exit 1."""
    err.print(f"[bold red]Error:[/] {message}", markup=True, highlight=False)
    if hint:
        err.print(f"[yellow]What to do:[/] {hint}")
    raise typer.Exit(code=1)


def open_runtime() -> Runtime:
    from sohoa.runtime import Runtime

    try:
        settings = get_settings()
        settings.check()
    except (SettingsError, ValueError) as exc:
        fail(str(exc), "fix the SOHOA_* environment variables (`sohoa settings` lists them)")
    return Runtime(settings)


def progress_bar() -> Progress:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=False,
    )
