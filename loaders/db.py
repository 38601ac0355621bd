"""Connecting to the warehouse: engines, sessions, migrations, and what a database failure means.

The warehouse runs on SQLite (embedded mode) or PostgreSQL (compose, production). Everything
dialect-specific about *connecting* lives here; the models and queries are portable.

Database failures are translated at this edge into `loaders.errors`: a lost connection, a server
that is down, a serialization failure or a deadlock become `WarehouseUnavailable` (retryable — the
caller reruns the whole unit of work), a lost optimistic-locking race becomes `ConflictingUpdate`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import (
    DBAPIError,
    DisconnectionError,
    InterfaceError,
    OperationalError,
)
from sqlalchemy.exc import (
    TimeoutError as PoolTimeout,
)
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from loaders.errors import ConflictingUpdate, SchemaOutOfDate, WarehouseUnavailable

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic is imported inside the migration and schema-check functions only: importing it loads
# every dialect's DDL module (~0.2 s), which every command paid, though only `db upgrade`,
# `db current` and `serve` use it.

VERSION_TABLE = "sohoa_alembic_version"
SQLITE_BUSY_TIMEOUT_MS = 15_000
PG_CONNECT_TIMEOUT_S = 10
# SQLSTATEs a server uses to abort a transaction that would succeed if simply run again.
_RETRYABLE_SQLSTATES = {"40001", "40P01", "57P01", "57P02", "57P03"}


@contextmanager
def translate_db_errors() -> Iterator[None]:
    """Turn driver-level failures into warehouse errors; usable as `with` or as a decorator."""
    try:
        yield
    except StaleDataError as exc:
        raise ConflictingUpdate("the record was changed by someone else; reload it") from exc
    except (OperationalError, InterfaceError, DisconnectionError, PoolTimeout) as exc:
        raise WarehouseUnavailable(f"warehouse database unavailable: {_short(exc)}") from exc
    except DBAPIError as exc:
        if exc.connection_invalidated or _sqlstate(exc) in _RETRYABLE_SQLSTATES:
            raise WarehouseUnavailable(f"warehouse transaction aborted: {_short(exc)}") from exc
        raise


def _sqlstate(exc: DBAPIError) -> str | None:
    return getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)


def _short(exc: Exception) -> str:
    """The driver's first message line: no SQL, no parameters (they may hold personal data)."""
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip().splitlines()
    return text[0] if text else type(orig).__name__


def normalize_url(url: str) -> str:
    """`postgresql://` and `postgres://` mean psycopg 3 here (SQLAlchemy would pick psycopg2)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


@translate_db_errors()
def make_engine(url: str) -> Engine:
    """An engine configured for the warehouse's needs on either dialect.

    SQLite gets WAL (readers do not block the writer), enforced foreign keys, a busy timeout so
    concurrent workers wait instead of failing, and real SAVEPOINT support; its folder is created.
    PostgreSQL gets pre-ping so a restarted server costs one retry, not a failed task. Neither
    ever puts a statement's values in an error or a log line (`_drop_quoted_values`).
    """
    sa_url = make_url(normalize_url(url))
    if sa_url.get_backend_name() == "sqlite":
        return _sqlite_engine(sa_url)
    connect_args: dict[str, Any] = {}
    if sa_url.get_driver_name() == "psycopg":
        connect_args["connect_timeout"] = PG_CONNECT_TIMEOUT_S
    engine = create_engine(
        sa_url, pool_pre_ping=True, connect_args=connect_args, hide_parameters=True
    )
    event.listen(engine, "handle_error", _drop_quoted_values)
    return engine


def _drop_quoted_values(context: Any) -> None:
    """Keep the values a statement carried out of its error, so out of every log line and
    traceback: SQLAlchemy hides the parameters (`hide_parameters`), and this drops the lines the
    server adds under its message — PostgreSQL's DETAIL (`Key (name)=(…) already exists`,
    `Failing row contains (…)`), CONTEXT (a COPY's row), HINT — keeping the first line (what
    failed: the constraint, the column) and SQLAlchemy's own `[SQL: …]` line (placeholders only).
    The driver's diagnostics (`orig.diag`, `orig.sqlstate`) stay whole for code that needs them."""
    for error in (context.original_exception, context.sqlalchemy_exception):
        if error is not None:
            drop_quoted_values(error)


def drop_quoted_values(error: BaseException) -> None:
    """`error`'s message without the lines a server adds under it (see `_drop_quoted_values`);
    for errors raised outside SQLAlchemy's statements too (the bulk load's COPY)."""
    if not error.args or not isinstance(error.args[0], str):
        return
    first, *rest = error.args[0].split("\n")
    kept = [line for line in rest if line.startswith(("[SQL:", "[SQL parameters"))]
    error.args = ("\n".join([first, *kept]), *error.args[1:])


def _sqlite_engine(sa_url: Any) -> Engine:
    database = sa_url.database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(sa_url, hide_parameters=True)
    event.listen(engine, "handle_error", _drop_quoted_values)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin: the module's own
        # implicit BEGIN breaks SAVEPOINT (SQLAlchemy docs, "Serializable isolation / Savepoints").
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")

    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions whose objects stay readable after commit (the CLI and the API read them then)."""
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: Callable[[], Session]) -> Iterator[Session]:
    """One unit of work: commit when the block succeeds, roll back when it raises."""
    with translate_db_errors():
        session = factory()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()


def _alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "loaders:migrations")
    return config


def head_revision() -> str:
    """The revision this code expects the database to be at."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None, "loaders/migrations has no revisions"
    return head


@translate_db_errors()
def upgrade(url_or_engine: str | Engine) -> None:
    """Migrate the warehouse to head (`sohoa db upgrade`). Running it again is a no-op."""
    from alembic import command

    engine = make_engine(url_or_engine) if isinstance(url_or_engine, str) else url_or_engine
    try:
        with engine.begin() as connection:
            config = _alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    finally:
        if isinstance(url_or_engine, str):
            engine.dispose()


@translate_db_errors()
def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None when it was never migrated."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
        return context.get_current_revision()


def check_schema(engine: Engine) -> None:
    """Refuse to work on a database that is not at this code's revision."""
    current, head = current_revision(engine), head_revision()
    if current != head:
        raise SchemaOutOfDate(
            f"warehouse schema is at {current or 'nothing'}, code expects {head}: "
            "run `sohoa db upgrade`"
        )
