"""Each refused correction of issue 16's list, in a real browser: the Vietnamese reason appears
beside the input, the typed text stays in it to be fixed, no page loads and nothing is saved.
One server, browser and signed-in page for the module: a refusal changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from extractors import kinds
from loaders.db import session_scope
from loaders.load import load_extraction
from loaders.models import FieldValue, ReviewAction
from sohoa.runtime import Runtime
from tests.loaders import factories
from tests.web.review.browsing import Steward, chromium, embedded_runtime, serving, signed_in
from tests.web.review.helpers import boxed
from tests.web.review.scans import store_scan

pytestmark = pytest.mark.browser

NAME_LIMIT = kinds.KINDS["name"].max_length


@pytest.fixture(scope="module")
def card(
    tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path
) -> Iterator[tuple[Runtime, Steward, int]]:
    runtime = embedded_runtime(tmp_path_factory.mktemp("refusals"), sqlite_template)
    extraction = boxed(
        factories.id_card(
            id_number="001099012345",
            full_name="Nguyễn Văn An",
            extra=(factories.field("sex", "male"),),
        )
    )
    with session_scope(runtime.sessions) as session:
        document_id = load_extraction(session, extraction).document_id
    store_scan(runtime.store, extraction)
    with serving(runtime) as url, chromium() as browser:
        yield runtime, signed_in(browser, url), document_id
    runtime.close()


def _stored(runtime: Runtime, document_id: int) -> tuple[dict[str, str], int]:
    with runtime.session() as db:
        values = dict(
            db.execute(
                sa.select(FieldValue.name, FieldValue.value).where(
                    FieldValue.document_id == document_id
                )
            ).all()
        )
        actions = db.scalars(
            sa.select(ReviewAction.id).where(ReviewAction.document_id == document_id)
        ).all()
        return values, len(actions)


def _type_and_save(steward: Steward, name: str, text: str) -> None:
    page = steward.page
    page.click(f"#value-{name}")  # a click on a value starts editing it
    assert page.evaluate("document.activeElement.id") == f"value-{name}"
    page.keyboard.insert_text(text)
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#refusal-{name}:not([hidden])")


REFUSED = [
    ("expiry_date", "31/02/2024", "không phải là một ngày có thật"),
    ("date_of_birth", "hôm qua", "“hôm qua” không phải là ngày"),
    ("id_number", "12345", "phải có đúng 12 chữ số"),
    ("sex", "Không rõ", "không phải giới tính: hãy nhập Nam hoặc Nữ"),
    ("full_name", "Nguyễn\x00 Văn An", "ký tự điều khiển không hợp lệ"),
]


@pytest.mark.parametrize(
    ("name", "typed", "reason"),
    REFUSED,
    ids=["impossible expiry", "a date in words", "short ID number", "unknown sex", "NUL"],
)
def test_a_refused_correction_is_explained_beside_its_input(
    card: tuple[Runtime, Steward, int], name: str, typed: str, reason: str
) -> None:
    runtime, steward, document_id = card
    steward.open(document_id)
    before = _stored(runtime, document_id)

    _type_and_save(steward, name, typed)

    shown = steward.page.locator(f"#refusal-{name}")
    assert reason in shown.inner_text()
    assert steward.value(name) == typed  # kept, to be fixed
    assert steward.page.locator(f"#field-{name}.refused.editing").count() == 1
    assert steward.loads == [] and steward.errors == []
    assert _stored(runtime, document_id) == before


def test_a_value_longer_than_its_kind_allows_cannot_be_typed_nor_sent(
    card: tuple[Runtime, Steward, int],
) -> None:
    runtime, steward, document_id = card
    steward.open(document_id)
    before = _stored(runtime, document_id)
    page = steward.page
    assert page.get_attribute("#value-full_name", "maxlength") == str(NAME_LIMIT)
    page.click("#value-full_name")
    page.keyboard.type("Nguyễn Văn " + "A" * NAME_LIMIT)
    assert len(steward.value("full_name")) == NAME_LIMIT  # the browser stops at the limit

    # A browser that does not keep the limit (or a script) sends more: the server refuses it.
    page.evaluate("document.getElementById('value-full_name').removeAttribute('maxlength')")
    too_long = "Nguyễn Văn " + "A" * NAME_LIMIT
    page.fill("#value-full_name", too_long)
    page.keyboard.press("Enter")
    page.wait_for_selector("#refusal-full_name:not([hidden])")
    message = page.locator("#refusal-full_name").inner_text()
    assert f"Giá trị dài quá {NAME_LIMIT} ký tự ({len(too_long)})" in message
    assert steward.value("full_name") == too_long
    assert steward.loads == [] and _stored(runtime, document_id) == before


def test_after_a_refusal_a_right_value_is_saved_in_place(
    card: tuple[Runtime, Steward, int],
) -> None:
    runtime, steward, document_id = card
    steward.open(document_id)
    _type_and_save(steward, "date_of_birth", "30/02/1999")
    page: Any = steward.page
    page.keyboard.press("Control+A")
    page.keyboard.insert_text("22/10/1999")
    page.keyboard.press("Enter")
    page.wait_for_selector("#action-notice")
    assert steward.value("date_of_birth") == "22/10/1999"
    assert steward.page.locator("#refusal-date_of_birth").is_hidden()
    assert _stored(runtime, document_id)[0]["date_of_birth"] == "1999-10-22"
    assert steward.loads == []
