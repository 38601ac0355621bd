"""`sohoa serve`: the reuse API and the review UI, through uvicorn."""

from __future__ import annotations

import logging
import re
from typing import Annotated

import typer

from sohoa.cli.common import console, fail, open_runtime

# Personal IDs (12 digits), CMND (9), enterprise codes (10, 13) appear in request paths; access
# log lines must not carry them (docs/DESIGN.md: no personal data in logs).
_KEYS_IN_PATHS = re.compile(r"(?<!\d)\d{9,13}(?:-\d{3})?(?!\d)")


class RedactKeys(logging.Filter):
    """Replace ID numbers in uvicorn's access log lines by a placeholder."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                _KEYS_IN_PATHS.sub("{id}", a) if isinstance(a, str) else a for a in record.args
            )
        return True


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
) -> None:
    """Serve the reuse API (/v1, docs at /docs) and the steward review UI (/review).

    Refuses to start on a warehouse that `sohoa db upgrade` has not brought up to date.

    Example: sohoa serve --host 0.0.0.0 --port 8000
    """
    import uvicorn

    from loaders.db import check_schema
    from loaders.errors import SchemaOutOfDate, WarehouseUnavailable

    runtime = open_runtime()
    try:
        check_schema(runtime.engine)
    except SchemaOutOfDate as exc:
        fail(str(exc), "run `sohoa db upgrade`, then `sohoa serve` again")
    except WarehouseUnavailable as exc:
        fail(str(exc), "check SOHOA_DATABASE_URL and that the database server is running")
    finally:
        runtime.close()
    console.print(f"sohoa serving on http://{host}:{port} (API docs: /docs)")
    uvicorn.run(
        "sohoa.web.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=_log_config(),
    )


def _log_config() -> dict[str, object]:
    from uvicorn.config import LOGGING_CONFIG

    config = {**LOGGING_CONFIG, "filters": {"redact_keys": {"()": RedactKeys}}}
    handlers = {name: dict(handler) for name, handler in LOGGING_CONFIG["handlers"].items()}
    handlers["access"]["filters"] = ["redact_keys"]
    config["handlers"] = handlers
    return config


def register(app: typer.Typer) -> None:
    app.command()(serve)
