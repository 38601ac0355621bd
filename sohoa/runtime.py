"""The live objects a command or task works with, built from `Settings`: the store and the database.

Built on first use (not at import, not when settings are constructed), once per process. The
database and store libraries are imported on first use too, so a command that needs neither (help,
`sohoa settings`) starts without them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from sohoa.settings import Settings, get_settings

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

    from storage import ObjectStore


@dataclass
class Runtime:
    settings: Settings = field(default_factory=get_settings)

    @cached_property
    def store(self) -> ObjectStore:
        from storage import open_store

        s = self.settings
        s.check()
        return open_store(
            s.storage_url,
            s3_endpoint=s.s3_endpoint,
            s3_public_endpoint=s.s3_public_endpoint,
            s3_access_key=s.s3_access_key,
            s3_secret_key=s.s3_secret_key,
            s3_region=s.s3_region,
            secret=s.effective_secret_key() if s.storage_url.startswith("file://") else None,
        )

    @cached_property
    def engine(self) -> Engine:
        from loaders.db import make_engine

        return make_engine(self.settings.database_url)

    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        from loaders.db import make_session_factory

        return make_session_factory(self.engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One unit of work: committed when the block ends, rolled back if it raises; a lost
        connection (also at commit) surfaces as the retryable `WarehouseUnavailable`."""
        from loaders.db import session_scope

        with session_scope(self.sessions) as session:
            yield session

    def close(self) -> None:
        if "engine" in self.__dict__:
            self.engine.dispose()
