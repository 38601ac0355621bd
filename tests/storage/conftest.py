"""The `store` fixture runs each contract test against both stores. The S3 fixtures (`s3_server`,
`s3_bucket`) come from `tests.fixtures.s3server`, registered in tests/conftest.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage import LocalStore, MinioStore, ObjectStore
from tests.storage.links import LINK_SECRET


@pytest.fixture(params=["local", pytest.param("minio", marks=pytest.mark.s3)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> ObjectStore:
    if request.param == "local":
        return LocalStore(tmp_path / "objects", secret=LINK_SECRET)
    server = request.getfixturevalue("s3_server")
    bucket = request.getfixturevalue("s3_bucket")
    return MinioStore(server.endpoint, server.access_key, server.secret_key, bucket)
