"""A NUL byte (or any character no text column can hold) anywhere a client can put one — a header,
the path, a query value, a JSON string — is refused with 422 `invalid_character`, on SQLite and on
PostgreSQL alike (PostgreSQL cannot store NUL in text: it used to be a server error), and nothing
is written."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from loaders import procedures
from loaders.models import AuditEntry, FieldValue, Procedure
from sohoa.runtime import Runtime
from sohoa.web import input_errors
from tests.fixtures.reliability_report import ReliabilityLog
from tests.loaders import factories
from tests.web.conftest import PURPOSE, Keys, Warehouse
from tests.web.review.helpers import create_person, sign_in

ID = "001099012345"


@pytest.fixture
def document_id(warehouse: Warehouse, runtime: Runtime) -> int:
    with runtime.session() as session:
        procedures.upsert(
            session,
            procedures.ProcedureSpec(
                "local.khai_sinh", "Đăng ký khai sinh", (procedures.Requirement("id_card"),)
            ),
        )
    return warehouse.load(factories.id_card(id_number=ID))


def _state(runtime: Runtime) -> tuple[Any, ...]:
    """What a refused request must leave as it was: field values, procedures, audit entries."""
    with runtime.session() as session:
        fields = tuple(
            session.execute(
                select(FieldValue.name, FieldValue.value, FieldValue.status).order_by(FieldValue.id)
            ).all()
        )
        procs = tuple(session.scalars(select(Procedure.code).order_by(Procedure.code)))
        audit = session.scalar(select(func.count()).select_from(AuditEntry))
    return fields, procs, audit


# (what, method, path, extra headers, JSON body); {doc} is the document's id, {lock} its version
CASES: list[tuple[str, str, str, dict[str, str], Any]] = [
    ("X-Purpose is a NUL", "GET", f"/v1/subjects/{ID}/documents", {"X-Purpose": "%00"}, None),
    ("X-Purpose holds a NUL", "GET", f"/v1/subjects/{ID}", {"X-Purpose": "TTHC%00 1.0"}, None),
    ("X-Purpose on a document", "GET", "/v1/documents/{doc}", {"X-Purpose": "%00"}, None),
    ("X-Purpose on a review read", "GET", "/v1/review/documents/{doc}", {"X-Purpose": "%00"}, None),
    ("X-Purpose holds a control", "GET", f"/v1/subjects/{ID}", {"X-Purpose": "a%07b"}, None),
    ("path: procedure code", "GET", "/v1/procedures/a%00b", {}, None),
    ("path: procedure to write", "PUT", "/v1/procedures/a%00b", {}, {"name": "X"}),
    ("path: procedure check", "GET", f"/v1/subjects/{ID}/procedures/a%00b", {}, None),
    ("path: subject id", "GET", "/v1/subjects/00109901234%00", {}, None),
    (
        "path: field name",
        "POST",
        "/v1/review/documents/{doc}/fields/full%00name/accept",
        {},
        {"expected_lock_version": "{lock}"},
    ),
    ("path: object key", "GET", "/v1/objects/originals/a%00b?expires=1&sig=x", {}, None),
    ("path: unknown route", "GET", "/v1/nothing%00here", {}, None),
    ("path: review UI", "GET", "/review/documents/1%00", {}, None),
    ("query: cursor", "GET", f"/v1/subjects/{ID}/documents?cursor=%00", {}, None),
    ("query: feed cursor", "GET", "/v1/changes?after=a%00b", {}, None),
    ("query: date", "GET", "/v1/documents/{doc}?valid_on=2025-01-01%00", {}, None),
    ("query: unread name", "GET", "/v1/changes?x%00=1", {}, None),
    (
        "body: correction",
        "POST",
        "/v1/review/documents/{doc}/fields/full_name/correct",
        {},
        {"expected_lock_version": "{lock}", "value": "Nguyễn\u0000Văn An"},
    ),
    (
        "body: correction reason",
        "POST",
        "/v1/review/documents/{doc}/fields/full_name/correct",
        {},
        {"expected_lock_version": "{lock}", "value": "Nguyễn Văn An", "reason": "\u0000"},
    ),
    (
        "body: field rejection reason",
        "POST",
        "/v1/review/documents/{doc}/fields/full_name/reject",
        {},
        {"expected_lock_version": "{lock}", "reason": "mờ\u0000"},
    ),
    (
        "body: document rejection reason",
        "POST",
        "/v1/review/documents/{doc}/reject",
        {},
        {"expected_lock_version": "{lock}", "reason": "\u0000"},
    ),
    ("body: procedure name", "PUT", "/v1/procedures/local.x", {}, {"name": "Đăng ký\u0000"}),
    (
        "body: requirement note",
        "PUT",
        "/v1/procedures/local.x",
        {},
        {"name": "X", "requirements": [{"doc_type": "id_card", "note": "\u0000"}]},
    ),
]


def _filled(value: Any, document_id: int, lock: int) -> Any:
    if isinstance(value, dict):
        return {k: _filled(v, document_id, lock) for k, v in value.items()}
    if isinstance(value, list):
        return [_filled(v, document_id, lock) for v in value]
    if value == "{lock}":
        return lock
    return value


@pytest.mark.parametrize(
    ("what", "method", "path", "headers", "body"), CASES, ids=[c[0] for c in CASES]
)
def test_a_nul_byte_is_refused_with_a_stable_code(
    client: TestClient,
    keys: Keys,
    warehouse: Warehouse,
    runtime: Runtime,
    document_id: int,
    what: str,
    method: str,
    path: str,
    headers: dict[str, str],
    body: Any,
    dialect: str,
    reliability_log: ReliabilityLog,
) -> None:
    before = _state(runtime)
    sent = {**keys.headers("admin"), **headers}
    url = path.format(doc=document_id)
    json = _filled(body, document_id, warehouse.lock_version(document_id))

    response = client.request(method, url, headers=sent, json=json)

    assert response.status_code == 422, (what, response.text)
    assert response.json()["error"] == {
        "code": input_errors.INVALID_CHARACTER,
        "message": response.json()["error"]["message"],
    }
    assert response.json()["error"]["message"].startswith(
        input_errors.MESSAGES[input_errors.INVALID_CHARACTER]
    )
    assert _state(runtime) == before
    reliability_log.record(
        "nul_bytes",
        case=f"{what} ({dialect})",
        requests=1,
        outcome="422 invalid_character, nothing written",
    )


@pytest.mark.parametrize(
    "raw",
    [
        b'{"expected_lock_version": LOCK, "value": "Nguy\\ud800n"}',  # half a surrogate pair
        b'{"expected_lock_version": LOCK, "value": "An", "reason": "\\udfff"}',
    ],
)
def test_a_lone_surrogate_in_json_is_refused(
    client: TestClient,
    keys: Keys,
    warehouse: Warehouse,
    runtime: Runtime,
    document_id: int,
    raw: bytes,
    dialect: str,
    reliability_log: ReliabilityLog,
) -> None:
    """JSON may escape half a UTF-16 pair, which no UTF-8 database can store."""
    before = _state(runtime)
    lock = str(warehouse.lock_version(document_id)).encode()
    response = client.post(
        f"/v1/review/documents/{document_id}/fields/full_name/correct",
        headers={**keys.headers("steward"), "Content-Type": "application/json"},
        content=raw.replace(b"LOCK", lock),
    )
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == input_errors.INVALID_CHARACTER
    assert _state(runtime) == before
    reliability_log.record(
        "nul_bytes",
        case=f"body: half a surrogate pair ({dialect})",
        requests=1,
        outcome="422 invalid_character, nothing written",
    )


def test_ordinary_text_still_passes(
    client: TestClient, keys: Keys, warehouse: Warehouse, document_id: int
) -> None:
    """Vietnamese, tabs and new lines in a reason are text, not invalid characters."""
    steward = {**keys.headers("steward"), "X-Purpose": "h%E1%BB%93%20s%C6%A1%2012"}
    corrected = client.post(
        f"/v1/review/documents/{document_id}/fields/full_name/correct",
        headers=steward,
        json={
            "expected_lock_version": warehouse.lock_version(document_id),
            "value": "Nguyễn Văn Ân",
            "reason": "đọc sai dấu\nxem lại\tbản gốc",
        },
    )
    assert corrected.status_code == 200, corrected.text
    reader = {**keys.headers(), "X-Purpose": PURPOSE}
    assert client.get("/v1/procedures/local.khai_sinh", headers=reader).status_code == 200


@pytest.mark.parametrize(
    ("path", "form"),
    [
        ("fields/full_name", {"action": "reject", "reason": "mờ\x00"}),
        ("fields/full_name", {"action": "correct", "value": "An", "reason": "a\x00b"}),
        ("reject", {"reason": "\x00"}),
    ],
    ids=["field rejection", "correction reason", "document rejection"],
)
@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
def test_a_nul_in_a_review_form_is_refused(
    client: TestClient,
    warehouse: Warehouse,
    runtime: Runtime,
    document_id: int,
    path: str,
    form: dict[str, str],
    encoding: str,
    dialect: str,
    reliability_log: ReliabilityLog,
) -> None:
    """The review UI's forms are a place a client can put a NUL too (a browser never sends one;
    a hostile client may), in either form encoding."""
    create_person(runtime, "lan.steward", "steward")
    token = sign_in(client, "lan.steward")
    before = _state(runtime)
    data = {**form, "lock_version": str(warehouse.lock_version(document_id)), "csrf_token": token}
    if encoding == "multipart":  # every field as a part of its own
        sent = {"files": {name: (None, value) for name, value in data.items()}}
    else:
        sent = {"data": data}

    response = client.post(
        f"/review/documents/{document_id}/{path}", follow_redirects=False, **sent
    )

    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == input_errors.INVALID_CHARACTER
    assert _state(runtime) == before
    reliability_log.record(
        "nul_bytes",
        case=f"review UI form ({encoding}): {path} ({dialect})",
        requests=1,
        outcome="422 invalid_character, nothing written",
    )
