"""The change feed: what became visible, changed or stopped being valid, after a cursor."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from loaders.changes import FeedPosition, read_feed
from sohoa.web.api.common import decode_cursor, encode_cursor, errors, scope_of
from sohoa.web.api.schemas import ChangeOut, ChangePage
from sohoa.web.runtime import get_runtime
from sohoa.web.security import Reader

router = APIRouter(tags=["changes"])


def _cursor(position: FeedPosition) -> str:
    return encode_cursor("f", position.txid, position.id)


@router.get(
    "/changes",
    response_model=ChangePage,
    summary="Change feed after a cursor (verified, corrected, rejected, expired documents)",
    responses=errors(400),
)
def get_changes(
    caller: Reader,
    request: Request,
    after: Annotated[
        str | None,
        Query(max_length=200, description="A cursor from a previous answer; omit to start."),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="At most this many events.")] = 100,
) -> ChangePage:
    """Events in a stable order. Store `next_cursor` (or an event's `cursor`) after processing
    and pass it as `after`: delivery is at-least-once, no event is ever skipped (even while many
    writers commit), and cursors stay valid across restarts. Events carry ids only, no personal
    data: fetch `/v1/documents/{document_id}` for the content (it answers 404 once the document
    is no longer served). Events of documents outside the key's scope are left out."""
    position = FeedPosition(*decode_cursor(after, "f", 2)) if after else FeedPosition()
    with get_runtime(request).session() as session:
        page = read_feed(session, position, limit=limit, scope=scope_of(caller))
    return ChangePage(
        events=[
            ChangeOut(
                cursor=_cursor(e.position),
                id=e.id,
                at=e.at,
                kind=e.kind,
                document_id=e.document_id,
                subject_public_id=e.subject_public_id,
                payload=e.payload,
            )
            for e in page.events
        ],
        next_cursor=_cursor(page.next),
    )
