"""`open_store` reads SOHOA_STORAGE_URL without touching the disk or the network."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from storage import LocalStore, MinioStore, StoreMisconfigured, open_store

S3 = {"s3_endpoint": "http://127.0.0.1:9", "s3_access_key": "key", "s3_secret_key": "secret"}


def test_relative_folder_resolves_against_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    store = open_store("file://./var/objects")
    assert isinstance(store, LocalStore)
    assert store.root == tmp_path / "var" / "objects"
    assert store.url == f"file://{tmp_path}/var/objects"
    assert not (tmp_path / "var").exists()


def test_absolute_folder_and_url_round_trip(tmp_path: Path) -> None:
    store = open_store(f"file://{tmp_path}/objects", secret="k")
    assert isinstance(store, LocalStore)
    assert store.root == tmp_path / "objects"
    again = open_store(store.url)
    assert isinstance(again, LocalStore)
    assert again.root == store.root
    store.put_bytes("a", b"x")
    assert store.link("a", expires=timedelta(minutes=1)).startswith("/v1/objects/a?")


@pytest.mark.parametrize("url", ["s3://sohoa", "s3://sohoa/"])
def test_bucket_url(url: str) -> None:
    store = open_store(url, s3_public_endpoint="https://files.example.invalid", **S3)
    assert isinstance(store, MinioStore)
    assert store.url == "s3://sohoa"
    assert store.bucket == "sohoa"


@pytest.mark.parametrize(
    ("url", "settings", "hint"),
    [
        ("s3://sohoa", {**S3, "s3_endpoint": None}, "SOHOA_S3_ENDPOINT"),
        ("s3://sohoa", {**S3, "s3_access_key": None}, "SOHOA_S3_ACCESS_KEY"),
        ("s3://sohoa", {**S3, "s3_secret_key": ""}, "SOHOA_S3_SECRET_KEY"),
        ("s3://sohoa/inbox", S3, "s3://BUCKET"),
        ("s3://", S3, "s3://BUCKET"),
        ("file://", {}, "file://./var/objects"),
        ("http://minio:9000/sohoa", S3, "file:// or s3://"),
        ("./var/objects", {}, "file:// or s3://"),
    ],
)
def test_bad_settings_name_what_to_fix(url: str, settings: dict[str, str], hint: str) -> None:
    with pytest.raises(StoreMisconfigured, match=re.escape(hint)):
        open_store(url, **settings)
