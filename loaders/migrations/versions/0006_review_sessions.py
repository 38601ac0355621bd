"""Review UI sessions the server can end, and sign-in attempts counted in the warehouse.

- `review_sessions`: one row per signed-in review session (the SHA-256 of the cookie's random
  token). Sign-out deletes its row, so a copied cookie stops working; disabling an account or
  resetting its password deletes all of the account's rows, so `accounts enable` revives none.
  Read with the principal in one join on every request (the lookup that already checked role
  and `disabled`).
- `sign_in_attempts`: attempts per account name and per client address (keyed digests), with
  the time until which further attempts are refused. In the warehouse, not in process memory,
  so every server worker counts the same attempts; indexed by `last_at` for dropping old ones.

Revision ID: 0006_review_sessions
Revises: 0005_batch_entries_without_hash
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_review_sessions"
down_revision = "0005_batch_entries_without_hash"
branch_labels = None
depends_on = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "review_sessions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("principal_id", sa.Integer(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("expires_at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(["principal_id"], ["principals.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_review_sessions_principal_id", "review_sessions", ["principal_id"])
    op.create_table(
        "sign_in_attempts",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_at", TIMESTAMP, nullable=False),
        sa.Column("blocked_until", TIMESTAMP, nullable=True),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index("ix_sign_in_attempts_last_at", "sign_in_attempts", ["last_at"])


def downgrade() -> None:
    op.drop_index("ix_sign_in_attempts_last_at", table_name="sign_in_attempts")
    op.drop_table("sign_in_attempts")
    op.drop_index("ix_review_sessions_principal_id", table_name="review_sessions")
    op.drop_table("review_sessions")
