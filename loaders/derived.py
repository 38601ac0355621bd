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

from loaders.models import Document

# Field names whose values make two files "the same document" for a steward to look at, per type,
# plus the type attributes that must also agree (an ID card's two sides are different documents).
# Every listed field must have a value, or no duplicate is looked for.
DUPLICATE_KEYS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "id_card": (("id_number",), ("side",)),
    "birth_certificate": (("full_name", "date_of_birth"), ()),
    "enterprise_registration": (("enterprise_code", "issue_date"), ()),
    "land_use_certificate": (("serial_number",), ()),
    "admin_document": (("issuer", "number_symbol", "issued_on"), ()),
}
VALID_FROM_FIELDS = ("issue_date", "issued_on")
VALID_TO_FIELD = "expiry_date"


def parse_date(value: str | None) -> date | None:
    """An ISO 8601 date, or None for anything else ("không thời hạn", empty, unreadable)."""
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def refresh_derived(document: Document, values: Mapping[str, str]) -> None:
    """Set validity, admin key and duplicate key of `document` from its field `values`."""
    document.valid_from = next(
        (d for d in (parse_date(values.get(n)) for n in VALID_FROM_FIELDS) if d), None
    )
    document.valid_to = parse_date(values.get(VALID_TO_FIELD))
    is_admin = document.doc_type == "admin_document"  # keyed by issuer, number and date
    document.issuer = (values.get("issuer") or None) if is_admin else None
    document.number_symbol = (values.get("number_symbol") or None) if is_admin else None
    document.issued_on = parse_date(values.get("issued_on")) if is_admin else None
    document.dedup_key = duplicate_key(document.doc_type, document.attributes, values)


def duplicate_key(
    doc_type: str, attributes: Mapping[str, str], values: Mapping[str, str]
) -> str | None:
    """A digest of the type's key fields (no personal data stored in the clear), or None."""
    spec = DUPLICATE_KEYS.get(doc_type)
    if spec is None:
        return None
    field_names, attribute_names = spec
    parts = [comparable_text(values.get(name)) for name in field_names]
    if not all(parts):
        return None
    parts += [comparable_text(attributes.get(name)) for name in attribute_names]
    canonical = json.dumps([doc_type, *parts], ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def comparable_text(value: str | None) -> str:
    return " ".join(unicodedata.normalize("NFC", value or "").casefold().split())
