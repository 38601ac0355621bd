"""What a steward does on the document page: decide fields, accept or reject the document,
answer identity questions; and what an admin undoes. Every action is a POST with the session's
CSRF token and the `lock_version` the steward saw: a stale one re-renders the page with the fresh
values and a clear message instead of overwriting someone else's work.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from loaders.errors import ConflictingUpdate, InvalidRecord, NotFound
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
    accept_document,
    accept_field,
    correct_field,
    reject_document,
    reject_field,
)
from loaders.review_queue import QueueFilters, next_in_queue
from sohoa.web.review import filters as queue_filters
from sohoa.web.review import labels
from sohoa.web.review.auth import (
    BAD_FORM,
    Refused,
    Reviewer,
    checked_form,
    current_admin,
    current_reviewer,
)
from sohoa.web.review.routes_document import check_scope, render_document
from sohoa.web.review.routing import ReviewRoute
from sohoa.web.runtime import get_runtime

router = APIRouter(route_class=ReviewRoute)
CurrentReviewer = Annotated[Reviewer, Depends(current_reviewer)]
CurrentAdmin = Annotated[Reviewer, Depends(current_admin)]

# An action: (database session, form, lock version seen) -> the field it concerned, if any.
Action = Callable[[Session, dict[str, str], int], str | None]

NEED_REASON = "Hãy nêu lý do."
NEED_VALUE = "Hãy nhập giá trị mới."
NOT_POSSIBLE = (
    "Không thể thực hiện thao tác này với trạng thái hiện tại của tài liệu. "
    "Hãy tải lại trang để xem trạng thái mới nhất."
)


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
    form = await checked_form(request, reviewer)
    filters = queue_filters.from_query(form.get("back", ""))
    lock = form.get("lock_version", "")
    if not lock.isdigit():
        raise Refused(400, BAD_FORM)
    runtime = get_runtime(request)
    try:
        with runtime.session() as db:
            document = db.get(Document, document_id)
            if document is None:
                raise NotFound(f"no document {document_id}")
            check_scope(reviewer, document)
            field_name = action(db, form, int(lock))
            settled = _settled(db, document_id)
    except ConflictingUpdate:
        attempted = form.get("value", "").strip()
        message = labels.STALE + (f" Giá trị bạn định lưu: «{attempted}»." if attempted else "")
        return render_document(
            request,
            reviewer,
            document_id,
            filters,
            error=message,
            selected=form.get("field") or None,
            status_code=409,
        )
    except _FormProblem as exc:
        return render_document(
            request,
            reviewer,
            document_id,
            filters,
            error=exc.message,
            selected=form.get("field") or None,
            status_code=422,
        )
    except InvalidRecord:
        return render_document(
            request, reviewer, document_id, filters, error=NOT_POSSIBLE, status_code=409
        )
    if settled:
        return _to_next(request, reviewer, document_id, filters)
    params = {"msg": notice, **({"after": field_name} if field_name else {})}
    back = queue_filters.to_query(filters)
    query = urlencode(params) + (f"&{back}" if back else "")
    return RedirectResponse(f"/review/documents/{document_id}?{query}", status_code=303)


def _to_next(
    request: Request, reviewer: Reviewer, done: int, filters: QueueFilters
) -> RedirectResponse:
    """The document is settled: open the next one in the same filtered queue."""
    runtime = get_runtime(request)
    with runtime.session() as db:
        found = next_in_queue(
            db,
            filters,
            threshold=runtime.settings.review_threshold,
            scopes=reviewer.scopes,
            exclude=[done],
        )
    back = queue_filters.to_query(filters)
    query = f"done={done}" + (f"&{back}" if back else "")
    target = f"/review/documents/{found}?{query}" if found else f"/review?{query}"
    return RedirectResponse(target, status_code=303)


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
