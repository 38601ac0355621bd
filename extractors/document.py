"""Pages → Extraction: classify, extract the type's fields, validate, calibrate, name subjects.

Confidence follows `extractors.confidence`: each type's extractor scores its values from their
evidence (OCR word confidences, repairs, text layer); here findings lower the values they doubt and
independent checks (MRZ and enterprise-code check digits, ID-number digits agreeing with the
printed sex) raise the values they confirm.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from extractors import doctypes
from extractors.classify import classify
from extractors.confidence import UNCHECKED_ID_CAP, confirmed
from extractors.declaration import DocumentType
from extractors.fields.admin_document import place_agrees_with_issuer
from extractors.fields.type_result import TypeResult
from extractors.records import Extraction, Field, Finding, PageText, Severity
from extractors.validate.admin_number import symbol_issuer_findings, validate_number_symbol
from extractors.validate.dates import validate_dates
from extractors.validate.id_number import century_and_sex, validate_id_number
from extractors.validate.mrz import printed_disagrees
from extractors.validate.places import validate_addresses
from extractors.validate.tax_code import validate_enterprise_code

EXTRACTOR_VERSION = "0.7.3"
# A field a validation rule doubts is worth less: its confidence is multiplied by this.
SEVERITY_PENALTY = {Severity.ERROR: 0.4, Severity.WARNING: 0.8, Severity.INFO: 1.0}
# Cross-field rules of an ID number: which of its slot's fields a finding doubts too.
BIRTH_RULES = frozenset({"birth_year_mismatch", "century_mismatch"})
SEX_RULES = frozenset({"sex_mismatch"})


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
    declared = doctypes.get(classification.doc_type)
    doc_type = declared.code
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
    result = _type_result(declared, attributes, pages)
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
    findings += _validate(declared, attributes, by_name, today)
    checked.update(_agreements(declared, by_name, findings))
    fields = _calibrate(declared, list(by_name.values()), findings, checked)
    return Extraction(
        sha256=sha256,
        doc_type=doc_type,
        fields=tuple(fields),
        findings=tuple(findings),
        subjects=declared.subject_refs(set(by_name)),
        attributes=attributes,
        type_confidence=round(classification.confidence, 4),
        page_count=len(pages),
        extractor_version=EXTRACTOR_VERSION,
    )


def _type_result(
    declared: DocumentType, attributes: dict[str, str], pages: Sequence[PageText]
) -> TypeResult:
    if not pages or not any(p.words for p in pages):
        unknown = declared.code == doctypes.UNKNOWN
        return declared.extract(pages, attributes) if unknown else TypeResult([], [])
    return declared.extract(pages, attributes)


def validate_values(
    doc_type: str, attributes: dict[str, str], values: dict[str, str], today: date
) -> list[Finding]:
    """The format and cross-field findings for a document's current values (a steward's
    corrections included): the same rules as for the machine's values. Cross-field findings
    never refuse a value; they tell a steward which of two fields to look at again."""
    fields = {name: Field(name, value, value, 1.0) for name, value in values.items() if value}
    return _validate(doctypes.get(doc_type), attributes, fields, today)


def _validate(
    declared: DocumentType, attributes: dict[str, str], fields: dict[str, Field], today: date
) -> list[Finding]:
    past = {spec.name: spec.vi for spec in declared.fields if spec.kind == "date"}
    findings = validate_dates(fields, today, past)
    for id_name, birth_name, sex_name in declared.identity_checks():
        if id_name not in fields:
            continue
        birth = fields.get(birth_name) if birth_name else None
        sex = fields.get(sex_name) if sex_name else None
        findings += validate_id_number(
            fields[id_name].value,
            date_of_birth=birth.value if birth else None,
            sex=sex.value if sex else None,
            field=id_name,
        )
    if "enterprise_code" in fields:
        findings += validate_enterprise_code(fields["enterprise_code"].value)
    if declared.issuer_keyed and "number_symbol" in fields:
        findings += validate_number_symbol(fields["number_symbol"].value, attributes.get("kind"))
        if "issuer" in fields:
            findings += symbol_issuer_findings(
                fields["number_symbol"].value, fields["issuer"].value
            )
    findings += validate_addresses(fields)
    return findings


def _agreements(
    declared: DocumentType, fields: dict[str, Field], findings: list[Finding]
) -> dict[str, str]:
    """Values an independent check confirms: an enterprise code whose check digit holds; a sex
    that the 4th digit of the ID number printed beside it agrees with; the place of issue and a
    local issuer that name the same listed province."""
    doubted = {f.field for f in findings if f.severity is Severity.ERROR}
    out: dict[str, str] = {}
    code = fields.get("enterprise_code")
    if code is not None and "enterprise_code" not in doubted and len(code.value) in (10, 14):
        out["enterprise_code"] = code.value
    place, issuer = fields.get("place"), fields.get("issuer")
    parent = fields.get("issuer_parent")
    if (
        place is not None
        and issuer is not None
        and not {"place", "issuer", "issuer_parent"} & doubted
        and place_agrees_with_issuer(place.value, issuer.value, parent.value if parent else None)
    ):
        out["place"], out["issuer"] = place.value, issuer.value
    for id_name, _, sex_name in declared.identity_checks():
        if sex_name is None or id_name not in fields or sex_name not in fields:
            continue
        number, sex = fields[id_name].value, fields[sex_name].value
        agrees = len(number) == 12 and number.isdigit() and id_name not in doubted
        if agrees and century_and_sex(int(number[3]))[1] == sex:
            out[sex_name] = sex
    return out


def _calibrate(
    declared: DocumentType, fields: list[Field], findings: list[Finding], checked: dict[str, str]
) -> list[Field]:
    """Lower each field a finding doubts (cross-field findings hit both sides); raise each field an
    independent check confirms, unless an error doubts it."""
    checks = {id_name: (birth, sex) for id_name, birth, sex in declared.identity_checks()}
    penalties: dict[str, float] = {}
    errors: set[str] = set()
    for finding in findings:
        factor = SEVERITY_PENALTY[finding.severity]
        names = [finding.field] if finding.field else []
        rule = finding.code.rsplit(".", 1)[-1]
        if finding.field in checks:
            birth, sex = checks[finding.field]
            if rule in BIRTH_RULES and birth:
                names.append(birth)
            if rule in SEX_RULES and sex:
                names.append(sex)
        for name in names:
            penalties[name] = penalties.get(name, 1.0) * factor
            if finding.severity is Severity.ERROR:
                errors.add(name)
    present = {f.name for f in fields}
    unprotected = {
        id_name for id_name, (birth_name, _) in checks.items() if birth_name not in present
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
