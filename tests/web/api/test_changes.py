"""The change feed: verified documents, corrections, rejections and expiries after a cursor,
resumable, and never skipping an event while several writers commit."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from loaders.changes import FeedPosition, read_feed
from loaders.expiry import write_expiry_events
from loaders.journal import emit
from loaders.models import Document, EventKind
from loaders.review import correct_field
from sohoa.runtime import Runtime
from tests.loaders import factories
from tests.web.conftest import Keys, Warehouse, settle


def _all(
    client: TestClient,
    headers: dict[str, str],
    after: str | None = None,
    limit: int = 2,
    runtime: Runtime | None = None,
):
    """Follow the feed page by page; returns (events, last cursor)."""
    if runtime is not None:
        settle(runtime)
    events = []
    while True:
        params: dict[str, str | int] = {"limit": limit}
        if after:
            params["after"] = after
        body = client.get("/v1/changes", headers=headers, params=params).json()
        events += body["events"]
        if not body["events"]:
            return events, body["next_cursor"]
        after = body["next_cursor"]


def test_the_feed_in_order_and_resumable(
    client: TestClient, keys: Keys, warehouse: Warehouse, runtime: Runtime
) -> None:
    headers = keys.headers(purpose=False)
    first = warehouse.verified(factories.id_card())
    second = warehouse.verified(factories.id_card(id_number="079099012345"))
    warehouse.load(factories.id_card())  # not verified: nothing to tell
    with runtime.session() as session:
        correct_field(
            session,
            first,
            "full_name",
            "Nguyễn Văn Ấn",
            principal_id=warehouse.steward_id,
            expected_lock_version=warehouse.lock_version(first),
        )

    events, cursor = _all(client, headers, runtime=runtime)
    assert [(e["kind"], e["document_id"]) for e in events] == [
        ("document.verified", first),
        ("document.verified", second),
        ("document.corrected", first),
    ]
    assert events[0]["payload"]["doc_type"] == "id_card"
    assert events[0]["subject_public_id"]
    # nothing new: the cursor stays; a new event comes after it, once
    settle(runtime)
    again = client.get("/v1/changes", headers=headers, params={"after": cursor}).json()
    assert again == {"events": [], "next_cursor": cursor}
    with runtime.session() as session:
        assert write_expiry_events(session, date(2040, 1, 1)) == 2
    later, _ = _all(client, headers, after=cursor, runtime=runtime)
    assert [e["kind"] for e in later] == ["document.expired", "document.expired"]
    # resuming from an event's own cursor replays exactly what follows it
    resumed, _ = _all(client, headers, after=events[1]["cursor"])
    assert [e["id"] for e in resumed] == [events[2]["id"]] + [e["id"] for e in later]


def test_a_bad_cursor(client: TestClient, keys: Keys) -> None:
    headers = keys.headers(purpose=False)
    for cursor in ("nope", "ZDox", "Zjox"):  # garbage, a documents cursor, a short feed cursor
        response = client.get("/v1/changes", headers=headers, params={"after": cursor})
        assert response.status_code == 400, cursor
        assert response.json()["error"]["code"] == "invalid_cursor"


def _emit_in(session: Session, document_id: int) -> int:
    event = emit(session, EventKind.CORRECTED, session.get_one(Document, document_id))
    session.flush()
    return event.id


@pytest.mark.parametrize("dialect", [pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_no_event_is_skipped_while_writers_commit_out_of_order(
    dialect: str, warehouse: Warehouse, runtime: Runtime
) -> None:
    """Writer A inserts an event and stays open; writer B inserts a later event and commits.
    The reader must not hand out B's event in a way that moves it past A's; once A commits,
    both are seen, each exactly once, in the feed's order."""
    document_id = warehouse.verified(factories.id_card())
    reader = runtime.sessions()
    settle(runtime)
    start = read_feed(reader, FeedPosition()).next
    reader.commit()

    writer_a, writer_b = runtime.sessions(), runtime.sessions()
    try:
        a_id = _emit_in(writer_a, document_id)  # A holds its transaction open
        b_id = _emit_in(writer_b, document_id)
        writer_b.commit()
        assert b_id > a_id

        page = read_feed(reader, start)
        reader.commit()
        assert [e.id for e in page.events] == []  # B's event is held back behind open A
        assert page.next == start

        writer_a.commit()
        settle(runtime)
        page = read_feed(reader, start)
        reader.commit()
        assert [e.id for e in page.events] == [a_id, b_id]
        assert read_feed(reader, page.next).events == []
    finally:
        writer_a.close()
        writer_b.close()
        reader.close()


@pytest.mark.parametrize("dialect", [pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_no_skip_when_the_later_writer_holds_the_smaller_id(
    dialect: str, warehouse: Warehouse, runtime: Runtime
) -> None:
    """The trap of ordering by id alone: B starts writing first (older transaction) but A takes
    the smaller event id; B commits, A is still open. An id-ordered reader would hand out B's
    event, move its cursor past A's id, and never see A's event. Ordered by (txid, id), A's event
    sorts after B's and arrives on the next read."""
    document_id = warehouse.verified(factories.id_card())
    other_id = warehouse.verified(factories.id_card(id_number="079099012345"))
    reader = runtime.sessions()
    settle(runtime)
    position = read_feed(reader, FeedPosition()).next
    reader.commit()

    writer_a, writer_b = runtime.sessions(), runtime.sessions()
    try:
        writer_b.execute(text("SELECT pg_current_xact_id()"))  # B takes its txid first
        a_id = _emit_in(writer_a, document_id)  # A: younger txid, smaller event id
        b_id = _emit_in(writer_b, other_id)
        writer_b.commit()
        assert a_id < b_id

        seen: list[int] = []
        page = read_feed(reader, position)
        reader.commit()
        seen += [e.id for e in page.events]
        position = page.next
        writer_a.commit()
        settle(runtime)
        page = read_feed(reader, position)
        reader.commit()
        seen += [e.id for e in page.events]
        assert sorted(seen) == [a_id, b_id] and len(seen) == 2
    finally:
        writer_a.close()
        writer_b.close()
        reader.close()
