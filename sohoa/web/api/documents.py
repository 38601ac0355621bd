"""One document: its fields, where it came from, and a short-lived link to the original scan."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from urllib.parse import urljoin

from fastapi import APIRouter, Request

from loaders import queries
from loaders.erasure import original_withheld
from sohoa.runtime import Runtime
from sohoa.web.api.common import (
    DocumentId,
    ValidOn,
    audit_read,
    errors,
    scope_of,
    summary_out,
    today,
)
from sohoa.web.api.schemas import (
    DocumentOut,
    FieldOut,
    OriginalLink,
    ProvenanceOut,
    VerificationOut,
)
from sohoa.web.errors import ApiError
from sohoa.web.runtime import get_runtime
from sohoa.web.security import Purpose, Reader
from storage import layout
from storage.errors import ObjectNotFound, StorageError

log = logging.getLogger(__name__)

LINK_LIFETIME = timedelta(minutes=5)
ORIGINAL_WITHHELD_ERASED = "subject_erased"  # `original_withheld`: the scan shows an erased person

router = APIRouter(prefix="/documents", tags=["documents"])


def original_link(runtime: Runtime, request: Request, sha256: str) -> OriginalLink | None:
    """A link to the original that works without a key for `LINK_LIFETIME`; None if the store
    does not have it (or cannot be reached: the record is still worth serving)."""
    expires_at = datetime.now(UTC) + LINK_LIFETIME
    try:
        url = runtime.store.link(layout.original(sha256), expires=LINK_LIFETIME)
    except ObjectNotFound:
        return None
    except StorageError as exc:
        log.warning("no link to an original: %s", type(exc).__name__)
        return None
    return OriginalLink(url=urljoin(str(request.base_url), url), expires_at=expires_at)


@router.get(
    "/{document_id}",
    response_model=DocumentOut,
    summary="One verified document: fields, provenance, link to the original",
    responses=errors(400, 404, 410),
)
def get_document(
    document_id: DocumentId,
    caller: Reader,
    purpose: Purpose,
    request: Request,
    valid_on: ValidOn = None,
) -> DocumentOut:
    """Served only when verified, valid on `valid_on` and within the key's scope; otherwise 404
    (the same answer as for a document that does not exist, so scope reveals nothing)."""
    day = valid_on or today()
    runtime = get_runtime(request)
    with runtime.session() as session:
        if queries.erased_subject_of(session, document_id):
            raise ApiError(410, "subject_erased", "the document's subject was erased")
        detail = queries.served_document(session, document_id, valid_on=day, scope=scope_of(caller))
        if detail is None:
            raise ApiError(
                404,
                "document_not_found",
                f"no verified document {document_id} valid on {day.isoformat()} "
                "within this key's scope",
            )
        # Erasure is sticky: a scan that still shows an erased person goes to no reader.
        withheld = original_withheld(session, document_id)
        audit_read(
            session,
            request,
            caller,
            "document",
            purpose=purpose,
            subject_public_ids=detail.subject_public_ids,
            document_id=document_id,
            detail={"valid_on": day.isoformat()},
        )
    summary = summary_out(detail.summary)
    provenance = detail.provenance
    return DocumentOut(
        **summary.model_dump(),
        sha256=detail.sha256,
        page_count=detail.page_count,
        # a document loaded before the load step recorded the sniffed type: "unknown bytes"
        media_type=detail.media_type or "application/octet-stream",
        fields=[
            FieldOut(
                name=f.name,
                value=f.value,
                status=f.status,
                confidence=f.confidence,
                verified_at=f.verified_at,
            )
            for f in detail.fields
        ],
        provenance=ProvenanceOut(
            batches=list(provenance.batches),
            extraction_version=provenance.extraction_version,
            extractor_version=provenance.extractor_version,
            extracted_at=provenance.extracted_at,
            verified_by=[
                VerificationOut(principal=v.principal, fields=list(v.fields), last_at=v.last_at)
                for v in provenance.verified_by
            ],
        ),
        subjects=list(detail.subject_public_ids),
        original=None if withheld else original_link(runtime, request, detail.sha256),
        original_withheld=ORIGINAL_WITHHELD_ERASED if withheld else None,
    )
