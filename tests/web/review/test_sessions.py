"""Sessions end on the server: sign-out, disabling and password resets end them for every copy of
the cookie, `accounts enable` does not bring them back, and a request whose session ended finds
its way back to the document it was about."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from extractors.records import Extraction
from loaders import principals
from sohoa.cli import app as cli_app
from sohoa.runtime import Runtime
from sohoa.settings import get_settings
from sohoa.web.review import session as review_session
from tests.loaders import factories
from tests.web.review.conftest import People, Scanned
from tests.web.review.helpers import PASSWORD, lock_in, shown_value, sign_in, token_in


@pytest.fixture
def thief(app: FastAPI) -> Iterator[TestClient]:
    """Another browser, which will be handed a copy of the steward's cookie."""
    with TestClient(app) as other:
        yield other


def _copy_cookie(source: TestClient, target: TestClient) -> None:
    value = source.cookies.get(review_session.COOKIE)
    assert value, "no session cookie to copy"
    target.cookies.set(review_session.COOKIE, value, path="/review")


def _signed_in(client: TestClient) -> bool:
    response = client.get("/review", follow_redirects=False)
    assert response.status_code in (200, 303), response.text
    return response.status_code == 200


def test_a_copied_cookie_stops_working_at_sign_out(
    client: TestClient, thief: TestClient, people: People
) -> None:
    token = sign_in(client, "lan.steward")
    _copy_cookie(client, thief)
    assert _signed_in(thief)

    response = client.post("/review/logout", data={"csrf_token": token}, follow_redirects=False)

    assert response.status_code == 303
    assert not _signed_in(thief)
    assert not _signed_in(client)


def test_sign_out_ends_only_that_session(app: FastAPI, people: People) -> None:
    with TestClient(app) as office, TestClient(app) as laptop:
        token = sign_in(office, "lan.steward")
        sign_in(laptop, "lan.steward")
        office.post("/review/logout", data={"csrf_token": token})
        assert not _signed_in(office)
        assert _signed_in(laptop)


@pytest.fixture
def cli_env(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """`sohoa …` commands run against the test's warehouse."""
    monkeypatch.setenv("SOHOA_DATABASE_URL", runtime.settings.database_url)
    monkeypatch.setenv("SOHOA_STORAGE_URL", runtime.settings.storage_url)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _sohoa(*args: str) -> None:
    result = CliRunner().invoke(cli_app, list(args))
    assert result.exit_code == 0, result.output


def test_accounts_enable_does_not_revive_sessions_from_before_disable(
    client: TestClient, thief: TestClient, people: People, cli_env: None
) -> None:
    sign_in(client, "lan.steward")
    _copy_cookie(client, thief)

    _sohoa("accounts", "disable", "lan.steward")
    assert not _signed_in(thief)
    _sohoa("accounts", "enable", "lan.steward")

    assert not _signed_in(thief)
    assert not _signed_in(client)
    sign_in(client, "lan.steward")  # a new sign-in works again
    assert _signed_in(client)


def test_disable_then_enable_in_the_warehouse_ends_sessions(
    client: TestClient, people: People, runtime: Runtime
) -> None:
    sign_in(client, "lan.steward")
    with runtime.session() as db:
        principals.set_disabled(db, "lan.steward", True)
    with runtime.session() as db:
        principals.set_disabled(db, "lan.steward", False)
    assert not _signed_in(client)


def test_a_password_reset_ends_every_session_of_the_account(
    client: TestClient, thief: TestClient, people: People, runtime: Runtime
) -> None:
    sign_in(client, "lan.steward")
    _copy_cookie(client, thief)
    with runtime.session() as db:
        principals.set_password_hash(db, "lan.steward", "$argon2id$v=19$m=65536,t=3,p=4$other")
    assert not _signed_in(thief)
    assert not _signed_in(client)


def test_a_cookie_made_with_the_secret_but_never_issued_is_no_session(
    client: TestClient, people: People
) -> None:
    """Knowing the signing key is not enough: the server must have opened the session."""
    forged = review_session.new_session()
    client.cookies.set(review_session.COOKIE, review_session.encode(_secret(client), forged))
    assert not _signed_in(client)


def _secret(client: TestClient) -> str:
    return client.app.state.runtime.settings.effective_secret_key()  # type: ignore[attr-defined]


def _expire(monkeypatch: pytest.MonkeyPatch) -> None:
    later = review_session.clock() + review_session.IDLE_SECONDS + 5
    monkeypatch.setattr(review_session, "clock", lambda: later)


def _card() -> Extraction:
    return factories.id_card(id_number="001099012345", full_name="Nguyen Van An")


def test_a_correction_sent_after_expiry_leads_back_to_its_field(
    client: TestClient, people: People, scanned: Scanned, monkeypatch: pytest.MonkeyPatch
) -> None:
    document_id = scanned.load(_card())
    token = sign_in(client, "lan.steward")
    page = client.get(f"/review/documents/{document_id}")
    _expire(monkeypatch)

    response = client.post(
        f"/review/documents/{document_id}/fields/full_name",
        data={
            "csrf_token": token,
            "lock_version": lock_in(page.text),
            "action": "correct",
            "value": "Nguyễn Văn An",
        },
        follow_redirects=False,
    )

    assert response.status_code == 303
    login = urlsplit(response.headers["location"])
    assert login.path == "/review/login"
    back = urlsplit(parse_qs(login.query)["next"][0])
    assert back.path == f"/review/documents/{document_id}"
    assert parse_qs(back.query) == {"sel": ["full_name"], "draft": ["full_name"]}

    # Signing in lands on the document, the field selected; nothing was saved meanwhile.
    form = client.get(response.headers["location"])
    carried = re.search(r'name="next" value="([^"]*)"', form.text)
    assert carried and html.unescape(carried.group(1)) == parse_qs(login.query)["next"][0]
    landed = client.post(
        "/review/login",
        data={
            "name": "lan.steward",
            "password": PASSWORD,
            "csrf_token": token_in(form.text),
            "next": html.unescape(carried.group(1)),
        },
    )
    assert landed.status_code == 200
    assert landed.url.path == f"/review/documents/{document_id}"
    assert 'data-selected="full_name"' in landed.text
    assert shown_value(landed.text, "full_name") == "Nguyen Van An"


def test_a_fetch_after_expiry_gets_401_with_the_way_back(
    client: TestClient, people: People, scanned: Scanned, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a page that decides fields in place (fetch, htmx) needs: no redirect to follow
    blindly, but a 401 saying where to sign in and where to come back to."""
    document_id = scanned.load(_card())
    token = sign_in(client, "lan.steward")
    _expire(monkeypatch)

    response = client.post(
        f"/review/documents/{document_id}/fields/full_name",
        data={"csrf_token": token, "lock_version": "1", "action": "correct", "value": "X"},
        headers={"Accept": "application/json"},
        follow_redirects=False,
    )

    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "session_expired"
    assert "đăng nhập" in body["message"]
    assert body["return_to"] == f"/review/documents/{document_id}?sel=full_name&draft=full_name"
    login = urlsplit(body["login_url"])
    assert login.path == "/review/login"
    assert parse_qs(login.query)["next"] == [body["return_to"]]
    assert response.headers["hx-redirect"] == body["login_url"]


@pytest.mark.parametrize("name", ["a%5C%5Cevil.example", "x%3Fnext%3Dhttps:evil.example", "%40x"])
def test_an_odd_field_name_leads_back_to_the_document_only(
    client: TestClient, people: People, name: str
) -> None:
    response = client.post(
        f"/review/documents/1/fields/{name}", data={"action": "correct"}, follow_redirects=False
    )
    assert response.status_code == 303
    login = urlsplit(response.headers["location"])
    assert parse_qs(login.query)["next"] == ["/review/documents/1"]
