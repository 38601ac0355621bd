"""What only the folder store has to get right: files on disk, OS errors, signed web-app links."""

from __future__ import annotations

import errno
import os
import threading
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from storage import (
    InvalidKey,
    LocalStore,
    ObjectExists,
    StoreMisconfigured,
    StoreUnavailable,
    verify_link,
)
from storage.local import sign_link

SECRET = "s3cret"


@pytest.fixture
def store(tmp_path: Path) -> LocalStore:
    return LocalStore(tmp_path / "objects", secret=SECRET)


def test_construction_touches_nothing(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "not" / "yet")
    assert store.url == f"file://{tmp_path}/not/yet"
    assert not (tmp_path / "not").exists()
    assert list(store.list()) == []
    assert not store.exists("a")


def test_objects_are_plain_files(store: LocalStore) -> None:
    store.put_bytes("derived/abc/ocr.json", b"{}")
    assert (store.root / "derived" / "abc" / "ocr.json").read_bytes() == b"{}"


def test_list_uses_byte_order_like_s3(store: LocalStore) -> None:
    """A folder `a` sorts as `a/`, so `a-c` (0x2d) comes before `a/b` (0x2f) and `a0` after."""
    keys = ["a/b", "a-c", "a0", "a/b0/c", "ab", "b/ê", "z", "Đ/x"]
    for key in keys:
        store.put_bytes(key, b"x")
    assert [info.key for info in store.list()] == sorted(keys)
    assert [info.key for info in store.list("a/")] == ["a/b", "a/b0/c"]


def test_temp_files_are_invisible_and_cleaned_up(store: LocalStore) -> None:
    store.put_bytes("inbox/b1/a.pdf", b"x")
    (store.root / "inbox" / "b1" / ".sohoa-tmp-deadbeef").write_bytes(b"half")
    assert [info.key for info in store.list()] == ["inbox/b1/a.pdf"]
    with pytest.raises(InvalidKey):
        store.put_bytes("inbox/b1/.sohoa-tmp-x", b"x")


def test_failed_write_keeps_the_old_object(
    store: LocalStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.put_bytes("reports/b1.json", b"old")

    def disk_full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(StoreUnavailable) as caught:
        store.put_bytes("reports/b1.json", b"new")
    assert caught.value.retryable is True
    monkeypatch.undo()
    assert store.get_bytes("reports/b1.json") == b"old"
    assert os.listdir(store.root / "reports") == ["b1.json"]


def test_permission_error_is_misconfigured(
    store: LocalStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    def denied(*_args: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(os, "replace", denied)
    with pytest.raises(StoreMisconfigured, match="SOHOA_STORAGE_URL") as caught:
        store.put_bytes("reports/b1.json", b"x")
    assert caught.value.retryable is False


def test_a_key_cannot_be_both_object_and_folder(store: LocalStore) -> None:
    store.put_bytes("a", b"x")
    with pytest.raises(InvalidKey, match="clashes"):
        store.put_bytes("a/b", b"y")
    store.put_bytes("c/d", b"y")
    with pytest.raises(InvalidKey, match="clashes"):
        store.put_bytes("c", b"x")
    assert not store.exists("c")


def test_overwrite_false_has_exactly_one_winner(store: LocalStore) -> None:
    results: list[str] = []
    barrier = threading.Barrier(8)

    def write(n: int) -> None:
        barrier.wait()
        try:
            store.put_bytes("originals/race", str(n).encode(), overwrite=False)
            results.append("won")
        except ObjectExists:
            results.append("lost")

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["lost"] * 7 + ["won"]
    assert os.listdir(store.root / "originals") == ["race"]


def test_delete_prunes_empty_folders_but_not_the_root(store: LocalStore) -> None:
    store.put_bytes("derived/abc/pages/1.png", b"x")
    store.put_bytes("derived/keep", b"x")
    store.delete("derived/abc/pages/1.png")
    assert not (store.root / "derived" / "abc").exists()
    assert (store.root / "derived" / "keep").exists()
    store.delete("derived/keep")
    assert os.listdir(store.root) == []


def test_link_is_a_signed_web_app_path(store: LocalStore) -> None:
    store.put_bytes("inbox/lô 1/đơn.pdf", b"x")
    link = store.link("inbox/lô 1/đơn.pdf", expires=timedelta(minutes=5))
    parts = urlsplit(link)
    assert parts.path == "/v1/objects/inbox/l%C3%B4%201/%C4%91%C6%A1n.pdf"
    query = {name: value[0] for name, value in parse_qs(parts.query).items()}
    expires, sig = int(query["expires"]), query["sig"]
    assert sig == sign_link(SECRET, "inbox/lô 1/đơn.pdf", expires)
    assert verify_link(SECRET, "inbox/lô 1/đơn.pdf", expires, sig)
    assert not verify_link("other secret", "inbox/lô 1/đơn.pdf", expires, sig)
    assert not verify_link(SECRET, "inbox/lô 1/khác.pdf", expires, sig)
    assert not verify_link(SECRET, "inbox/lô 1/đơn.pdf", expires + 1, sig)
    assert not verify_link(SECRET, "inbox/lô 1/đơn.pdf", expires, sig, now=expires)
    assert not verify_link(SECRET, "inbox/lô 1/đơn.pdf", expires, "ý" * 64)


def test_link_base_is_configurable(tmp_path: Path) -> None:
    store = LocalStore(tmp_path, secret=SECRET, link_base="https://sohoa.example/files/")
    store.put_bytes("a", b"x")
    assert store.link("a", expires=timedelta(seconds=30)).startswith(
        "https://sohoa.example/files/a?expires="
    )


def test_link_without_secret_is_misconfigured(tmp_path: Path) -> None:
    store = LocalStore(tmp_path)
    store.put_bytes("a", b"x")
    with pytest.raises(StoreMisconfigured, match="SOHOA_SECRET_KEY"):
        store.link("a", expires=timedelta(minutes=1))
