"""Steward review over the API, optimistic-locked by lock_version."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.loaders import factories
from tests.web.conftest import Keys, Warehouse


def test_accept_correct_reject_with_lock_versions(
    client: TestClient, keys: Keys, warehouse: Warehouse
) -> None:
    document_id = warehouse.load(factories.id_card())
    steward = keys.headers(role="steward")
    state = client.get(f"/v1/review/documents/{document_id}", headers=steward).json()
    assert state["status"] == "needs_review"
    lock = state["lock_version"]
    base = f"/v1/review/documents/{document_id}"

    accepted = client.post(
        f"{base}/fields/full_name/accept", headers=steward, json={"expected_lock_version": lock}
    )
    assert accepted.status_code == 200, accepted.text
    fields = {f["name"]: f for f in accepted.json()["fields"]}
    assert fields["full_name"]["status"] == "accepted"
    stale = client.post(
        f"{base}/fields/sex/accept", headers=steward, json={"expected_lock_version": lock}
    )
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "conflicting_update"

    lock = accepted.json()["lock_version"]
    corrected = client.post(
        f"{base}/fields/expiry_date/correct",
        headers=steward,
        json={"expected_lock_version": lock, "value": "2040-01-01", "reason": "đọc sai"},
    ).json()
    assert {f["name"]: f["value"] for f in corrected["fields"]}["expiry_date"] == "2040-01-01"
    lock = corrected["lock_version"]
    rejected = client.post(
        f"{base}/fields/issue_date/reject",
        headers=steward,
        json={"expected_lock_version": lock, "reason": "mờ"},
    ).json()
    lock = rejected["lock_version"]
    done = client.post(f"{base}/accept", headers=steward, json={"expected_lock_version": lock})
    assert done.json()["status"] == "verified"

    missing = client.post(
        f"{base}/fields/nope/accept",
        headers=steward,
        json={"expected_lock_version": done.json()["lock_version"]},
    )
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "field_not_found"

    lock = done.json()["lock_version"]
    no_reason = client.post(
        f"{base}/reject", headers=steward, json={"expected_lock_version": lock, "reason": ""}
    )
    assert no_reason.status_code == 422
    gone = client.post(
        f"{base}/reject", headers=steward, json={"expected_lock_version": lock, "reason": "sai"}
    )
    assert gone.json()["status"] == "rejected"
    again = client.post(
        f"{base}/accept",
        headers=steward,
        json={"expected_lock_version": gone.json()["lock_version"]},
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "invalid_action"
    # and readers no longer see it
    assert client.get(f"/v1/documents/{document_id}", headers=keys.headers()).status_code == 404


def test_unknown_document(client: TestClient, keys: Keys) -> None:
    steward = keys.headers(role="steward")
    response = client.post(
        "/v1/review/documents/12345/accept", headers=steward, json={"expected_lock_version": 1}
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "document_not_found"
