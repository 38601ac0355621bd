"""What a type's extractor returns to `extractors.document`: `TypeResult`, its fields, findings,
subjects, extra attributes and the values an independent reading proves."""

from __future__ import annotations

from dataclasses import dataclass

from extractors.records import Field, Finding, SubjectRef


@dataclass
class TypeResult:
    """What a type's extractor hands to `extractors.document`: fields, findings, subjects, the
    type's extra attributes, and values an independent reading proves (name → value)."""

    fields: list[Field]
    findings: list[Finding]
    subjects: tuple[SubjectRef, ...] = ()
    attributes: dict[str, str] | None = None
    checked: dict[str, str] | None = None  # e.g. what the MRZ's check digits prove
    check_findings: list[Finding] | None = None
