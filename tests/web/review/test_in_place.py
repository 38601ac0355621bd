"""Decisions in place: a request from review.js is answered with the fresh panel (and the field
to select next) instead of a new page, or with the next document's address once the document is
settled; the same routes keep answering plain form posts. Accepting the confident fields, adding
a field the machine missed, and what the page shows of each field (values by kind, in full,
every value below the threshold with its reason, conflicts labelled by their kind)."""

from __future__ import annotations

import re
from dataclasses import replace

import sqlalchemy as sa
from fastapi.testclient import TestClient

from extractors.confidence import REVIEW_THRESHOLD
from loaders.models import FieldStatus, FieldValue, ReviewAction
from sohoa.runtime import Runtime
from tests.loaders import factories
from tests.web.conftest import Warehouse
from tests.web.review.conftest import People, Scanned
from tests.web.review.helpers import lock_in, shown_value, sign_in, with_confidence

JSON = {"Accept": "application/json"}
ADDRESS = (
    "Số 147 đường Lê Lợi, tổ dân phố 12, phường Lê Lợi, thành phố Bà Rịa, tỉnh Bà Rịa - Vũng "
    "Tàu (nay là phường Bà Rịa, Thành phố Hồ Chí Minh)"
)


def _rows(runtime: Runtime, document_id: int) -> dict[str, FieldValue]:
    with runtime.session() as db:
        rows = db.scalars(sa.select(FieldValue).where(FieldValue.document_id == document_id))
        return {row.name: row for row in rows}


def _post(
    client: TestClient, url: str, html: str, headers: dict[str, str] | None = None, **data: str
):
    token = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert token
    form = {"csrf_token": token.group(1), "lock_version": str(lock_in(html)), **data}
    return client.post(url, data=form, headers=headers or {}, follow_redirects=False)


def test_a_decision_in_place_answers_the_panel_and_the_next_field(
    client: TestClient, people: People, scanned: Scanned, runtime: Runtime
) -> None:
    document_id = scanned.load(factories.id_card(confidence=0.5))
    sign_in(client, "lan.steward")
    url = f"/review/documents/{document_id}"
    page = client.get(url).text

    answer = _post(client, f"{url}/fields/id_number", page, JSON, action="accept")

    assert answer.status_code == 200
    body = answer.json()
    assert body["selected"] == "full_name"  # the next undecided field
    assert body["lock_version"] > lock_in(page)
    assert 'id="fields"' in body["panel"] and "<html" not in body["panel"]
    assert "Đã chấp nhận trường." in body["panel"]
    assert {b["name"] for b in body["boxes"]} >= {"id_number", "full_name"}
    assert _rows(runtime, document_id)["id_number"].status == FieldStatus.ACCEPTED


def test_the_last_decision_in_place_gives_the_next_document(
    client: TestClient, people: People, scanned: Scanned
) -> None:
    first = scanned.load(factories.id_card(id_number="001099000001", confidence=0.5))
    second = scanned.load(factories.id_card(id_number="001099000002", confidence=0.7))
    sign_in(client, "lan.steward")
    page = client.get(f"/review/documents/{first}").text
    answer = _post(client, f"/review/documents/{first}/accept", page, JSON)
    assert answer.status_code == 200
    assert answer.json() == {
        "settled": True,
        "location": f"/review/documents/{second}?done={first}",
    }


def test_a_stale_decision_in_place_gets_the_fresh_panel(
    client: TestClient, people: People, scanned: Scanned
) -> None:
    document_id = scanned.load(factories.id_card(full_name="Lê Văn Tám"))
    sign_in(client, "lan.steward")
    url = f"/review/documents/{document_id}"
    seen = client.get(url).text
    _post(client, f"{url}/fields/full_name", seen, action="correct", value="Lê Văn Tâm")
    late = _post(
        client, f"{url}/fields/full_name", seen, JSON, action="correct", value="Lê Văn Tấm"
    )
    assert late.status_code == 409
    body = late.json()
    assert "vừa được người khác thay đổi" in body["message"] and "«Lê Văn Tấm»" in body["message"]
    assert shown_value(body["panel"], "full_name") == "Lê Văn Tâm"


def test_accepting_the_confident_fields_leaves_the_others(
    client: TestClient, people: People, scanned: Scanned, runtime: Runtime
) -> None:
    below = REVIEW_THRESHOLD - 0.2
    card = with_confidence(
        factories.id_card(findings=(factories.error_on("issue_date"),)),
        {"id_number": 0.97, "full_name": below, "date_of_birth": 0.95, "issue_date": 0.99},
    )
    document_id = scanned.load(card)
    sign_in(client, "lan.steward")
    url = f"/review/documents/{document_id}"
    page = client.get(url).text
    assert "Chấp nhận 3 trường đạt ngưỡng 90%" in page

    answer = _post(client, f"{url}/accept-confident", page, JSON)

    assert answer.status_code == 200
    statuses = {name: row.status for name, row in _rows(runtime, document_id).items()}
    assert statuses == {
        "id_number": FieldStatus.ACCEPTED,
        "date_of_birth": FieldStatus.ACCEPTED,
        "expiry_date": FieldStatus.ACCEPTED,
        "full_name": FieldStatus.PENDING,  # below the threshold
        "issue_date": FieldStatus.PENDING,  # an error finding
    }
    assert answer.json()["selected"] == "full_name"
    with runtime.session() as db:
        (action,) = db.scalars(
            sa.select(ReviewAction).where(ReviewAction.document_id == document_id)
        )
    assert (action.action, sorted(action.after["fields"])) == (
        "accept_confident",
        ["date_of_birth", "expiry_date", "id_number"],
    )
    again = _post(client, f"{url}/accept-confident", answer.json()["panel"], JSON)
    assert "Không có trường nào chờ xác minh đạt ngưỡng" in again.json()["panel"]


def test_a_missing_field_is_added_with_the_box_of_the_clicked_words(
    client: TestClient, people: People, scanned: Scanned, runtime: Runtime
) -> None:
    document_id = scanned.load(factories.id_card(expiry_date=None))
    sign_in(client, "lan.steward")
    url = f"/review/documents/{document_id}"
    page = client.get(url).text
    assert '<option value="expiry_date"' in page and '<option value="full_name"' not in page

    answer = _post(
        client, f"{url}/fields", page, JSON, name="expiry_date", value="15/03/2039",
        page="1", box="60,500,180,34",
    )  # fmt: skip

    assert answer.status_code == 200, answer.text
    row = _rows(runtime, document_id)["expiry_date"]
    assert (row.value, row.status, row.page, row.box) == (
        "2039-03-15", FieldStatus.CORRECTED, 1, [60, 500, 180, 34]
    )  # fmt: skip
    assert {"name": "expiry_date", "page": 1, "box": [60, 500, 180, 34]} in answer.json()["boxes"]
    refused = _post(client, f"{url}/fields", answer.json()["panel"], JSON, name="sex", value="X")
    assert refused.status_code == 422 and refused.json()["code"] == "invalid_sex"
    assert "sex" not in _rows(runtime, document_id)


def test_a_missing_field_is_added_by_a_plain_form_too(
    client: TestClient, people: People, scanned: Scanned, runtime: Runtime
) -> None:
    document_id = scanned.load(factories.id_card(expiry_date=None))
    sign_in(client, "lan.steward")
    url = f"/review/documents/{document_id}"
    page = client.get(url).text
    added = _post(client, f"{url}/fields", page, name="sex", value="Nữ", page="", box="")
    assert added.status_code == 303 and "msg=add_field" in added.headers["location"]
    assert _rows(runtime, document_id)["sex"].value == "female"
    refused = _post(client, f"{url}/fields", client.get(url).text, name="expiry_date", value="x")
    assert refused.status_code == 422
    assert 'id="refusal-add">“x” không phải là ngày' in refused.text
    assert ">x</textarea>" in refused.text  # the typed text kept in the add form


def test_values_show_as_a_vietnamese_reader_expects_in_full(
    client: TestClient, people: People, scanned: Scanned
) -> None:
    card = factories.id_card(
        expiry_date="9999-12-31",
        extra=(factories.field("sex", "male"), factories.field("place_of_residence", ADDRESS)),
    )
    document_id = scanned.load(card)
    sign_in(client, "lan.steward")
    html = client.get(f"/review/documents/{document_id}").text
    assert shown_value(html, "date_of_birth") == "15/03/1999"
    assert shown_value(html, "expiry_date") == "Không thời hạn"
    assert shown_value(html, "sex") == "Nam"
    assert shown_value(html, "place_of_residence") == ADDRESS  # all of it, never cut
    rows = re.search(r'id="value-place_of_residence" name="value" rows="(\d+)"', html)
    assert rows and int(rows.group(1)) >= 3  # wraps over lines before any script runs
    assert 'placeholder="05/01/2024"' in html  # the kind's hint
    assert "Nhập như: Nam hoặc Nữ" in html


def test_every_value_below_the_threshold_shows_why(
    client: TestClient, people: People, scanned: Scanned
) -> None:
    """The page shows each field's findings; a low value whose extraction gave none still says
    it is below the threshold (a value below it without a reason must not look settled)."""
    doubt = factories.field("full_name", "Nguyen Van An", 0.41)
    card = factories.id_card(findings=(), confidence=0.95)
    card = replace(
        card,
        fields=tuple(doubt if f.name == "full_name" else f for f in card.fields),
        findings=(
            replace(factories.error_on("full_name"), message="Họ tên không có dấu tiếng Việt"),
        ),
    )
    low_without_reason = with_confidence(card, {"issue_date": 0.5})
    document_id = scanned.load(low_without_reason)
    sign_in(client, "lan.steward")
    html = client.get(f"/review/documents/{document_id}").text
    name_item = html[html.index('id="field-full_name"') : html.index('id="field-date_of_birth"')]
    assert "Họ tên không có dấu tiếng Việt" in name_item
    issue_item = html[html.index('id="field-issue_date"') :]
    assert "Độ tin cậy 50%, dưới ngưỡng 90%" in issue_item


def test_a_field_conflict_is_labelled_as_a_reread_not_an_identity_conflict(
    client: TestClient, people: People, warehouse: Warehouse
) -> None:
    card = factories.id_card(id_number="001099000201", full_name="Đỗ Văn Hùng")
    document_id = warehouse.verified(card)
    reread = replace(
        card,
        fields=tuple(
            replace(f, value="Đỗ Văn Hưng") if f.name == "full_name" else f for f in card.fields
        ),
    )
    warehouse.load(reread)
    sign_in(client, "lan.steward")
    html = client.get(f"/review/documents/{document_id}").text
    assert "Máy đọc lại khác giá trị đã xác minh" in html
    assert "Xung đột định danh" not in html
    queue = client.get("/review").text
    row = queue[queue.index(f"#{document_id}<") :]
    assert "Máy đọc lại khác giá trị đã xác minh (1)" in row[: row.index("</tr>")]
