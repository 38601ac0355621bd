"""A batch lists every entry of its source, even one with no content to hash (issue 14).

`batch_files.sha256` becomes nullable: an entry that could not be read — a link pointing outside
the batch folder (refused, never read), a dangling link, a file deleted while intake ran — is a
row with no hash, status `skipped` and a reason, so the report accounts for every entry listed
(documents + quarantined + duplicates + skipped). `uq_batch_files_batch_sha256` stays: NULLs never
collide in a unique constraint, on SQLite as on PostgreSQL.

Downgrading deletes those rows (the older schema cannot hold them).

Revision ID: 0005_batch_entries_without_hash
Revises: 0004_subject_slots
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_batch_entries_without_hash"
down_revision = "0004_subject_slots"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("batch_files") as batch:
        batch.alter_column("sha256", existing_type=sa.String(length=64), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM batch_files WHERE sha256 IS NULL")
    with op.batch_alter_table("batch_files") as batch:
        batch.alter_column("sha256", existing_type=sa.String(length=64), nullable=False)
