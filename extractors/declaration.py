"""What a document type is, declared once: its fields, its subject slots, its cues, its rules.

Each type lives in one module of `extractors/fields/` that defines its extractor and one
`DocumentType` value; `extractors.doctypes` registers them. Every other list in the project (CLI
and DAG choices, review labels, loader role sets, duplicate keys, validity dates, procedure
checks, which ID number is checked against which birth date) is derived from these values, so a
new type touches one module, its sample template and its tests (docs/ARCHITECTURE.md, "How to add
a document type").

- A **field** (`FieldSpec`) has a name, the Vietnamese label a steward reads, a value kind
  (`extractors.kinds`: how a steward's typed value is parsed and checked, and how the label engine
  parses what OCR read), whether the document must carry it, and the **slot** it feeds.
- A **slot** is one person or organization the document names, with its role ("owner",
  "co_owner" …), or the document itself (`DOCUMENT`). A field feeds exactly one slot and carries one
  attribute of it (`attribute`, e.g. the co-owner's `id_number` is the field `co_owner_id_number`),
  so two people on one page never share values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from extractors.records import Role, SubjectKind, SubjectRef

if TYPE_CHECKING:
    from extractors.fields.type_result import TypeResult
    from extractors.records import PageText

DOCUMENT = "document"  # the slot of a document's own facts (its number, dates, signer …)

# Person attributes an identity check reads (extractors.document): the key and what it encodes.
ID_ATTRIBUTE = "id_number"
BIRTH_ATTRIBUTES = ("date_of_birth", "birth_year")
SEX_ATTRIBUTE = "sex"
# Attributes that resolve a subject (loaders.identity): a person's personal ID (a 9-digit CMND
# is an alias), an organization's enterprise code.
KEY_ATTRIBUTES = {SubjectKind.PERSON: ("id_number", "cmnd_number"),
                  SubjectKind.ORGANIZATION: ("enterprise_code",)}  # fmt: skip

ROLE_LABELS: dict[Role, str] = {
    Role.HOLDER: "Người được cấp",
    Role.CHILD: "Người được khai sinh",
    Role.MOTHER: "Mẹ",
    Role.FATHER: "Cha",
    Role.LEGAL_REPRESENTATIVE: "Người đại diện theo pháp luật",
    Role.OWNER: "Người sử dụng đất",
    Role.CO_OWNER: "Người cùng sử dụng đất",
    Role.APPLICANT: "Người làm đơn",
    Role.HEAD_OF_HOUSEHOLD: "Chủ hộ",
    Role.ADDRESSEE: "Nơi nhận",
    Role.ISSUER: "Cơ quan ban hành",
}


@dataclass(frozen=True)
class FieldSpec:
    """One field a type emits, and how the label engine finds it.

    `labels` are folded (no diacritics, upper case) printed labels for the label engine; () when
    the type's extractor finds the value another way (a date line, the MRZ, a signature block).
    `kind` names a value kind of `extractors.kinds` ("stop": not a field, a printed label that only
    ends the values above it). `rows` is how many rows below the label the value may take (0: same
    row only; when the row is empty, one row below is read); `same_row` False: always below.
    `slot` is the role of the subject the value describes, or `DOCUMENT`; `attribute` the subject
    attribute it carries (default: the field name without the slot's prefix).
    """

    name: str
    labels: tuple[str, ...] = ()
    kind: str = "text"
    rows: int = 0
    vi: str = ""
    required: bool = True
    same_row: bool = True
    slot: str = DOCUMENT
    attribute: str | None = None

    @property
    def subject_attribute(self) -> str | None:
        """The attribute of its slot's subject this field carries; None for a document fact."""
        if self.slot == DOCUMENT or self.kind == "stop":
            return None
        return self.attribute or self.name.removeprefix(f"{self.slot}_")


@dataclass(frozen=True)
class Slot:
    """One person or organization a document names: its role there and its kind."""

    role: Role
    kind: SubjectKind
    # True when the document is about this subject (its holder, child, owner …): the first such
    # slot stands for the document in the change feed.
    primary: bool = False

    @property
    def vi(self) -> str:
        return ROLE_LABELS[self.role]


@dataclass(frozen=True)
class Cue:
    """Printed anchors (folded) that say a page is of this type (extractors.classify).

    Every group of `all_of` needs one of its anchors; any anchor of `none_of` vetoes the cue;
    `prior` weighs a full match against other types' cues; `attributes` are what a match tells
    (an ID card's variant and side).
    """

    all_of: tuple[tuple[str, ...], ...]
    attributes: Mapping[str, str] = field(default_factory=dict)
    none_of: tuple[str, ...] = ()
    prior: float = 1.0


@dataclass(frozen=True)
class DuplicateKey:
    """Fields whose values make two files "the same document" for a steward to look at, plus the
    type attributes that must also agree (an ID card's two sides are two documents)."""

    fields: tuple[str, ...]
    attributes: tuple[str, ...] = ()


Extractor = Callable[["Sequence[PageText]", dict[str, str]], "TypeResult"]


@dataclass(frozen=True)
class DocumentType:
    """Everything the project knows of one document type (see the module notes)."""

    code: str  # doc_type in records and the warehouse, e.g. "land_use_certificate"
    vi: str  # the name a Vietnamese reader knows
    fields: tuple[FieldSpec, ...]
    slots: tuple[Slot, ...]
    extract: Extractor
    cues: tuple[Cue, ...] = ()
    # A cue that decides the type by itself, before any anchor (an application form's title: its
    # body quotes other papers' labels).
    decisive: Callable[[Sequence[PageText]], bool] | None = None
    # Attributes found after the type is chosen (an administrative document's kind), with a note.
    classify_attributes: Callable[[Sequence[PageText]], tuple[dict[str, str], str]] | None = None
    # The values of the type's attributes a person reads: {"kind": {"quyet_dinh": "Quyết định"}}.
    attribute_labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    valid_from: tuple[str, ...] = ()  # the first of these dates a document has is its start
    valid_to: str | None = None  # its end (an ID card's expiry)
    duplicate_key: DuplicateKey | None = None
    # Keyed by issuer, number and date rather than by a subject (an administrative document).
    issuer_keyed: bool = False

    def field(self, name: str) -> FieldSpec | None:
        return self._by_name().get(name)

    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def slot(self, role: str) -> Slot | None:
        return next((s for s in self.slots if s.role.value == role), None)

    def slot_fields(self, role: str) -> dict[str, str]:
        """attribute → field name, for the fields that feed the slot `role`."""
        return {
            spec.subject_attribute: spec.name
            for spec in self.fields
            if spec.slot == role and spec.subject_attribute
        }

    def fields_of_slot(self, role: str) -> tuple[str, ...]:
        return tuple(spec.name for spec in self.fields if spec.slot == role)

    def subject_refs(self, present: set[str]) -> tuple[SubjectRef, ...]:
        """A reference for each slot the document names: one with a value among `present`."""
        refs = []
        for slot in self.slots:
            mapping = self.slot_fields(slot.role.value)
            if any(name in present for name in mapping.values()):
                refs.append(SubjectRef(slot.role, slot.kind, mapping))
        return tuple(refs)

    def role_order(self) -> tuple[str, ...]:
        """Roles in the order that decides which subject stands for the document: primary
        slots first, then the others as declared."""
        primary = [s.role.value for s in self.slots if s.primary]
        return (*primary, *(s.role.value for s in self.slots if not s.primary))

    def identity_checks(self) -> tuple[tuple[str, str | None, str | None], ...]:
        """(ID field, its birth date or year field, its sex field) for each person slot that
        carries a personal ID: the number's birth-year and sex digits are checked against them."""
        checks = []
        for slot in self.slots:
            if slot.kind is not SubjectKind.PERSON:
                continue
            mapping = self.slot_fields(slot.role.value)
            if ID_ATTRIBUTE not in mapping:
                continue
            birth = next((mapping[a] for a in BIRTH_ATTRIBUTES if a in mapping), None)
            checks.append((mapping[ID_ATTRIBUTE], birth, mapping.get(SEX_ATTRIBUTE)))
        return tuple(checks)

    def related_fields(self, name: str) -> tuple[str, ...]:
        """The fields of the same slot as `name` (a cross-field finding doubts both sides)."""
        spec = self.field(name)
        if spec is None or spec.slot == DOCUMENT:
            return ()
        return self.fields_of_slot(spec.slot)

    def _by_name(self) -> dict[str, FieldSpec]:
        cached = self.__dict__.get("_fields_by_name")
        if cached is None:
            cached = {f.name: f for f in self.fields}
            object.__setattr__(self, "_fields_by_name", cached)
        return cached


class DeclarationError(ValueError):
    """A document type's declaration contradicts itself (found when it is registered)."""


def check_declaration(declared: DocumentType, known_kinds: set[str]) -> None:
    """Refuse a declaration whose parts do not fit: every emitted field has a label, a known
    kind and an existing slot; names and roles are unique; keys name declared fields."""
    problems: list[str] = []
    roles = [s.role.value for s in declared.slots]
    if len(set(roles)) != len(roles):
        problems.append(f"a role is declared twice: {roles}")
    names = [f.name for f in declared.fields]
    if len(set(names)) != len(names):
        problems.append("a field name is declared twice")
    for spec in declared.fields:
        if spec.kind == "stop":
            problems.append(
                f"{spec.name}: a stop label is not a field (keep it in the label table)"
            )
            continue
        if not spec.vi:
            problems.append(f"{spec.name}: no Vietnamese label")
        if spec.kind not in known_kinds:
            problems.append(f"{spec.name}: unknown value kind {spec.kind!r}")
        if spec.slot != DOCUMENT and spec.slot not in roles:
            problems.append(f"{spec.name}: slot {spec.slot!r} is not one of {roles}")
    for slot in declared.slots:
        if not declared.fields_of_slot(slot.role.value):
            problems.append(f"slot {slot.role.value!r} has no field")
    for name in (
        *declared.valid_from,
        *([declared.valid_to] if declared.valid_to else []),
        *(declared.duplicate_key.fields if declared.duplicate_key else ()),
    ):
        if name not in names:
            problems.append(f"{name}: named as a key or validity date but not declared")
    if problems:
        raise DeclarationError(f"document type {declared.code!r}: " + "; ".join(problems))
