"""Hand-built extractions for warehouse tests (no OCR involved). Subject references come from the
types' declarations, as `extractors.document` makes them (an ID card's holder also maps a
`cmnd_number` field some tests add, to exercise the alias)."""

from __future__ import annotations

import hashlib
import itertools

from extractors import doctypes
from extractors.records import (
    Box,
    Extraction,
    Field,
    Finding,
    Role,
    Severity,
    SubjectKind,
    SubjectRef,
)

_counter = itertools.count()

HOLDER = SubjectRef(
    Role.HOLDER,
    SubjectKind.PERSON,
    {
        "id_number": "id_number",
        "full_name": "full_name",
        "date_of_birth": "date_of_birth",
        "cmnd_number": "cmnd_number",
    },
)


def new_sha256() -> str:
    """A fresh file digest, so each call stands for a different file."""
    return hashlib.sha256(f"file-{next(_counter)}".encode()).hexdigest()


def refs(doc_type: str, fields: tuple[Field, ...]) -> tuple[SubjectRef, ...]:
    """The references `extractors.document` would make for these fields."""
    return doctypes.get(doc_type).subject_refs({f.name for f in fields})


def field(name: str, value: str, confidence: float = 0.95) -> Field:
    return Field(name, value, value, confidence, page=1, box=Box(10, 20, 300, 40))


def id_card(
    *,
    sha256: str | None = None,
    id_number: str | None = "001099012345",
    full_name: str = "Nguyễn Văn An",
    date_of_birth: str = "1999-03-15",
    expiry_date: str | None = "2039-03-15",
    issue_date: str | None = "2021-05-01",
    confidence: float = 0.95,
    side: str = "front",
    extra: tuple[Field, ...] = (),
    findings: tuple[Finding, ...] = (),
    extractor_version: str = "test-1",
) -> Extraction:
    """An ID card front; None for a value leaves that field out."""
    values = {
        "id_number": id_number,
        "full_name": full_name,
        "date_of_birth": date_of_birth,
        "expiry_date": expiry_date,
        "issue_date": issue_date,
    }
    fields = tuple(field(n, v, confidence) for n, v in values.items() if v is not None) + extra
    return Extraction(
        sha256=sha256 or new_sha256(),
        doc_type="id_card",
        fields=fields,
        findings=findings,
        subjects=(HOLDER,),
        attributes={"variant": "cccd_chip", "side": side},
        type_confidence=0.97,
        page_count=1,
        extractor_version=extractor_version,
    )


def birth_certificate(
    *,
    full_name: str = "Nguyễn Văn An",
    date_of_birth: str = "1999-03-15",
    mother_name: str = "Trần Thị Bình",
) -> Extraction:
    """A birth certificate naming the child (no personal ID on it) and the mother."""
    fields = (
        field("full_name", full_name),
        field("date_of_birth", date_of_birth),
        field("mother_full_name", mother_name),
    )
    return Extraction(
        sha256=new_sha256(),
        doc_type="birth_certificate",
        fields=fields,
        subjects=refs("birth_certificate", fields),
        page_count=1,
    )


def enterprise_registration(code: str, name: str = "Công ty TNHH Sao Mai") -> Extraction:
    fields = (field("enterprise_code", code), field("company_name", name))
    return Extraction(
        sha256=new_sha256(),
        doc_type="enterprise_registration",
        fields=fields,
        subjects=refs("enterprise_registration", fields),
        page_count=2,
    )


def admin_document(
    *, number_symbol: str = "123/QĐ-UBND", issued_on: str = "2025-04-14", sha256: str | None = None
) -> Extraction:
    fields = (
        field("issuer", "Ủy ban nhân dân thành phố Hà Nội"),
        field("number_symbol", number_symbol),
        field("issued_on", issued_on),
        field("subject", "Về việc phê duyệt kế hoạch"),
    )
    return Extraction(
        sha256=sha256 or new_sha256(),
        doc_type="admin_document",
        fields=fields,
        subjects=refs("admin_document", fields),
        attributes={"kind": "quyet_dinh"},
        page_count=3,
    )


def error_on(field_name: str) -> Finding:
    return Finding(f"{field_name}.invalid", Severity.ERROR, "Giá trị không hợp lệ", field_name)


def document(doc_type: str, values: dict[str, str], **attributes: str) -> Extraction:
    """Any declared type with these field values, its subjects named as the declaration says."""
    fields = tuple(field(name, value) for name, value in values.items())
    return Extraction(
        sha256=new_sha256(),
        doc_type=doc_type,
        fields=fields,
        subjects=refs(doc_type, fields),
        attributes=dict(attributes),
        type_confidence=0.95,
        page_count=1,
    )
