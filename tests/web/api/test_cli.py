"""`sohoa keys …`, `sohoa procedures …`, `sohoa serve` (its refusal on an unmigrated database)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from loaders.db import upgrade
from sohoa.cli import app
from sohoa.cli.common import console
from sohoa.settings import get_settings

runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    database = tmp_path / "var" / "sohoa.db"
    monkeypatch.setenv("SOHOA_DATABASE_URL", f"sqlite:///{database}")
    monkeypatch.setenv("SOHOA_STORAGE_URL", f"file://{tmp_path / 'var' / 'objects'}")
    monkeypatch.setenv("SOHOA_SECRET_KEY", "cli-test-secret")
    monkeypatch.setattr(console, "width", 200)  # tables are not wrapped
    get_settings.cache_clear()
    yield database
    get_settings.cache_clear()


def test_keys_create_list_revoke(env: Path) -> None:
    upgrade(f"sqlite:///{env}")
    created = runner.invoke(
        app,
        [
            "keys",
            "create",
            "--role",
            "reader",
            "--name",
            "cong-dvc",
            "--scope",
            "province=74",  # Bình Dương, now part of Hồ Chí Minh City (79)
            "--scope",
            "doc_type=id_card",
        ],
    )
    assert created.exit_code == 0, created.output
    key = created.stdout.strip().splitlines()[0]
    assert key.startswith("sohoa_")
    assert "not be shown again" in created.stderr

    listed = runner.invoke(app, ["keys", "list"])
    assert listed.exit_code == 0
    assert "cong-dvc" in listed.stdout and "province=79 doc_type=id_card" in listed.stdout
    assert key not in listed.stdout and key.split("_")[1] in listed.stdout  # prefix only

    duplicate = runner.invoke(app, ["keys", "create", "--role", "reader", "--name", "cong-dvc"])
    assert duplicate.exit_code == 1
    bad_scope = runner.invoke(
        app, ["keys", "create", "--role", "reader", "--name", "x", "--scope", "province=99"]
    )
    assert bad_scope.exit_code == 1 and "unknown province" in bad_scope.stderr

    assert runner.invoke(app, ["keys", "revoke", "cong-dvc"]).exit_code == 0
    assert runner.invoke(app, ["keys", "revoke", "nobody"]).exit_code == 1


def test_procedures_load_and_list(env: Path, tmp_path: Path) -> None:
    upgrade(f"sqlite:///{env}")
    assert runner.invoke(app, ["procedures", "list"]).stdout.startswith("the catalogue is empty")
    builtin = runner.invoke(app, ["procedures", "load"])
    assert builtin.exit_code == 0 and "procedures loaded" in builtin.stdout
    extra = tmp_path / "extra.csv"
    extra.write_text("code,name,doc_type,note\n1.000001,Thủ tục thử,id_card,CCCD\n")
    assert runner.invoke(app, ["procedures", "load", str(extra)]).exit_code == 0
    listed = runner.invoke(app, ["procedures", "list"]).stdout
    assert "local.khai_sinh" in listed and "1.000001" in listed
    broken = tmp_path / "broken.json"
    broken.write_text('{"procedures": [{"code": "X", "name": "X", "requirements": ["nope"]}]}')
    failed = runner.invoke(app, ["procedures", "load", str(broken)])
    assert failed.exit_code == 1 and "unknown doc_type" in failed.stderr


def test_serve_refuses_an_unmigrated_warehouse(env: Path) -> None:
    result = runner.invoke(app, ["serve", "--port", "8999"])
    assert result.exit_code == 1
    assert "sohoa db upgrade" in result.stderr


def test_access_log_lines_lose_id_numbers() -> None:
    import logging

    from sohoa.cli.serve import RedactKeys

    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        "",
        0,
        '%s - "%s %s HTTP/%s" %d',
        (
            "127.0.0.1:5000",
            "GET",
            "/v1/subjects/001099012345/documents?x=0101234567-001",
            "1.1",
            200,
        ),
        None,
    )
    RedactKeys().filter(record)
    assert record.getMessage() == (
        '127.0.0.1:5000 - "GET /v1/subjects/{id}/documents?x={id} HTTP/1.1" 200'
    )
