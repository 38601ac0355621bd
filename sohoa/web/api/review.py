"""Steward review over the API: read a document's fields and decide on them.

Every decision carries the `lock_version` the steward saw; if the document changed since (another
steward, a re-extraction), the answer is 409 `conflicting_update` and nothing is written. The
decisions, their audit entries and change-feed events are `loaders.review`'s.

A decision answers with the document's fields, personal data: like any read it needs `X-Purpose`
and writes its `read.review_document` entry, in the decision's transaction. The key is checked
again in that transaction (`recheck_for_write`), so a key revoked a moment ago writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Path, Request
from sqlalchemy.orm import Session

from extractors import doctypes
from loaders import review
from loaders.errors import InvalidRecord, NotFound, RefusedValue
from loaders.field_checks import kind_of
from loaders.journal import primary_subject_public_id
from loaders.models import Document
from loaders.verification import document_fields
from sohoa.auth.roles import Role
from sohoa.web.api.common import DocumentId, audit_read, errors, scope_of
from sohoa.web.api.schemas import (
    AddFieldIn,
    CorrectIn,
    LockIn,
    RejectIn,
    ReviewDocumentOut,
    ReviewFieldOut,
)
from sohoa.web.errors import ApiError
from sohoa.web.input_errors import refusal
from sohoa.web.runtime import get_runtime
from sohoa.web.security import Caller, Purpose, Steward, recheck_for_write

router = APIRouter(prefix="/review/documents", tags=["review"])

FieldName = Annotated[str, Path(max_length=64, description="Field name, e.g. full_name.")]


def field_label(doc_type: str, name: str) -> str:
    spec = doctypes.field_spec(doc_type, name)
    return spec.vi if spec else name


def _document(session: Session, document_id: int, caller: Caller) -> Document:
    document = session.get(Document, document_id)
    if document is None or not scope_of(caller).covers(document):
        raise ApiError(404, "document_not_found", f"no document {document_id} within your scope")
    return document


def _state(session: Session, document: Document) -> ReviewDocumentOut:
    return ReviewDocumentOut(
        id=document.id,
        doc_type=document.doc_type,
        status=document.status,
        lock_version=document.lock_version,
        fields=[
            ReviewFieldOut(
                name=f.name,
                label=field_label(document.doc_type, f.name),
                kind=kind_of(document.doc_type, f.name),
                value=f.value,
                machine_value=f.machine_value,
                status=f.status,
                confidence=f.confidence,
                page=f.page,
                box=list(f.box) if f.box else None,
            )
            for f in document_fields(session, document.id)
        ],
    )


def _decide(
    request: Request,
    caller: Caller,
    purpose: str,
    document_id: int,
    decision: str,
    action: Callable[[Session, Caller], object],
    field: str | None = None,
) -> ReviewDocumentOut:
    """Run a steward's decision in one transaction: the key checked live first (a revoked key
    writes nothing, whatever the key cache holds), then the decision, then the read entry of the
    document state the answer shows (its subjects before and after: a corrected ID number moves
    the document to another subject). A refusal at any step rolls everything back."""
    try:
        with get_runtime(request).session() as session:
            live = recheck_for_write(session, request, caller, Role.STEWARD)
            document = _document(session, document_id, live)
            before = primary_subject_public_id(session, document.id, document.doc_type)
            action(session, live)
            after = primary_subject_public_id(session, document.id, document.doc_type)
            audit_read(
                session,
                request,
                live,
                "review_document",
                purpose=purpose,
                subject_public_ids=[before, after],
                document_id=document.id,
                detail={"decision": decision, **({"field": field} if field else {})},
            )
            return _state(session, document)
    except RefusedValue as exc:  # the value fails its field's kind: nothing was written
        raise refusal(exc.code, f"body.value of field {exc.field}") from exc
    except InvalidRecord as exc:
        raise ApiError(409, "invalid_action", str(exc)) from exc
    except NotFound as exc:
        raise ApiError(404, "field_not_found", str(exc)) from exc


@router.get(
    "/{document_id}",
    response_model=ReviewDocumentOut,
    summary="A document's fields and review state, any status (steward)",
    responses=errors(400, 404),
)
def get_review_document(
    document_id: DocumentId, caller: Steward, purpose: Purpose, request: Request
) -> ReviewDocumentOut:
    with get_runtime(request).session() as session:
        document = _document(session, document_id, caller)
        audit_read(
            session,
            request,
            caller,
            "review_document",
            purpose=purpose,
            subject_public_ids=[primary_subject_public_id(session, document.id, document.doc_type)],
            document_id=document.id,
        )
        return _state(session, document)


@router.post(
    "/{document_id}/fields/{name}/accept",
    response_model=ReviewDocumentOut,
    summary="Accept a field's value (steward)",
    responses=errors(400, 404, 409),
)
def accept_field(
    document_id: DocumentId,
    name: FieldName,
    body: LockIn,
    caller: Steward,
    purpose: Purpose,
    request: Request,
) -> ReviewDocumentOut:
    return _decide(
        request,
        caller,
        purpose,
        document_id,
        "accept_field",
        lambda s, live: review.accept_field(
            s,
            document_id,
            name,
            principal_id=live.id,
            expected_lock_version=body.expected_lock_version,
        ),
        field=name,
    )


@router.post(
    "/{document_id}/fields/{name}/correct",
    response_model=ReviewDocumentOut,
    summary="Replace a field's value (steward)",
    responses=errors(400, 404, 409, 422),
)
def correct_field(
    document_id: DocumentId,
    name: FieldName,
    body: CorrectIn,
    caller: Steward,
    purpose: Purpose,
    request: Request,
) -> ReviewDocumentOut:
    return _decide(
        request,
        caller,
        purpose,
        document_id,
        "correct_field",
        lambda s, live: review.correct_field(
            s,
            document_id,
            name,
            body.value,
            principal_id=live.id,
            expected_lock_version=body.expected_lock_version,
            reason=body.reason,
        ),
        field=name,
    )


@router.post(
    "/{document_id}/fields/{name}",
    response_model=ReviewDocumentOut,
    summary="Add a field the machine did not find (steward)",
    responses=errors(400, 404, 409, 422),
)
def add_field(
    document_id: DocumentId,
    name: FieldName,
    body: AddFieldIn,
    caller: Steward,
    purpose: Purpose,
    request: Request,
) -> ReviewDocumentOut:
    """The value is checked by the field's kind like a correction; `page` and `box` (the words
    it was read from) are its provenance. Only a field the document's type declares, and not
    already on the document (409: correct that one instead)."""
    return _decide(
        request,
        caller,
        purpose,
        document_id,
        "add_field",
        lambda s, live: review.add_field(
            s,
            document_id,
            name,
            body.value,
            principal_id=live.id,
            expected_lock_version=body.expected_lock_version,
            page=body.page,
            box=body.box,
            reason=body.reason,
        ),
        field=name,
    )


@router.post(
    "/{document_id}/fields/{name}/reject",
    response_model=ReviewDocumentOut,
    summary="Mark a field's value unusable (steward)",
    responses=errors(400, 404, 409),
)
def reject_field(
    document_id: DocumentId,
    name: FieldName,
    body: RejectIn,
    caller: Steward,
    purpose: Purpose,
    request: Request,
) -> ReviewDocumentOut:
    return _decide(
        request,
        caller,
        purpose,
        document_id,
        "reject_field",
        lambda s, live: review.reject_field(
            s,
            document_id,
            name,
            body.reason,
            principal_id=live.id,
            expected_lock_version=body.expected_lock_version,
        ),
        field=name,
    )


@router.post(
    "/{document_id}/accept",
    response_model=ReviewDocumentOut,
    summary="Accept every undecided field (steward)",
    responses=errors(400, 404, 409),
)
def accept_document(
    document_id: DocumentId, body: LockIn, caller: Steward, purpose: Purpose, request: Request
) -> ReviewDocumentOut:
    return _decide(
        request,
        caller,
        purpose,
        document_id,
        "accept_document",
        lambda s, live: review.accept_document(
            s, document_id, principal_id=live.id, expected_lock_version=body.expected_lock_version
        ),
    )


@router.post(
    "/{document_id}/reject",
    response_model=ReviewDocumentOut,
    summary="Reject the whole document (steward)",
    responses=errors(400, 404, 409),
)
def reject_document(
    document_id: DocumentId, body: RejectIn, caller: Steward, purpose: Purpose, request: Request
) -> ReviewDocumentOut:
    return _decide(
        request,
        caller,
        purpose,
        document_id,
        "reject_document",
        lambda s, live: review.reject_document(
            s,
            document_id,
            body.reason,
            principal_id=live.id,
            expected_lock_version=body.expected_lock_version,
        ),
    )
