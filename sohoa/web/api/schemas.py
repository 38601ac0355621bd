"""The reuse API's request and response bodies, as pydantic models, so that the OpenAPI document
alone tells a downstream developer what each call returns."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from extractors.kinds import MAX_LENGTH as MAX_VALUE_LENGTH
from sohoa.web.input_errors import Text

# A registered document type's code (`GET /v1/document-types` lists them, from the declarations
# in `extractors/fields/`; a type registered later is accepted too, so no enum is frozen here).
DocTypeCode = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,63}$")]


class ErrorBody(BaseModel):
    code: str = Field(description="Stable, machine-readable: branch on this, not on the message.")
    message: str = Field(description="What went wrong and what to do, for a person.")


class ErrorResponse(BaseModel):
    error: ErrorBody


class SubjectOut(BaseModel):
    public_id: str = Field(description="Opaque id; the same in the change feed and audit log.")
    kind: str = Field(description="person | organization")
    key: str | None = Field(
        description="12-digit personal ID, or enterprise code (10 digits; 10+3 for a branch)."
    )


class SourceRef(BaseModel):
    document_id: int
    doc_type: str
    valid_from: date | None


class ProfileValueOut(BaseModel):
    value: str
    source: SourceRef


class ProfileAttributeOut(BaseModel):
    name: str = Field(description="snake_case attribute, e.g. full_name, date_of_birth.")
    value: str = Field(description="The value on the most recent verified document.")
    source: SourceRef = Field(description="The document the value was read from.")
    disagreements: list[ProfileValueOut] = Field(
        description="Different values on other verified documents (newest first); empty when "
        "every verified document agrees. Never resolved silently."
    )


class ProfileOut(BaseModel):
    subject: SubjectOut
    valid_on: date
    attributes: list[ProfileAttributeOut]
    document_ids: list[int] = Field(
        description="The verified documents the profile was built from."
    )


class DocumentSummaryOut(BaseModel):
    id: int
    doc_type: str
    attributes: dict[str, Any] = Field(
        description="Type qualifiers: variant/side of an ID card, kind of an admin document."
    )
    roles: list[str] = Field(description="The subject's roles on the document (holder, child…).")
    valid_from: date | None
    valid_to: date | None
    province_code: str | None = Field(description="One of the 34 province codes (2025).")
    updated_at: datetime
    href: str = Field(description="Path of the document's detail.")


class DocumentPage(BaseModel):
    subject: SubjectOut
    valid_on: date
    items: list[DocumentSummaryOut]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null on the last page."
    )


class FieldOut(BaseModel):
    name: str
    value: str
    status: str = Field(description="accepted | corrected (by a steward) | auto_verified")
    confidence: float = Field(description="0 to 1: the machine's confidence in its reading.")
    verified_at: datetime | None


class VerificationOut(BaseModel):
    principal: str = Field(description="The steward account that decided.")
    fields: list[str]
    last_at: datetime | None


class ProvenanceOut(BaseModel):
    batches: list[str] = Field(description="Digitization batches that included the file.")
    extraction_version: int
    extractor_version: str
    extracted_at: datetime | None
    verified_by: list[VerificationOut]


class OriginalLink(BaseModel):
    url: str = Field(description="GET it without an API key until `expires_at`.")
    expires_at: datetime


class DocumentOut(DocumentSummaryOut):
    sha256: str
    page_count: int
    media_type: str
    fields: list[FieldOut]
    provenance: ProvenanceOut
    subjects: list[str] = Field(description="Public ids of the subjects the document names.")
    original: OriginalLink | None = Field(
        description="Short-lived link to the original scan; null when the file is not in store "
        "or is withheld (then `original_withheld` says why)."
    )
    original_withheld: str | None = Field(
        None,
        description="Why no link to the original is given although it is kept: "
        "`subject_erased` — the scan also shows a person whose data was erased (Decree "
        "13/2023); the fields of the people who remain are served, the scan to nobody.",
    )


class RequirementIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    doc_type: DocTypeCode = Field(description="A registered type (`GET /v1/document-types`).")
    note: Text = Field("", max_length=2000)


class ProcedureIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Text = Field(min_length=1, max_length=1000)
    requirements: list[RequirementIn] = Field(default_factory=list, max_length=50)


class RequirementOut(BaseModel):
    doc_type: str
    note: str


class ProcedureOut(BaseModel):
    code: str
    name: str
    requirements: list[RequirementOut]


class RequirementOnFile(RequirementOut):
    documents: list[DocumentSummaryOut]


class ProcedureCheckOut(BaseModel):
    procedure: ProcedureOut
    subject: SubjectOut
    valid_on: date
    complete: bool = Field(description="True when nothing is missing or outside the key's scope.")
    on_file: list[RequirementOnFile] = Field(
        description="Required types with verified documents valid on the date: reuse them."
    )
    missing: list[RequirementOut] = Field(description="Required types the citizen must supply.")
    outside_scope: list[RequirementOut] = Field(
        description="Required types this key may not look at (its doc_type scope)."
    )


class ChangeOut(BaseModel):
    cursor: str = Field(description="Resume after this event by passing it as `after`.")
    id: int
    at: datetime
    kind: str = Field(
        description="document.verified | document.corrected | document.reopened | "
        "document.rejected | document.expired"
    )
    document_id: int | None
    subject_public_id: str | None
    payload: dict[str, Any] = Field(description="doc_type, valid_to, and per kind a little more.")


class ChangePage(BaseModel):
    events: list[ChangeOut]
    next_cursor: str = Field(
        description="Pass as `after` next time (equals `after` when nothing new)."
    )


class ReadOut(BaseModel):
    at: datetime
    service: str | None = Field(description="The API key (service) that read.")
    action: str = Field(description="What was read: profile, documents, document, procedure…")
    purpose: str | None
    document_id: int | None


class ReadPage(BaseModel):
    subject: SubjectOut
    items: list[ReadOut]
    next_cursor: str | None


class LockIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    expected_lock_version: int = Field(
        ge=1, le=2**31 - 1, description="The lock_version you read; 409 if it changed since."
    )


class CorrectIn(LockIn):
    value: Text = Field(
        max_length=MAX_VALUE_LENGTH,
        description="As a person types it: dates dd/mm/yyyy or ISO, sex Nam/Nữ or male/female. "
        "Parsed and checked by the field's kind (`GET /v1/document-types`); a value that fails "
        "answers 422 with a stable code (invalid_date, invalid_id_number, …) and nothing changes.",
    )
    reason: Text = Field("", max_length=2000)


class AddFieldIn(CorrectIn):
    page: int | None = Field(None, ge=1, le=100_000, description="Page the value was read on.")
    box: list[int] | None = Field(
        None, min_length=4, max_length=4, description="[left, top, width, height] on that page."
    )


class RejectIn(LockIn):
    reason: Text = Field(min_length=1, max_length=2000)


class ReviewFieldOut(BaseModel):
    name: str
    label: str = Field(description="The field's Vietnamese label, as its type declares it.")
    kind: str = Field(description="Its value kind (date, id12, sex, name, address, text …).")
    value: str
    machine_value: str | None
    status: str = Field(description="pending | auto_verified | accepted | corrected | rejected")
    confidence: float
    page: int | None
    box: list[int] | None


class ReviewDocumentOut(BaseModel):
    id: int
    doc_type: str
    status: str = Field(description="needs_review | verified | rejected")
    lock_version: int = Field(description="Send back as expected_lock_version.")
    fields: list[ReviewFieldOut]


class FieldDeclarationOut(BaseModel):
    name: str = Field(description="The field's name in documents (`fields[].name`).")
    label: str = Field(description="Its Vietnamese label.")
    kind: str = Field(
        description="Value kind: date, expiry_date, id12, cmnd9, tax_code, sex, "
        "name, address, text, year, digits, money, area, serial, number_symbol …"
    )
    required: bool
    slot: str | None = Field(
        description="The role of the subject it describes; null: a fact of the document itself."
    )
    attribute: str | None = Field(description="The subject attribute it carries, e.g. id_number.")


class SlotOut(BaseModel):
    role: str
    kind: str = Field(description="person | organization")
    label: str


class DocumentTypeOut(BaseModel):
    code: str = Field(description="`doc_type` in documents.")
    label: str
    attributes: dict[str, dict[str, str]] = Field(
        description="The type's qualifiers and the Vietnamese name of each value (e.g. `kind`)."
    )
    slots: list[SlotOut]
    fields: list[FieldDeclarationOut]
