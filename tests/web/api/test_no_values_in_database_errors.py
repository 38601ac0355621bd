"""A failing statement's error, and so the log line of a server error, never carries the values a
client submitted: the warehouse engine hides SQL parameters, and PostgreSQL's DETAIL / CONTEXT
lines (which quote the row: `Key (name)=(…) already exists`) are dropped from the message."""

from __future__ import annotations

import logging
import secrets
import traceback

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from loaders.models import Principal

log = logging.getLogger("sohoa.web.test")


def _submitted() -> str:
    """A value as a client would send it, built at run time (so no source line quotes it)."""
    return "Nguyễn Văn Bí Mật " + secrets.token_hex(6)


def _whole_text(exc: BaseException) -> str:
    """Everything a traceback of `exc` prints, chained causes included."""
    return "".join(traceback.format_exception(exc))


def test_a_failing_statement_carries_no_submitted_value(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    value = _submitted()
    row = {"kind": "service", "name": value, "role": "reader", "scopes": {}, "disabled": False}
    insert = sa.insert(Principal.__table__)
    with engine.begin() as connection:
        connection.execute(insert, row)
    with pytest.raises(sa.exc.IntegrityError) as raised, engine.begin() as connection:
        connection.execute(insert, row)  # the same name again: a unique violation

    with caplog.at_level(logging.ERROR):
        log.exception("request failed", exc_info=raised.value)

    assert "parameters hidden" in str(raised.value)
    assert value not in _whole_text(raised.value)
    assert value not in caplog.text
    # what the error is about is still said (the constraint), and the driver's state is kept
    assert "unique" in str(raised.value).lower()


def test_echoed_statements_carry_no_values(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    """Even with statement logging turned on to debug, values stay out of the log."""
    value = _submitted()
    engine.echo = True
    try:
        with (
            caplog.at_level(logging.INFO, logger="sqlalchemy.engine"),
            engine.connect() as connection,
        ):
            connection.execute(sa.text("SELECT :v"), {"v": value})
    finally:
        engine.echo = False
    assert "SELECT" in caplog.text
    assert value not in caplog.text
