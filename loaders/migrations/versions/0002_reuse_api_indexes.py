"""Indexes for the reuse API's two hot reads.

- `change_events (txid, id)`: the change feed walks events in (txid, id) order after a cursor
  (see `loaders.changes`), so a page is an index range scan at any depth;
- `document_subjects (subject_id, document_id)`: a subject's documents in id order, found
  without visiting the link rows themselves (index-only on PostgreSQL).

Revision ID: 0002_reuse_api_indexes
Revises: 0001_initial
Create Date: 2026-11-24
"""

from __future__ import annotations

from alembic import op

revision = "0002_reuse_api_indexes"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_change_events_txid_id", "change_events", ["txid", "id"])
    op.create_index(
        "ix_document_subjects_subject_document", "document_subjects", ["subject_id", "document_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_document_subjects_subject_document", table_name="document_subjects")
    op.drop_index("ix_change_events_txid_id", table_name="change_events")
