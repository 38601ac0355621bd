"""Documents loaded by the pipeline before the load step recorded what intake sniffed have an empty
`media_type` and a size of 0: take both from the batch file of the same content (any batch: the
same bytes sniff the same). A document no batch lists keeps its values (the API serves an empty
type as application/octet-stream).

Revision ID: 0007_document_media_types
Revises: 0006_review_sessions
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_document_media_types"
down_revision = "0006_review_sessions"
branch_labels = None
depends_on = None

documents = sa.table(
    "documents", sa.column("id"), sa.column("sha256"), sa.column("media_type"), sa.column("size")
)
batch_files = sa.table(
    "batch_files", sa.column("sha256"), sa.column("media_type"), sa.column("size")
)


def upgrade() -> None:
    known = (
        sa.select(batch_files.c.media_type)
        .where(batch_files.c.sha256 == documents.c.sha256, batch_files.c.media_type != "")
        .limit(1)
        .scalar_subquery()
    )
    size = (
        sa.select(sa.func.max(batch_files.c.size))
        .where(batch_files.c.sha256 == documents.c.sha256)
        .scalar_subquery()
    )
    op.get_bind().execute(
        documents.update()
        .where(documents.c.media_type == "", known.is_not(None))
        .values(media_type=known, size=sa.func.coalesce(size, documents.c.size))
    )


def downgrade() -> None:
    """Nothing to undo: the values are the files' own."""
