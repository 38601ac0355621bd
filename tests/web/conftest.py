"""Shared fixtures of the web tests: a migrated warehouse (SQLite and PostgreSQL, reusing the
loaders tests' per-test databases), a `Runtime` over it with a local store, the app, a client,
API keys of each role, and a small builder of verified warehouse content."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from extractors.records import Extraction
from loaders import principals
from loaders.batches import register_file, start_run
from loaders.db import session_scope
from loaders.load import load_extraction
from loaders.models import Document, Principal
from loaders.review import accept_document
from sohoa.auth import apikeys
from sohoa.runtime import Runtime
from sohoa.settings import Settings
from sohoa.web.app import create_app
from tests.loaders.conftest import (  # noqa: F401 (fixtures, registered by import)
    dialect,
    engine,
    pg_server,
    sqlite_template,
)

SECRET = "test-secret-for-the-web-tests-0123456789"
PURPOSE = "TTHC local.khai_sinh ho so 000.00.00.H01-250101-0001"


@pytest.fixture
def runtime(engine: Engine, tmp_path: Path) -> Iterator[Runtime]:  # noqa: F811
    """The app's runtime over this test's warehouse, with a local store under tmp_path."""
    settings = Settings(
        database_url=engine.url.render_as_string(hide_password=False),
        storage_url=f"file://{tmp_path / 'objects'}",
        secret_key=SECRET,
    )
    runtime = Runtime(settings)
    runtime.__dict__["engine"] = engine  # share the fixture's engine (it disposes of it)
    yield runtime


@pytest.fixture
def app(runtime: Runtime) -> FastAPI:
    return create_app(runtime)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield client


class Keys:
    """Creates service principals with fresh API keys."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._count = 0

    def make(self, role: str, scopes: dict[str, Any] | None = None, name: str = "") -> str:
        self._count += 1
        new = apikeys.generate(SECRET)
        with self.runtime.session() as session:
            principals.create_service(
                session,
                name=name or f"{role}-service-{self._count}",
                role=role,
                key_prefix=new.prefix,
                key_digest=new.digest,
                scopes=scopes or {},
            )
        return new.key

    def headers(
        self, role: str = "reader", scopes: dict[str, Any] | None = None, purpose: bool = True
    ) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.make(role, scopes)}"}
        if purpose:
            headers["X-Purpose"] = PURPOSE
        return headers


@pytest.fixture
def keys(runtime: Runtime) -> Keys:
    return Keys(runtime)


@dataclass
class Warehouse:
    """Builds warehouse content the way the pipeline and stewards do: load, then review."""

    runtime: Runtime
    steward_id: int

    def load(self, extraction: Extraction, batch: str | None = None) -> int:
        with session_scope(self.runtime.sessions) as session:
            if batch is not None:
                run = start_run(session, batch, "test")
                register_file(
                    session,
                    run,
                    sha256=extraction.sha256,
                    original_name="scan.pdf",
                    size=1,
                    media_type="application/pdf",
                )
            return load_extraction(session, extraction, batch=batch).document_id

    def verified(self, extraction: Extraction) -> int:
        document_id = self.load(extraction)
        self.accept(document_id)
        return document_id

    def accept(self, document_id: int) -> None:
        with session_scope(self.runtime.sessions) as session:
            document = session.get_one(Document, document_id)
            accept_document(
                session,
                document_id,
                principal_id=self.steward_id,
                expected_lock_version=document.lock_version,
            )

    def lock_version(self, document_id: int) -> int:
        with session_scope(self.runtime.sessions) as session:
            return session.get_one(Document, document_id).lock_version


@pytest.fixture
def warehouse(runtime: Runtime) -> Warehouse:
    with session_scope(runtime.sessions) as session:
        steward = Principal(kind="person", name="steward-lan", role="steward")
        session.add(steward)
        session.flush()
        steward_id = steward.id
    return Warehouse(runtime, steward_id)


def settle(runtime: Runtime, timeout: float = 30.0) -> None:
    """Wait until every write transaction begun so far has ended, on the whole PostgreSQL server.

    The feed holds back events behind the oldest writer still running anywhere on the server
    (transaction ids are server-wide), and other test sessions may be writing right now."""
    if runtime.engine.dialect.name != "postgresql":
        return
    with runtime.engine.connect() as conn:
        mark = conn.execute(text("SELECT pg_current_xact_id()::text::bigint")).scalar_one()
        conn.commit()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            horizon = conn.execute(
                text("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
            ).scalar_one()
            conn.commit()
            if horizon > mark:
                return
            time.sleep(0.05)
    raise AssertionError("a write transaction elsewhere on the server stayed open for 30 s")
