"""Every endpoint × every role: who may call what, checked against the routes the app declares.

The tables below must name every route of the app (a new endpoint without an entry fails
`test_the_tables_cover_every_route`), so nothing reaches production without an access rule.
"""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from sohoa.auth.roles import Role
from tests.web.conftest import Keys
from tests.web.review.helpers import create_person, sign_in

PUBLIC = None
SIGNED_LINK = "signed-link"

# API: the least role each route needs (PUBLIC: no key; SIGNED_LINK: the link is the credential).
API_ROUTES: dict[tuple[str, str], object] = {
    ("GET", "/v1/health"): PUBLIC,
    ("GET", "/v1/version"): PUBLIC,
    ("GET", "/v1/subjects/{subject_id}"): Role.READER,
    ("GET", "/v1/subjects/{subject_id}/documents"): Role.READER,
    ("GET", "/v1/subjects/{subject_id}/procedures/{code}"): Role.READER,
    ("GET", "/v1/subjects/{subject_id}/reads"): Role.READER,
    ("GET", "/v1/documents/{document_id}"): Role.READER,
    ("GET", "/v1/procedures"): Role.READER,
    ("GET", "/v1/document-types"): Role.READER,
    ("GET", "/v1/procedures/{code}"): Role.READER,
    ("PUT", "/v1/procedures/{code}"): Role.ADMIN,
    ("GET", "/v1/changes"): Role.READER,
    ("GET", "/v1/review/documents/{document_id}"): Role.STEWARD,
    ("POST", "/v1/review/documents/{document_id}/fields/{name}"): Role.STEWARD,
    ("POST", "/v1/review/documents/{document_id}/fields/{name}/accept"): Role.STEWARD,
    ("POST", "/v1/review/documents/{document_id}/fields/{name}/correct"): Role.STEWARD,
    ("POST", "/v1/review/documents/{document_id}/fields/{name}/reject"): Role.STEWARD,
    ("POST", "/v1/review/documents/{document_id}/accept"): Role.STEWARD,
    ("POST", "/v1/review/documents/{document_id}/reject"): Role.STEWARD,
    ("GET", "/v1/objects/{key:path}"): SIGNED_LINK,
}

# Review UI: the least role of a signed-in person (PUBLIC: the sign-in pages and static files).
REVIEW_ROUTES: dict[tuple[str, str], object] = {
    ("GET", "/review/login"): PUBLIC,
    ("POST", "/review/login"): PUBLIC,
    ("GET", "/review/static/{name}"): PUBLIC,
    ("POST", "/review/logout"): Role.STEWARD,
    ("GET", "/review"): Role.STEWARD,
    ("GET", "/review/"): Role.STEWARD,
    ("GET", "/review/next"): Role.STEWARD,
    ("GET", "/review/previous"): Role.STEWARD,
    ("POST", "/review/later/clear"): Role.STEWARD,
    ("POST", "/review/documents/{document_id}/later"): Role.STEWARD,
    ("POST", "/review/documents/{document_id}/fields"): Role.STEWARD,
    ("POST", "/review/documents/{document_id}/accept-confident"): Role.STEWARD,
    ("POST", "/review/documents/{document_id}/retype"): Role.STEWARD,
    ("GET", "/review/documents/{document_id}"): Role.STEWARD,
    ("GET", "/review/documents/{document_id}/pages/{number}.png"): Role.STEWARD,
    ("POST", "/review/documents/{document_id}/fields/{name}"): Role.STEWARD,
    ("POST", "/review/documents/{document_id}/accept"): Role.STEWARD,
    ("POST", "/review/documents/{document_id}/reject"): Role.STEWARD,
    ("POST", "/review/documents/{document_id}/candidates/{candidate_id}"): Role.STEWARD,
    ("POST", "/review/documents/{document_id}/conflicts/{conflict_id}"): Role.STEWARD,
    ("POST", "/review/documents/{document_id}/reopen"): Role.ADMIN,
    ("POST", "/review/documents/{document_id}/candidates/{candidate_id}/unlink"): Role.ADMIN,
}

DOCS = {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/docs/assets/{name}"}
SAMPLE = {
    "subject_id": "001099012345",
    "document_id": "1",
    "code": "local.khai_sinh",
    "name": "full_name",
    "key:path": "originals/" + "0" * 64,
    "candidate_id": "1",
    "conflict_id": "1",
    "number": "1",
}


@pytest.fixture
def dialect() -> str:
    """Access rules do not depend on the database: SQLite only."""
    return "sqlite"


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Sign-ins at argon2's real cost would dominate this test's time."""
    from argon2 import PasswordHasher

    from sohoa.auth import passwords

    monkeypatch.setattr(
        passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


def concrete(path: str) -> str:
    return re.sub(r"\{([^}]+)\}", lambda m: SAMPLE[m.group(1)], path)


def declared_routes(app: FastAPI) -> set[tuple[str, str]]:
    found = set()
    for route in app.routes:
        if route.path in DOCS:
            continue
        for method in getattr(route, "methods", set()) - {"HEAD"}:
            found.add((method, route.path))
    return found


def test_the_tables_cover_every_route(app: FastAPI) -> None:
    assert declared_routes(app) == set(API_ROUTES) | set(REVIEW_ROUTES)


ROLES = [None, Role.READER, Role.STEWARD, Role.ADMIN]


@pytest.mark.parametrize(("method", "path"), sorted(API_ROUTES))
def test_api_route_admits_exactly_the_roles_it_should(
    client: TestClient, keys: Keys, method: str, path: str
) -> None:
    needed = API_ROUTES[(method, path)]
    for role in ROLES:
        headers = keys.headers(role.value) if role else {"X-Purpose": "access check"}
        url = concrete(path)
        if needed == SIGNED_LINK:  # a forged signature, whatever key comes with it
            url += "?expires=4102444800&sig=" + "0" * 64
        response = client.request(method, url, headers=headers, json={})
        code = response.status_code
        if needed is PUBLIC:
            assert code == 200, (role, response.text)
        elif needed == SIGNED_LINK:
            assert code == 403 and response.json()["error"]["code"] == "invalid_link"
        elif role is None:
            assert code == 401, (role, response.text)
            assert response.json()["error"]["code"] == "missing_api_key"
        elif not role.allows(needed):
            assert code == 403, (role, response.text)
            assert response.json()["error"]["code"] == "forbidden"
        else:
            assert code not in (401, 403), (role, response.text)


def test_a_revoked_or_forged_key_is_refused(client: TestClient, keys: Keys, runtime) -> None:
    from loaders import principals

    key = keys.make("admin", name="sắp-thu-hồi")
    ok = client.get("/v1/procedures", headers={"Authorization": f"Bearer {key}"})
    assert ok.status_code == 200
    forged = key[:-4] + ("AAAA" if not key.endswith("AAAA") else "BBBB")
    assert client.get("/v1/procedures", headers={"X-API-Key": forged}).status_code == 401
    with runtime.session() as session:
        principals.revoke(session, "sắp-thu-hồi")
    from sohoa.web import security

    getattr(security, "clear_key_cache", lambda: None)()
    refused = client.get("/v1/procedures", headers={"Authorization": f"Bearer {key}"})
    assert refused.status_code == 401


@pytest.mark.parametrize("person_role", [None, "reader", "steward", "admin"])
def test_review_routes_admit_exactly_the_people_they_should(
    client: TestClient, keys: Keys, runtime, person_role: str | None
) -> None:
    token = ""
    if person_role:
        create_person(runtime, f"người-{person_role}", person_role)
        if person_role == "reader":
            page = client.get("/review/login")
            from tests.web.review.helpers import token_in

            refused = client.post(
                "/review/login",
                data={
                    "name": "người-reader",
                    "password": "mật-khẩu-đủ-dài-2025",
                    "csrf_token": token_in(page.text),
                },
            )
            assert refused.status_code == 403, "a reader gets no review session"
        else:
            token = sign_in(client, f"người-{person_role}")
    # A reader never holds a session, so every page treats them as signed out.
    role = Role(person_role) if person_role in ("steward", "admin") else None
    api_key = {"Authorization": f"Bearer {keys.make('admin')}"}  # a key is never a session
    for (method, path), needed in sorted(REVIEW_ROUTES.items(), key=str):
        if needed is PUBLIC or path == "/review/logout":
            continue
        data = {"csrf_token": token, "action": "accept", "lock_version": "1", "reason": "x"}
        response = client.request(
            method, concrete(path), data=data, headers=api_key, follow_redirects=False
        )
        code = response.status_code
        if role is None:
            assert code in (303, 401), (path, code)
            if code == 303:
                assert "/review/login" in response.headers["location"]
        elif not role.allows(needed):
            assert code == 403, (person_role, path, code)
        else:
            assert code not in (401, 403), (person_role, path, code, response.text[:300])
