"""The record types extraction produces. `loaders` imports these; nothing here imports `loaders`.

Everything is an immutable dataclass that round-trips through plain JSON (`to_dict` / `from_dict`),
because results are cached in the object store (`derived/<sha256>/…`) and re-read by the load step.

Conventions (docs/DESIGN.md, "Settled details"):
- text is NFC; dates are ISO 8601 strings; sex is ``male`` | ``female``;
- confidence is a float from 0 to 1;
- a box is in pixels of the page image stored at ``derived/<sha256>/pages/<n>.png``;
  pages count from 1.
"""

from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

SCHEMA_VERSION = 1


class PageSource(StrEnum):
    TEXT_LAYER = "text_layer"  # words read from the PDF's own text (pdfplumber)
    OCR = "ocr"  # words recognised from the page image (tesseract)


class Severity(StrEnum):
    ERROR = "error"  # the value is wrong or impossible: never auto-verified
    WARNING = "warning"  # the value may be wrong: a steward should look
    INFO = "info"  # worth knowing, not a problem


class Role(StrEnum):
    """How a subject figures in a document (docs/DESIGN.md, "Documents and subjects"). Each subject
    a document names fills its own slot: a land certificate's second owner is `co_owner`."""

    HOLDER = "holder"
    CHILD = "child"
    MOTHER = "mother"
    FATHER = "father"
    LEGAL_REPRESENTATIVE = "legal_representative"
    OWNER = "owner"
    CO_OWNER = "co_owner"
    APPLICANT = "applicant"
    HEAD_OF_HOUSEHOLD = "head_of_household"
    ADDRESSEE = "addressee"
    ISSUER = "issuer"


class SubjectKind(StrEnum):
    PERSON = "person"
    ORGANIZATION = "organization"


def nfc(text: str) -> str:
    """Vietnamese text is NFC from the moment it enters the system."""
    return unicodedata.normalize("NFC", text)


@dataclass(frozen=True)
class Box:
    """A rectangle in pixels of the stored page image: left, top, width, height."""

    left: int
    top: int
    width: int
    height: int

    @property
    def right(self) -> int:
        return self.left + self.width

    @property
    def bottom(self) -> int:
        return self.top + self.height

    def union(self, other: Box) -> Box:
        left, top = min(self.left, other.left), min(self.top, other.top)
        right, bottom = max(self.right, other.right), max(self.bottom, other.bottom)
        return Box(left, top, right - left, bottom - top)

    def to_list(self) -> list[int]:
        return [self.left, self.top, self.width, self.height]

    @classmethod
    def from_list(cls, values: list[int] | tuple[int, ...]) -> Box:
        left, top, width, height = (int(v) for v in values)
        return cls(left, top, width, height)


@dataclass(frozen=True)
class Word:
    text: str
    box: Box
    confidence: float  # 0..1; 1.0 for words taken from a real text layer
    line: int = 0  # index of the line on its page, in reading order
    block: int = 0  # index of the block (column / paragraph) on its page

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "box": self.box.to_list(),
            "confidence": round(self.confidence, 4),
            "line": self.line,
            "block": self.block,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Word:
        return cls(
            text=d["text"],
            box=Box.from_list(d["box"]),
            confidence=float(d["confidence"]),
            line=int(d.get("line", 0)),
            block=int(d.get("block", 0)),
        )


@dataclass(frozen=True)
class PageText:
    """One page's words, from a text layer or from OCR, with boxes on the stored page image."""

    number: int  # 1-based
    width: int  # pixels of the stored page image
    height: int
    source: PageSource
    words: tuple[Word, ...] = ()
    engine: str = ""  # e.g. "tesseract 5.3.0 vie" or "pdfplumber 0.11"
    seconds: float = 0.0  # time spent getting the words (rendering excluded)
    notes: tuple[str, ...] = ()  # why this source was chosen, clean-up applied, …

    @property
    def text(self) -> str:
        """The page's text: words joined by spaces, lines by newlines."""
        lines: list[list[str]] = []
        last: tuple[int, int] | None = None
        for w in self.words:
            key = (w.block, w.line)
            if key != last:
                lines.append([])
                last = key
            lines[-1].append(w.text)
        return "\n".join(" ".join(line) for line in lines)

    @property
    def mean_confidence(self) -> float:
        if not self.words:
            return 0.0
        return sum(w.confidence for w in self.words) / len(self.words)

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "width": self.width,
            "height": self.height,
            "source": self.source.value,
            "engine": self.engine,
            "seconds": round(self.seconds, 4),
            "notes": list(self.notes),
            "words": [w.to_dict() for w in self.words],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> PageText:
        return cls(
            number=int(d["number"]),
            width=int(d["width"]),
            height=int(d["height"]),
            source=PageSource(d["source"]),
            words=tuple(Word.from_dict(w) for w in d.get("words", ())),
            engine=d.get("engine", ""),
            seconds=float(d.get("seconds", 0.0)),
            notes=tuple(d.get("notes", ())),
        )


@dataclass(frozen=True)
class Finding:
    """A validation result a steward can read: `message` is Vietnamese, `code` is stable English."""

    code: str  # e.g. "id_number.birth_year_mismatch"
    severity: Severity
    message: str  # Vietnamese, says what is wrong and what to check
    field: str | None = None  # the field it concerns; None for the whole document

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "field": self.field,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Finding:
        return cls(d["code"], Severity(d["severity"]), d["message"], d.get("field"))


@dataclass(frozen=True)
class Field:
    """One extracted value with its evidence."""

    name: str  # snake_case English: id_number, full_name, date_of_birth, …
    value: str  # normalized: NFC, ISO dates, canonical casing
    raw: str  # the text as read from the page
    confidence: float  # 0..1, calibrated: at or above the review threshold means "right"
    page: int | None = None  # 1-based page number
    box: Box | None = None  # pixels of that page's stored image

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "value": self.value,
            "raw": self.raw,
            "confidence": round(self.confidence, 4),
            "page": self.page,
            "box": self.box.to_list() if self.box else None,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Field:
        box = d.get("box")
        return cls(
            name=d["name"],
            value=d["value"],
            raw=d.get("raw", d["value"]),
            confidence=float(d["confidence"]),
            page=d.get("page"),
            box=Box.from_list(box) if box else None,
        )


@dataclass(frozen=True)
class SubjectRef:
    """A person or organization the document is about, described by the document's own fields.

    `fields` maps a subject attribute to the name of the document field that carries it, e.g.
    ``{"id_number": "id_number", "full_name": "full_name"}`` for an ID card's holder, or
    ``{"full_name": "mother_full_name"}`` for a birth certificate's mother. The loader reads the
    values from the (possibly corrected) fields, so a steward's correction re-keys the subject.
    Key attributes: a person's ``id_number`` (12 digits; ``cmnd_number``, 9 digits, is an alias);
    an organization's ``enterprise_code`` (10 digits, or 13 as ``0123456789-001`` for a branch).
    """

    role: Role
    kind: SubjectKind
    fields: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"role": self.role.value, "kind": self.kind.value, "fields": dict(self.fields)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SubjectRef:
        return cls(Role(d["role"]), SubjectKind(d["kind"]), dict(d.get("fields", {})))


@dataclass(frozen=True)
class Extraction:
    """What one file yields: its type, its fields, the findings, the subjects it names.

    One file is one document (docs/DESIGN.md). `attributes` holds the type's qualifiers:
    ``variant`` (cccd_chip | can_cuoc_2024) and ``side`` (front | back) for ID cards,
    ``kind`` (quyet_dinh | chi_thi | thong_bao | cong_van | …) for administrative documents.
    """

    sha256: str
    doc_type: str  # a registered type's code (extractors.doctypes), e.g. "id_card"
    fields: tuple[Field, ...] = ()
    findings: tuple[Finding, ...] = ()
    subjects: tuple[SubjectRef, ...] = ()
    attributes: dict[str, str] = field(default_factory=dict)
    type_confidence: float = 0.0
    page_count: int = 0
    extractor_version: str = ""
    provenance: dict[str, Any] = field(default_factory=dict)  # e.g. digital signature facts

    def field(self, name: str) -> Field | None:
        for f in self.fields:
            if f.name == name:
                return f
        return None

    def value(self, name: str) -> str | None:
        f = self.field(name)
        return f.value if f else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA_VERSION,
            "sha256": self.sha256,
            "doc_type": self.doc_type,
            "attributes": dict(self.attributes),
            "type_confidence": round(self.type_confidence, 4),
            "page_count": self.page_count,
            "extractor_version": self.extractor_version,
            "fields": [f.to_dict() for f in self.fields],
            "findings": [f.to_dict() for f in self.findings],
            "subjects": [s.to_dict() for s in self.subjects],
            "provenance": dict(self.provenance),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Extraction:
        return cls(
            sha256=d["sha256"],
            doc_type=str(d["doc_type"]),
            fields=tuple(Field.from_dict(f) for f in d.get("fields", ())),
            findings=tuple(Finding.from_dict(f) for f in d.get("findings", ())),
            subjects=tuple(SubjectRef.from_dict(s) for s in d.get("subjects", ())),
            attributes=dict(d.get("attributes", {})),
            type_confidence=float(d.get("type_confidence", 0.0)),
            page_count=int(d.get("page_count", 0)),
            extractor_version=d.get("extractor_version", ""),
            provenance=dict(d.get("provenance", {})),
        )


def as_plain(obj: Any) -> Any:
    """A dataclass tree as plain JSON-able values (for debugging and tests)."""
    return asdict(obj)
