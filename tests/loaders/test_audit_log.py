"""The audit log is append-only, enforced by the database itself (not just by the code)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from loaders.db import make_session_factory, session_scope
from loaders.journal import audit
from loaders.models import AuditEntry


@pytest.fixture
def logged(engine: Engine) -> Engine:
    with session_scope(make_session_factory(engine)) as session:
        audit(session, "read.subject_documents", subject_public_id="ab" * 16, purpose="thủ tục")
    return engine


@pytest.mark.parametrize(
    "statement",
    [
        sa.update(AuditEntry).values(purpose="rewritten"),
        sa.delete(AuditEntry),
    ],
    ids=["update", "delete"],
)
def test_the_database_refuses_to_change_audit_entries(logged: Engine, statement) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(sa.exc.IntegrityError, match="append-only"), logged.begin() as conn:
        conn.execute(statement)
    with logged.connect() as conn:
        assert conn.execute(sa.select(AuditEntry.purpose)).scalars().all() == ["thủ tục"]


def test_postgresql_also_refuses_truncate(logged: Engine, dialect: str) -> None:
    if dialect != "postgresql":
        pytest.skip(reason="SQLite has no TRUNCATE")
    with pytest.raises(sa.exc.IntegrityError, match="append-only"), logged.begin() as conn:
        conn.exec_driver_sql("TRUNCATE audit_log")
