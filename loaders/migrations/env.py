"""Alembic environment for the warehouse.

Run programmatically by `loaders.db.upgrade`, which hands over an open connection in
`config.attributes["connection"]`. The version table is `sohoa_alembic_version`, so the warehouse
can share a server (or even a database) with Airflow's metadata, which uses `alembic_version`.
"""

from __future__ import annotations

from alembic import context

from loaders.db import VERSION_TABLE, make_engine
from loaders.models import Base


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        version_table=VERSION_TABLE,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:  # the `alembic` command line, for authoring revisions: -x url=sqlite:///…
    engine = make_engine(context.get_x_argument(as_dictionary=True)["url"])
    with engine.begin() as conn:
        _run(conn)
    engine.dispose()
