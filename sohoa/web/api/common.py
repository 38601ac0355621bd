"""What the reuse API's routers share: the date a person reads, the caller's scope, opaque
cursors, subject lookup with its errors, and the documented error responses."""

from __future__ import annotations

import base64
import binascii
from datetime import date, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import pydantic_core
from fastapi import Path, Query, Request, Response
from sqlalchemy.orm import Session

from loaders import reads
from loaders.queries import DocumentSummary, ReadScope, SubjectRow, find_subject_row
from sohoa.web import input_errors
from sohoa.web.api.schemas import DocumentSummaryOut, ErrorResponse, SubjectOut
from sohoa.web.errors import ApiError
from sohoa.web.security import Caller, forget_key

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
MAX_INT = 2**63 - 1
MAX_DOCUMENT_ID = 2**31 - 1


def today() -> date:
    """Today where the people reading live (docs/DESIGN.md: dates a person reads are Vietnam's)."""
    return datetime.now(LOCAL_TZ).date()


def scope_of(caller: Caller) -> ReadScope:
    return ReadScope(
        provinces=tuple(caller.scopes.get("provinces") or ()),
        doc_types=tuple(caller.scopes.get("doc_types") or ()),
    )


def encode_cursor(kind: str, *numbers: int) -> str:
    """An opaque cursor: clients pass it back and never build one."""
    raw = ":".join([kind, *(str(n) for n in numbers)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, kind: str, size: int) -> tuple[int, ...]:
    """The numbers inside a cursor of `kind`, or a 400 `invalid_cursor`."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        parts = base64.urlsafe_b64decode(padded.encode("ascii")).decode("ascii").split(":")
        if parts[0] != kind or len(parts) != size + 1:
            raise ValueError(cursor)
        numbers = tuple(int(p) for p in parts[1:])
        if any(not 0 <= n <= MAX_INT for n in numbers):
            raise ValueError(cursor)
        return numbers
    except (ValueError, UnicodeError, binascii.Error) as exc:
        raise input_errors.refusal(input_errors.INVALID_CURSOR) from exc


ValidOn = Annotated[
    date | None,
    Query(
        description="Serve only documents valid on this date (ISO 8601). "
        "Default: today in Asia/Ho_Chi_Minh."
    ),
]
Limit = Annotated[int, Query(ge=1, le=200, description="Page size.")]
Cursor = Annotated[
    str | None, Query(max_length=200, description="`next_cursor` of the previous page.")
]
SubjectKey = Annotated[
    str,
    Path(
        description="12-digit personal ID (an old 9-digit CMND is accepted as an alias), or an "
        "enterprise code: 10 digits, or 13 (0123456789-001) for a branch.",
        pattern=r"^(\d{9}|\d{10}|\d{12}|\d{13}|\d{10}-\d{3})$",
        examples=["001099012345", "0101234567"],
    ),
]
DocumentId = Annotated[int, Path(ge=1, le=MAX_DOCUMENT_ID, description="Document id.")]


def served_subject(session: Session, identifier: str, scope: ReadScope) -> SubjectRow:
    """The subject named by `identifier`, or 404 / 410 (erased) with a stable code. A subject
    outside the key's scope (no document of it the key may see) answers exactly like one that
    does not exist, so a scoped key cannot learn whether an ID number is on file."""
    subject = find_subject_row(session, identifier)
    if subject is None or not reads.subject_in_scope(session, subject.id, scope):
        raise ApiError(404, "subject_not_found", "no subject with this personal ID or code")
    if subject.erased_at is not None:
        raise ApiError(410, "subject_erased", "this subject's data was erased as the law requires")
    return subject


def subject_out(subject: SubjectRow) -> SubjectOut:
    return SubjectOut(public_id=subject.public_id, kind=subject.kind, key=subject.key)


def audit_read(
    session: Session,
    request: Request,
    caller: Caller,
    action: str,
    *,
    purpose: str,
    subject_public_ids: Any,
    document_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Write the read's audit entries in the read's transaction, or refuse the read with 401 when
    the caller's key was revoked or disabled since it was checked (the transaction then rolls back:
    no entry, no answer)."""
    written = reads.record_read(
        session,
        action,
        principal_id=caller.id,
        purpose=purpose,
        subject_public_ids=subject_public_ids,
        document_id=document_id,
        detail=detail,
    )
    if not written:
        forget_key(request, caller)
        raise ApiError(
            401, "invalid_api_key", "unknown or revoked API key", {"WWW-Authenticate": "Bearer"}
        )


def json_response(body: Any) -> Response:
    """A JSON answer serialized the way FastAPI serializes a `response_model` (pydantic's own
    encoder: ISO dates, UTF-8), without building and validating the models first. Used on hot
    paths; the endpoint keeps its `response_model` for the OpenAPI document, and the tests check
    the body against it."""
    return Response(pydantic_core.to_json(body), media_type="application/json")


def summary_out(summary: DocumentSummary) -> DocumentSummaryOut:
    return DocumentSummaryOut(
        id=summary.id,
        doc_type=summary.doc_type,
        attributes=summary.attributes,
        roles=list(summary.roles),
        valid_from=summary.valid_from,
        valid_to=summary.valid_to,
        province_code=summary.province_code,
        updated_at=summary.updated_at,
        href=f"/v1/documents/{summary.id}",
    )


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for the error statuses an endpoint may return (all share one body)."""
    meaning = {
        400: "Missing X-Purpose header, or an invalid cursor",
        401: "Missing, malformed, unknown or revoked API key",
        403: "The key's role is too low for this endpoint",
        404: "Not found, or not visible to this key (scope, status, validity date)",
        409: "The document changed since you read it (lock_version), or the action does not "
        "apply to its state",
        410: "The subject's data was erased",
        422: "Invalid parameters or body; the code says which refusal (`invalid_character` for "
        "a NUL or another control character, `value_too_long`, `invalid_date`, …)",
        503: "The warehouse database is unavailable; retry later",
    }
    return {
        status: {"model": ErrorResponse, "description": meaning.get(status, "Error")}
        for status in (401, 403, 422, 503, *statuses)
    }
