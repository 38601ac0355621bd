"""Pages → Extraction: classify, extract the type's fields, validate, calibrate, name subjects.

Confidence follows `extractors.confidence`: each type's extractor scores its values from their
evidence (OCR word confidences, repairs, text layer); here findings lower the values they doubt and
independent checks (MRZ and enterprise-code check digits, ID-number digits agreeing with the
printed sex) raise the values they confirm.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date

from extractors.classify import classify
from extractors.confidence import confirmed
from extractors.fields import (
    admin_document,
    application_form,
    birth_certificate,
    enterprise_registration,
    land_use_certificate,
)
from extractors.fields.common import TypeResult
from extractors.fields.id_card import extract_id_card, id_card_subjects
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
from extractors.validate.id_number import century_and_sex, validate_id_number
from extractors.validate.mrz import printed_disagrees
from extractors.validate.places import validate_addresses
from extractors.validate.tax_code import validate_enterprise_code

EXTRACTOR_VERSION = "0.4.0"
# A field a validation rule doubts is worth less: its confidence is multiplied by this.
UNCHECKED_ID_CAP = 0.85
SEVERITY_PENALTY = {Severity.ERROR: 0.4, Severity.WARNING: 0.8, Severity.INFO: 1.0}
# Personal IDs checked against a date of birth (or birth year) and sex printed beside them.
ID_CHECKS: tuple[tuple[str, str, str | None], ...] = (
    ("id_number", "date_of_birth", "sex"),
    ("mother_id_number", "mother_birth_year", None),
    ("father_id_number", "father_birth_year", None),
    ("legal_representative_id_number", "legal_representative_date_of_birth",
     "legal_representative_sex"),
    ("owner_id_number", "owner_birth_year", None),
    ("co_owner_id_number", "co_owner_birth_year", None),
)  # fmt: skip
# A cross-field finding doubts both sides.
RELATED = {
    "birth_year_mismatch": ("date_of_birth", "birth_year"),
    "century_mismatch": ("date_of_birth", "birth_year"),
    "sex_mismatch": ("sex",),
}


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
    findings: list[Finding] = []

    if not pages or not any(p.words for p in pages):
        findings.append(
            Finding(
                "document.no_text",
                Severity.WARNING,
                "Không đọc được chữ nào trên giấy tờ (trang trắng hoặc ảnh quá mờ): hãy scan lại",
                None,
            )
        )
    result = _type_result(doc_type, attributes, pages)
    attributes.update(result.attributes or {})
    findings += result.findings
    by_name = {f.name: f for f in result.fields}
    checked = dict(result.checked or {})
    findings += result.check_findings or []
    for name, value in list(checked.items()):  # the printed value against its checked reading
        printed = by_name.get(name)
        if printed is not None and printed.value != value:
            findings.append(printed_disagrees(name, printed.value, value))
            by_name[name] = replace(printed, value=value)
    findings += _validate(doc_type, attributes, by_name, today)
    checked.update(_agreements(by_name, findings))
    fields = _calibrate(list(by_name.values()), findings, checked)
    return Extraction(
        sha256=sha256,
        doc_type=doc_type,
        fields=tuple(fields),
        findings=tuple(findings),
        subjects=result.subjects,
        attributes=attributes,
        type_confidence=round(classification.confidence, 4),
        page_count=len(pages),
        extractor_version=EXTRACTOR_VERSION,
    )


def _id_card(pages: Sequence[PageText], attributes: dict[str, str]) -> TypeResult:
    from extractors.validate.mrz import confirmed_by_mrz, validate_mrz

    variant = attributes.get("variant", "cccd_chip")
    side = attributes.get("side", "front")
    fields, findings, mrz = extract_id_card(pages, variant, side)
    checked = confirmed_by_mrz(mrz) if mrz else {}
    return TypeResult(
        fields,
        findings,
        id_card_subjects(),
        checked=checked,
        check_findings=validate_mrz(mrz) if mrz else [],
    )


def _admin(pages: Sequence[PageText], attributes: dict[str, str]) -> TypeResult:
    fields, findings = admin_document.extract_admin_document(pages, attributes.get("kind"))
    if "kind" not in attributes:
        findings.append(
            Finding(
                "kind.missing",
                Severity.WARNING,
                "Không xác định được loại văn bản (quyết định, công văn, …): hãy chọn loại",
                None,
            )
        )
    subjects: tuple[SubjectRef, ...] = ()
    if any(f.name == "issuer" for f in fields):
        subjects = (SubjectRef(Role.ISSUER, SubjectKind.ORGANIZATION, {"name": "issuer"}),)
    return TypeResult(fields, findings, subjects)


def _unknown(pages: Sequence[PageText], attributes: dict[str, str]) -> TypeResult:
    finding = Finding(
        "document.unknown_type",
        Severity.WARNING,
        "Không nhận dạng được loại giấy tờ: hãy chọn loại và nhập thông tin "
        "(văn bản đã đọc vẫn được lưu)",
        None,
    )
    return TypeResult([], [finding])


HANDLERS: dict[DocType, Callable[[Sequence[PageText], dict[str, str]], TypeResult]] = {
    DocType.ID_CARD: _id_card,
    DocType.ADMIN_DOCUMENT: _admin,
    DocType.BIRTH_CERTIFICATE: birth_certificate.extract,
    DocType.ENTERPRISE_REGISTRATION: enterprise_registration.extract,
    DocType.LAND_USE_CERTIFICATE: land_use_certificate.extract,
    DocType.APPLICATION_FORM: application_form.extract,
    DocType.UNKNOWN: _unknown,
}


def _type_result(
    doc_type: DocType, attributes: dict[str, str], pages: Sequence[PageText]
) -> TypeResult:
    if not pages or not any(p.words for p in pages):
        return _unknown(pages, attributes) if doc_type is DocType.UNKNOWN else TypeResult([], [])
    return HANDLERS[doc_type](pages, attributes)


def _validate(
    doc_type: DocType, attributes: dict[str, str], fields: dict[str, Field], today: date
) -> list[Finding]:
    findings = validate_dates(fields, today)
    for id_name, birth_name, sex_name in ID_CHECKS:
        if id_name not in fields:
            continue
        birth = fields.get(birth_name)
        sex = fields.get(sex_name) if sex_name else None
        findings += validate_id_number(
            fields[id_name].value,
            date_of_birth=birth.value if birth else None,
            sex=sex.value if sex else None,
            field=id_name,
        )
    if "enterprise_code" in fields:
        findings += validate_enterprise_code(fields["enterprise_code"].value)
    if doc_type is DocType.ADMIN_DOCUMENT and "number_symbol" in fields:
        findings += validate_number_symbol(fields["number_symbol"].value, attributes.get("kind"))
    findings += validate_addresses(fields)
    return findings


def _agreements(fields: dict[str, Field], findings: list[Finding]) -> dict[str, str]:
    """Values an independent check confirms: an enterprise code whose check digit holds; a sex
    that the 4th digit of the ID number printed beside it agrees with; the place of issue and a
    local issuer that name the same listed province."""
    doubted = {f.field for f in findings if f.severity is Severity.ERROR}
    out: dict[str, str] = {}
    code = fields.get("enterprise_code")
    if code is not None and "enterprise_code" not in doubted and len(code.value) in (10, 14):
        out["enterprise_code"] = code.value
    place, issuer = fields.get("place"), fields.get("issuer")
    if (
        place is not None
        and issuer is not None
        and not {"place", "issuer"} & doubted
        and admin_document.place_agrees_with_issuer(place.value, issuer.value)
    ):
        out["place"], out["issuer"] = place.value, issuer.value
    for id_name, _, sex_name in ID_CHECKS:
        if sex_name is None or id_name not in fields or sex_name not in fields:
            continue
        number, sex = fields[id_name].value, fields[sex_name].value
        agrees = len(number) == 12 and number.isdigit() and id_name not in doubted
        if agrees and century_and_sex(int(number[3]))[1] == sex:
            out[sex_name] = sex
    return out


def _calibrate(
    fields: list[Field], findings: list[Finding], checked: dict[str, str]
) -> list[Field]:
    """Lower each field a finding doubts (cross-field findings hit both sides); raise each field an
    independent check confirms, unless an error doubts it."""
    penalties: dict[str, float] = {}
    errors: set[str] = set()
    for finding in findings:
        factor = SEVERITY_PENALTY[finding.severity]
        names = [finding.field] if finding.field else []
        rule = finding.code.rsplit(".", 1)[-1]
        if finding.field and rule in RELATED:
            prefix = finding.field.removesuffix("id_number")
            names += [prefix + suffix for suffix in RELATED[rule]]
        for name in names:
            penalties[name] = penalties.get(name, 1.0) * factor
            if finding.severity is Severity.ERROR:
                errors.add(name)
    present = {f.name for f in fields}
    unprotected = {
        id_name for id_name, birth_name, _ in ID_CHECKS if birth_name not in present
    }  # a personal ID has no check digit: without a birth date to agree with, nothing checks it
    out = []
    for f in fields:
        confidence = f.confidence * penalties.get(f.name, 1.0)
        if f.name in unprotected:
            confidence = min(confidence, UNCHECKED_ID_CAP)
        if f.name in checked and checked[f.name] == f.value and f.name not in errors:
            confidence = confirmed(confidence)
        out.append(replace(f, confidence=round(confidence, 4)))
    return out
