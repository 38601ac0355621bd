"""What the document page shows of each field, worked out once from the type's declaration: its
Vietnamese label, its value as a Vietnamese reader expects it (`extractors.kinds.display`:
dd/mm/yyyy, Nam/Nữ, 5.000.000), the kind's hint and length limit for the input (the same limit
the API and `loaders.review.correct_field` apply), and whether it is below the review threshold.
Also the fields a steward may add (declared by the type, not on the document) and the types a
document may be re-extracted as."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from extractors import doctypes, kinds
from loaders.field_checks import kind_of
from loaders.models import FieldConflict, FieldStatus, FieldValue
from sohoa.web.review import labels

# Characters per line of a value box at the panel's usual width, to size it before any script
# runs (review.js then fits it to its text exactly): a long address wraps, never cut.
_CHARS_PER_LINE = 46


@dataclass(frozen=True)
class FieldView:
    row: FieldValue
    label: str
    kind: str
    shown: str  # the value as a Vietnamese reader expects it
    machine_shown: str  # the machine's value, the same way ("" when none)
    hint: str
    max_length: int
    low: bool  # below the review threshold
    lines: int  # rows of its value box
    confident: bool  # undecided, at or above the threshold, no error finding: "c" accepts it

    @property
    def name(self) -> str:
        return self.row.name


@dataclass(frozen=True)
class Addable:
    """A field the type declares that the document does not have."""

    name: str
    label: str
    hint: str
    max_length: int


@dataclass(frozen=True)
class ConflictView:
    row: FieldConflict
    label: str
    verified_shown: str
    machine_shown: str
    max_length: int


def field_views(doc_type: str, rows: list[FieldValue], threshold: float) -> list[FieldView]:
    return [_field_view(doc_type, row, threshold) for row in rows]


def _field_view(doc_type: str, row: FieldValue, threshold: float) -> FieldView:
    kind = kind_of(doc_type, row.name)
    spec = kinds.KINDS.get(kind, kinds.KINDS["text"])
    shown = kinds.display(kind, row.value)
    machine = row.machine_value
    return FieldView(
        row=row,
        label=labels.field_label(row.name, doc_type),
        kind=kind,
        shown=shown,
        machine_shown=kinds.display(kind, machine) if machine is not None else "",
        hint=spec.hint,
        max_length=spec.max_length,
        low=row.confidence < threshold,
        confident=row.status in (FieldStatus.PENDING, FieldStatus.AUTO_VERIFIED)
        and row.confidence >= threshold
        and not any(f.get("severity") == "error" for f in row.findings or ()),
        lines=max(1, sum(-(-max(len(line), 1) // _CHARS_PER_LINE) for line in shown.split("\n"))),
    )


def addable_fields(doc_type: str, rows: list[FieldValue]) -> list[Addable]:
    declared = doctypes.find(doc_type)
    if declared is None:
        return []
    present = {row.name for row in rows}
    found = []
    for spec in declared.fields:
        if spec.name in present or spec.kind == "stop":  # "stop": a printed label, not a field
            continue
        kind = kinds.KINDS.get(spec.kind, kinds.KINDS["text"])
        found.append(Addable(spec.name, spec.vi, kind.hint, kind.max_length))
    return found


def conflict_views(doc_type: str, rows: list[FieldConflict]) -> list[ConflictView]:
    views = []
    for row in rows:
        kind = kind_of(doc_type, row.field_name)
        views.append(
            ConflictView(
                row=row,
                label=labels.field_label(row.field_name, doc_type),
                verified_shown=kinds.display(kind, row.verified_value),
                machine_shown=kinds.display(kind, row.machine_value),
                max_length=kinds.KINDS.get(kind, kinds.KINDS["text"]).max_length,
            )
        )
    return views


def type_choices() -> list[tuple[str, str]]:
    """Every type a document can be re-extracted as, with its Vietnamese name."""
    return [(t.code, t.vi) for t in doctypes.all_types() if t.code != doctypes.UNKNOWN]


def field_boxes(rows: list[FieldValue]) -> list[dict[str, Any]]:
    """The boxes the scan draws for the fields (page pixels), for an in-place update."""
    return [
        {"name": row.name, "page": row.page, "box": list(row.box)}
        for row in rows
        if row.page and row.box and len(row.box) == 4
    ]
