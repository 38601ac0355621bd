"""The queue: documents needing a steward, worst first, counted by reason, filterable.
These run on SQLite and PostgreSQL: the queue's queries are the review UI's own."""

from __future__ import annotations

from dataclasses import replace

import pytest
from fastapi.testclient import TestClient

from loaders import review_queue
from loaders.review_queue import QueueFilters
from sohoa.runtime import Runtime
from tests.loaders import factories
from tests.web.conftest import Warehouse
from tests.web.review.conftest import People
from tests.web.review.helpers import sign_in


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def dialect(request: pytest.FixtureRequest) -> str:
    return request.param


def _queue(runtime: Runtime, **filters: str) -> review_queue.Queue:
    with runtime.session() as db:
        return review_queue.review_queue(db, QueueFilters(**filters))


def _ids(queue: review_queue.Queue) -> list[int]:
    return [item.document_id for item in queue.items]


def _seed(warehouse: Warehouse) -> dict[str, int]:
    """One document per reason, plus a verified one that must not show."""
    ids = {
        "low": warehouse.load(
            factories.id_card(id_number="001099000101", full_name="Bùi Văn Một", confidence=0.4)
        ),
        "lower": warehouse.load(
            factories.id_card(id_number="079099000102", full_name="Bùi Văn Hai", confidence=0.2),
            batch="lo-2",
        ),
        "error": warehouse.load(
            factories.id_card(
                id_number="001099000103",
                full_name="Bùi Văn Ba",
                findings=(factories.error_on("id_number"),),
            ),
            batch="lo-1",
        ),
        "unknown": warehouse.load(
            replace(factories.admin_document(), doc_type="unknown", attributes={})
        ),
        "verified": warehouse.verified(
            factories.id_card(id_number="001099000105", full_name="Bùi Văn Năm")
        ),
    }
    warehouse.load(factories.id_card(id_number="001099000106", full_name="Phạm Thị Hoa"))
    ids["identity"] = warehouse.load(
        factories.birth_certificate(full_name="Phạm Thị Hoa", date_of_birth="1999-03-15")
    )
    return ids


def test_worst_first_with_counts(warehouse: Warehouse, runtime: Runtime) -> None:
    ids = _seed(warehouse)
    queue = _queue(runtime)
    order = _ids(queue)
    assert ids["verified"] not in order
    assert order[:3] == [ids["error"], ids["identity"], ids["unknown"]]
    assert order.index(ids["lower"]) < order.index(ids["low"])
    assert queue.counts[review_queue.VALIDATION] == 1
    assert queue.counts[review_queue.IDENTITY] == 1
    assert queue.counts[review_queue.UNKNOWN_TYPE] == 1
    # Auto-verify is off (threshold 1.0): every undecided field counts as low confidence.
    assert queue.counts[review_queue.LOW_CONFIDENCE] == queue.total == 6


def test_filters_by_batch_type_province_and_reason(warehouse: Warehouse, runtime: Runtime) -> None:
    ids = _seed(warehouse)
    assert _ids(_queue(runtime, batch="lo-1")) == [ids["error"]]
    assert set(_ids(_queue(runtime, doc_type="birth_certificate"))) == {ids["identity"]}
    assert _ids(_queue(runtime, province="79")) == [ids["lower"]]
    assert _ids(_queue(runtime, reason=review_queue.UNKNOWN_TYPE)) == [ids["unknown"]]
    by_reason = _queue(runtime, reason=review_queue.VALIDATION)
    assert by_reason.total == 1 and by_reason.counts[review_queue.IDENTITY] == 1


def test_a_verified_document_with_an_open_conflict_is_back_in_the_queue(
    warehouse: Warehouse, runtime: Runtime
) -> None:
    card = factories.id_card(id_number="001099000201", full_name="Đỗ Văn Hùng")
    document_id = warehouse.verified(card)
    assert document_id not in _ids(_queue(runtime))
    reread = replace(
        card,
        fields=tuple(
            replace(f, value="Đỗ Văn Hưng") if f.name == "full_name" else f for f in card.fields
        ),
    )
    warehouse.load(reread)
    item = next(i for i in _queue(runtime).items if i.document_id == document_id)
    # A re-extraction disagreeing with a verified value is not an identity question.
    assert item.reasons == (review_queue.FIELD_CONFLICT,)
    assert (item.field_conflicts, item.identity_questions) == (1, 0)


def test_the_queue_page_shows_counts_and_filters(
    client: TestClient, people: People, warehouse: Warehouse
) -> None:
    ids = _seed(warehouse)
    sign_in(client, "lan.steward")
    html = client.get("/review").text
    assert "Lỗi kiểm tra <strong>1</strong>" in html
    assert "Xung đột định danh <strong>1</strong>" in html
    assert html.index(f"#{ids['error']}<") < html.index(f"#{ids['low']}<")
    assert 'option value="lo-1"' in html and "79 — TP. Hồ Chí Minh" in html
    filtered = client.get("/review?batch=lo-1").text
    assert f"#{ids['error']}<" in filtered and f"#{ids['low']}<" not in filtered
    assert f"/review/documents/{ids['error']}?batch=lo-1" in filtered


def test_scopes_limit_what_a_steward_sees(
    client: TestClient, warehouse: Warehouse, runtime: Runtime, session_scope_steward: None
) -> None:
    ids = _seed(warehouse)
    sign_in(client, "hue.steward")
    html = client.get("/review").text
    assert f"#{ids['lower']}<" in html and f"#{ids['low']}<" not in html
    refused = client.get(f"/review/documents/{ids['low']}")
    assert refused.status_code == 403 and "ngoài phạm vi" in refused.text


@pytest.fixture
def session_scope_steward(runtime: Runtime) -> None:
    from loaders import principals
    from sohoa.auth.passwords import hash_password
    from tests.web.review.helpers import PASSWORD

    with runtime.session() as db:
        principals.create_person(
            db,
            name="hue.steward",
            role="steward",
            password_hash=hash_password(PASSWORD),
            scopes={"provinces": ["79"]},
        )


def test_next_skips_deferred_documents_and_offers_opened_ones_last(
    warehouse: Warehouse, runtime: Runtime
) -> None:
    ids = _seed(warehouse)
    with runtime.session() as db:
        order = [i.document_id for i in review_queue.review_queue(db, QueueFilters()).items]

        def after(**kwargs: object) -> int | None:
            return review_queue.next_in_queue(db, QueueFilters(), **kwargs)  # type: ignore[arg-type]

        assert after() == order[0]
        assert after(later=[order[0]]) == order[1]
        # Opened this session: offered only when nothing else waits, the longest ago first.
        assert after(seen=[order[0], order[1]]) == order[2]
        assert after(seen=order[::-1]) == order[-1]
        assert after(exclude=[order[-1]], later=order[:-2], seen=order[::-1]) == order[-2]
        assert after(later=order) is None
    assert ids["verified"] not in order
