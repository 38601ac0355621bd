"""What a template builds: the page to draw and the ground truth of what is printed on it."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any

from sohoa.samples.layout import Page


@dataclass(frozen=True)
class Subject:
    role: (
        str  # holder | child | mother | father | legal_representative | owner | addressee | issuer
    )
    kind: str  # person | organization
    key: (
        str | None
    )  # 12-digit personal ID, 10-digit enterprise code; None when the document prints none

    def to_dict(self) -> dict[str, Any]:
        return {"role": self.role, "kind": self.kind, "key": self.key}


@dataclass
class Document:
    doc_type: str
    page: Page
    fields: dict[str, str | None]
    attributes: dict[str, str] = field(default_factory=dict)
    subjects: list[Subject] = field(default_factory=list)
    # parts filled in by hand into pre-printed blanks ("number", "day", "month"), as the labels
    # of real scans record them
    handwritten: list[str] = field(default_factory=list)
    # what makes the page hard, in the real corpus's vocabulary (sohoa/samples/conditions.py):
    # "stamp_over_signature", "two_line_issuer", "multiline_subject", …, as the page shows them
    conditions: list[str] = field(default_factory=list)

    def normalized_fields(self) -> dict[str, str | None]:
        return {
            k: (unicodedata.normalize("NFC", v) if isinstance(v, str) else v)
            for k, v in self.fields.items()
        }
