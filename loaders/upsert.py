"""Get-or-create that survives a concurrent writer inserting the same row first."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from loaders.models import Base

M = TypeVar("M", bound=Base)


def get_or_create(
    session: Session, model: type[M], lookup: dict[str, Any], defaults: dict[str, Any] | None = None
) -> tuple[M, bool]:
    """The row matching `lookup` (a unique key), inserting it when missing; True when inserted.

    The insert runs in a savepoint: when another worker inserted the same key in between, only the
    savepoint is rolled back and its row is returned, so the caller's transaction goes on.
    """
    query = select(model).filter_by(**lookup)
    row = session.scalars(query).first()
    if row is not None:
        return row, False
    row = model(**lookup, **(defaults or {}))
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return session.scalars(query).one(), False
    return row, True
