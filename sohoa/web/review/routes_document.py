"""The document page (scan with word boxes beside the fields, identity questions, history) and
the page images it shows."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from loaders.erasure import original_withheld
from loaders.errors import NotFound
from loaders.models import Document, FieldStatus
from loaders.review_detail import DocumentDetail, document_detail
from loaders.review_queue import QueueFilters
from sohoa.web.review import filters as queue_filters
from sohoa.web.review import labels
from sohoa.web.review.auth import Refused, Reviewer, audit_page_read, current_reviewer
from sohoa.web.review.routing import ReviewRoute
from sohoa.web.review.scans import SCAN_WITHHELD, page_png, page_views
from sohoa.web.review.templating import render
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


def render_document(
    request: Request,
    reviewer: Reviewer,
    document_id: int,
    filters: QueueFilters,
    *,
    notice: str = "",
    error: str = "",
    selected: str | None = None,
    after: str | None = None,
    status_code: int = 200,
) -> Response:
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
    context: dict[str, Any] = {
        "reviewer": reviewer,
        "detail": detail,
        "document": document,
        "pages": pages,
        "scan_withheld": SCAN_WITHHELD if withheld else "",
        "selected": selected or first_open_field(detail, after),
        "threshold": runtime.settings.review_threshold,
        "notice": notice,
        "error": error,
        "back": queue_filters.to_query(filters),
        "field_status": FieldStatus,
    }
    return render(request, "document.html", context, status_code)


@router.get("/documents/{document_id}")
def document_page(request: Request, document_id: int, reviewer: CurrentReviewer) -> Response:
    params = request.query_params
    notice = labels.NOTICES.get(params.get("msg", ""), "")
    done = params.get("done", "")
    if done.isdigit():
        notice = f"Tài liệu #{done} đã xong. Đây là tài liệu tiếp theo trong hàng đợi."
    return render_document(
        request,
        reviewer,
        document_id,
        queue_filters.from_params(params),
        notice=notice,
        selected=params.get("sel") or None,
        after=params.get("after") or None,
    )


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
