"""A subject's records: profile, documents, procedure check, and who read them.

Every call here reads personal data, so every call needs `X-Purpose` and appends audit entries
(in the read's own transaction: no entry, no answer).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from loaders import procedures, queries, reads
from sohoa.web.api.common import (
    Cursor,
    Limit,
    SubjectKey,
    ValidOn,
    audit_read,
    decode_cursor,
    encode_cursor,
    errors,
    json_response,
    scope_of,
    served_subject,
    subject_out,
    summary_out,
    today,
)
from sohoa.web.api.document_types import known_doc_types
from sohoa.web.api.procedures import procedure_out
from sohoa.web.api.schemas import (
    DocTypeCode,
    DocumentPage,
    ProcedureCheckOut,
    ProfileAttributeOut,
    ProfileOut,
    ProfileValueOut,
    ReadOut,
    ReadPage,
    RequirementOnFile,
    RequirementOut,
    SourceRef,
)
from sohoa.web.errors import ApiError
from sohoa.web.runtime import get_runtime
from sohoa.web.security import Purpose, Reader

router = APIRouter(prefix="/subjects", tags=["subjects"])


def _source(source: queries.AttributeSource) -> SourceRef:
    return SourceRef(
        document_id=source.document_id, doc_type=source.doc_type, valid_from=source.valid_from
    )


@router.get(
    "/{subject_id}",
    response_model=ProfileOut,
    summary="A subject's profile from its verified documents",
    responses=errors(400, 404, 410),
)
def get_profile(
    subject_id: SubjectKey,
    caller: Reader,
    purpose: Purpose,
    request: Request,
    valid_on: ValidOn = None,
) -> ProfileOut:
    """Canonical attributes (name, date of birth, residence, company name …): per attribute the
    value of the most recent verified document valid on `valid_on`, with its source document.
    Values that other verified documents disagree with are listed, not hidden."""
    day = valid_on or today()
    with get_runtime(request).session() as session:
        subject = served_subject(session, subject_id, scope_of(caller))
        profile = queries.subject_profile(session, subject, valid_on=day, scope=scope_of(caller))
        audit_read(
            session,
            request,
            caller,
            "profile",
            purpose=purpose,
            subject_public_ids=[subject.public_id],
            detail={"documents": list(profile.document_ids), "valid_on": day.isoformat()},
        )
        return ProfileOut(
            subject=subject_out(subject),
            valid_on=day,
            attributes=[
                ProfileAttributeOut(
                    name=a.name,
                    value=a.value,
                    source=_source(a.source),
                    disagreements=[
                        ProfileValueOut(value=d.value, source=_source(d.source))
                        for d in a.disagreements
                    ],
                )
                for a in profile.attributes
            ],
            document_ids=list(profile.document_ids),
        )


@router.get(
    "/{subject_id}/documents",
    response_model=DocumentPage,
    summary="A subject's verified documents valid on a date",
    responses=errors(400, 404, 410),
)
def list_documents(
    subject_id: SubjectKey,
    caller: Reader,
    purpose: Purpose,
    request: Request,
    doc_type: Annotated[
        list[DocTypeCode] | None,
        Query(
            description="Only these types (repeat the parameter); `GET /v1/document-types` "
            "lists them."
        ),
    ] = None,
    valid_on: ValidOn = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Response:
    """Verified documents naming the subject (in any role) that are valid on `valid_on`, oldest
    first, a page at a time. Documents outside the key's scope are left out."""
    # The busiest read of the API: plain rows in, a dict out serialized once (`json_response`),
    # one transaction for the subject, the page and the audit entry.
    doc_types = known_doc_types(doc_type or ())
    day = valid_on or today()
    after = decode_cursor(cursor, "d", 1)[0] if cursor else 0
    with get_runtime(request).session() as session:
        subject = served_subject(session, subject_id, scope_of(caller))
        items = queries.subject_documents(
            session,
            subject.id,
            valid_on=day,
            scope=scope_of(caller),
            doc_types=doc_types,
            after_id=after,
            limit=limit + 1,
        )
        page, more = items[:limit], len(items) > limit
        audit_read(
            session,
            request,
            caller,
            "documents",
            purpose=purpose,
            subject_public_ids=[subject.public_id],
            detail={"documents": [d.id for d in page], "valid_on": day.isoformat()},
        )
    # Committed: the audit entry is durable before anything is sent. Keys and order as in
    # DocumentPage / DocumentSummaryOut (tests/web/api/test_subjects.py checks the body).
    return json_response(
        {
            "subject": {"public_id": subject.public_id, "kind": subject.kind, "key": subject.key},
            "valid_on": day,
            "items": [
                {
                    "id": d.id,
                    "doc_type": d.doc_type,
                    "attributes": d.attributes,
                    "roles": list(d.roles),
                    "valid_from": d.valid_from,
                    "valid_to": d.valid_to,
                    "province_code": d.province_code,
                    "updated_at": d.updated_at,
                    "href": f"/v1/documents/{d.id}",
                }
                for d in page
            ],
            "next_cursor": encode_cursor("d", page[-1].id) if more else None,
        }
    )


@router.get(
    "/{subject_id}/procedures/{code}",
    response_model=ProcedureCheckOut,
    summary="Which documents a procedure needs are already on file",
    responses=errors(400, 404, 410),
)
def check_procedure(
    subject_id: SubjectKey,
    code: Annotated[str, Path(max_length=32, description="Procedure code of the catalogue.")],
    caller: Reader,
    purpose: Purpose,
    request: Request,
    valid_on: ValidOn = None,
) -> ProcedureCheckOut:
    """For the procedure `code` and the subject: the required document types on file (verified,
    valid on `valid_on`) with those documents, so the citizen need not bring them again, and
    the ones missing."""
    day = valid_on or today()
    scope = scope_of(caller)
    with get_runtime(request).session() as session:
        spec = procedures.get(session, code)
        if spec is None:
            raise ApiError(
                404,
                "procedure_not_found",
                "no procedure with this code in the catalogue (GET /v1/procedures lists them)",
            )
        subject = served_subject(session, subject_id, scope_of(caller))
        result = procedures.check(session, spec, subject.id, valid_on=day, scope=scope)
        audit_read(
            session,
            request,
            caller,
            "procedure_check",
            purpose=purpose,
            subject_public_ids=[subject.public_id],
            detail={
                "procedure": spec.code,
                "documents": [d.id for r in result.on_file for d in r.documents],
                "valid_on": day.isoformat(),
            },
        )
        return ProcedureCheckOut(
            procedure=procedure_out(spec),
            subject=subject_out(subject),
            valid_on=day,
            complete=not result.missing and not result.outside_scope,
            on_file=[
                RequirementOnFile(
                    doc_type=r.requirement.doc_type,
                    note=r.requirement.note,
                    documents=[summary_out(d) for d in r.documents],
                )
                for r in result.on_file
            ],
            missing=[RequirementOut(doc_type=r.doc_type, note=r.note) for r in result.missing],
            outside_scope=[
                RequirementOut(doc_type=r.doc_type, note=r.note) for r in result.outside_scope
            ],
        )


@router.get(
    "/{subject_id}/reads",
    response_model=ReadPage,
    summary="Who read this subject's records, when, and why",
    responses=errors(400, 404, 410),
)
def list_reads(
    subject_id: SubjectKey,
    caller: Reader,
    purpose: Purpose,
    request: Request,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> ReadPage:
    """The audit log's reads of the subject's records (which service, when, for what purpose),
    newest first. Asking is itself a read: it appears in later answers."""
    before = decode_cursor(cursor, "r", 1)[0] if cursor else None
    with get_runtime(request).session() as session:
        subject = served_subject(session, subject_id, scope_of(caller))
        rows = reads.reads_of(
            session,
            subject.public_id,
            before_id=before,
            limit=limit + 1,
            scope=scope_of(caller),
        )
        page, more = rows[:limit], len(rows) > limit
        audit_read(
            session,
            request,
            caller,
            "reads",
            purpose=purpose,
            subject_public_ids=[subject.public_id],
        )
        return ReadPage(
            subject=subject_out(subject),
            items=[
                ReadOut(
                    at=r.at,
                    service=r.principal,
                    action=r.action,
                    purpose=r.purpose,
                    document_id=r.document_id,
                )
                for r in page
            ],
            next_cursor=encode_cursor("r", page[-1].id) if more else None,
        )
