"""Wrong data never gets in through the review UI: a correction goes through the field's kind
(`loaders.review.correct_field`), and a value it refuses is shown where it was typed — the
Vietnamese reason beside the input, the typed text still in it — with nothing saved. The same
for a plain form post (no JavaScript) and for the in-place request review.js sends. The NUL
byte never reaches a route (the app refuses such a form first): tests/web/api/test_invalid_
characters.py and the browser test show it."""

from __future__ import annotations

import re
from html import unescape

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from extractors import kinds
from loaders.models import FieldStatus, FieldValue, ReviewAction
from sohoa.runtime import Runtime
from tests.loaders import factories
from tests.web.review.conftest import People, Scanned
from tests.web.review.helpers import lock_in, shown_value, sign_in

# (field, what the steward typed, the stable code of the refusal): the list.
REFUSED = [
    ("expiry_date", "31/02/2024", "invalid_date"),
    ("date_of_birth", "hôm qua", "invalid_date"),
    ("id_number", "12345", "invalid_id_number"),
    ("sex", "Không rõ", "invalid_sex"),
    ("full_name", "Nguyễn Văn " + "A" * 95, "value_too_long"),
]


def _card(scanned: Scanned) -> int:
    card = factories.id_card(
        id_number="001099012345",
        full_name="Nguyễn Văn An",
        extra=(factories.field("sex", "female"),),
    )
    return scanned.load(card)


def _row(runtime: Runtime, document_id: int, name: str) -> tuple[str, str]:
    with runtime.session() as db:
        row = db.scalars(
            sa.select(FieldValue).where(
                FieldValue.document_id == document_id, FieldValue.name == name
            )
        ).one()
        return row.value, row.status


def _actions(runtime: Runtime, document_id: int) -> int:
    with runtime.session() as db:
        return len(
            db.scalars(sa.select(ReviewAction).where(ReviewAction.document_id == document_id)).all()
        )


def _correct(client: TestClient, document_id: int, name: str, typed: str, **headers: str):
    url = f"/review/documents/{document_id}"
    page = client.get(url)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    return client.post(
        f"{url}/fields/{name}",
        data={
            "csrf_token": token.group(1),
            "lock_version": str(lock_in(page.text)),
            "action": "correct",
            "field": name,
            "value": typed,
        },
        headers=headers,
        follow_redirects=False,
    )


@pytest.mark.parametrize(("name", "typed", "code"), REFUSED, ids=[c for *_, c in REFUSED])
def test_a_refused_value_is_shown_beside_its_input_and_nothing_is_saved(
    client: TestClient,
    people: People,
    scanned: Scanned,
    runtime: Runtime,
    name: str,
    typed: str,
    code: str,
) -> None:
    document_id = _card(scanned)
    sign_in(client, "lan.steward")
    before = _row(runtime, document_id, name)

    response = _correct(client, document_id, name, typed)

    assert response.status_code == 422
    html = response.text
    refusal = re.search(rf'<p class="refusal" role="alert" id="refusal-{name}">([^<]+)</p>', html)
    assert refusal, "the reason is not beside the input"
    spec = kinds.KINDS[_kind(name)]
    assert unescape(refusal.group(1)) == kinds.parse(spec.code, typed).message
    assert shown_value(html, name) == typed  # what the steward typed, kept to fix
    assert f'id="field-{name}"' in html and "editing refused" in html
    assert _row(runtime, document_id, name) == before
    assert _actions(runtime, document_id) == 0


@pytest.mark.parametrize(("name", "typed", "code"), REFUSED, ids=[c for *_, c in REFUSED])
def test_an_in_place_correction_refused_answers_its_code_and_reason(
    client: TestClient,
    people: People,
    scanned: Scanned,
    runtime: Runtime,
    name: str,
    typed: str,
    code: str,
) -> None:
    document_id = _card(scanned)
    sign_in(client, "lan.steward")
    before = _row(runtime, document_id, name)

    response = _correct(client, document_id, name, typed, Accept="application/json")

    assert response.status_code == 422
    body = response.json()
    assert (body["code"], body["field"]) == (code, name)
    assert body["message"] == kinds.parse(_kind(name), typed).message
    assert _row(runtime, document_id, name) == before


def test_each_input_holds_no_more_than_its_kind_allows(
    client: TestClient, people: People, scanned: Scanned
) -> None:
    """The UI's length limit is the API's: the kind's `max_length`."""
    document_id = _card(scanned)
    sign_in(client, "lan.steward")
    html = client.get(f"/review/documents/{document_id}").text
    limits = dict(
        re.findall(r'id="value-([a-z_]+)" name="value" rows="\d+" maxlength="(\d+)"', html)
    )
    assert limits and set(limits) == {"id_number", "full_name", "date_of_birth", "issue_date",
                                      "expiry_date", "sex"}  # fmt: skip
    for name, limit in limits.items():
        assert int(limit) == kinds.KINDS[_kind(name)].max_length


def test_a_vietnamese_form_is_stored_canonically_and_shown_back_as_typed(
    client: TestClient, people: People, scanned: Scanned, runtime: Runtime
) -> None:
    document_id = _card(scanned)
    sign_in(client, "lan.steward")
    assert _correct(client, document_id, "date_of_birth", "22/10/1999").status_code == 303
    assert _correct(client, document_id, "sex", "Nam").status_code == 303
    assert _row(runtime, document_id, "date_of_birth") == ("1999-10-22", FieldStatus.CORRECTED)
    assert _row(runtime, document_id, "sex") == ("male", FieldStatus.CORRECTED)
    html = client.get(f"/review/documents/{document_id}").text
    assert shown_value(html, "date_of_birth") == "22/10/1999"
    assert shown_value(html, "sex") == "Nam"


def _kind(name: str) -> str:
    from loaders.field_checks import kind_of

    return kind_of("id_card", name)


def test_a_plain_form_post_with_a_nul_gets_a_page_in_vietnamese(
    client: TestClient, people: People, scanned: Scanned, runtime: Runtime
) -> None:
    """Without JavaScript the browser shows the answer itself: a page saying what to do, in
    Vietnamese, not the API's JSON; nothing is saved."""
    document_id = _card(scanned)
    sign_in(client, "lan.steward")
    before = _row(runtime, document_id, "full_name")
    response = _correct(client, document_id, "full_name", "Nguyễn\x00Văn An", accept="text/html")
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    assert "ký tự không hợp lệ" in unescape(response.text) and "quay lại" in unescape(response.text)
    assert _row(runtime, document_id, "full_name") == before
    scripted = _correct(client, document_id, "full_name", "Nguyễn\x00Văn An",
                        accept="application/json")  # fmt: skip
    assert scripted.json()["error"]["code"] == "invalid_character"
