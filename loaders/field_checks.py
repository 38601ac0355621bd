"""A steward's value goes through the same parser and format rules as a machine's.

`parse_value` turns what a steward typed into the stored form by the field's declared kind
(`extractors.kinds`: "22/10/1999" → "1999-10-22", "Nữ" → "female") or refuses it with
`RefusedValue` (a stable code, a Vietnamese message) — nothing is stored then. `refresh_findings`
re-runs the document's format and cross-field rules (`extractors.document.validate_values`) after
a value changed: cross-field rules never refuse, they leave a finding on the field they doubt, so a
steward can fix two fields one after the other.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from extractors import doctypes, kinds
from extractors.document import validate_values
from loaders.errors import RefusedValue
from loaders.models import Document, FieldValue

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def kind_of(doc_type: str, name: str) -> str:
    """The declared value kind of a field ("text" for one its type does not declare)."""
    spec = doctypes.field_spec(doc_type, name)
    return spec.kind if spec else "text"


def parse_value(document: Document, name: str, typed: str) -> str:
    """The stored form of a typed value of field `name`, or `RefusedValue` saying why not."""
    parsed = kinds.parse(kind_of(document.doc_type, name), typed)
    if parsed.refused:
        raise RefusedValue(parsed.code or "invalid_value", parsed.message or "", name)
    assert parsed.value is not None
    return parsed.value


def validation_findings(document: Document, values: Mapping[str, str]) -> list[dict[str, Any]]:
    """The format and cross-field findings the document's `values` raise, as stored dicts."""
    if doctypes.find(document.doc_type) is None:
        return []
    today = datetime.now(LOCAL_TZ).date()
    found = validate_values(document.doc_type, dict(document.attributes or {}), dict(values), today)
    return [f.to_dict() for f in found if f.field]


def refresh_findings(
    document: Document,
    rows: Sequence[FieldValue],
    before: Mapping[str, str],
    after: Mapping[str, str],
    *,
    retyped: frozenset[str] = frozenset(),
) -> None:
    """Bring the rows' findings in line with the values now: findings the old values raised go,
    the ones the new values raise come. A field a person typed (`retyped`) loses the machine's
    findings too (they were about what the machine read)."""
    old = {(f["field"], f["code"]) for f in validation_findings(document, before)}
    new = validation_findings(document, after)
    for row in rows:
        kept = [] if row.name in retyped else [
            f for f in (row.findings or []) if (f.get("field"), f.get("code")) not in old
        ]  # fmt: skip
        added = [f for f in new if f["field"] == row.name and f not in kept]
        if kept + added != list(row.findings or []):
            row.findings = kept + added
