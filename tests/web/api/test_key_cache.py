"""Checked API keys are cached for `KEY_CACHE_TTL_S` seconds: a revoked or disabled key stops
working within that time for every call, and at once for reads of personal data (their audit
entry is written only for a live principal, in the read's transaction)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from loaders import principals
from loaders.models import AuditEntry
from sohoa.runtime import Runtime
from sohoa.web import security
from tests.loaders import factories
from tests.web.conftest import PURPOSE, Keys, Warehouse

ID = "001099012345"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    clock = Clock()
    monkeypatch.setattr(security, "_clock", clock)
    security.clear_key_cache()
    yield clock
    security.clear_key_cache()


def _lookups(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Count the key lookups that reach the database."""
    calls: list[str] = []
    real = principals.active_service_by_prefix

    def counting(session, prefix):  # type: ignore[no-untyped-def]
        calls.append(prefix)
        return real(session, prefix)

    monkeypatch.setattr(principals, "active_service_by_prefix", counting)
    return calls


def _reads(runtime: Runtime) -> int:
    with runtime.session() as session:
        return (
            session.scalar(
                sa.select(sa.func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.action == "read.documents")
            )
            or 0
        )


def test_a_checked_key_is_not_looked_up_again_within_the_ttl(
    client: TestClient, keys: Keys, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    lookups = _lookups(monkeypatch)
    key = keys.make("reader")
    for _ in range(3):
        assert client.get("/v1/changes", headers={"X-API-Key": key}).status_code == 200
    assert len(lookups) == 1
    clock.now += security.KEY_CACHE_TTL_S + 0.01
    assert client.get("/v1/changes", headers={"X-API-Key": key}).status_code == 200
    assert len(lookups) == 2


def test_a_forged_key_with_a_cached_prefix_is_refused(
    client: TestClient, keys: Keys, clock: Clock
) -> None:
    key = keys.make("reader")
    assert client.get("/v1/changes", headers={"X-API-Key": key}).status_code == 200
    forged = key[:-4] + ("AAAA" if not key.endswith("AAAA") else "BBBB")
    refused = client.get("/v1/changes", headers={"X-API-Key": forged})
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "invalid_api_key"


@pytest.mark.parametrize("how", ["revoke", "disable"])
def test_a_revoked_key_stops_working_within_the_ttl(
    client: TestClient, keys: Keys, runtime: Runtime, clock: Clock, how: str
) -> None:
    key = keys.make("reader", name="cong-dvc")
    assert client.get("/v1/changes", headers={"X-API-Key": key}).status_code == 200
    with runtime.session() as session:
        if how == "revoke":
            principals.revoke(session, "cong-dvc")
        else:
            principals.set_disabled(session, "cong-dvc", True)
    clock.now += security.KEY_CACHE_TTL_S - 0.5
    # still inside the TTL: calls that read no personal data may still pass ...
    assert client.get("/v1/changes", headers={"X-API-Key": key}).status_code == 200
    clock.now += 0.51
    # ... never after it
    refused = client.get("/v1/changes", headers={"X-API-Key": key})
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "invalid_api_key"


def test_a_revoked_key_reads_no_personal_data_even_while_cached(
    client: TestClient, keys: Keys, warehouse: Warehouse, runtime: Runtime, clock: Clock
) -> None:
    warehouse.verified(factories.id_card(id_number=ID))
    key = keys.make("reader", name="cong-dvc")
    headers = {"X-API-Key": key, "X-Purpose": PURPOSE}
    assert client.get(f"/v1/subjects/{ID}/documents", headers=headers).status_code == 200
    assert _reads(runtime) == 1
    with runtime.session() as session:
        principals.revoke(session, "cong-dvc")

    refused = client.get(f"/v1/subjects/{ID}/documents", headers=headers)  # key still cached

    assert refused.status_code == 401 and refused.json()["error"]["code"] == "invalid_api_key"
    assert "items" not in refused.text
    assert _reads(runtime) == 1  # nothing served, nothing logged as read
    # the refusal also drops the key from the cache: the next call of any kind is refused
    assert client.get("/v1/changes", headers={"X-API-Key": key}).status_code == 401
