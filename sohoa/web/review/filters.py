"""The queue filters as they travel in URLs and hidden form fields, so that "next document"
stays inside the batch, type, province or reason the steward chose."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import parse_qs, urlencode

from loaders.review_queue import REASONS, QueueFilters

_KEYS = {"batch": "batch", "type": "doc_type", "province": "province", "reason": "reason"}


def from_params(params: Mapping[str, str]) -> QueueFilters:
    values = {attr: (params.get(key) or "").strip()[:100] or None for key, attr in _KEYS.items()}
    if values["reason"] not in REASONS:
        values["reason"] = None
    return QueueFilters(**values)


def from_query(query: str) -> QueueFilters:
    """Filters from an encoded query string (the hidden `back` field of forms)."""
    return from_params({k: v[0] for k, v in parse_qs(query).items() if v})


def to_query(filters: QueueFilters) -> str:
    return urlencode(
        {key: getattr(filters, attr) for key, attr in _KEYS.items() if getattr(filters, attr)}
    )
