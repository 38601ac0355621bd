"""The warehouse's decisions as pure functions over plain values, called by both load paths: the
per-document path (`loaders.load`, `loaders.identity`, `loaders.journal`) and the set-based bulk
path (`loaders.bulk_load`). One rule, said once; `tests/loaders/test_bulk_load.py` keeps the two
paths' end states equal table by table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from extractors import doctypes
from loaders.keys import cmnd_number, personal_id


def auto_verifies(confidence: float, has_error_finding: bool, threshold: float | None) -> bool:
    """A machine value verifies by itself when auto-verification is on (`threshold` is the review
    threshold then, None otherwise), it reaches the threshold and no error finding doubts it."""
    return threshold is not None and confidence >= threshold and not has_error_finding


@dataclass(frozen=True)
class PersonKeys:
    key: str | None  # the 12-digit personal ID, when the values carry a valid one
    cmnd: str | None  # an old 9-digit CMND number (an alias), from its own field or the ID field


def person_keys(attrs: Mapping[str, str]) -> PersonKeys:
    """What identifies a person named by a document's values (`SubjectRef` attributes)."""
    return PersonKeys(
        personal_id(attrs.get("id_number")),
        cmnd_number(attrs.get("cmnd_number")) or cmnd_number(attrs.get("id_number")),
    )


def document_province(doc_type: str, links: Sequence[tuple[str, str | None]]) -> str | None:
    """The province a document is filed under, from its (role, subject's province) links in the
    order they were made: the subject the document is about first (its type's primary slots),
    then the others in order."""
    declared = doctypes.find(doc_type)
    primary = {s.role.value for s in declared.slots if s.primary} if declared else set()
    ranked = sorted(enumerate(links), key=lambda pair: (pair[1][0] not in primary, pair[0]))
    return next((province for _, (_, province) in ranked if province), None)
