"""The steward's path in a real browser: a decision costs one key and no page load, the focus
moves to the next undecided field, the confident fields are accepted in one key, a clean document
takes one key, the scan zooms and pans, a missing field is filled from words clicked on the scan,
an unknown document is retyped, "next" walks the queue, "later" and "previous"; and the page
reads right (values by kind, in full, every doubtful value with its reason, conflicts by kind)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from extractors.confidence import REVIEW_THRESHOLD
from extractors.fields import unknown as unknown_type
from extractors.records import Extraction
from loaders.db import session_scope
from loaders.load import load_extraction
from loaders.models import Document, FieldStatus, FieldValue
from loaders.review import accept_field
from sohoa.runtime import Runtime
from tests.loaders import factories
from tests.web.review.browsing import Steward, chromium, embedded_runtime, serving, signed_in
from tests.web.review.helpers import boxed, with_confidence
from tests.web.review.scans import CARD_BACK_LINES, store_scan, store_text_page

pytestmark = pytest.mark.browser

ADDRESS = (
    "Số 147 đường Lê Lợi, tổ dân phố 12, phường Lê Lợi, thành phố Bà Rịa, tỉnh Bà Rịa - Vũng "
    "Tàu (nay là phường Bà Rịa, Thành phố Hồ Chí Minh)"
)


class Desk:
    """A warehouse to fill, then a browser signed in as a steward against it."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def load(self, extraction: Extraction, *, scan: Extraction | None = None) -> int:
        """Load `extraction`; the scan drawn is `scan`'s (default: the same)."""
        with session_scope(self.runtime.sessions) as session:
            document_id = load_extraction(session, extraction).document_id
        store_scan(self.runtime.store, scan or extraction)
        return document_id

    def card(self, number: str, name: str, **confidences: float) -> int:
        extraction = boxed(factories.id_card(id_number=number, full_name=name))
        return self.load(with_confidence(extraction, confidences))

    def field(self, document_id: int, name: str) -> FieldValue | None:
        with self.runtime.session() as db:
            return db.scalars(
                sa.select(FieldValue).where(
                    FieldValue.document_id == document_id, FieldValue.name == name
                )
            ).first()


@pytest.fixture
def desk(tmp_path: Path, sqlite_template: Path) -> Iterator[Desk]:
    runtime = embedded_runtime(tmp_path / "desk", sqlite_template)
    yield Desk(runtime)
    runtime.close()


@pytest.fixture
def steward(desk: Desk) -> Iterator[Any]:
    """Called with no argument once the desk is filled: the server starts and signs in."""
    stack: list[Any] = []

    def start() -> Steward:
        serve, browse = serving(desk.runtime), chromium()
        url, browser = serve.__enter__(), browse.__enter__()
        stack.extend([serve, browse])
        return signed_in(browser, url)

    yield start
    for manager in reversed(stack):
        manager.__exit__(None, None, None)


def _press(steward: Steward, key: str, settled: str) -> None:
    steward.page.keyboard.press(key)
    steward.page.wait_for_selector(settled)


def test_a_decision_is_one_key_and_the_focus_moves_on(desk: Desk, steward: Any) -> None:
    document_id = desk.card("001099012345", "Nguyễn Văn An", id_number=0.5, full_name=0.5)
    s = steward()
    s.open(document_id)
    assert s.selected() == "id_number"
    _press(s, "a", "#action-notice")
    assert s.selected() == "full_name"  # the next undecided field
    assert s.page.evaluate("document.activeElement.id") == "field-full_name"
    _press(s, "j", ".field.selected[data-field=date_of_birth]")
    _press(s, "k", ".field.selected[data-field=full_name]")
    s.page.keyboard.press("Enter")  # Enter accepts too
    s.page.wait_for_selector("#field-full_name .badge.status-accepted")
    assert s.selected() == "date_of_birth"
    assert s.loads == [] and s.errors == []
    statuses = {n: desk.field(document_id, n).status for n in ("id_number", "full_name")}  # type: ignore[union-attr]
    assert set(statuses.values()) == {FieldStatus.ACCEPTED}


def test_c_accepts_the_confident_fields_and_leaves_the_rest(desk: Desk, steward: Any) -> None:
    low = REVIEW_THRESHOLD - 0.3
    document_id = desk.card(
        "001099012345", "Nguyen Van An", full_name=low, date_of_birth=0.97, id_number=0.96,
        expiry_date=0.95, issue_date=0.94,
    )  # fmt: skip
    s = steward()
    s.open(document_id)
    _press(s, "c", "#action-notice")
    assert s.page.locator(".field .badge.status-accepted").count() == 4
    assert s.page.locator("#field-full_name .badge.status-pending").count() == 1
    assert s.selected() == "full_name"  # what is left for the steward
    assert desk.field(document_id, "full_name").status == FieldStatus.PENDING  # type: ignore[union-attr]
    assert s.loads == []


def test_a_document_with_nothing_to_fix_takes_one_key(desk: Desk, steward: Any) -> None:
    first = desk.card("001099000001", "Lê Thị Hoa")
    second = desk.card("001099000002", "Trần Văn Nam")
    s = steward()
    s.open(first)
    s.page.keyboard.press("Shift+A")
    s.page.wait_for_url(f"**/review/documents/{second}?done={first}")
    assert len(s.loads) == 1  # the next document: the one page load of the document
    assert "đã xong" in s.page.locator("#action-notice").inner_text()


def test_the_scan_zooms_pans_and_goes_to_the_selected_field(desk: Desk, steward: Any) -> None:
    document_id = desk.card("001099012345", "Nguyễn Văn An")
    s = steward()
    s.open(document_id)
    page = s.page
    page.wait_for_function("document.querySelector('.page img').complete")

    def zoom() -> float:
        return float(page.get_attribute(".scan", "data-zoom") or "0")

    def width() -> float:
        return float(page.evaluate("document.querySelector('.page').getBoundingClientRect().width"))

    fit = width()
    assert zoom() == 1
    page.keyboard.press("+")
    assert zoom() > 1 and width() > fit * 1.2
    page.keyboard.press("-")
    page.keyboard.press("-")
    assert zoom() < 1
    page.keyboard.press("0")
    assert zoom() == 1 and abs(width() - fit) < 1
    page.mouse.move(300, 400)
    page.mouse.wheel(0, -300)
    page.wait_for_function("parseFloat(document.querySelector('.scan').dataset.zoom) > 1")
    # Dragging pans the enlarged page.
    left = page.evaluate("document.querySelector('.scan').scrollLeft")
    page.mouse.move(400, 400)
    page.mouse.down()
    page.mouse.move(250, 300, steps=4)
    page.mouse.up()
    assert page.evaluate("document.querySelector('.scan').scrollLeft") > left
    # z: the selected field's box, enlarged, in the middle of the scan area.
    page.keyboard.press("0")
    page.keyboard.press("j")
    page.keyboard.press("z")
    assert zoom() > 1.2
    box = page.locator(".field-box.selected").bounding_box()
    area = page.locator(".scan").bounding_box()
    assert box and area
    middle = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert area["x"] + area["width"] * 0.25 < middle[0] < area["x"] + area["width"] * 0.75
    assert area["y"] + area["height"] * 0.2 < middle[1] < area["y"] + area["height"] * 0.8
    assert s.loads == [] and s.errors == []


def test_a_missing_field_is_filled_from_words_clicked_on_the_scan(desk: Desk, steward: Any) -> None:
    printed = boxed(factories.id_card(id_number="001099012345", full_name="Nguyễn Văn An"))
    words = "ngày 15 tháng 03 năm 2039"
    printed = replace(
        printed,
        fields=tuple(
            replace(f, raw=words) if f.name == "expiry_date" else f for f in printed.fields
        ),
    )
    found = replace(printed, fields=tuple(f for f in printed.fields if f.name != "expiry_date"))
    document_id = desk.load(found, scan=printed)  # the expiry is printed but was not found
    s = steward()
    s.open(document_id)
    page = s.page
    page.keyboard.press("t")
    assert page.evaluate("document.activeElement.id") == "add-name"
    page.select_option("#add-name", "expiry_date")
    for word in words.split():
        page.locator(f"rect.word[data-text='{word}']").click()
    assert page.input_value("#add-value") == words
    assert page.locator("rect.word.picked").count() == 6
    page.click("#add-value")
    page.keyboard.press("Enter")
    page.wait_for_selector("#field-expiry_date")
    added = desk.field(document_id, "expiry_date")
    assert added is not None and (added.value, added.status) == ("2039-03-15", "corrected")
    assert s.value("expiry_date") == "15/03/2039"
    expiry = next(f for f in printed.fields if f.name == "expiry_date")
    assert expiry.box is not None and added.page == 1 and added.box is not None
    left, top, width, height = added.box
    assert abs(left - expiry.box.left) < 15 and abs(top - expiry.box.top) < 15
    assert width > 300 and 20 < height < 60  # the six words' union, on one line
    assert page.locator(".field-box[data-field=expiry_date]").count() == 1  # drawn at once
    assert s.loads == [] and s.errors == []


def test_an_unknown_document_is_retyped_from_the_page(desk: Desk, steward: Any) -> None:
    unknown = replace(
        factories.document("unknown", {}), findings=unknown_type.extract([], {}).findings
    )
    with session_scope(desk.runtime.sessions) as session:
        document_id = load_extraction(session, unknown).document_id
    store_text_page(desk.runtime.store, unknown.sha256, CARD_BACK_LINES)
    s = steward()
    s.open(document_id)
    page = s.page
    assert "hãy chọn loại" in page.locator(".doc-findings").inner_text()
    page.keyboard.press("d")
    assert page.evaluate("document.activeElement.id") == "retype-type"
    page.select_option("#retype-type", "id_card")
    page.keyboard.press("Enter")
    page.wait_for_selector("#field-id_number")
    assert page.locator("h1").inner_text().startswith("Thẻ căn cước")
    assert s.value("issue_date") == "17/06/2024"
    assert len(s.loads) == 1 and s.errors == []


def test_next_walks_the_queue_later_defers_previous_goes_back(desk: Desk, steward: Any) -> None:
    unknown = desk.load(factories.document("unknown", {}))
    first = desk.card("001099000001", "Lê Thị Hoa", id_number=0.4)
    second = desk.card("001099000002", "Trần Văn Nam", id_number=0.6)
    s = steward()
    page = s.page
    page.keyboard.press("n")
    page.wait_for_url(f"**/review/documents/{unknown}")
    page.keyboard.press("n")  # leave it undecided
    page.wait_for_url(f"**/review/documents/{first}")
    page.keyboard.press("Shift+A")
    page.wait_for_url(f"**/review/documents/{second}?done={first}")  # not the unknown again
    page.keyboard.press("p")
    page.wait_for_url(f"**/review/documents/{first}?via=previous")
    page.keyboard.press("p")
    page.wait_for_url(f"**/review/documents/{unknown}?via=previous")
    page.keyboard.press("l")  # later: skipped for the rest of the session
    page.wait_for_url(f"**/review/documents/{second}?msg=later")
    assert "Đã để tài liệu trước lại sau" in page.locator("#action-notice").inner_text()
    page.keyboard.press("Shift+A")
    page.wait_for_url(f"**/review?done={second}")
    assert "1 tài liệu bạn để sau" in page.locator("#later-clear").inner_text()
    assert s.errors == []


def test_the_page_reads_as_a_vietnamese_steward_expects(desk: Desk, steward: Any) -> None:
    card = boxed(
        factories.id_card(
            expiry_date="9999-12-31",
            extra=(
                factories.field("sex", "female"),
                factories.field("place_of_residence", ADDRESS),
            ),
        )
    )
    card = with_confidence(card, {"issue_date": 0.5})
    document_id = desk.load(card)
    with session_scope(desk.runtime.sessions) as session:
        lock = session.get_one(Document, document_id).lock_version
        accept_field(session, document_id, "full_name", principal_id=1, expected_lock_version=lock)
    reread = replace(
        card,
        fields=tuple(
            replace(f, value="Nguyễn Văn Ân") if f.name == "full_name" else f for f in card.fields
        ),
    )
    desk.load(reread)  # a re-extraction disagrees with the verified name
    s = steward()
    s.open(document_id)
    page = s.page
    assert s.value("date_of_birth") == "15/03/1999"
    assert s.value("expiry_date") == "Không thời hạn"
    assert s.value("sex") == "Nữ"
    assert s.value("place_of_residence") == ADDRESS
    wraps = page.evaluate(
        "(() => { const t = document.getElementById('value-place_of_residence');"
        " return [t.scrollHeight, t.clientHeight, t.clientWidth]; })()"
    )
    assert wraps[0] <= wraps[1] + 2  # nothing hidden: the box is as tall as its text
    assert wraps[1] > 60  # over several lines
    assert page.locator("#field-issue_date .findings li").first.is_visible()
    assert "dưới ngưỡng" in page.locator("#field-issue_date .findings").inner_text()
    assert page.locator("#conflicts-title").inner_text() == "Máy đọc lại khác giá trị đã xác minh"
    assert page.locator("#identity-title").count() == 0
    assert s.errors == []
