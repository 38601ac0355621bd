"""Document columns computed from its current field values: validity, the admin-document key and
the duplicate-detection key. Recomputed after every load and every correction, so a steward's fix
of a date or a number takes effect at once.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Mapping
from datetime import date

from extractors import doctypes
from loaders.models import Document


def parse_date(value: str | None) -> date | None:
    """An ISO 8601 date, or None for anything else ("không thời hạn", empty, unreadable)."""
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def refresh_derived(document: Document, values: Mapping[str, str]) -> None:
    """Set validity, admin key and duplicate key of `document` from its field `values`, as its
    type declares them (`extractors.declaration.DocumentType`)."""
    declared = doctypes.find(document.doc_type)
    valid_from = declared.valid_from if declared else ()
    valid_to = declared.valid_to if declared else None
    document.valid_from = next(
        (d for d in (parse_date(values.get(n)) for n in valid_from) if d), None
    )
    document.valid_to = parse_date(values.get(valid_to)) if valid_to else None
    keyed = declared is not None and declared.issuer_keyed  # by issuer, number and date
    document.issuer = (values.get("issuer") or None) if keyed else None
    document.number_symbol = (values.get("number_symbol") or None) if keyed else None
    document.issued_on = parse_date(values.get("issued_on")) if keyed else None
    document.dedup_key = duplicate_key(document.doc_type, document.attributes, values)


def duplicate_key(
    doc_type: str, attributes: Mapping[str, str], values: Mapping[str, str]
) -> str | None:
    """A digest of the type's key fields (no personal data stored in the clear), or None."""
    declared = doctypes.find(doc_type)
    if declared is None or declared.duplicate_key is None:
        return None
    field_names = declared.duplicate_key.fields
    attribute_names = declared.duplicate_key.attributes
    parts = [comparable_text(values.get(name)) for name in field_names]
    if not all(parts):
        return None
    parts += [comparable_text(attributes.get(name)) for name in attribute_names]
    canonical = json.dumps([doc_type, *parts], ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def comparable_text(value: str | None) -> str:
    return " ".join(unicodedata.normalize("NFC", value or "").casefold().split())
