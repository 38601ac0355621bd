"""`sohoa db …`: the warehouse's migrations."""

from __future__ import annotations

import typer

from sohoa.cli.common import console, fail, open_runtime

app = typer.Typer(help="Warehouse database: migrations.", no_args_is_help=True)


@app.command("upgrade")
def upgrade() -> None:
    """Apply the warehouse's Alembic migrations up to the latest (safe to run again)."""
    from loaders.db import current_revision
    from loaders.db import upgrade as run_upgrade

    runtime = open_runtime()
    try:
        run_upgrade(runtime.engine)
        console.print(f"warehouse at revision [bold]{current_revision(runtime.engine)}[/]")
    except Exception as exc:
        fail(
            f"could not migrate {runtime.engine.url.render_as_string(hide_password=True)}: {exc}",
            "check SOHOA_DATABASE_URL and that the database server is running",
        )
