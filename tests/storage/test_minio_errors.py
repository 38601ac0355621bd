"""MinioStore turns every failure into a storage error that says whether to retry or what to fix."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from storage import MinioStore, StorageError, StoreMisconfigured, StoreUnavailable
from tests.fixtures.s3server import S3Server


def _calls(store: MinioStore) -> list[Callable[[], object]]:
    return [
        lambda: store.exists("originals/a"),
        lambda: store.put_bytes("originals/a", b"x"),
        lambda: store.get_bytes("originals/a"),
        lambda: list(store.list("originals/")),
    ]


def _assert_all_raise(store: MinioStore, error: type[StorageError], *words: str) -> None:
    for call in _calls(store):
        with pytest.raises(error) as caught:
            call()
        for word in words:
            assert word in str(caught.value)


def test_nothing_listening_is_unavailable_and_fails_fast() -> None:
    store = MinioStore(_dead_endpoint(), "key", "secret", "sohoa")
    started = time.monotonic()
    _assert_all_raise(store, StoreUnavailable, "SOHOA_S3_ENDPOINT")
    assert time.monotonic() - started < 10
    with pytest.raises(StoreUnavailable) as caught:
        store.exists("originals/a")
    assert caught.value.retryable is True


@pytest.mark.s3
def test_wrong_secret_key_is_misconfigured(s3_server: S3Server, s3_bucket: str) -> None:
    store = MinioStore(s3_server.endpoint, s3_server.access_key, "not-the-secret", s3_bucket)
    _assert_all_raise(store, StoreMisconfigured, "SOHOA_S3_SECRET_KEY")
    with pytest.raises(StoreMisconfigured) as caught:
        store.exists("originals/a")
    assert caught.value.retryable is False


@pytest.mark.s3
def test_unknown_access_key_is_misconfigured(s3_server: S3Server, s3_bucket: str) -> None:
    store = MinioStore(s3_server.endpoint, "nobody", s3_server.secret_key, s3_bucket)
    _assert_all_raise(store, StoreMisconfigured, "SOHOA_S3_ACCESS_KEY")


@pytest.mark.s3
def test_missing_bucket_is_misconfigured(s3_server: S3Server) -> None:
    store = MinioStore(
        s3_server.endpoint, s3_server.access_key, s3_server.secret_key, "no-such-bucket"
    )
    _assert_all_raise(store, StoreMisconfigured, "no-such-bucket", "must exist")


@pytest.mark.s3
def test_create_bucket_makes_a_missing_bucket(s3_server: S3Server) -> None:
    bucket = f"made-{time.time_ns()}"
    store = MinioStore(
        s3_server.endpoint,
        s3_server.access_key,
        s3_server.secret_key,
        bucket,
        create_bucket=True,
    )
    try:
        store.put_bytes("reports/b1.json", b"{}")
        assert store.get_bytes("reports/b1.json") == b"{}"
    finally:
        s3_server.remove_bucket(bucket)


@pytest.mark.s3
def test_links_are_signed_for_the_public_endpoint(s3_server: S3Server, s3_bucket: str) -> None:
    """The public host is never contacted: presigning is local once the region is known."""
    store = MinioStore(
        s3_server.endpoint,
        s3_server.access_key,
        s3_server.secret_key,
        s3_bucket,
        public_endpoint="https://files.example.invalid",
    )
    store.put_bytes("originals/a", b"x")
    link = store.link("originals/a", expires=timedelta(minutes=5))
    assert link.startswith(f"https://files.example.invalid/{s3_bucket}/originals/a?")
    assert "X-Amz-Signature=" in link


@pytest.mark.s3
def test_outage_is_retryable_and_nothing_is_lost(s3_server: S3Server, s3_bucket: str) -> None:
    store = MinioStore(s3_server.endpoint, s3_server.access_key, s3_server.secret_key, s3_bucket)
    store.put_bytes("originals/kept", b"kept")
    s3_server.stop()
    try:
        started = time.monotonic()
        _assert_all_raise(store, StoreUnavailable)
        assert time.monotonic() - started < 10
    finally:
        s3_server.start()
    assert store.get_bytes("originals/kept") == b"kept"


@pytest.mark.parametrize(
    ("status", "error"),
    [(502, StoreUnavailable), (503, StoreUnavailable), (400, StoreMisconfigured)],
)
def test_an_endpoint_that_is_not_s3(
    status: int, error: type[StorageError], not_s3: Callable[[int], str]
) -> None:
    """A proxy's HTML error page: a 5xx is an outage, anything else a wrong endpoint."""
    store = MinioStore(not_s3(status), "key", "secret", "sohoa")
    with pytest.raises(error):
        store.get_bytes("originals/a")


@pytest.mark.parametrize(
    "endpoint", ["127.0.0.1:9000", "ftp://minio:21", "http://minio:9000/path", "http://u:p@minio"]
)
def test_bad_endpoint_setting(endpoint: str) -> None:
    with pytest.raises(StoreMisconfigured, match="SOHOA_S3_ENDPOINT"):
        MinioStore(endpoint, "key", "secret", "sohoa")


def test_bad_bucket_name() -> None:
    with pytest.raises(StoreMisconfigured, match="bucket"):
        MinioStore("http://127.0.0.1:9000", "key", "secret", "Not_A_Bucket")


@pytest.fixture
def not_s3() -> Iterator[Callable[[int], str]]:
    """Start an HTTP server that answers HEAD with 200 and everything else with `status` + HTML."""
    servers: list[ThreadingHTTPServer] = []

    def start(status: int) -> str:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(status))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def _handler(status: int) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_HEAD(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_GET(self) -> None:
            body = b"<html>not S3</html>"
            self.send_response(status)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: object) -> None:
            pass

    return Handler


def _dead_endpoint() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
