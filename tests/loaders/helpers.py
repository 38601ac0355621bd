"""Small queries the warehouse tests share."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from loaders.models import Base, FieldValue


def count(session: Session, model: type[Base], **where: Any) -> int:
    query = sa.select(sa.func.count()).select_from(model).filter_by(**where)
    return int(session.scalar(query) or 0)


def fields(session: Session, document_id: int) -> dict[str, FieldValue]:
    rows = session.scalars(sa.select(FieldValue).where(FieldValue.document_id == document_id))
    return {row.name: row for row in rows}
