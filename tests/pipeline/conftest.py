from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from loaders.db import upgrade
from sohoa.runtime import Runtime
from sohoa.settings import Settings


def embedded_settings(root: Path, **overrides: object) -> Settings:
    """Embedded mode in a temporary folder: SQLite warehouse, local store."""
    return Settings(
        database_url=f"sqlite:///{root / 'sohoa.db'}",
        storage_url=f"file://{root / 'objects'}",
        secret_key="test-secret",
        **overrides,
    )


@pytest.fixture
def runtime(tmp_path: Path) -> Iterator[Runtime]:
    rt = Runtime(embedded_settings(tmp_path / "var"))
    upgrade(rt.engine)
    yield rt
    rt.close()
