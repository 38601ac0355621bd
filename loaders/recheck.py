"""Repair what stewards stored before their corrections were checked: every value a steward
decided (corrected or accepted) is checked again against its field's declared kind.

- A value the kind refuses ("31/02/2024" as an expiry date, "hôm qua", "12345" as an ID number)
  goes back to review: the field is pending again, with a finding saying why, and its document
  leaves the downstream view (`document.reopened` in the change feed) until a steward decides.
- A value the kind accepts in another form ("22/10/1999", "Nam") is stored canonically
  ("1999-10-22", "male") and goes back to review too, with a finding asking the steward to confirm:
  nobody's decision is changed silently.

Each repaired document gets its derived columns (validity, keys), links and status recomputed, a
review action `recheck` and an audit entry, like any decision.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from extractors import kinds
from extractors.records import Finding, Severity
from loaders.db import translate_db_errors
from loaders.derived import refresh_derived
from loaders.erasure import TOMBSTONE
from loaders.field_checks import kind_of, refresh_findings
from loaders.identity import link_subjects
from loaders.models import Document, FieldStatus, FieldValue
from loaders.review import subject_refs
from loaders.review_log import record_action, touch
from loaders.verification import document_fields, settle_status

CHECKED = (FieldStatus.CORRECTED, FieldStatus.ACCEPTED)


@dataclass(frozen=True)
class RepairedField:
    document_id: int
    field: str
    code: str  # the refusal's code, or "not_canonical"
    reopened: bool  # the document was served and left the downstream view


@dataclass
class RecheckReport:
    checked: int = 0
    refused: list[RepairedField] = field(default_factory=list)
    canonicalized: list[RepairedField] = field(default_factory=list)

    @property
    def documents(self) -> set[int]:
        return {r.document_id for r in (*self.refused, *self.canonicalized)}


@translate_db_errors()
def recheck_steward_values(session: Session, *, dry_run: bool = False) -> RecheckReport:
    """Check every steward-decided value against its kind; repair as the module says (or only
    report, with `dry_run`). Flushes; the caller commits."""
    report = RecheckReport()
    rows = session.execute(
        select(FieldValue, Document)
        .join(Document, Document.id == FieldValue.document_id)
        .where(FieldValue.status.in_(CHECKED), FieldValue.value != TOMBSTONE)
        .order_by(FieldValue.document_id, FieldValue.id)
    ).all()
    problems: dict[int, list[tuple[FieldValue, kinds.Parsed]]] = defaultdict(list)
    documents: dict[int, Document] = {}
    for row, document in rows:
        report.checked += 1
        parsed = kinds.parse(kind_of(document.doc_type, row.name), row.value)
        if parsed.refused or parsed.value != row.value:
            problems[document.id].append((row, parsed))
            documents[document.id] = document
    for document_id, found in problems.items():
        document = documents[document_id]
        was_verified = document.status == "verified"
        if not dry_run:
            _repair(session, document, found)
        now_reopened = was_verified and (dry_run or document.status != "verified")
        for row, parsed in found:
            entry = RepairedField(
                document_id, row.name, parsed.code or "not_canonical", now_reopened
            )
            (report.refused if parsed.refused else report.canonicalized).append(entry)
    session.flush()
    return report


def _repair(
    session: Session, document: Document, found: list[tuple[FieldValue, kinds.Parsed]]
) -> None:
    fields = document_fields(session, document.id)
    values_before = _values(fields)
    before: dict[str, dict[str, str]] = {}
    notes: dict[str, dict[str, object]] = {}
    for row, parsed in found:
        before[row.name] = {"value": row.value, "status": row.status}
        if parsed.refused:
            note = Finding(
                f"{row.name}.stored_value_refused",
                Severity.ERROR,
                f"Giá trị đã lưu không hợp lệ và cần sửa lại: {parsed.message}",
                row.name,
            )
        else:
            row.value = parsed.value or row.value
            note = Finding(
                f"{row.name}.stored_value_normalized",
                Severity.WARNING,
                "Giá trị đã sửa trước đây được lưu chưa đúng dạng chuẩn và vừa được chuẩn hóa: "
                "hãy kiểm tra rồi xác nhận lại",
                row.name,
            )
        row.status, row.verified_by, row.verified_at = FieldStatus.PENDING, None, None
        notes[row.name] = note.to_dict()
    refresh_findings(document, fields, values_before, _values(fields))
    for row, _ in found:
        row.findings = [*(row.findings or []), notes[row.name]]
    values = _values(fields)
    refresh_derived(document, values)
    link_subjects(session, document, subject_refs(session, document), values)
    touch(document)
    settle_status(session, document)
    record_action(
        session,
        document,
        principal_id=None,
        action="recheck",
        before={"fields": before},
        after={"fields": {row.name: {"status": row.status} for row, _ in found}},
        reason="sohoa review recheck",
    )


def _values(fields: list[FieldValue]) -> dict[str, str]:
    return {f.name: f.value for f in fields if f.status != FieldStatus.REJECTED}
