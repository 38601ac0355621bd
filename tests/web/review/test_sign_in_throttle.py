"""Sign-in is throttled per account and per address, in the warehouse (so every server process
sees the same counters), with a Vietnamese message saying when to try again; a throttled attempt
is refused before any password hash is computed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from sohoa.runtime import Runtime
from sohoa.web.app import create_app
from sohoa.web.review import routes_auth, throttle
from sohoa.web.review import session as review_session
from tests.web.review.conftest import People
from tests.web.review.helpers import PASSWORD, token_in

WRONG = "không-phải-mật-khẩu-1"


def _attempt(client: TestClient, name: str, password: str) -> httpx.Response:
    page = client.get("/review/login")
    return client.post(
        "/review/login",
        data={"name": name, "password": password, "csrf_token": token_in(page.text)},
        follow_redirects=False,
    )


@pytest.fixture
def hashes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every password hash the sign-in verifies against."""
    seen: list[str] = []
    real = routes_auth.verify_password

    def counting(stored: str, password: str) -> bool:
        seen.append(stored)
        return real(stored, password)

    monkeypatch.setattr(routes_auth, "verify_password", counting)
    return seen


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """A clock the test moves: `frozen[0]` is now."""
    now = [review_session.clock()]
    monkeypatch.setattr(review_session, "clock", lambda: now[0])
    return now


def _seconds(span: timedelta) -> int:
    return int(span.total_seconds())


def _from(app: FastAPI, address: str) -> TestClient:
    return TestClient(app, client=(address, 40000))


def test_wrong_passwords_for_an_account_are_throttled_with_a_clear_message(
    client: TestClient, people: People, hashes: list[str], frozen: list[float]
) -> None:
    for _ in range(throttle.ACCOUNT.free):
        assert _attempt(client, "lan.steward", WRONG).status_code == 401
    verified = len(hashes)

    refused = _attempt(client, "lan.steward", PASSWORD)  # even the right password waits

    assert refused.status_code == 429
    assert len(hashes) == verified  # no argon2 for a throttled attempt
    cookies = refused.headers.get_list("set-cookie")
    assert not any(c.startswith(f"{review_session.COOKIE}=") for c in cookies)
    message = re.search(r'role="alert">([^<]+)<', refused.text)
    assert message, refused.text
    assert "Đăng nhập sai quá nhiều lần" in message.group(1)
    assert re.search(r"thử lại sau \d\d:\d\d:\d\d \(khoảng 1 phút nữa\)", message.group(1))
    assert int(refused.headers["retry-after"]) == _seconds(throttle.ACCOUNT.first_lock)


def test_the_lock_ends_and_a_right_password_then_clears_the_account(
    client: TestClient, people: People, frozen: list[float]
) -> None:
    for _ in range(throttle.ACCOUNT.free):
        _attempt(client, "lan.steward", WRONG)
    frozen[0] += _seconds(throttle.ACCOUNT.first_lock) + 1
    assert _attempt(client, "lan.steward", PASSWORD).status_code == 303
    client.cookies.clear()
    for _ in range(throttle.ACCOUNT.free - 1):
        assert _attempt(client, "lan.steward", WRONG).status_code == 401
    assert _attempt(client, "lan.steward", PASSWORD).status_code == 303


def test_the_lock_doubles_while_wrong_passwords_go_on(
    client: TestClient, people: People, frozen: list[float]
) -> None:
    for _ in range(throttle.ACCOUNT.free):
        _attempt(client, "lan.steward", WRONG)
    lock = _seconds(throttle.ACCOUNT.first_lock)
    locks = []
    for _ in range(5):
        assert _attempt(client, "lan.steward", WRONG).status_code == 429
        frozen[0] += lock + 1
        assert _attempt(client, "lan.steward", WRONG).status_code == 401
        refused = _attempt(client, "lan.steward", WRONG)
        assert refused.status_code == 429
        lock = int(refused.headers["retry-after"])
        locks.append(lock)
    assert locks == [120, 240, 480, 900, 900]  # doubled, then at most 15 minutes


def test_an_unknown_name_is_throttled_like_a_known_one(
    client: TestClient, people: People, hashes: list[str]
) -> None:
    """The same answers whether the account exists: throttling tells nothing about names."""
    for _ in range(throttle.ACCOUNT.free):
        assert _attempt(client, "ai.do", WRONG).status_code == 401
    assert _attempt(client, "ai.do", WRONG).status_code == 429


def test_one_address_trying_many_names_is_throttled(
    app: FastAPI, people: People, hashes: list[str]
) -> None:
    with _from(app, "203.0.113.7") as attacker, _from(app, "198.51.100.20") as office:
        for i in range(throttle.ADDRESS.free):
            assert _attempt(attacker, f"thu.{i}", WRONG).status_code == 401
        verified = len(hashes)
        assert _attempt(attacker, "lan.steward", PASSWORD).status_code == 429
        assert len(hashes) == verified
        # The steward at another address is not locked out by the attacker.
        assert _attempt(office, "lan.steward", PASSWORD).status_code == 303


def test_the_counters_are_shared_by_every_server_process(
    client: TestClient, runtime: Runtime, people: People
) -> None:
    """Two apps over one warehouse stand for two worker processes: memory is not shared."""
    other_runtime = Runtime(runtime.settings)
    try:
        with TestClient(create_app(other_runtime)) as other_worker:
            for i in range(throttle.ACCOUNT.free):
                worker = client if i % 2 else other_worker
                assert _attempt(worker, "lan.steward", WRONG).status_code == 401
            assert _attempt(client, "lan.steward", PASSWORD).status_code == 429
            assert _attempt(other_worker, "lan.steward", PASSWORD).status_code == 429
    finally:
        other_runtime.close()


@pytest.fixture
def many(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield client


def test_200_wrong_passwords_do_not_all_get_checked(
    many: TestClient, people: People, hashes: list[str]
) -> None:
    """The issue's attack: 200 wrong passwords in a row. Only the free ones are verified."""
    statuses = [_attempt(many, "lan.steward", f"{WRONG}-{i}").status_code for i in range(200)]
    assert statuses.count(401) == throttle.ACCOUNT.free
    assert statuses.count(429) == 200 - throttle.ACCOUNT.free
    assert len(hashes) == throttle.ACCOUNT.free
