"""`GET /v1/subjects/{id}/documents` serializes its page without building pydantic models (it is
the busiest read): its body must be exactly what its documented `response_model` produces."""

from __future__ import annotations

from fastapi.testclient import TestClient

from sohoa.web.api.schemas import DocumentPage
from tests.loaders import factories
from tests.web.conftest import Keys, Warehouse

ID = "001099012345"


def test_the_page_is_byte_for_byte_the_documented_model(
    client: TestClient, keys: Keys, warehouse: Warehouse
) -> None:
    for issued in ("2016-01-01", "2019-06-30", "2021-05-01"):
        warehouse.verified(
            factories.id_card(id_number=ID, full_name="Lê Thị Hồng", issue_date=issued)
        )
    headers = keys.headers()

    first = client.get(f"/v1/subjects/{ID}/documents", params={"limit": 2}, headers=headers)

    assert first.status_code == 200, first.text
    assert first.headers["content-type"] == "application/json"
    page = DocumentPage.model_validate_json(first.content)
    assert first.content == page.model_dump_json().encode()
    assert len(page.items) == 2 and page.next_cursor
    assert all(item.roles == ["holder"] for item in page.items)
    rest = client.get(
        f"/v1/subjects/{ID}/documents", params={"cursor": page.next_cursor}, headers=headers
    )
    last = DocumentPage.model_validate_json(rest.content)
    assert rest.content == last.model_dump_json().encode()
    assert len(last.items) == 1 and last.next_cursor is None
