"""The queue page (what needs a steward, worst first, with counts by reason and filters) and
moving between documents: next, previous, later (`trail` keeps where the steward has been)."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from loaders.review_queue import REASONS, queue_choices, review_queue
from sohoa.web.review import filters as queue_filters
from sohoa.web.review import trail
from sohoa.web.review.auth import Reviewer, checked_form, current_reviewer, secret_of
from sohoa.web.review.routing import ReviewRoute, wants_json
from sohoa.web.review.templating import render
from sohoa.web.runtime import get_runtime

router = APIRouter(route_class=ReviewRoute)
CurrentReviewer = Annotated[Reviewer, Depends(current_reviewer)]


def _done_id(request: Request) -> int | None:
    value = request.query_params.get("done", "")
    return int(value) if value.isdigit() else None


@router.get("/")
def queue_page(request: Request, reviewer: CurrentReviewer) -> Response:
    runtime = get_runtime(request)
    filters = queue_filters.from_params(request.query_params)
    with runtime.session() as db:
        queue = review_queue(
            db, filters, threshold=runtime.settings.review_threshold, scopes=reviewer.scopes
        )
        choices = queue_choices(db, reviewer.scopes)
    return render(
        request,
        "queue.html",
        {
            "reviewer": reviewer,
            "queue": queue,
            "filters": filters,
            "choices": choices,
            "reasons": REASONS,
            "back": queue_filters.to_query(filters),
            "back_without_reason": queue_filters.to_query(replace(filters, reason=None)),
            "done": _done_id(request),
            "later": trail.read(request, secret_of(request)).later,
        },
    )


@router.get("/next")
def next_document(request: Request, reviewer: CurrentReviewer) -> Response:
    """The worst document still waiting (shortcut n), or the queue when nothing is left: not
    the one the steward leaves (`after`), none they deferred, and the ones they already opened
    this session only when nothing else is left (`loaders.review_queue.next_in_queue`)."""
    filters = queue_filters.from_params(request.query_params)
    after = request.query_params.get("after", "")
    where = trail.read(request, secret_of(request))
    exclude = [int(after)] if after.isdigit() else []
    found = trail.next_document(request, reviewer.scopes, filters, where, exclude)
    back = queue_filters.to_query(filters)
    if found is None:
        return RedirectResponse(f"/review?{back}&empty=1".replace("?&", "?"), status_code=303)
    return RedirectResponse(
        f"/review/documents/{found}" + (f"?{back}" if back else ""), status_code=303
    )


@router.get("/previous")
def previous_document(request: Request, reviewer: CurrentReviewer) -> Response:
    """The document opened before `before` in this session (shortcut p), or the queue."""
    filters = queue_filters.from_params(request.query_params)
    before = request.query_params.get("before", "")
    where = trail.read(request, secret_of(request))
    found = where.previous(int(before)) if before.isdigit() else where.previous(-1)
    back = queue_filters.to_query(filters)
    if found is None:
        return RedirectResponse(f"/review?{back}&first=1".replace("?&", "?"), status_code=303)
    return RedirectResponse(
        f"/review/documents/{found}?via=previous" + (f"&{back}" if back else ""), status_code=303
    )


@router.post("/documents/{document_id}/later")
async def document_later(request: Request, document_id: int, reviewer: CurrentReviewer) -> Response:
    """Defer the document for this session (shortcut l): "next" skips it; the next one opens."""
    form = await checked_form(request, reviewer)
    filters = queue_filters.from_query(form.get("back", ""))
    secret = secret_of(request)
    where = trail.read(request, secret).defer(document_id)
    found = trail.next_document(request, reviewer.scopes, filters, where, [document_id])
    back = queue_filters.to_query(filters)
    query = "msg=later" + (f"&{back}" if back else "")
    target = f"/review/documents/{found}?{query}" if found else f"/review?{query}&empty=1"
    response: Response = (
        JSONResponse({"location": target})
        if wants_json(request)
        else RedirectResponse(target, status_code=303)
    )
    trail.write(request, response, secret, where)
    return response


@router.post("/later/clear")
async def later_clear(request: Request, reviewer: CurrentReviewer) -> Response:
    """Bring the deferred documents back into "next"."""
    form = await checked_form(request, reviewer)
    secret = secret_of(request)
    back = queue_filters.to_query(queue_filters.from_query(form.get("back", "")))
    response = RedirectResponse(f"/review?{back}".rstrip("?"), status_code=303)
    trail.write(request, response, secret, trail.read(request, secret).undefer())
    return response
