"""Pages → Extraction: classify, extract the type's fields, validate, attach findings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from extractors.classify import classify
from extractors.fields.admin_document import extract_admin_document
from extractors.fields.id_card import extract_id_card_front, id_card_subjects
from extractors.records import (
    DocType,
    Extraction,
    Field,
    Finding,
    PageText,
    Role,
    Severity,
    SubjectKind,
    SubjectRef,
)
from extractors.validate.admin_number import validate_number_symbol
from extractors.validate.dates import validate_dates
from extractors.validate.id_number import validate_id_number

EXTRACTOR_VERSION = "0.1.0"
# A field a validation rule doubts is worth less: its confidence is multiplied by this.
SEVERITY_PENALTY = {Severity.ERROR: 0.4, Severity.WARNING: 0.8, Severity.INFO: 1.0}


def extract(
    pages: Sequence[PageText],
    *,
    sha256: str,
    hint: str | None = None,
    today: date | None = None,
) -> Extraction:
    """The document's type, fields, findings and subjects.

    `today` is for the date checks (tests fix it; no clock is read otherwise).
    """
    today = today or date.today()
    classification = classify(pages, hint)
    doc_type = classification.doc_type
    attributes = dict(classification.attributes)
    fields: list[Field] = []
    findings: list[Finding] = []
    subjects: tuple[SubjectRef, ...] = ()

    if not pages or not any(p.words for p in pages):
        findings.append(
            Finding(
                "document.no_text",
                Severity.WARNING,
                "Không đọc được chữ nào trên giấy tờ (trang trắng hoặc ảnh quá mờ): hãy scan lại",
                None,
            )
        )
    if doc_type is DocType.ID_CARD and attributes.get("side", "front") == "front":
        fields, findings_found = extract_id_card_front(pages)
        findings += findings_found
        subjects = id_card_subjects()
    elif doc_type is DocType.ADMIN_DOCUMENT:
        fields, findings_found = extract_admin_document(pages, attributes.get("kind"))
        findings += findings_found
        if "kind" not in attributes:
            findings.append(
                Finding(
                    "kind.missing",
                    Severity.WARNING,
                    "Không xác định được loại văn bản (quyết định, công văn, …): hãy chọn loại",
                    None,
                )
            )
        if any(f.name == "issuer" for f in fields):
            subjects = (SubjectRef(Role.ISSUER, SubjectKind.ORGANIZATION, {"name": "issuer"}),)
    elif doc_type is DocType.UNKNOWN:
        findings.append(
            Finding(
                "document.unknown_type",
                Severity.WARNING,
                "Không nhận dạng được loại giấy tờ: hãy chọn loại và nhập thông tin "
                "(văn bản đã đọc vẫn được lưu)",
                None,
            )
        )
    else:
        findings.append(
            Finding(
                "document.fields_not_supported",
                Severity.INFO,
                "Đã nhận dạng loại giấy tờ nhưng chưa hỗ trợ trích xuất trường cho loại này",
                None,
            )
        )

    findings += _validate(doc_type, attributes, {f.name: f for f in fields}, today)
    fields = _apply_penalties(fields, findings)
    return Extraction(
        sha256=sha256,
        doc_type=doc_type,
        fields=tuple(fields),
        findings=tuple(findings),
        subjects=subjects,
        attributes=attributes,
        type_confidence=round(classification.confidence, 4),
        page_count=len(pages),
        extractor_version=EXTRACTOR_VERSION,
    )


def _validate(
    doc_type: DocType, attributes: dict[str, str], fields: dict[str, Field], today: date
) -> list[Finding]:
    findings = validate_dates(fields, today)
    if doc_type is DocType.ID_CARD and "id_number" in fields:
        findings += validate_id_number(
            fields["id_number"].value,
            date_of_birth=fields["date_of_birth"].value if "date_of_birth" in fields else None,
            sex=fields["sex"].value if "sex" in fields else None,
        )
    if doc_type is DocType.ADMIN_DOCUMENT and "number_symbol" in fields:
        findings += validate_number_symbol(fields["number_symbol"].value, attributes.get("kind"))
    return findings


def _apply_penalties(fields: list[Field], findings: list[Finding]) -> list[Field]:
    """Lower the confidence of each field a finding doubts (cross-field findings hit both sides)."""
    penalties: dict[str, float] = {}
    related = {
        "id_number.birth_year_mismatch": ("date_of_birth",),
        "id_number.century_mismatch": ("date_of_birth",),
        "id_number.sex_mismatch": ("sex",),
    }
    for finding in findings:
        factor = SEVERITY_PENALTY[finding.severity]
        for name in (finding.field, *related.get(finding.code, ())):
            if name:
                penalties[name] = penalties.get(name, 1.0) * factor
    return [
        replace(f, confidence=round(f.confidence * penalties.get(f.name, 1.0), 4)) for f in fields
    ]
