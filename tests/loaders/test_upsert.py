"""get_or_create when another worker inserted the same key between our lookup and our insert."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from loaders.db import session_scope
from loaders.models import Batch
from loaders.upsert import get_or_create


def test_losing_an_insert_race_returns_the_winners_row(session_factory, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    with session_scope(session_factory) as session:
        session.add(Batch(name="race"))
    with session_scope(session_factory) as session:
        session.add(Batch(name="mine"))
        session.flush()
        _first_lookup_misses(session, monkeypatch)
        row, created = get_or_create(session, Batch, {"name": "race"})
        assert (row.name, created) == ("race", False)
    with session_scope(session_factory) as session:  # the outer transaction survived
        assert sorted(session.scalars(sa.select(Batch.name))) == ["mine", "race"]


def _first_lookup_misses(session: Session, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    real, calls = session.scalars, []

    def scalars(statement, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(statement)
        if len(calls) == 1:
            statement = sa.select(Batch).where(sa.false())
        return real(statement, *args, **kwargs)

    monkeypatch.setattr(session, "scalars", scalars)
