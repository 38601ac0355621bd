"""Every warehouse test runs twice: on a SQLite file and on the machine's PostgreSQL.

PostgreSQL: one uniquely named template database is migrated per test session, and each test gets
its own clone of it (`CREATE DATABASE … TEMPLATE`), dropped afterwards; SQLite: a migrated file is
copied per test. A clone is much cheaper than migrating, and tests never see each other's rows
(the audit log cannot be emptied, by design).
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from loaders.db import make_engine, make_session_factory, upgrade
from loaders.models import Principal

PG_URL = os.environ.get(
    "SOHOA_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


class PgServer:
    """Creates and drops this session's databases through an autocommit admin connection."""

    def __init__(self, admin: Engine) -> None:
        self.admin = admin
        self.prefix = f"sohoa_test_{os.getpid()}_{secrets.token_hex(3)}"
        self.created: list[str] = []
        self.template: str | None = None

    def url(self, database: str) -> str:
        return make_url(PG_URL).set(database=database).render_as_string(hide_password=False)

    def create(self, template: str | None = None) -> str:
        name = f"{self.prefix}_{len(self.created)}"
        clause = f" TEMPLATE {template}" if template else ""
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f"CREATE DATABASE {name}{clause}")
        self.created.append(name)
        return name

    def drop(self, name: str) -> None:
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        self.created.remove(name)

    def migrated_clone(self) -> str:
        if self.template is None:
            self.template = self.create()
            upgrade(self.url(self.template))
        return self.create(template=self.template)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
    try:
        with admin.connect():
            pass
    except sa.exc.OperationalError as exc:
        pytest.skip(reason=f"PostgreSQL not reachable at SOHOA_TEST_PG_URL: {exc.orig}")
    server = PgServer(admin)
    yield server
    for name in list(server.created):
        server.drop(name)
    admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "warehouse.db"
    upgrade(f"sqlite:///{path}")  # disposes its engine: the WAL is folded into the file
    return path


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def dialect(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def empty_url(dialect: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """The URL of a database with nothing in it."""
    if dialect == "sqlite":
        yield f"sqlite:///{tmp_path / 'var' / 'empty.db'}"
        return
    server: PgServer = request.getfixturevalue("pg_server")
    name = server.create()
    yield server.url(name)
    server.drop(name)


@pytest.fixture
def engine(dialect: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Engine]:
    """A migrated warehouse of its own for this test."""
    if dialect == "sqlite":
        path = tmp_path / "warehouse.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        engine = make_engine(f"sqlite:///{path}")
        yield engine
        engine.dispose()
        return
    server: PgServer = request.getfixturevalue("pg_server")
    name = server.migrated_clone()
    engine = make_engine(server.url(name))
    yield engine
    engine.dispose()
    server.drop(name)


@pytest.fixture
def session_factory(engine: Engine) -> Callable[[], Session]:
    return make_session_factory(engine)


@pytest.fixture
def session(session_factory: Callable[[], Session]) -> Iterator[Session]:
    with session_factory() as session:
        yield session
        session.rollback()


@pytest.fixture
def steward(session: Session) -> int:
    """The id of a steward principal, for review actions."""
    principal = Principal(kind="person", name="steward-an", role="steward")
    session.add(principal)
    session.flush()
    return principal.id
