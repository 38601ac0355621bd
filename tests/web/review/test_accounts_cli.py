"""`sohoa accounts …`: create, list, disable, enable and reset personal accounts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from loaders import principals
from loaders.db import make_engine, make_session_factory, upgrade
from sohoa.auth.passwords import verify_password
from sohoa.cli import app
from sohoa.settings import get_settings


@pytest.fixture
def embedded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'warehouse.db'}"
    upgrade(url)
    monkeypatch.setenv("SOHOA_DATABASE_URL", url)
    monkeypatch.setenv("SOHOA_STORAGE_URL", f"file://{tmp_path / 'objects'}")
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def _person(url: str, name: str):  # type: ignore[no-untyped-def]
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            return principals.by_name(session, name)
    finally:
        engine.dispose()


def test_the_account_lifecycle(embedded: str) -> None:
    runner = CliRunner()
    created = runner.invoke(
        app,
        ["accounts", "create", "--name", "lan.steward", "--role", "steward", "--password-stdin"],
        input="một-mật-khẩu-dài\n",
    )
    assert created.exit_code == 0, created.output
    row = _person(embedded, "lan.steward")
    assert row is not None and row.role == "steward" and row.kind == "person"
    assert row.password_hash.startswith("$argon2id$")
    assert verify_password(row.password_hash, "một-mật-khẩu-dài")

    prompted = runner.invoke(
        app,
        ["accounts", "create", "--name", "minh.admin", "--role", "admin"],
        input="mat-khau-quan-tri\nmat-khau-quan-tri\n",
    )
    assert prompted.exit_code == 0, prompted.output

    listed = runner.invoke(app, ["accounts", "list"])
    assert "lan.steward" in listed.output and "minh.admin" in listed.output
    assert "mật" not in listed.output  # never a password or a hash

    assert runner.invoke(app, ["accounts", "disable", "lan.steward"]).exit_code == 0
    assert _person(embedded, "lan.steward").disabled
    assert runner.invoke(app, ["accounts", "enable", "lan.steward"]).exit_code == 0
    assert not _person(embedded, "lan.steward").disabled

    reset = runner.invoke(
        app,
        ["accounts", "reset-password", "lan.steward", "--password-stdin"],
        input="mật-khẩu-mới-2025\n",
    )
    assert reset.exit_code == 0, reset.output
    assert verify_password(_person(embedded, "lan.steward").password_hash, "mật-khẩu-mới-2025")


def test_refusals_say_what_to_do(embedded: str) -> None:
    runner = CliRunner()
    short = runner.invoke(
        app, ["accounts", "create", "--name", "x", "--password-stdin"], input="ngan\n"
    )
    assert short.exit_code == 1 and "too short" in short.output
    bad_role = runner.invoke(
        app,
        ["accounts", "create", "--name", "x", "--role", "reader", "--password-stdin"],
        input="mot-mat-khau-dai\n",
    )
    assert bad_role.exit_code == 1 and "steward" in bad_role.output
    missing = runner.invoke(app, ["accounts", "disable", "nobody"])
    assert missing.exit_code == 1 and "no person account" in missing.output
