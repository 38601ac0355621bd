"""Sign-in, sessions and refusals: only a signed-in steward (or admin) reaches a review page."""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient

from loaders import principals
from sohoa.runtime import Runtime
from sohoa.web.review import session as review_session
from tests.web.conftest import Keys
from tests.web.review.conftest import People
from tests.web.review.helpers import PASSWORD, sign_in, token_in


def test_a_visitor_is_sent_to_sign_in(client: TestClient) -> None:
    response = client.get("/review?batch=lo-1", follow_redirects=False)
    assert response.status_code == 303
    assert unquote(response.headers["location"]) == "/review/login?next=/review?batch=lo-1"


def test_a_steward_signs_in_with_a_safe_cookie(client: TestClient, people: People) -> None:
    page = client.get("/review/login")
    assert "Đăng nhập" in page.text
    response = client.post(
        "/review/login",
        data={
            "name": "lan.steward",
            "password": PASSWORD,
            "csrf_token": token_in(page.text),
            "next": "/review?type=id_card",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/review?type=id_card"
    cookie = next(
        c for c in response.headers.get_list("set-cookie") if c.startswith("sohoa_review=")
    )
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/review" in cookie
    queue = client.get("/review")
    assert queue.status_code == 200 and "Hàng đợi xác minh" in queue.text
    assert queue.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in queue.headers["content-security-policy"]


def test_a_wrong_password_is_refused_in_vietnamese(client: TestClient, people: People) -> None:
    page = client.get("/review/login")
    response = client.post(
        "/review/login",
        data={
            "name": "lan.steward",
            "password": "sai-mat-khau-1234",
            "csrf_token": token_in(page.text),
        },
    )
    assert response.status_code == 401
    assert "không đúng" in response.text
    assert client.get("/review", follow_redirects=False).status_code == 303


def test_sign_in_without_the_form_token_is_refused(client: TestClient, people: People) -> None:
    client.get("/review/login")
    response = client.post("/review/login", data={"name": "lan.steward", "password": PASSWORD})
    assert response.status_code == 403
    assert client.get("/review", follow_redirects=False).status_code == 303


def test_next_never_leaves_the_review_ui(client: TestClient, people: People) -> None:
    page = client.get("/review/login")
    response = client.post(
        "/review/login",
        data={
            "name": "lan.steward",
            "password": PASSWORD,
            "csrf_token": token_in(page.text),
            "next": "//evil.example/review",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/review"


def test_a_reader_account_is_refused(client: TestClient, people: People) -> None:
    page = client.get("/review/login")
    response = client.post(
        "/review/login",
        data={"name": "hoa.reader", "password": PASSWORD, "csrf_token": token_in(page.text)},
    )
    assert response.status_code == 403
    assert "không có quyền" in response.text


def test_a_session_of_a_reader_gets_403(client: TestClient, people: People) -> None:
    """A steward lowered to reader keeps a session, but no review page."""
    sign_in(client, "lan.steward")
    with client.app.state.runtime.session() as db:  # type: ignore[attr-defined]
        row = principals.by_id(db, people.steward)
        assert row is not None
        row.role = "reader"
    response = client.get("/review")
    assert response.status_code == 403
    assert "không có quyền xác minh" in response.text


def test_an_api_key_is_not_a_session(client: TestClient, keys: Keys) -> None:
    response = client.get("/review", headers=keys.headers("admin"), follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/review/login")


def test_a_tampered_cookie_is_no_session(client: TestClient, people: People) -> None:
    sign_in(client, "lan.steward")
    cookie = next(c for c in client.cookies.jar if c.name == "sohoa_review")
    # replaced where the server set it (same domain and path), so the client sends only this one
    client.cookies.set(
        "sohoa_review", cookie.value[:-2] + "xx", domain=cookie.domain, path=cookie.path
    )
    sent = [c.value for c in client.cookies.jar if c.name == "sohoa_review"]
    assert len(sent) == 1 and sent[0].endswith("xx")
    assert client.get("/review", follow_redirects=False).status_code == 303


@pytest.mark.parametrize(
    "later",
    [review_session.IDLE_SECONDS + 5, review_session.ABSOLUTE_SECONDS + 5],
    ids=["idle", "absolute"],
)
def test_sessions_expire(
    client: TestClient, people: People, monkeypatch: pytest.MonkeyPatch, later: int
) -> None:
    sign_in(client, "lan.steward")
    start = review_session.clock()
    if later > review_session.IDLE_SECONDS + 5:
        # Keep the session busy (never idle) until the absolute limit passes.
        for step in range(0, later - 60, review_session.IDLE_SECONDS // 2):
            monkeypatch.setattr(review_session, "clock", lambda t=start + step: t)
            assert client.get("/review", follow_redirects=False).status_code == 200
    monkeypatch.setattr(review_session, "clock", lambda: start + later)
    response = client.get("/review", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/review/login")


def test_activity_slides_the_idle_limit(
    client: TestClient, people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    sign_in(client, "lan.steward")
    start = review_session.clock()
    for minutes in (20, 40, 60):
        monkeypatch.setattr(review_session, "clock", lambda m=minutes: start + m * 60)
        assert client.get("/review", follow_redirects=False).status_code == 200


def test_disabling_or_resetting_ends_open_sessions(
    client: TestClient, people: People, runtime: Runtime
) -> None:
    sign_in(client, "lan.steward")
    with runtime.session() as db:
        principals.set_password_hash(db, "lan.steward", "$argon2id$v=19$m=65536,t=3,p=4$other")
    assert client.get("/review", follow_redirects=False).status_code == 303
    sign_in(client, "minh.admin")
    with runtime.session() as db:
        principals.set_disabled(db, "minh.admin", True)
    assert client.get("/review", follow_redirects=False).status_code == 303


def test_sign_out_needs_the_form_token_and_ends_the_session(
    client: TestClient, people: People
) -> None:
    token = sign_in(client, "lan.steward")
    assert client.post("/review/logout", data={}).status_code == 403
    response = client.post("/review/logout", data={"csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303
    assert client.get("/review", follow_redirects=False).status_code == 303
