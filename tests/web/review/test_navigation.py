"""Moving between documents: "next" walks the queue instead of returning to its head, "later"
defers a document for the session, "previous" goes back along the documents opened.

The bug this fixes: "next" always took the worst document still waiting, other than the one
being left. A document nobody can settle yet sits at the head (an unknown type is worse than any
low confidence), so after every other document was settled, "next" opened it again."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.loaders import factories
from tests.web.review.conftest import People, Scanned
from tests.web.review.helpers import lock_in, sign_in, token_in


def _opened(client: TestClient, location: str) -> int:
    found = re.match(r"/review/documents/(\d+)", location)
    assert found, location
    client.get(location)  # the steward's browser opens it
    return int(found.group(1))


def _next(client: TestClient, after: int | None = None) -> str:
    url = "/review/next" + (f"?after={after}" if after else "")
    return client.get(url, follow_redirects=False).headers["location"]


def _settle(client: TestClient, document_id: int) -> str:
    page = client.get(f"/review/documents/{document_id}").text
    response = client.post(
        f"/review/documents/{document_id}/accept",
        data={"csrf_token": token_in(page), "lock_version": str(lock_in(page))},
        follow_redirects=False,
    )
    assert response.status_code == 303
    return response.headers["location"]


def _three(scanned: Scanned) -> tuple[int, int, int]:
    """An unknown document (the head of the queue, nothing to decide) and two ID cards."""
    unknown = scanned.load(factories.document("unknown", {}))
    first = scanned.load(
        factories.id_card(id_number="001099000001", full_name="Lê Thị Hoa", confidence=0.4)
    )
    second = scanned.load(
        factories.id_card(id_number="001099000002", full_name="Trần Văn Nam", confidence=0.6)
    )
    return unknown, first, second


def test_next_does_not_return_to_a_document_left_unsettled(
    client: TestClient, people: People, scanned: Scanned
) -> None:
    unknown, first, second = _three(scanned)
    sign_in(client, "lan.steward")
    assert _opened(client, _next(client)) == unknown  # worst first
    assert _opened(client, _next(client, after=unknown)) == first  # the steward moves on
    # First settled: the next one is the other card, not the unknown document again.
    assert _opened(client, _settle(client, first)) == second
    # Only what was left remains: it comes back once nothing else is waiting.
    assert _opened(client, _settle(client, second)) == unknown


def test_a_deferred_document_is_skipped_by_next_for_the_session(
    client: TestClient, people: People, scanned: Scanned
) -> None:
    unknown, first, second = _three(scanned)
    token = sign_in(client, "lan.steward")
    assert _opened(client, _next(client)) == unknown
    later = client.post(
        f"/review/documents/{unknown}/later", data={"csrf_token": token}, follow_redirects=False
    )
    assert later.status_code == 303
    assert _opened(client, later.headers["location"]) == first
    assert _opened(client, _settle(client, first)) == second
    done = _settle(client, second)
    assert done == f"/review?done={second}"  # the deferred one is not offered
    queue = client.get(done).text
    assert "1 tài liệu bạn để sau" in queue and "Để sau</span>" in queue
    # A new sign-in is a new session: nothing deferred any more.
    client.cookies.clear()
    sign_in(client, "lan.steward")
    assert _opened(client, _next(client)) == unknown


def test_deferred_documents_can_be_brought_back(
    client: TestClient, people: People, scanned: Scanned
) -> None:
    unknown, first, second = _three(scanned)
    token = sign_in(client, "lan.steward")
    client.post(f"/review/documents/{unknown}/later", data={"csrf_token": token})
    _settle(client, first)
    _settle(client, second)
    assert _next(client) == "/review?empty=1"
    cleared = client.post("/review/later/clear", data={"csrf_token": token}, follow_redirects=False)
    assert cleared.headers["location"] == "/review"
    assert _next(client) == f"/review/documents/{unknown}"


def test_previous_goes_back_along_the_documents_opened(
    client: TestClient, people: People, scanned: Scanned
) -> None:
    unknown, first, second = _three(scanned)
    sign_in(client, "lan.steward")
    for document_id in (first, second, unknown):
        client.get(f"/review/documents/{document_id}")
    back = client.get(f"/review/previous?before={unknown}", follow_redirects=False)
    assert back.headers["location"] == f"/review/documents/{second}?via=previous"
    client.get(back.headers["location"])  # going back does not move it along
    back = client.get(f"/review/previous?before={second}", follow_redirects=False)
    assert back.headers["location"] == f"/review/documents/{first}?via=previous"
    first_one = client.get(f"/review/previous?before={first}", follow_redirects=False)
    assert first_one.headers["location"] == "/review?first=1"


def test_a_trail_cookie_of_another_session_is_ignored(
    client: TestClient, people: People, scanned: Scanned
) -> None:
    """The trail is signed and bound to its session: a copied or forged one opens nothing."""
    unknown, _, _ = _three(scanned)
    token = sign_in(client, "lan.steward")
    client.post(f"/review/documents/{unknown}/later", data={"csrf_token": token})
    stolen = client.cookies.get("sohoa_review_trail")
    assert stolen
    client.cookies.clear()
    sign_in(client, "lan.steward")
    client.cookies.set("sohoa_review_trail", stolen, path="/review")
    assert _next(client) == f"/review/documents/{unknown}"
    client.cookies.set("sohoa_review_trail", "forged.value", path="/review")
    assert _next(client) == f"/review/documents/{unknown}"
