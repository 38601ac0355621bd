"""Loading one extraction into the warehouse, idempotently (docs/DESIGN.md, "Warehouse rules").

The same file (sha256) is always the same document. Loading an extraction identical to the
document's latest one changes nothing. A different one is a new version: machine values are
updated, except where a steward decided (accepted, corrected, rejected) — there a disagreement
opens a field conflict instead. The caller owns the transaction: this function flushes, the caller
commits, so a crash in between leaves nothing half-written.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from extractors.records import Extraction, Field, Severity
from loaders.batches import link_loaded_file
from loaders.db import translate_db_errors
from loaders.derived import refresh_derived
from loaders.erasure import ERASED_ONLY, TOMBSTONE, erasure_mark
from loaders.errors import ConflictingUpdate, InvalidRecord, WarehouseUnavailable
from loaders.identity import link_subjects
from loaders.journal import audit, primary_subject_public_id
from loaders.models import (
    ConflictStatus,
    Document,
    ExtractionVersion,
    FieldConflict,
    FieldStatus,
    FieldValue,
)
from loaders.rules import auto_verifies
from loaders.upsert import get_or_create
from loaders.verification import document_fields, settle_status


@dataclass(frozen=True)
class LoadResult:
    document_id: int
    created: bool  # a new document (first time this sha256 was loaded)
    new_version: int | None  # the extraction version written, None when nothing changed
    conflicts_opened: int
    subjects_linked: int
    candidates_opened: int


def content_digest(extraction: Extraction) -> str:
    """sha256 of the extraction's canonical JSON: equal digests mean nothing new to load."""
    return digest_of(canonical_json(extraction.to_dict()))


def canonical_json(data: dict[str, Any]) -> str:
    """The extraction's `to_dict()` as the one JSON text its digest is taken of (the bulk path
    reuses the text instead of serializing the same dict twice)."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def digest_of(canonical: str) -> str:
    return hashlib.sha256(canonical.encode()).hexdigest()


def load_extraction(
    session: Session,
    extraction: Extraction,
    *,
    batch: str | None = None,
    options_fingerprint: str = "",
    auto_verify_confidence: float | None = None,
    media_type: str = "",
    size: int = 0,
) -> LoadResult:
    """Upsert the document for `extraction.sha256` and record this extraction as its new version.

    `batch` marks the file loaded in that batch. `auto_verify_confidence` (None: never) lets
    confident fields without error findings skip review. A steward saving the same document at the
    same moment makes this raise `WarehouseUnavailable`: retrying the load is right and safe.
    """
    try:
        with translate_db_errors():
            return _load(
                session,
                extraction,
                batch=batch,
                options_fingerprint=options_fingerprint,
                auto_verify_confidence=auto_verify_confidence,
                media_type=media_type,
                size=size,
            )
    except ConflictingUpdate as exc:
        raise WarehouseUnavailable("the document changed while it was loaded; retry") from exc


def _load(
    session: Session,
    extraction: Extraction,
    *,
    batch: str | None,
    options_fingerprint: str,
    auto_verify_confidence: float | None,
    media_type: str,
    size: int,
) -> LoadResult:
    check_extraction(extraction)
    document, created = get_or_create(
        session,
        Document,
        {"sha256": extraction.sha256},
        {"doc_type": extraction.doc_type, "attributes": dict(extraction.attributes)},
    )
    if not created and erasure_mark(session, document.sha256) == ERASED_ONLY:
        # Erasure is sticky: a file naming only erased people is never loaded again (the
        # pipeline does not get this far; this is the last line).
        return LoadResult(document.id, False, None, 0, 0, 0)
    if batch is not None:
        link_loaded_file(session, batch, document)
    if not created:
        # Erasure is for good: re-reading a kept original (a shared document's scan) must not
        # bring an erased person's values back, in a field, a version or a subject link.
        extraction = without_erased_fields(extraction, erased_field_names(session, document))
    digest = content_digest(extraction)
    if not created and _latest_digest(session, document) == digest:
        return LoadResult(document.id, False, None, 0, 0, 0)

    version = document.current_version + 1
    session.add(
        ExtractionVersion(
            document_id=document.id,
            version=version,
            extractor_version=extraction.extractor_version,
            options_fingerprint=options_fingerprint,
            content_digest=digest,
            doc_type=extraction.doc_type,
            type_confidence=extraction.type_confidence,
            findings=[f.to_dict() for f in extraction.findings],
            extraction=extraction.to_dict(),
        )
    )
    document.doc_type = extraction.doc_type
    document.attributes = dict(extraction.attributes)
    document.page_count = extraction.page_count
    document.media_type = media_type or document.media_type
    document.size = size or document.size
    document.current_version = version
    document.updated_at = datetime.now(UTC)

    conflicts = _merge_fields(session, document, extraction, version, auto_verify_confidence)
    fields = document_fields(session, document.id)
    values = {f.name: f.value for f in fields if f.status != FieldStatus.REJECTED}
    refresh_derived(document, values)
    _flag_duplicate(session, document)
    links = link_subjects(session, document, extraction.subjects, values)
    event = settle_status(session, document)
    audit(
        session,
        "load.document",
        document_id=document.id,
        subject_public_id=primary_subject_public_id(session, document.id, document.doc_type),
        detail={
            "version": version,
            "created": created,
            "batch": batch,
            "status": document.status,
            "conflicts_opened": conflicts,
            "event": event,
        },
    )
    session.flush()
    return LoadResult(document.id, created, version, conflicts, links.linked, links.candidates)


def erased_field_names(session: Session, document: Document) -> set[str]:
    """The fields of `document` an erasure tombstoned."""
    return {
        f.name
        for f in document_fields(session, document.id)
        if f.value == TOMBSTONE and f.status == FieldStatus.REJECTED
    }


def without_erased_fields(extraction: Extraction, erased: set[str]) -> Extraction:
    """`extraction` without the values, findings and subject references of the `erased` fields
    (a reference is dropped when any field it maps to was erased: it named the erased person)."""
    if not erased:
        return extraction
    subjects = tuple(
        ref for ref in extraction.subjects if not erased.intersection(ref.fields.values())
    )
    return replace(
        extraction,
        fields=tuple(f for f in extraction.fields if f.name not in erased),
        findings=tuple(f for f in extraction.findings if f.field not in erased),
        subjects=subjects,
    )


def check_extraction(extraction: Extraction) -> None:
    """Refuse an extraction the warehouse cannot hold (both load paths ask this first)."""
    names = [f.name for f in extraction.fields]
    if len(names) != len(set(names)):
        raise InvalidRecord(f"extraction {extraction.sha256[:12]} repeats a field name")
    if len(extraction.sha256) != 64:
        raise InvalidRecord("extraction has no sha256")


def _latest_digest(session: Session, document: Document) -> str | None:
    return session.scalar(
        select(ExtractionVersion.content_digest).where(
            ExtractionVersion.document_id == document.id,
            ExtractionVersion.version == document.current_version,
        )
    )


def _merge_fields(
    session: Session,
    document: Document,
    extraction: Extraction,
    version: int,
    threshold: float | None,
) -> int:
    """Bring the field rows in line with `extraction`; returns the number of conflicts opened."""
    findings: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for finding in extraction.findings:
        if finding.field:
            findings[finding.field].append(finding.to_dict())
    existing = {
        f.name: f
        for f in document_fields(session, document.id)
        if not (f.value == TOMBSTONE and f.status == FieldStatus.REJECTED)  # erased: left as is
    }
    conflicts = 0
    for field in extraction.fields:
        row = existing.pop(field.name, None)
        field_findings = findings.get(field.name, [])
        if row is None:
            row = FieldValue(document_id=document.id, name=field.name)
            session.add(row)
        elif row.status in FieldStatus.STEWARD:
            row.machine_value = field.value
            row.findings = field_findings
            row.extraction_version = version
            if field.value != row.value:
                conflicts += _open_conflict(session, row, field.value, version)
            continue
        _take_machine_value(row, field, field_findings, version, threshold)
    for row in existing.values():  # fields the new extraction no longer finds
        if row.status in FieldStatus.STEWARD:
            row.machine_value = None
        else:
            session.delete(row)
    return conflicts


def _take_machine_value(
    row: FieldValue,
    field: Field,
    findings: list[dict[str, Any]],
    version: int,
    threshold: float | None,
) -> None:
    has_error = any(f["severity"] == Severity.ERROR.value for f in findings)
    auto = auto_verifies(field.confidence, has_error, threshold)
    row.value = field.value
    row.raw = field.raw
    row.confidence = field.confidence
    row.page = field.page
    row.box = field.box.to_list() if field.box else None
    row.findings = findings
    row.machine_value = field.value
    row.extraction_version = version
    row.status = FieldStatus.AUTO_VERIFIED if auto else FieldStatus.PENDING
    row.verified_by = None
    row.verified_at = datetime.now(UTC) if auto else None


def _open_conflict(session: Session, row: FieldValue, machine_value: str, version: int) -> int:
    """1 when a conflict was opened; 0 when the same disagreement is already open."""
    already = session.scalar(
        select(FieldConflict.id).where(
            FieldConflict.document_id == row.document_id,
            FieldConflict.field_name == row.name,
            FieldConflict.machine_value == machine_value,
            FieldConflict.status == ConflictStatus.OPEN,
        )
    )
    if already is not None:
        return 0
    session.add(
        FieldConflict(
            document_id=row.document_id,
            field_name=row.name,
            verified_value=row.value,
            machine_value=machine_value,
            extraction_version=version,
        )
    )
    return 1


def _flag_duplicate(session: Session, document: Document) -> None:
    """Point a rescan at the earliest document with the same type and key fields (a candidate
    for a steward; the two stay separate documents)."""
    if document.dedup_key is None:
        document.duplicate_of_id = None
        return
    document.duplicate_of_id = session.scalar(
        select(Document.id)
        .where(Document.dedup_key == document.dedup_key, Document.id < document.id)
        .order_by(Document.id)
        .limit(1)
    )
