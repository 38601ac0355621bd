"""Cheaper writes for the bulk load (BENCHMARKS.md row (e)), and the birth-date lookup indexed.

- `extraction_versions.extraction` is `json`, not `jsonb`, on PostgreSQL. The column is a
  document's history, written once and only ever read back whole (never queried inside), and the
  loader sends it as canonical JSON text. Turning that text into `jsonb` (parsing, key sorting,
  then pglz compression of the larger binary form) was about two thirds of the cost of writing a
  version row; `json` only validates the text. Values are TOASTed with lz4 where the server has
  it (faster than pglz at a similar ratio), for extractions longer than about 2 kB.
- `document_subjects`: the single-column indexes on `document_id` and `subject_id` go. Each is
  the leading column of an index kept: `uq_document_subjects (document_id, subject_id, role)` and
  `ix_document_subjects_subject_document (subject_id, document_id)` (migration 0002, the reuse
  API's read), so every lookup (and the foreign keys' checks on delete) keeps an index, and each
  link row maintains three indexes instead of five.
- `subjects (kind, birth_date)`: identity resolution looks for people born on a date (the
  name + birth-date rule, `loaders.identity` and each bulk-load transaction); without an index
  that is a scan of every subject.

Revision ID: 0003_bulk_load_storage
Revises: 0002_reuse_api_indexes
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003_bulk_load_storage"
down_revision = "0002_reuse_api_indexes"
branch_labels = None
depends_on = None

# lz4 TOAST compression exists only when the server was built with it (PostgreSQL 14+).
_HAS_LZ4 = """
SELECT 1 FROM pg_settings
WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)
"""
_SET_COMPRESSION = "ALTER TABLE extraction_versions ALTER COLUMN extraction SET COMPRESSION {}"


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.alter_column(
            "extraction_versions",
            "extraction",
            type_=sa.JSON(),
            existing_type=postgresql.JSONB(),
            existing_nullable=False,
            postgresql_using="extraction::json",
        )
        if bind.exec_driver_sql(_HAS_LZ4).first() is not None:
            op.execute(_SET_COMPRESSION.format("lz4"))
    op.drop_index("ix_document_subjects_document_id", table_name="document_subjects")
    op.drop_index("ix_document_subjects_subject_id", table_name="document_subjects")
    op.create_index("ix_subjects_kind_birth_date", "subjects", ["kind", "birth_date"])


def downgrade() -> None:
    op.drop_index("ix_subjects_kind_birth_date", table_name="subjects")
    op.create_index("ix_document_subjects_subject_id", "document_subjects", ["subject_id"])
    op.create_index("ix_document_subjects_document_id", "document_subjects", ["document_id"])
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column(
            "extraction_versions",
            "extraction",
            type_=postgresql.JSONB(),
            existing_type=sa.JSON(),
            existing_nullable=False,
            postgresql_using="extraction::jsonb",
        )
        op.execute(_SET_COMPRESSION.format("default"))
