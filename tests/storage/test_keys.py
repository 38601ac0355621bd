"""Key rules shared by both stores."""

from __future__ import annotations

from datetime import timedelta

import pytest

from storage.errors import InvalidKey
from storage.keys import check_key, check_lifetime, check_prefix


@pytest.mark.parametrize(
    "key",
    ["originals/" + "a" * 64, "inbox/b-1/Hồ sơ số 1.pdf", "a", ".hidden", "a/..b", "x" * 255],
)
def test_valid_keys(key: str) -> None:
    assert check_key(key) == key


@pytest.mark.parametrize(
    "key",
    [
        "",
        "..",
        "a/./b",
        "/a",
        "a//b",
        "a/",
        "a\\b",
        "a\x00b",
        "a\x7fb",
        "a\x85b",
        "x" * 256,
        "a/" * 600,
        "a\ud800",
        ".sohoa-tmp-1",
    ],
)
def test_invalid_keys(key: str) -> None:
    with pytest.raises(InvalidKey):
        check_key(key)


@pytest.mark.parametrize("prefix", ["", "inbox/", "inbox/b", "originals/ab", ".", "a/."])
def test_valid_prefixes(prefix: str) -> None:
    assert check_prefix(prefix) == prefix


@pytest.mark.parametrize("prefix", ["/", "../", "a//", "a/../", "a\x00"])
def test_invalid_prefixes(prefix: str) -> None:
    with pytest.raises(InvalidKey):
        check_prefix(prefix)


def test_lifetime() -> None:
    assert check_lifetime(timedelta(minutes=5)) == 300
    assert check_lifetime(timedelta(days=7)) == 7 * 86400
    for bad in (timedelta(0), timedelta(milliseconds=500), timedelta(days=7, seconds=1)):
        with pytest.raises(ValueError):
            check_lifetime(bad)
