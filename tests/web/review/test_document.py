"""The document page: the scan with word boxes, the fields as a form, decisions with their
records, the stale-form message, and moving on to the next document."""

from __future__ import annotations

import io
import re

import sqlalchemy as sa
from fastapi.testclient import TestClient
from PIL import Image, ImageChops

from loaders.models import (
    AuditEntry,
    Document,
    DocumentStatus,
    FieldStatus,
    FieldValue,
    ReviewAction,
)
from sohoa.runtime import Runtime
from storage import layout
from tests.loaders import factories
from tests.web.review.conftest import People, Scanned
from tests.web.review.helpers import lock_in, shown_value, sign_in
from tests.web.review.scans import HEIGHT, WIDTH


def _field(runtime: Runtime, document_id: int, name: str) -> FieldValue:
    with runtime.session() as db:
        return db.scalars(
            sa.select(FieldValue).where(
                FieldValue.document_id == document_id, FieldValue.name == name
            )
        ).one()


def _post(client: TestClient, url: str, token: str, lock: int, **data: str):
    return client.post(
        url, data={"csrf_token": token, "lock_version": str(lock), **data}, follow_redirects=False
    )


def test_the_page_shows_the_scan_boxes_and_the_fields(
    client: TestClient, people: People, scanned: Scanned
) -> None:
    document_id = scanned.load(
        factories.id_card(full_name="Trần Thị Bích", findings=(factories.error_on("id_number"),))
    )
    sign_in(client, "lan.steward")
    page = client.get(f"/review/documents/{document_id}")
    assert page.status_code == 200, page.text
    html = page.text
    assert f'src="/review/documents/{document_id}/pages/1.png"' in html
    assert html.count('class="word') >= 6  # OCR word boxes drawn over the scan
    assert 'class="field-box" data-field="full_name"' in html
    assert "Họ, chữ đệm và tên" in html and shown_value(html, "full_name") == "Trần Thị Bích"
    assert "Giá trị không hợp lệ" in html  # the finding, in Vietnamese
    assert "Phím tắt" in html
    image = client.get(f"/review/documents/{document_id}/pages/1.png")
    assert image.status_code == 200 and image.content.startswith(b"\x89PNG")
    assert client.get(f"/review/documents/{document_id}/pages/2.png").status_code == 404
    assert client.get("/review/documents/999999").status_code == 404


def test_a_page_image_not_stored_is_rendered_from_the_original(
    client: TestClient, people: People, scanned: Scanned, runtime: Runtime
) -> None:
    """The pipeline leaves page images to be rendered when first shown: from the original,
    at the size the word boxes were measured on, then kept in the store."""
    document_id = scanned.load(factories.id_card())
    with runtime.session() as db:
        sha256 = db.get(Document, document_id).sha256
    store = runtime.store
    page_key = layout.page_image(sha256, 1)
    scan = store.get_bytes(page_key)
    store.put_bytes(layout.original(sha256), scan)  # the scan itself is the original here
    store.delete(page_key)
    sign_in(client, "lan.steward")
    image = client.get(f"/review/documents/{document_id}/pages/1.png")
    assert image.status_code == 200 and image.content.startswith(b"\x89PNG")
    shown = Image.open(io.BytesIO(image.content))
    assert shown.size == (WIDTH, HEIGHT)  # the size the boxes of ocr.json are in
    assert (
        ImageChops.difference(shown.convert("RGB"), Image.open(io.BytesIO(scan))).getbbox() is None
    )
    assert store.exists(page_key)


def test_page_images_need_a_session(client: TestClient, scanned: Scanned) -> None:
    document_id = scanned.load(factories.id_card())
    response = client.get(f"/review/documents/{document_id}/pages/1.png", follow_redirects=False)
    assert response.status_code == 303


def test_accept_correct_reject_are_recorded(
    client: TestClient, people: People, scanned: Scanned, runtime: Runtime
) -> None:
    document_id = scanned.load(factories.id_card(full_name="Nguyen Van An"))
    token = sign_in(client, "lan.steward")
    url = f"/review/documents/{document_id}"
    lock = lock_in(client.get(url).text)

    accepted = _post(client, f"{url}/fields/id_number", token, lock, action="accept")
    assert accepted.status_code == 303
    assert "msg=accept" in accepted.headers["location"]
    assert "after=id_number" in accepted.headers["location"]

    lock = lock_in(client.get(url).text)
    corrected = _post(
        client, f"{url}/fields/full_name", token, lock, action="correct", value="Nguyễn Văn An"
    )
    assert corrected.status_code == 303
    assert _field(runtime, document_id, "full_name").value == "Nguyễn Văn An"
    assert _field(runtime, document_id, "full_name").status == FieldStatus.CORRECTED

    lock = lock_in(client.get(url).text)
    no_reason = _post(client, f"{url}/fields/issue_date", token, lock, action="reject")
    assert no_reason.status_code == 422 and "Hãy nêu lý do" in no_reason.text
    rejected = _post(
        client,
        f"{url}/fields/issue_date",
        token,
        lock,
        action="reject",
        reason="Mờ, không đọc được",
    )
    assert rejected.status_code == 303

    with runtime.session() as db:
        actions = db.scalars(
            sa.select(ReviewAction)
            .where(ReviewAction.document_id == document_id)
            .order_by(ReviewAction.id)
        ).all()
        assert [(a.action, a.field_name) for a in actions] == [
            ("accept", "id_number"),
            ("correct", "full_name"),
            ("reject_field", "issue_date"),
        ]
        assert actions[1].before["value"] == "Nguyen Van An"
        assert actions[1].after["value"] == "Nguyễn Văn An"
        assert all(a.principal_id == people.steward for a in actions)
        audits = db.scalars(
            sa.select(AuditEntry.action).where(
                AuditEntry.document_id == document_id,
                AuditEntry.principal_id == people.steward,
                ~AuditEntry.action.startswith("read."),  # page views: test_read_audit.py
            )
        ).all()
        assert audits == ["review.accept", "review.correct", "review.reject_field"]
    history = client.get(url).text
    assert "«Nguyen Van An» → «Nguyễn Văn An»" in history
    assert "Mờ, không đọc được" in history and "lan.steward" in history


def test_a_stale_form_is_refused_with_the_fresh_values(
    client: TestClient, people: People, scanned: Scanned, runtime: Runtime
) -> None:
    document_id = scanned.load(factories.id_card(full_name="Lê Văn Tám"))
    token = sign_in(client, "lan.steward")
    url = f"/review/documents/{document_id}"
    seen = lock_in(client.get(url).text)
    # Another steward corrects the name first.
    first = _post(
        client, f"{url}/fields/full_name", token, seen, action="correct", value="Lê Văn Tâm"
    )
    assert first.status_code == 303
    late = _post(
        client, f"{url}/fields/full_name", token, seen, action="correct", value="Lê Văn Tấm"
    )
    assert late.status_code == 409
    assert "vừa được người khác thay đổi" in late.text
    assert "«Lê Văn Tấm»" in late.text  # what the steward tried to save
    assert shown_value(late.text, "full_name") == "Lê Văn Tâm"  # the fresh value
    assert lock_in(late.text) > seen
    assert _field(runtime, document_id, "full_name").value == "Lê Văn Tâm"


def test_a_post_without_the_form_token_changes_nothing(
    client: TestClient, people: People, scanned: Scanned, runtime: Runtime
) -> None:
    document_id = scanned.load(factories.id_card())
    sign_in(client, "lan.steward")
    url = f"/review/documents/{document_id}"
    lock = lock_in(client.get(url).text)
    response = client.post(
        f"{url}/fields/full_name", data={"lock_version": str(lock), "action": "accept"}
    )
    assert response.status_code == 403
    assert _field(runtime, document_id, "full_name").status == FieldStatus.PENDING


def test_a_settled_document_opens_the_next_one(
    client: TestClient, people: People, scanned: Scanned, runtime: Runtime
) -> None:
    first = scanned.load(factories.id_card(id_number="001099000001", confidence=0.5))
    second = scanned.load(factories.id_card(id_number="001099000002", confidence=0.7))
    token = sign_in(client, "lan.steward")
    url = f"/review/documents/{first}"
    lock = lock_in(client.get(url).text)
    response = _post(client, f"{url}/accept", token, lock)
    assert response.status_code == 303
    assert response.headers["location"] == f"/review/documents/{second}?done={first}"
    assert "Tài liệu #" in client.get(response.headers["location"]).text
    with runtime.session() as db:
        assert db.get_one(Document, first).status == DocumentStatus.VERIFIED
    lock = lock_in(client.get(f"/review/documents/{second}").text)
    last = _post(
        client, f"/review/documents/{second}/reject", token, lock, reason="Không phải CCCD"
    )
    assert last.headers["location"] == f"/review?done={second}"
    queue = client.get(last.headers["location"]).text
    assert "Không còn tài liệu nào cần xác minh" in queue


def test_next_goes_to_the_worst_waiting_document(
    client: TestClient, people: People, scanned: Scanned
) -> None:
    scanned.load(factories.id_card(id_number="001099000011", confidence=0.9))
    worst = scanned.load(factories.id_card(id_number="001099000012", confidence=0.3))
    sign_in(client, "lan.steward")
    response = client.get("/review/next", follow_redirects=False)
    assert response.headers["location"] == f"/review/documents/{worst}"
    response = client.get(f"/review/next?after={worst}", follow_redirects=False)
    assert response.headers["location"] != f"/review/documents/{worst}"
    assert re.match(r"/review/documents/\d+$", response.headers["location"])
