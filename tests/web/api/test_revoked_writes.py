"""Writes check the key live: a steward key revoked or disabled a moment ago cannot accept or
correct a field, nor receive the document's personal data, even while the key cache still holds
it; a role or scope taken away a moment ago holds for writes at once too. Review decisions need
`X-Purpose` and write the read entry of the data they answer with, like any read."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from loaders import principals
from loaders.models import AuditEntry, Document, FieldValue, Principal, ReviewAction
from sohoa.runtime import Runtime
from sohoa.web import security
from tests.fixtures.reliability_report import ReliabilityLog
from tests.loaders import factories
from tests.web.conftest import PURPOSE, Keys, Warehouse

ID = "001099012345"
NAME = "cong-tham-dinh"

# (decision, path under the document, body besides the lock version)
WRITES: list[tuple[str, str, dict[str, Any]]] = [
    ("accept_field", "fields/full_name/accept", {}),
    ("correct_field", "fields/full_name/correct", {"value": "Nguyễn Văn Ân", "reason": "dấu"}),
    ("reject_field", "fields/full_name/reject", {"reason": "mờ"}),
    ("accept_document", "accept", {}),
    ("reject_document", "reject", {"reason": "không phải giấy tờ"}),
]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    """The key cache's clock stands still: every call below is inside its TTL."""
    clock = Clock()
    monkeypatch.setattr(security, "_clock", clock)
    security.clear_key_cache()
    yield clock
    security.clear_key_cache()


@pytest.fixture
def document_id(warehouse: Warehouse) -> int:
    return warehouse.load(factories.id_card(id_number=ID))


def _snapshot(runtime: Runtime, document_id: int) -> tuple[Any, ...]:
    """Everything a refused write must leave as it was."""
    with runtime.session() as session:
        document = session.get_one(Document, document_id)
        fields = session.execute(
            sa.select(FieldValue.name, FieldValue.value, FieldValue.status)
            .where(FieldValue.document_id == document_id)
            .order_by(FieldValue.id)
        ).all()
        actions = session.scalar(sa.select(sa.func.count()).select_from(ReviewAction))
        audit = session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
        return (document.status, document.lock_version, tuple(fields), actions, audit)


def _write(
    client: TestClient,
    warehouse: Warehouse,
    document_id: int,
    key: str,
    path: str,
    body: dict[str, Any],
    purpose: str | None = PURPOSE,
) -> Any:
    headers = {"X-API-Key": key}
    if purpose is not None:
        headers["X-Purpose"] = purpose
    return client.post(
        f"/v1/review/documents/{document_id}/{path}",
        headers=headers,
        json={"expected_lock_version": warehouse.lock_version(document_id), **body},
    )


def _warm(client: TestClient, key: str, document_id: int) -> None:
    """One read puts the checked key in the cache."""
    headers = {"X-API-Key": key, "X-Purpose": PURPOSE}
    assert client.get(f"/v1/review/documents/{document_id}", headers=headers).status_code == 200


@pytest.mark.parametrize("how", ["revoke", "disable"])
@pytest.mark.parametrize(("decision", "path", "body"), WRITES, ids=[w[0] for w in WRITES])
def test_a_revoked_steward_key_cannot_write_even_while_cached(
    client: TestClient,
    keys: Keys,
    warehouse: Warehouse,
    runtime: Runtime,
    document_id: int,
    how: str,
    decision: str,
    path: str,
    body: dict[str, Any],
    dialect: str,
    reliability_log: ReliabilityLog,
) -> None:
    key = keys.make("steward", name=NAME)
    _warm(client, key, document_id)
    with runtime.session() as session:
        if how == "revoke":
            principals.revoke(session, NAME)
        else:
            principals.set_disabled(session, NAME, True)
    before = _snapshot(runtime, document_id)

    refused = _write(client, warehouse, document_id, key, path, body)

    assert refused.status_code == 401, refused.text
    assert refused.json()["error"]["code"] == "invalid_api_key"
    assert "Nguyễn" not in refused.text and "fields" not in refused.text  # no personal data
    assert _snapshot(runtime, document_id) == before  # nothing decided, nothing logged
    # and the refusal drops the key from the cache: any further call is refused too
    assert client.get("/v1/changes", headers={"X-API-Key": key}).status_code == 401
    reliability_log.record(
        "revoked_writes",
        case=f"{how}d steward key, still cached: {decision} ({dialect})",
        requests=1,
        outcome="401 invalid_api_key, nothing written, no personal data",
    )


def test_a_steward_demoted_a_moment_ago_cannot_write(
    client: TestClient,
    keys: Keys,
    warehouse: Warehouse,
    runtime: Runtime,
    document_id: int,
    dialect: str,
    reliability_log: ReliabilityLog,
) -> None:
    key = keys.make("steward", name=NAME)
    _warm(client, key, document_id)
    with runtime.session() as session:
        session.execute(sa.update(Principal).where(Principal.name == NAME).values(role="reader"))
    before = _snapshot(runtime, document_id)

    refused = _write(client, warehouse, document_id, key, "fields/full_name/accept", {})

    assert refused.status_code == 403, refused.text
    assert refused.json()["error"]["code"] == "forbidden"
    assert _snapshot(runtime, document_id) == before
    reliability_log.record(
        "revoked_writes",
        case=f"steward demoted to reader, key still cached ({dialect})",
        requests=1,
        outcome="403 forbidden, nothing written",
    )


def test_a_scope_narrowed_a_moment_ago_holds_for_writes(
    client: TestClient,
    keys: Keys,
    warehouse: Warehouse,
    runtime: Runtime,
    document_id: int,
    dialect: str,
    reliability_log: ReliabilityLog,
) -> None:
    key = keys.make("steward", name=NAME)
    _warm(client, key, document_id)
    with runtime.session() as session:
        session.execute(
            sa.update(Principal)
            .where(Principal.name == NAME)
            .values(scopes={"provinces": ["79"]})  # the card is from Hà Nội (01)
        )
    before = _snapshot(runtime, document_id)

    refused = _write(client, warehouse, document_id, key, "accept", {})

    assert refused.status_code == 404, refused.text
    assert refused.json()["error"]["code"] == "document_not_found"
    assert _snapshot(runtime, document_id) == before
    reliability_log.record(
        "revoked_writes",
        case=f"steward scope narrowed, key still cached ({dialect})",
        requests=1,
        outcome="404 document_not_found, nothing written",
    )


@pytest.mark.parametrize(("decision", "path", "body"), WRITES, ids=[w[0] for w in WRITES])
def test_a_decision_needs_a_purpose(
    client: TestClient,
    keys: Keys,
    warehouse: Warehouse,
    runtime: Runtime,
    document_id: int,
    decision: str,
    path: str,
    body: dict[str, Any],
) -> None:
    key = keys.make("steward")
    before = _snapshot(runtime, document_id)
    for purpose in (None, " "):
        refused = _write(client, warehouse, document_id, key, path, body, purpose=purpose)
        assert refused.status_code == 400, refused.text
        assert refused.json()["error"]["code"] == "purpose_required"
    assert _snapshot(runtime, document_id) == before


@pytest.mark.parametrize(("decision", "path", "body"), WRITES, ids=[w[0] for w in WRITES])
def test_a_decision_writes_its_read_entry(
    client: TestClient,
    keys: Keys,
    warehouse: Warehouse,
    runtime: Runtime,
    document_id: int,
    decision: str,
    path: str,
    body: dict[str, Any],
) -> None:
    key = keys.make("steward", name=NAME)
    done = _write(client, warehouse, document_id, key, path, body)
    assert done.status_code == 200, done.text
    with runtime.session() as session:
        entries = session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action.startswith("read."))
        ).all()
        principal_id = session.scalar(sa.select(Principal.id).where(Principal.name == NAME))
    assert [(e.action, e.principal_id, e.purpose, e.document_id) for e in entries] == [
        ("read.review_document", principal_id, PURPOSE, document_id)
    ]
    assert entries[0].subject_public_id is not None
    assert entries[0].detail["decision"] == decision
    # ... and it is listed among the subject's reads
    reads = client.get(f"/v1/subjects/{ID}/reads", headers=keys.headers()).json()["items"]
    assert any(r["service"] == NAME and r["action"] == "review_document" for r in reads)


def test_a_refused_decision_writes_no_read_entry(
    client: TestClient, keys: Keys, warehouse: Warehouse, runtime: Runtime, document_id: int
) -> None:
    """A stale lock version is a 409 that shows no data: nothing is logged as read."""
    key = keys.make("steward")
    before = _snapshot(runtime, document_id)
    stale = client.post(
        f"/v1/review/documents/{document_id}/accept",
        headers={"X-API-Key": key, "X-Purpose": PURPOSE},
        json={"expected_lock_version": warehouse.lock_version(document_id) + 7},
    )
    assert stale.status_code == 409
    assert _snapshot(runtime, document_id) == before


def test_a_revoked_admin_key_cannot_change_the_catalogue(
    client: TestClient,
    keys: Keys,
    runtime: Runtime,
    dialect: str,
    reliability_log: ReliabilityLog,
) -> None:
    key = keys.make("admin", name=NAME)
    body = {"name": "Đăng ký khai sinh", "requirements": [{"doc_type": "id_card"}]}
    assert client.put("/v1/procedures/local.a", headers={"X-API-Key": key}, json=body).is_success
    with runtime.session() as session:
        principals.revoke(session, NAME)

    refused = client.put("/v1/procedures/local.b", headers={"X-API-Key": key}, json=body)

    assert refused.status_code == 401 and refused.json()["error"]["code"] == "invalid_api_key"
    listed = client.get("/v1/procedures", headers={"X-API-Key": keys.make("reader")}).json()
    assert [p["code"] for p in listed] == ["local.a"]
    reliability_log.record(
        "revoked_writes",
        case=f"revoked admin key, still cached: catalogue change ({dialect})",
        requests=1,
        outcome="401 invalid_api_key, nothing written",
    )


def test_a_revocation_racing_a_write_wins_or_waits(
    client: TestClient,
    keys: Keys,
    warehouse: Warehouse,
    runtime: Runtime,
    document_id: int,
    dialect: str,
    reliability_log: ReliabilityLog,
) -> None:
    """A write that checked its key before a revocation committed holds the key's row until the
    write commits: the revocation waits for it, or, if it came first, the write is refused.
    Never both a committed revocation and a write that commits after it."""
    if dialect != "postgresql":
        pytest.skip("SQLite runs one writer at a time: a write cannot interleave a revocation")
    key = keys.make("steward", name=NAME)
    _warm(client, key, document_id)
    lock = warehouse.lock_version(document_id)
    answer: dict[str, Any] = {}

    def write() -> None:
        answer["response"] = client.post(
            f"/v1/review/documents/{document_id}/accept",
            headers={"X-API-Key": key, "X-Purpose": PURPOSE},
            json={"expected_lock_version": lock},
        )

    with runtime.engine.connect() as revoking:
        revoking.execute(
            sa.update(Principal).where(Principal.name == NAME).values(revoked_at=sa.func.now())
        )  # not committed yet
        writer = threading.Thread(target=write)
        writer.start()
        time.sleep(1.0)
        assert writer.is_alive(), "the write did not wait for the revocation in progress"
        revoking.commit()
    writer.join(timeout=30)

    assert answer["response"].status_code == 401, answer["response"].text
    with runtime.session() as session:
        assert session.get_one(Document, document_id).lock_version == lock
    reliability_log.record(
        "revoked_writes",
        case=f"revocation committing while a write runs ({dialect})",
        requests=1,
        outcome="the write waits for it, then 401, nothing written",
    )
