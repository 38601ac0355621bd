"""A steward's session in a real browser (Debian's chromium through Playwright) against a real
uvicorn server: sign in, open the queue, open a document, correct a field with the keyboard,
accept, and find the verified value and the audit entry in the warehouse. A reader is refused.

Writes test-artifacts/review-document.png so a person can look at the page.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
import uvicorn

from loaders.db import session_scope
from loaders.load import load_extraction
from loaders.models import AuditEntry, Document, DocumentStatus, FieldStatus, FieldValue
from sohoa.runtime import Runtime
from sohoa.settings import Settings
from sohoa.web.app import create_app
from tests.conftest import REPO
from tests.loaders import factories
from tests.web.review.helpers import PASSWORD, boxed, create_person, with_confidence
from tests.web.review.scans import store_scan

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class Server:
    url: str
    runtime: Runtime
    document_id: int
    other_id: int


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path, sqlite_template: Path) -> Iterator[Server]:
    """uvicorn on 127.0.0.1 and a free port, over an embedded warehouse with two scanned
    ID cards (one with a misread name) and three accounts."""
    database = tmp_path / "warehouse.db"
    shutil.copyfile(sqlite_template, database)
    settings = Settings(
        database_url=f"sqlite:///{database}",
        storage_url=f"file://{tmp_path / 'objects'}",
        secret_key="browser-test-secret-0123456789abcdef",
    )
    runtime = Runtime(settings)
    misread = boxed(
        with_confidence(
            factories.id_card(id_number="001099012345", full_name="Nguyen Van An"),
            {"full_name": 0.41, "id_number": 0.93},
        )
    )
    other = boxed(factories.id_card(id_number="079199000777", full_name="Trần Thị Bình"))
    with session_scope(runtime.sessions) as session:
        document_id = load_extraction(session, misread).document_id
        other_id = load_extraction(session, other).document_id
    for extraction in (misread, other):
        store_scan(runtime.store, extraction)
    create_person(runtime, "lan.steward", "steward")
    create_person(runtime, "hoa.reader", "reader")

    port = _free_port()
    config = uvicorn.Config(
        create_app(runtime), host="127.0.0.1", port=port, log_level="warning", lifespan="off"
    )
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not uv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    yield Server(f"http://127.0.0.1:{port}", runtime, document_id, other_id)
    uv.should_exit = True
    thread.join(timeout=10)
    runtime.close()


@pytest.fixture
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip(reason="Debian's chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


def _sign_in(page, url: str, name: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{url}/review")
    assert "/review/login" in page.url
    page.fill("#name", name)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")


def test_a_steward_corrects_a_field_with_the_keyboard(server: Server, browser) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1366, "height": 800}, locale="vi-VN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    _sign_in(page, server.url, "lan.steward")
    page.wait_for_selector("h1:has-text('Hàng đợi xác minh')")
    assert page.locator(".queue-row").count() == 2
    page.screenshot(path=str(_artifact("review-queue.png")))

    # The worst document first: n opens it.
    page.keyboard.press("n")
    page.wait_for_url(f"**/review/documents/{server.document_id}**")
    page.wait_for_selector(".field.selected")
    assert page.locator(".overlay rect.word").count() >= 5
    first = page.locator(".field.selected").get_attribute("data-field")
    assert first == "id_number"
    assert page.locator(".field-box.selected").get_attribute("data-field") == "id_number"

    # j moves to the name; the box on the scan follows.
    page.keyboard.press("j")
    assert page.locator(".field.selected").get_attribute("data-field") == "full_name"
    assert page.locator(".field-box.selected").get_attribute("data-field") == "full_name"
    page.screenshot(path=str(_artifact("review-document.png")))

    # e edits, typing replaces the selected value, Enter saves: in place, no page load.
    loads: list[str] = []
    page.on("load", lambda p: loads.append(p.url))
    page.keyboard.press("e")
    assert page.evaluate("document.activeElement.id") == "value-full_name"
    page.keyboard.type("Nguyễn Văn An")
    page.keyboard.press("Enter")
    page.wait_for_selector("#action-notice:has-text('Đã lưu giá trị đã sửa')")
    assert page.locator("#value-full_name").input_value() == "Nguyễn Văn An"
    assert page.locator(".field.selected").get_attribute("data-field") == "date_of_birth"
    assert loads == []

    # Shift+A accepts the rest; the document is settled and the next one opens.
    page.keyboard.press("Shift+A")
    page.wait_for_url(f"**/review/documents/{server.other_id}?done={server.document_id}")
    assert len(loads) == 1  # the next document: one page load for the whole document
    assert f"Tài liệu #{server.document_id} đã xong" in page.content()
    assert errors == []

    with server.runtime.session() as db:
        document = db.get_one(Document, server.document_id)
        assert document.status == DocumentStatus.VERIFIED
        name = db.scalars(
            sa.select(FieldValue).where(
                FieldValue.document_id == server.document_id, FieldValue.name == "full_name"
            )
        ).one()
        assert (name.value, name.status) == ("Nguyễn Văn An", FieldStatus.CORRECTED)
        audit = db.scalars(
            sa.select(AuditEntry.action)
            .where(
                AuditEntry.document_id == server.document_id,
                AuditEntry.principal_id.is_not(None),
                ~AuditEntry.action.startswith("read."),  # opening the page is a read (own test)
            )
            .order_by(AuditEntry.id)
        ).all()
        assert audit == ["review.correct", "review.accept_document"]

    # The history on the page shows the correction.
    page.goto(f"{server.url}/review/documents/{server.document_id}")
    assert "«Nguyen Van An» → «Nguyễn Văn An»" in page.content()
    context.close()


def test_a_reader_is_refused(server: Server, browser) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context()
    page = context.new_page()
    _sign_in(page, server.url, "hoa.reader")
    page.wait_for_selector(".alert.error")
    assert "không có quyền xác minh" in page.content()
    response = page.goto(f"{server.url}/review/documents/{server.document_id}")
    assert response is not None and "/review/login" in page.url
    context.close()


def _artifact(name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / name
