"""What a steward does on the document page: decide fields (or accept the confident ones), add
a field the machine missed, accept or reject the document, re-extract it as another type, answer
identity questions; and what an admin undoes. Every action is a POST with the session's CSRF token
and the `lock_version` the steward saw: a stale one shows the fresh values and a clear message
instead of overwriting someone else's work. A plain form post gets a redirect or a page; a request
from review.js gets JSON (`_perform`), so a decision costs a fragment, not a page load.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from loaders.errors import ConflictingUpdate, InvalidRecord, NotFound, RefusedValue
from loaders.identity_review import keep_separate, link_candidate, resolve_conflict, unlink_subject
from loaders.models import (
    CandidateStatus,
    ConflictStatus,
    Document,
    DocumentStatus,
    FieldConflict,
    IdentityCandidate,
)
from loaders.reopen import reopen_document
from loaders.review import (
    accept_confident,
    accept_document,
    accept_field,
    add_field,
    correct_field,
    reject_document,
    reject_field,
)
from loaders.review_queue import QueueFilters
from sohoa.pipeline.errors import StepError
from sohoa.pipeline.retype import RetypeRefused, retype_document
from sohoa.web.review import filters as queue_filters
from sohoa.web.review import labels, trail
from sohoa.web.review.auth import (
    BAD_FORM,
    Refused,
    Reviewer,
    checked_form,
    current_admin,
    current_reviewer,
    secret_of,
)
from sohoa.web.review.routes_document import (
    Refusal,
    check_scope,
    document_context,
    panel_json,
    render_document,
)
from sohoa.web.review.routing import ReviewRoute, wants_json
from sohoa.web.runtime import get_runtime

router = APIRouter(route_class=ReviewRoute)
CurrentReviewer = Annotated[Reviewer, Depends(current_reviewer)]
CurrentAdmin = Annotated[Reviewer, Depends(current_admin)]

# An action: (database session, form, lock version seen) -> the field it concerned, if any.
Action = Callable[[Session, dict[str, str], int], str | None]

NEED_REASON = "Hãy nêu lý do."
NEED_VALUE = "Hãy nhập giá trị mới."
NEED_NAME = "Hãy chọn trường cần thêm."
NOT_REREAD = (
    "Không đọc lại được tệp lúc này (kho lưu trữ hoặc cơ sở dữ liệu không trả lời). "
    "Hãy thử lại sau ít phút."
)
NOT_POSSIBLE = (
    "Không thể thực hiện thao tác này với trạng thái hiện tại của tài liệu. "
    "Hãy tải lại trang để xem trạng thái mới nhất."
)


class _Unchanged(Exception):
    """Nothing to do (e.g. no field reaches the threshold): said with the notice `key`."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


class _FormProblem(Exception):
    """The steward left out something the action needs; `message` is Vietnamese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _required(form: dict[str, str], name: str, message: str) -> str:
    value = form.get(name, "").strip()
    if not value:
        raise _FormProblem(message)
    return value


def _settled(db: Session, document_id: int) -> bool:
    """Nothing left for a steward: decided, and no identity question open."""
    document = db.get_one(Document, document_id, populate_existing=True)
    if document.status == DocumentStatus.REJECTED:
        return True
    if document.status != DocumentStatus.VERIFIED:
        return False
    open_candidate = db.scalar(
        select(
            exists().where(
                IdentityCandidate.document_id == document_id,
                IdentityCandidate.status == CandidateStatus.OPEN,
            )
        )
    )
    open_conflict = db.scalar(
        select(
            exists().where(
                FieldConflict.document_id == document_id,
                FieldConflict.status == ConflictStatus.OPEN,
            )
        )
    )
    return not open_candidate and not open_conflict


async def _perform(
    request: Request, reviewer: Reviewer, document_id: int, notice: str, action: Action
) -> Response:
    """Run one decision. A plain form POST is answered as before (a redirect, or the page again
    with the problem); a request from review.js (`wants_json`) gets JSON: the fresh panel to put
    in place, the next document's address when this one is settled, or the refusal to show
    beside the input (the typed text stays where it is)."""
    form = await checked_form(request, reviewer)
    filters = queue_filters.from_query(form.get("back", ""))
    lock = form.get("lock_version", "")
    if not lock.isdigit():
        raise Refused(400, BAD_FORM)
    in_place = wants_json(request)
    runtime = get_runtime(request)
    field = form.get("field") or None
    try:
        with runtime.session() as db:
            document = db.get(Document, document_id)
            if document is None:
                raise NotFound(f"no document {document_id}")
            check_scope(reviewer, document)
            field_name = action(db, form, int(lock))
            settled = _settled(db, document_id)
    except _Unchanged as exc:
        notice, field_name, settled = exc.key, None, False
    except RefusedValue as exc:  # the value fails its kind: nothing was written
        refused = Refusal(exc.field, exc.message, form.get("value", ""), exc.code)
        if in_place:
            body = {"code": exc.code, "message": exc.message, "field": exc.field}
            return JSONResponse(body, status_code=422)
        return render_document(
            request, reviewer, document_id, filters, refused=refused, status_code=422
        )
    except ConflictingUpdate:
        attempted = form.get("value", "").strip()
        message = labels.STALE + (f" Giá trị bạn định lưu: «{attempted}»." if attempted else "")
        return _problem(request, reviewer, document_id, filters, message, field, 409, in_place)
    except _FormProblem as exc:
        if in_place:
            body = {"code": "form_problem", "message": exc.message, "field": field}
            return JSONResponse(body, status_code=422)
        return _problem(request, reviewer, document_id, filters, exc.message, field, 422, False)
    except RetypeRefused as exc:
        return _problem(request, reviewer, document_id, filters, exc.message, None, 409, in_place)
    except InvalidRecord:
        return _problem(request, reviewer, document_id, filters, NOT_POSSIBLE, None, 409, in_place)
    if settled:
        target = _next_url(request, reviewer, document_id, filters)
        if in_place:
            return JSONResponse({"settled": True, "location": target})
        return RedirectResponse(target, status_code=303)
    message = labels.NOTICES.get(notice, "")
    if in_place:
        context = document_context(
            request, reviewer, document_id, filters, notice=message, after=field_name
        )
        return panel_json(context)
    params = {"msg": notice, **({"after": field_name} if field_name else {})}
    back = queue_filters.to_query(filters)
    query = urlencode(params) + (f"&{back}" if back else "")
    return RedirectResponse(f"/review/documents/{document_id}?{query}", status_code=303)


def _problem(
    request: Request,
    reviewer: Reviewer,
    document_id: int,
    filters: QueueFilters,
    message: str,
    field: str | None,
    status_code: int,
    in_place: bool,
) -> Response:
    """The document as it is now, with why the action was not done."""
    if in_place:
        context = document_context(
            request, reviewer, document_id, filters, error=message, selected=field
        )
        return panel_json(context, status_code, code="not_done", message=message)
    return render_document(
        request,
        reviewer,
        document_id,
        filters,
        error=message,
        selected=field,
        status_code=status_code,
    )


def _next_url(request: Request, reviewer: Reviewer, done: int, filters: QueueFilters) -> str:
    """The document is settled: the next one in the same filtered queue, or the queue."""
    where = trail.read(request, secret_of(request))
    found = trail.next_document(request, reviewer.scopes, filters, where, [done])
    back = queue_filters.to_query(filters)
    query = f"done={done}" + (f"&{back}" if back else "")
    return f"/review/documents/{found}?{query}" if found else f"/review?{query}"


@router.post("/documents/{document_id}/fields/{name}")
async def field_action(
    request: Request, document_id: int, name: str, reviewer: CurrentReviewer
) -> Response:
    """accept | correct | reject one field (shortcuts a / e then Enter / r)."""
    form = await checked_form(request, reviewer)
    kind = form.get("action", "")
    if kind not in ("accept", "correct", "reject"):
        raise Refused(400, BAD_FORM)

    def act(db: Session, form: dict[str, str], lock: int) -> str:
        if kind == "accept":
            accept_field(
                db, document_id, name, principal_id=reviewer.id, expected_lock_version=lock
            )
        elif kind == "correct":
            value = _required(form, "value", NEED_VALUE)
            correct_field(
                db,
                document_id,
                name,
                value,
                principal_id=reviewer.id,
                expected_lock_version=lock,
                reason=form.get("reason", "").strip(),
            )
        else:
            reason = _required(form, "reason", NEED_REASON)
            reject_field(
                db, document_id, name, reason, principal_id=reviewer.id, expected_lock_version=lock
            )
        return name

    return await _perform(request, reviewer, document_id, kind, act)


@router.post("/documents/{document_id}/accept")
async def document_accept(
    request: Request, document_id: int, reviewer: CurrentReviewer
) -> Response:
    """Accept every field not yet decided (shortcut Shift+A)."""

    def act(db: Session, form: dict[str, str], lock: int) -> None:
        accept_document(db, document_id, principal_id=reviewer.id, expected_lock_version=lock)

    return await _perform(request, reviewer, document_id, "accept_document", act)


@router.post("/documents/{document_id}/accept-confident")
async def document_accept_confident(
    request: Request, document_id: int, reviewer: CurrentReviewer
) -> Response:
    """Accept every undecided field at or above the review threshold without an error finding
    (shortcut c); the others stay for the steward."""
    threshold = get_runtime(request).settings.review_threshold

    def act(db: Session, form: dict[str, str], lock: int) -> None:
        accepted = accept_confident(
            db, document_id, threshold, principal_id=reviewer.id, expected_lock_version=lock
        )
        if not accepted:
            raise _Unchanged("none_confident")

    return await _perform(request, reviewer, document_id, "accept_confident", act)


@router.post("/documents/{document_id}/fields")
async def field_add(request: Request, document_id: int, reviewer: CurrentReviewer) -> Response:
    """Add a field the machine did not find (shortcut t): its name, its value (typed, or the
    words clicked on the scan) and the box of those words as its provenance."""

    def act(db: Session, form: dict[str, str], lock: int) -> str:
        name = _required(form, "name", NEED_NAME)
        value = _required(form, "value", NEED_VALUE)
        page, box = _provenance(form)
        add_field(
            db,
            document_id,
            name,
            value,
            principal_id=reviewer.id,
            expected_lock_version=lock,
            page=page,
            box=box,
            reason=form.get("reason", "").strip(),
        )
        return name

    return await _perform(request, reviewer, document_id, "add_field", act)


def _provenance(form: dict[str, str]) -> tuple[int | None, list[int] | None]:
    """The page and box (left, top, width, height in page pixels) of the clicked words; none
    when the value was typed without clicking any."""
    page, box = form.get("page", "").strip(), form.get("box", "").strip()
    if not page or not box:
        return None, None
    parts = box.split(",")
    if not page.isdigit() or len(parts) != 4 or not all(p.strip().isdigit() for p in parts):
        raise Refused(400, BAD_FORM)
    values = [int(p) for p in parts]
    if int(page) < 1 or values[2] < 1 or values[3] < 1 or max(values) > 100_000:
        raise Refused(400, BAD_FORM)
    return int(page), values


@router.post("/documents/{document_id}/retype")
async def document_retype(
    request: Request, document_id: int, reviewer: CurrentReviewer
) -> Response:
    """Re-extract the document as the type the steward chose (shortcut d): from its cached
    text, or by reading the file again (`sohoa.pipeline.retype`). The page opens again."""
    form = await checked_form(request, reviewer)
    filters = queue_filters.from_query(form.get("back", ""))
    lock = form.get("lock_version", "")
    if not lock.isdigit():
        raise Refused(400, BAD_FORM)
    in_place = wants_json(request)
    runtime = get_runtime(request)
    with runtime.session() as db:
        document = db.get(Document, document_id)
        if document is None:
            raise NotFound(f"no document {document_id}")
        check_scope(reviewer, document)
    chosen = form.get("doc_type", "").strip()
    try:
        await run_in_threadpool(
            retype_document,
            runtime,
            document_id,
            chosen,
            principal_id=reviewer.id,
            expected_lock_version=int(lock),
        )
    except RetypeRefused as exc:
        return _problem(request, reviewer, document_id, filters, exc.message, None, 409, in_place)
    except ConflictingUpdate:
        return _problem(request, reviewer, document_id, filters, labels.STALE, None, 409, in_place)
    except StepError:
        return _problem(request, reviewer, document_id, filters, NOT_REREAD, None, 503, in_place)
    back = queue_filters.to_query(filters)
    target = f"/review/documents/{document_id}?msg=retype" + (f"&{back}" if back else "")
    if in_place:
        return JSONResponse({"location": target})
    return RedirectResponse(target, status_code=303)


@router.post("/documents/{document_id}/reject")
async def document_reject(
    request: Request, document_id: int, reviewer: CurrentReviewer
) -> Response:
    """Reject the whole file as unusable, with a reason (shortcut Shift+R)."""

    def act(db: Session, form: dict[str, str], lock: int) -> None:
        reason = _required(form, "reason", NEED_REASON)
        reject_document(
            db, document_id, reason, principal_id=reviewer.id, expected_lock_version=lock
        )

    return await _perform(request, reviewer, document_id, "reject_document", act)


def _candidate_of(db: Session, document_id: int, candidate_id: int) -> IdentityCandidate:
    candidate = db.get(IdentityCandidate, candidate_id)
    if candidate is None or candidate.document_id != document_id:
        raise NotFound(f"no identity candidate {candidate_id} on document {document_id}")
    return candidate


@router.post("/documents/{document_id}/candidates/{candidate_id}")
async def candidate_action(
    request: Request, document_id: int, candidate_id: int, reviewer: CurrentReviewer
) -> Response:
    """link | separate: the document's person is, or is not, that existing subject."""
    form = await checked_form(request, reviewer)
    kind = form.get("action", "")
    if kind not in ("link", "separate"):
        raise Refused(400, BAD_FORM)

    def act(db: Session, form: dict[str, str], lock: int) -> None:
        _candidate_of(db, document_id, candidate_id)
        decide = link_candidate if kind == "link" else keep_separate
        decide(
            db,
            candidate_id,
            principal_id=reviewer.id,
            expected_lock_version=lock,
            reason=form.get("reason", "").strip(),
        )

    return await _perform(request, reviewer, document_id, kind, act)


@router.post("/documents/{document_id}/conflicts/{conflict_id}")
async def conflict_action(
    request: Request, document_id: int, conflict_id: int, reviewer: CurrentReviewer
) -> Response:
    """keep | machine | value: answer a disagreement with a verified value."""
    form = await checked_form(request, reviewer)
    choice = form.get("choice", "")
    if choice not in ("keep", "machine", "value"):
        raise Refused(400, BAD_FORM)

    def act(db: Session, form: dict[str, str], lock: int) -> str:
        conflict = db.get(FieldConflict, conflict_id)
        if conflict is None or conflict.document_id != document_id:
            raise NotFound(f"no conflict {conflict_id} on document {document_id}")
        value = _required(form, "value", NEED_VALUE) if choice == "value" else None
        resolve_conflict(
            db,
            conflict_id,
            choice,
            value=value,  # type: ignore[arg-type]
            principal_id=reviewer.id,
            expected_lock_version=lock,
        )
        return conflict.field_name

    return await _perform(request, reviewer, document_id, "conflict", act)


@router.post("/documents/{document_id}/reopen")
async def document_reopen(request: Request, document_id: int, admin: CurrentAdmin) -> Response:
    """Admin undo: a verified (or rejected) document goes back to review."""

    def act(db: Session, form: dict[str, str], lock: int) -> None:
        reason = _required(form, "reason", NEED_REASON)
        reopen_document(db, document_id, reason, principal_id=admin.id, expected_lock_version=lock)

    return await _perform(request, admin, document_id, "reopen", act)


@router.post("/documents/{document_id}/candidates/{candidate_id}/unlink")
async def candidate_unlink(
    request: Request, document_id: int, candidate_id: int, admin: CurrentAdmin
) -> Response:
    """Admin undo of a wrong identity link."""

    def act(db: Session, form: dict[str, str], lock: int) -> None:
        _candidate_of(db, document_id, candidate_id)
        reason = _required(form, "reason", NEED_REASON)
        unlink_subject(db, candidate_id, reason, principal_id=admin.id, expected_lock_version=lock)

    return await _perform(request, admin, document_id, "unlink", act)
