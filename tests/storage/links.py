"""Following a link as a client would, for either store."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from urllib.parse import parse_qs, unquote, urlsplit

from storage import LocalStore, MinioStore, ObjectStore, verify_link

LINK_SECRET = "test-link-secret"


def fetch(store: ObjectStore, link: str, *, now: float | None = None) -> bytes | None:
    """What a client gets from a link: the bytes, or None when refused. For the local store this
    plays the sohoa web app (`now` moves its clock); for S3 it is a plain HTTP GET."""
    if isinstance(store, LocalStore):
        parts = urlsplit(link)
        key = unquote(parts.path.removeprefix("/v1/objects/"))
        query = {name: values[0] for name, values in parse_qs(parts.query).items()}
        if not verify_link(LINK_SECRET, key, int(query["expires"]), query["sig"], now=now):
            return None
        return store.get_bytes(key)
    try:
        with urllib.request.urlopen(link, timeout=10) as response:
            return response.read()
    except urllib.error.HTTPError as exc:
        if exc.code == 403:
            return None
        raise


def wait_past(store: ObjectStore, seconds: float) -> float:
    """Let `seconds` pass for the store: S3 checks real time, the local check takes `now`."""
    if isinstance(store, MinioStore):
        time.sleep(seconds)
        return time.time()
    return time.time() + seconds
