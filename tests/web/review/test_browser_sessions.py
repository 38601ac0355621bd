"""Sessions in a real browser (Debian's chromium through Playwright, a real uvicorn server): a
correction typed while the session expired survives signing in again, signing out ends a copied
cookie too, and too many wrong passwords get a message saying when to try again."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from loaders.models import AuditEntry, FieldStatus, FieldValue, Principal
from sohoa.web.review import session as review_session
from sohoa.web.review import throttle
from tests.web.review import test_browser as browser_tests
from tests.web.review.helpers import PASSWORD
from tests.web.review.test_browser import Server, _artifact

# The uvicorn server over a warehouse with two scanned ID cards, and Debian's chromium.
server = browser_tests.server
browser = browser_tests.browser

pytestmark = pytest.mark.browser


def _sign_in(page, name: str, password: str = PASSWORD) -> None:  # type: ignore[no-untyped-def]
    page.fill("#name", name)
    page.fill("#password", password)
    page.click("button[type=submit]")


def _full_name(server: Server) -> tuple[str, str]:
    with server.runtime.session() as db:
        row = db.scalars(
            sa.select(FieldValue).where(
                FieldValue.document_id == server.document_id, FieldValue.name == "full_name"
            )
        ).one()
        return row.value, row.status


def test_an_expired_session_keeps_the_typed_correction(  # type: ignore[no-untyped-def]
    server: Server, browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 800}, locale="vi-VN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    document = f"{server.url}/review/documents/{server.document_id}"
    page.goto(document)
    _sign_in(page, "lan.steward")
    page.wait_for_url(f"{document}")
    page.wait_for_selector(".field.selected")
    page.keyboard.press("j")
    assert page.locator(".field.selected").get_attribute("data-field") == "full_name"
    page.keyboard.press("e")
    page.keyboard.type("Nguyễn Văn An")

    # Meanwhile the session expires; Enter sends the correction, the server asks to sign in.
    later = review_session.clock() + review_session.IDLE_SECONDS + 5
    monkeypatch.setattr(review_session, "clock", lambda: later)
    page.keyboard.press("Enter")
    page.wait_for_url("**/review/login?**")
    assert "Phiên làm việc đã hết hạn" in page.locator(".alert").inner_text()
    assert _full_name(server) == ("Nguyen Van An", FieldStatus.PENDING)

    _sign_in(page, "lan.steward")
    page.wait_for_url(f"{document}?**")
    page.wait_for_selector("#draft-restored")
    # Back on the document, the typed value in its field, ready to save, not saved yet.
    assert page.locator("#value-full_name").input_value() == "Nguyễn Văn An"
    assert page.evaluate("document.activeElement.id") == "value-full_name"
    assert "chưa được lưu" in page.locator("#draft-restored").inner_text()
    assert _full_name(server) == ("Nguyen Van An", FieldStatus.PENDING)
    assert "draft=" not in page.url  # a reload does not restore it again
    page.screenshot(path=str(_artifact("review-draft-restored.png")))

    page.keyboard.press("Enter")
    page.wait_for_selector("#action-notice")  # saved in place
    assert _full_name(server) == ("Nguyễn Văn An", FieldStatus.CORRECTED)

    # The draft was used once: the same way back later shows the stored value, no notice.
    page.goto(f"{document}?sel=full_name&draft=full_name")
    page.wait_for_selector(".field.selected")
    assert page.locator("#draft-restored").count() == 0
    assert errors == []
    context.close()


def test_a_copied_cookie_stops_working_at_sign_out(server: Server, browser) -> None:  # type: ignore[no-untyped-def]
    steward = browser.new_context()
    page = steward.new_page()
    page.goto(f"{server.url}/review")
    _sign_in(page, "lan.steward")
    page.wait_for_selector("h1:has-text('Hàng đợi xác minh')")

    thief = browser.new_context()
    thief.add_cookies(steward.cookies())
    stolen = thief.new_page()
    stolen.goto(f"{server.url}/review/documents/{server.document_id}")
    assert stolen.url.endswith(f"/review/documents/{server.document_id}")

    page.click("button:has-text('Đăng xuất')")
    page.wait_for_url("**/review/login")
    stolen.goto(f"{server.url}/review/documents/{server.document_id}")
    assert "/review/login" in stolen.url
    steward.close()
    thief.close()


def test_opening_a_document_is_a_read_in_the_audit_log(server: Server, browser) -> None:  # type: ignore[no-untyped-def]
    with server.runtime.session() as db:
        steward = db.scalars(sa.select(Principal.id).where(Principal.name == "lan.steward")).one()
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{server.url}/review/documents/{server.other_id}")
    _sign_in(page, "lan.steward")
    page.wait_for_selector(".field.selected")
    with server.runtime.session() as db:
        reads = db.execute(
            sa.select(AuditEntry.action, AuditEntry.principal_id).where(
                AuditEntry.document_id == server.other_id, AuditEntry.action.startswith("read.")
            )
        ).all()
    assert [tuple(r) for r in reads] == [("read.review_document", steward)]
    context.close()


def test_too_many_wrong_passwords_say_when_to_try_again(server: Server, browser) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    page.goto(f"{server.url}/review/login")
    for _ in range(throttle.ACCOUNT.free):
        _sign_in(page, "lan.steward", "sai-mật-khẩu-rồi")
        page.wait_for_selector(".alert.error")
    _sign_in(page, "lan.steward")
    page.wait_for_selector(".alert.error")
    message = page.locator(".alert.error").inner_text()
    assert "Đăng nhập sai quá nhiều lần" in message and "thử lại sau" in message
    assert "/review/login" in page.url
    context.close()
