"""Signing in and reading forms, as a browser would, for the review UI's HTTP tests."""

from __future__ import annotations

import re
from dataclasses import replace
from html import unescape

from fastapi.testclient import TestClient

from extractors.records import Box, Extraction, Field
from loaders import principals
from sohoa.auth.passwords import hash_password
from sohoa.runtime import Runtime

PASSWORD = "mật-khẩu-đủ-dài-2025"
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
_LOCK = re.compile(r'name="lock_version" value="(\d+)"')


def create_person(runtime: Runtime, name: str, role: str, password: str = PASSWORD) -> int:
    with runtime.session() as session:
        return principals.create_person(
            session, name=name, role=role, password_hash=hash_password(password)
        ).id


def shown_value(html: str, field: str) -> str:
    """What the page shows in a field's value box (the text of its textarea)."""
    found = re.search(rf'id="value-{field}"[^>]*>([^<]*)</textarea>', html)
    assert found, f"no value box for {field}"
    return unescape(found.group(1))


def token_in(html: str) -> str:
    found = _TOKEN.search(html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def lock_in(html: str) -> int:
    found = _LOCK.search(html)
    assert found, "no lock_version on the page"
    return int(found.group(1))


def sign_in(client: TestClient, name: str, password: str = PASSWORD) -> str:
    """Sign in through the form; returns the session's CSRF token (from the queue page)."""
    page = client.get("/review/login")
    response = client.post(
        "/review/login",
        data={"name": name, "password": password, "csrf_token": token_in(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    queue = client.get("/review")
    assert queue.status_code == 200, queue.text
    return token_in(queue.text)


def boxed(extraction: Extraction) -> Extraction:
    """The same extraction with one field per line, boxes laid out down the page."""
    fields = tuple(
        replace(f, box=Box(60, 120 + 95 * i, 22 * max(len(f.raw), 4), 34), page=1)
        for i, f in enumerate(extraction.fields)
    )
    return replace(extraction, fields=fields)


def with_confidence(extraction: Extraction, confidences: dict[str, float]) -> Extraction:
    fields: tuple[Field, ...] = tuple(
        replace(f, confidence=confidences.get(f.name, f.confidence)) for f in extraction.fields
    )
    return replace(extraction, fields=fields)
