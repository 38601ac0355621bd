"""One document: fields, provenance, and the short-lived link to the original."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

from fastapi.testclient import TestClient

from sohoa.runtime import Runtime
from storage import layout
from storage.local import sign_link
from tests.loaders import factories
from tests.web.conftest import Keys, Warehouse


def test_a_verified_document_with_fields_provenance_and_link(
    client: TestClient, keys: Keys, warehouse: Warehouse, runtime: Runtime
) -> None:
    extraction = factories.id_card(extractor_version="idcard-2.1")
    runtime.store.put_bytes(layout.original(extraction.sha256), b"%PDF-1.7 scan")
    document_id = warehouse.load(extraction, batch="lo-01")
    warehouse.accept(document_id)

    response = client.get(f"/v1/documents/{document_id}", headers=keys.headers())

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["doc_type"] == "id_card" and body["attributes"]["side"] == "front"
    assert {f["name"]: f["value"] for f in body["fields"]}["id_number"] == "001099012345"
    assert {f["status"] for f in body["fields"]} == {"accepted"}
    provenance = body["provenance"]
    assert provenance["batches"] == ["lo-01"]
    assert provenance["extraction_version"] == 1
    assert provenance["extractor_version"] == "idcard-2.1"
    assert provenance["verified_by"][0]["principal"] == "steward-lan"
    assert len(body["subjects"]) == 1

    link = body["original"]["url"]
    fetched = client.get(link)  # no API key: the link is the credential
    assert fetched.status_code == 200 and fetched.content == b"%PDF-1.7 scan"


def test_signed_links_are_checked(
    client: TestClient, keys: Keys, warehouse: Warehouse, runtime: Runtime
) -> None:
    extraction = factories.id_card()
    runtime.store.put_bytes(layout.original(extraction.sha256), b"scan")
    document_id = warehouse.verified(extraction)
    url = client.get(f"/v1/documents/{document_id}", headers=keys.headers()).json()["original"][
        "url"
    ]
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}

    tampered = client.get(parts.path, params={**query, "sig": "0" * 64})
    assert tampered.status_code == 403 and tampered.json()["error"]["code"] == "invalid_link"
    expired_at = int(time.time()) - 10
    key = layout.original(extraction.sha256)
    secret = runtime.settings.secret_key or ""
    old = client.get(
        parts.path, params={"expires": expired_at, "sig": sign_link(secret, key, expired_at)}
    )
    assert old.status_code == 410 and old.json()["error"]["code"] == "link_expired"
    # only originals and derived files are ever served, even with a valid signature
    runtime.store.put_bytes("reports/lo-01.json", b"{}")
    until = int(time.time()) + 60
    report = client.get(
        "/v1/objects/reports/lo-01.json",
        params={"expires": until, "sig": sign_link(secret, "reports/lo-01.json", until)},
    )
    assert report.status_code == 404
    traversal = client.get("/v1/objects/originals/../reports/lo-01.json", params=query)
    assert traversal.status_code in (403, 404)


def test_a_document_without_its_original_in_store_has_no_link(
    client: TestClient, keys: Keys, warehouse: Warehouse
) -> None:
    document_id = warehouse.verified(factories.id_card())
    body = client.get(f"/v1/documents/{document_id}", headers=keys.headers()).json()
    assert body["original"] is None


def test_only_verified_documents_valid_on_the_date_are_served(
    client: TestClient, keys: Keys, warehouse: Warehouse
) -> None:
    pending = warehouse.load(factories.id_card())
    expired = warehouse.verified(
        factories.id_card(expiry_date="2020-01-01", issue_date="2010-01-01")
    )
    headers = keys.headers()
    for document_id in (pending, expired, 999_999):
        response = client.get(f"/v1/documents/{document_id}", headers=headers)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "document_not_found"
    on_date = client.get(
        f"/v1/documents/{expired}", headers=headers, params={"valid_on": "2019-12-31"}
    )
    assert on_date.status_code == 200


def test_a_rejected_field_is_not_served(
    client: TestClient, keys: Keys, warehouse: Warehouse, runtime: Runtime
) -> None:
    from loaders.review import reject_field

    document_id = warehouse.load(factories.id_card())
    with runtime.session() as session:
        reject_field(
            session,
            document_id,
            "issue_date",
            "mờ",
            principal_id=warehouse.steward_id,
            expected_lock_version=warehouse.lock_version(document_id),
        )
    warehouse.accept(document_id)
    body = client.get(f"/v1/documents/{document_id}", headers=keys.headers()).json()
    assert "issue_date" not in {f["name"] for f in body["fields"]}
