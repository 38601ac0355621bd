"""One contract, both stores: every test runs against `LocalStore` and `MinioStore` (seaweedfs)."""

from __future__ import annotations

import hashlib
import os
import random
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from storage import InvalidKey, ObjectExists, ObjectNotFound, ObjectStore
from tests.storage.links import fetch, wait_past

VIETNAMESE_KEY = "inbox/lô-01/Giấy khai sinh Nguyễn Văn Ánh (bản sao).pdf"
INVALID_KEYS = ["", "../x", "a/../b", "./a", "/abs", "a//b", "a/", "a\\b", "a\x00b", "a\nb"]


def test_satisfies_the_protocol(store: ObjectStore) -> None:
    assert isinstance(store, ObjectStore)
    assert store.url.startswith(("file:///", "s3://"))


def test_bytes_round_trip(store: ObjectStore) -> None:
    info = store.put_bytes(
        "derived/abc/ocr.json", b'{"pages": []}', content_type="application/json"
    )
    assert (info.key, info.size) == ("derived/abc/ocr.json", 13)
    assert info.modified.tzinfo is not None
    assert store.get_bytes("derived/abc/ocr.json") == b'{"pages": []}'
    assert store.exists("derived/abc/ocr.json")


def test_empty_object(store: ObjectStore) -> None:
    store.put_bytes("reports/empty.json", b"")
    assert store.get_bytes("reports/empty.json") == b""
    assert store.stat("reports/empty.json").size == 0


def test_large_file_streams_both_ways(store: ObjectStore, tmp_path: Path) -> None:
    """17 MiB: more than one 16 MiB part, so S3 takes the multipart path."""
    source = tmp_path / "scan.pdf"
    source.write_bytes(random.Random(7).randbytes(17 * 1024 * 1024))
    info = store.put_file("originals/big", source, content_type="application/pdf")
    assert info.size == source.stat().st_size

    target = store.download("originals/big", tmp_path / "out" / "nested" / "copy.pdf")
    assert target == tmp_path / "out" / "nested" / "copy.pdf"
    assert _sha256(target) == _sha256(source)
    assert store.stat("originals/big").size == source.stat().st_size
    assert not [p for p in target.parent.iterdir() if p != target]  # no partial file left


def test_open_streams_in_chunks(store: ObjectStore) -> None:
    data = os.urandom(300_000)
    store.put_bytes("derived/abc/pages/1.png", data)
    chunks = []
    with store.open("derived/abc/pages/1.png") as stream:
        while chunk := stream.read(65_536):
            chunks.append(chunk)
    assert b"".join(chunks) == data
    assert len(chunks) > 1


def test_overwrite_replaces(store: ObjectStore) -> None:
    store.put_bytes("reports/b1.json", b"first")
    store.put_bytes("reports/b1.json", b"second, longer")
    assert store.get_bytes("reports/b1.json") == b"second, longer"
    assert [info.key for info in store.list()] == ["reports/b1.json"]  # no temp files show


def test_readers_never_see_half_an_object(store: ObjectStore) -> None:
    versions = [bytes([n]) * 200_000 for n in range(6)]
    store.put_bytes("derived/abc/extraction.json", versions[0])
    seen: list[bytes] = []
    done = threading.Event()

    def read_until_done() -> None:
        while not done.is_set():
            seen.append(store.get_bytes("derived/abc/extraction.json"))

    reader = threading.Thread(target=read_until_done)
    reader.start()
    try:
        for version in versions[1:]:
            store.put_bytes("derived/abc/extraction.json", version)
    finally:
        done.set()
        reader.join()
    assert seen
    assert all(data in versions for data in seen)


def test_overwrite_false_keeps_the_old_bytes(store: ObjectStore, tmp_path: Path) -> None:
    store.put_bytes("originals/aa", b"original", overwrite=False)
    with pytest.raises(ObjectExists):
        store.put_bytes("originals/aa", b"impostor", overwrite=False)
    other = tmp_path / "other"
    other.write_bytes(b"impostor file")
    with pytest.raises(ObjectExists) as caught:
        store.put_file("originals/aa", other, overwrite=False)
    assert caught.value.retryable is False
    assert store.get_bytes("originals/aa") == b"original"


def test_missing_key(store: ObjectStore, tmp_path: Path) -> None:
    assert not store.exists("originals/none")
    for call in (
        lambda: store.get_bytes("originals/none"),
        lambda: store.open("originals/none"),
        lambda: store.stat("originals/none"),
        lambda: store.download("originals/none", tmp_path / "x"),
        lambda: store.link("originals/none", expires=timedelta(minutes=5)),
    ):
        with pytest.raises(ObjectNotFound) as caught:
            call()
        assert caught.value.retryable is False
    assert not (tmp_path / "x").exists()


def test_list_by_prefix_in_key_order(store: ObjectStore) -> None:
    keys = [
        "inbox/b1/a.pdf",
        "inbox/b1/sub/c.pdf",
        "inbox/b2/x.pdf",
        "originals/ab",
        "originals/ac",
        "originals/b0",
        "reports/b1.json",
    ]
    for key in random.Random(3).sample(keys, len(keys)):
        store.put_bytes(key, key.encode())

    def listed(prefix: str = "") -> list[str]:
        return [info.key for info in store.list(prefix)]

    assert listed() == keys
    assert listed("inbox/b1/") == ["inbox/b1/a.pdf", "inbox/b1/sub/c.pdf"]
    assert listed("inbox/b") == keys[:3]
    assert listed("originals/a") == ["originals/ab", "originals/ac"]
    assert listed("reports/b1.json") == ["reports/b1.json"]
    assert listed("quarantine/") == []
    assert [info.size for info in store.list("originals/")] == [12, 12, 12]


def test_delete_is_idempotent(store: ObjectStore) -> None:
    store.put_bytes("quarantine/b1/aa", b"x")
    store.delete("quarantine/b1/aa")
    store.delete("quarantine/b1/aa")
    store.delete("never/there")
    assert not store.exists("quarantine/b1/aa")
    assert list(store.list()) == []


def test_stat(store: ObjectStore) -> None:
    store.put_bytes("derived/abc/pages/2.png", b"12345")
    info = store.stat("derived/abc/pages/2.png")
    assert (info.key, info.size) == ("derived/abc/pages/2.png", 5)
    assert abs(info.modified - datetime.now(UTC)) < timedelta(minutes=1)


def test_link_serves_the_object_until_it_expires(store: ObjectStore) -> None:
    store.put_bytes("originals/linked", b"scan bytes")
    link = store.link("originals/linked", expires=timedelta(minutes=5))
    assert fetch(store, link) == b"scan bytes"

    short = store.link("originals/linked", expires=timedelta(seconds=1))
    later = wait_past(store, 2.1)
    assert fetch(store, short, now=later) is None


def test_tampered_link_is_refused(store: ObjectStore) -> None:
    store.put_bytes("originals/linked", b"scan bytes")
    store.put_bytes("originals/other", b"someone else")
    link = store.link("originals/linked", expires=timedelta(minutes=5))
    assert fetch(store, link.replace("originals/linked", "originals/other")) is None
    signature = link[-64:]
    forged = link[:-64] + ("0" if signature[0] != "0" else "1") + signature[1:]
    assert fetch(store, forged) is None


def test_link_lifetime_is_bounded(store: ObjectStore) -> None:
    store.put_bytes("originals/linked", b"x")
    for lifetime in (timedelta(0), timedelta(seconds=-5), timedelta(days=8)):
        with pytest.raises(ValueError):
            store.link("originals/linked", expires=lifetime)


def test_vietnamese_keys(store: ObjectStore, tmp_path: Path) -> None:
    store.put_bytes(VIETNAMESE_KEY, "dữ liệu".encode())
    assert store.get_bytes(VIETNAMESE_KEY) == "dữ liệu".encode()
    assert [info.key for info in store.list("inbox/lô-01/")] == [VIETNAMESE_KEY]
    assert store.download(VIETNAMESE_KEY, tmp_path / "a.pdf").read_bytes() == "dữ liệu".encode()
    link = store.link(VIETNAMESE_KEY, expires=timedelta(minutes=1))
    assert fetch(store, link) == "dữ liệu".encode()
    store.delete(VIETNAMESE_KEY)
    assert not store.exists(VIETNAMESE_KEY)


@pytest.mark.parametrize("key", INVALID_KEYS)
def test_invalid_keys_are_refused(store: ObjectStore, key: str, tmp_path: Path) -> None:
    calls = [
        lambda: store.put_bytes(key, b"x"),
        lambda: store.get_bytes(key),
        lambda: store.open(key),
        lambda: store.exists(key),
        lambda: store.stat(key),
        lambda: store.delete(key),
        lambda: store.download(key, tmp_path / "x"),
        lambda: store.link(key, expires=timedelta(minutes=1)),
    ]
    for call in calls:
        with pytest.raises(InvalidKey):
            call()


@pytest.mark.parametrize("prefix", ["../", "/abs", "a//", "a\\b", "a/../"])
def test_invalid_prefixes_are_refused(store: ObjectStore, prefix: str) -> None:
    with pytest.raises(InvalidKey):
        list(store.list(prefix))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as src:
        while chunk := src.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()
