"""The document page (scan with word boxes beside the fields, identity questions, history) and
the page images it shows. The page's right-hand panel is its own template (`panel.html`), so a
decision made in place answers with a fresh panel (`panel_json`) instead of a new page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response

from extractors import kinds
from loaders.erasure import original_withheld
from loaders.errors import NotFound
from loaders.models import Document, FieldStatus
from loaders.review_detail import DocumentDetail, document_detail
from loaders.review_queue import QueueFilters
from sohoa.web.review import filters as queue_filters
from sohoa.web.review import labels, trail, views
from sohoa.web.review.auth import (
    Refused,
    Reviewer,
    audit_page_read,
    current_reviewer,
    secret_of,
)
from sohoa.web.review.routing import ReviewRoute
from sohoa.web.review.scans import SCAN_WITHHELD, page_png, page_views
from sohoa.web.review.templating import render, render_fragment
from sohoa.web.runtime import get_runtime
from storage.errors import ObjectNotFound

router = APIRouter(route_class=ReviewRoute)
CurrentReviewer = Annotated[Reviewer, Depends(current_reviewer)]

OUT_OF_SCOPE = (
    "Tài liệu này nằm ngoài phạm vi (tỉnh, loại giấy tờ) được giao cho tài khoản của bạn."
)


def check_scope(reviewer: Reviewer, document: Document) -> None:
    if not reviewer.scopes.covers(document):
        raise Refused(403, OUT_OF_SCOPE)


def first_open_field(detail: DocumentDetail, after: str | None = None) -> str | None:
    """The field to select: the next undecided one after `after`, else the first undecided."""
    names = [f.name for f in detail.fields]
    undecided = [f.name for f in detail.fields if f.status not in FieldStatus.STEWARD]
    if after in names:
        later = names[names.index(after) + 1 :]
        for name in later:
            if name in undecided:
                return name
    return undecided[0] if undecided else (names[0] if names else None)


@dataclass(frozen=True)
class Refusal:
    """A value `loaders.review` refused: shown beside its input, the typed text kept in it."""

    field: str
    message: str
    typed: str
    code: str = ""


def document_context(
    request: Request,
    reviewer: Reviewer,
    document_id: int,
    filters: QueueFilters,
    *,
    notice: str = "",
    error: str = "",
    selected: str | None = None,
    after: str | None = None,
    refused: Refusal | None = None,
) -> dict[str, Any]:
    """Everything the page (or its panel, in place) shows. Reading it is an audited read."""
    runtime = get_runtime(request)
    with runtime.session() as db:
        detail = document_detail(db, document_id)
        check_scope(reviewer, detail.document)
        audit_page_read(db, reviewer, detail)
        withheld = original_withheld(db, document_id)
    document = detail.document
    pages = (
        []  # not even the OCR words: they are the erased person's too
        if withheld
        else page_views(
            runtime.store,
            document.sha256,
            document.page_count,
            [(f.name, f.page, f.box) for f in detail.fields],
        )
    )
    threshold = runtime.settings.review_threshold
    return {
        "reviewer": reviewer,
        "detail": detail,
        "document": document,
        "fields": views.field_views(document.doc_type, detail.fields, threshold),
        "conflicts": views.conflict_views(document.doc_type, detail.conflicts),
        "addable": views.addable_fields(document.doc_type, detail.fields),
        "types": views.type_choices(),
        "pages": pages,
        "scan_withheld": SCAN_WITHHELD if withheld else "",
        "selected": (refused.field if refused else None)
        or selected
        or first_open_field(detail, after),
        "threshold": threshold,
        "notice": notice,
        "error": error,
        "refused": refused,
        "back": queue_filters.to_query(filters),
        "field_status": FieldStatus,
        # What a value with a NUL or another control character is told (the app refuses such a
        # form before any route reads it, with the stable code only): the kinds' own words.
        "invalid_character": kinds.parse("text", "\x00").message or "",
    }


def render_document(
    request: Request,
    reviewer: Reviewer,
    document_id: int,
    filters: QueueFilters,
    *,
    status_code: int = 200,
    **shown: Any,
) -> Response:
    context = document_context(request, reviewer, document_id, filters, **shown)
    return render(request, "document.html", context, status_code)


def panel_json(context: dict[str, Any], status_code: int = 200, **extra: Any) -> JSONResponse:
    """The page's right-hand panel, fresh, for review.js to put in place of the old one (the
    scan stays as it is): a decision costs a fragment, not a page load."""
    body = {
        "panel": render_fragment("panel.html", context),
        "selected": context["selected"],
        "boxes": views.field_boxes(context["detail"].fields),
        "lock_version": context["document"].lock_version,
        "status": str(context["document"].status),
        **extra,
    }
    return JSONResponse(body, status_code=status_code)


@router.get("/documents/{document_id}")
def document_page(request: Request, document_id: int, reviewer: CurrentReviewer) -> Response:
    params = request.query_params
    notice = labels.NOTICES.get(params.get("msg", ""), "")
    done = params.get("done", "")
    if done.isdigit():
        notice = f"Tài liệu #{done} đã xong. Đây là tài liệu tiếp theo trong hàng đợi."
    response = render_document(
        request,
        reviewer,
        document_id,
        queue_filters.from_params(params),
        notice=notice,
        selected=params.get("sel") or None,
        after=params.get("after") or None,
    )
    if params.get("via") != "previous":  # going back does not move it along the trail
        secret = secret_of(request)
        trail.write(request, response, secret, trail.read(request, secret).visit(document_id))
    return response


@router.get("/documents/{document_id}/pages/{number}.png")
def page_image(
    request: Request, document_id: int, number: int, reviewer: CurrentReviewer
) -> Response:
    """A page image, looked up by the document's sha256; the browser never names a key."""
    runtime = get_runtime(request)
    with runtime.session() as db:
        document = db.get(Document, document_id)
        if document is None:
            raise NotFound(f"no document {document_id}")
        check_scope(reviewer, document)
        sha256 = document.sha256
    if number < 1:
        raise NotFound("no such page")
    try:
        data = page_png(runtime, sha256, number)
    except ObjectNotFound as exc:
        raise NotFound("no such page") from exc
    return Response(
        data, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"}
    )
