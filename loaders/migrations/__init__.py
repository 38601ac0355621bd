"""Alembic migrations of the warehouse (run with `loaders.db.upgrade`, i.e. `sohoa db upgrade`)."""
