"""The procedure catalogue (code, name, the document types it needs) and the once-only check:
for a procedure and a subject, which required documents are already on file and which are not.

The catalogue is data, not code: `sohoa/data/procedures.json` ships common procedures, and an
admin loads or extends it (`sohoa procedures load FILE`, `PUT /v1/procedures/{code}`). Loading
upserts: a procedure's requirements are replaced by the ones given, other procedures are kept.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session

from extractors import doctypes
from loaders.db import translate_db_errors
from loaders.errors import InvalidRecord
from loaders.models import Document, DocumentSubject, Procedure, ProcedureRequirement
from loaders.queries import DocumentSummary, ReadScope, roles_of, served_conditions, summarize

MAX_CODE_LENGTH = 32


@dataclass(frozen=True)
class Requirement:
    doc_type: str
    note: str = ""


@dataclass(frozen=True)
class ProcedureSpec:
    code: str
    name: str
    requirements: tuple[Requirement, ...] = ()


@dataclass(frozen=True)
class RequirementCheck:
    requirement: Requirement
    documents: tuple[DocumentSummary, ...] = ()


@dataclass(frozen=True)
class ProcedureCheck:
    procedure: ProcedureSpec
    on_file: tuple[RequirementCheck, ...] = field(default=())
    missing: tuple[Requirement, ...] = ()
    outside_scope: tuple[Requirement, ...] = ()


def validate(spec: ProcedureSpec) -> ProcedureSpec:
    """The spec, or `InvalidRecord` saying what is wrong with it."""
    code = spec.code.strip()
    if not code or len(code) > MAX_CODE_LENGTH:
        raise InvalidRecord(f"a procedure code has 1 to {MAX_CODE_LENGTH} characters: {code!r}")
    if not spec.name.strip():
        raise InvalidRecord(f"procedure {code} has no name")
    seen: set[str] = set()
    for requirement in spec.requirements:
        known = [c for c in doctypes.codes() if c != doctypes.UNKNOWN]
        if requirement.doc_type not in known:
            raise InvalidRecord(
                f"procedure {code}: unknown doc_type {requirement.doc_type!r} "
                f"(use one of {', '.join(known)})"
            )
        if requirement.doc_type in seen:
            raise InvalidRecord(f"procedure {code} lists {requirement.doc_type} twice")
        seen.add(requirement.doc_type)
    return ProcedureSpec(code, spec.name.strip(), spec.requirements)


def parse_catalogue(text: str, *, fmt: str) -> list[ProcedureSpec]:
    """Procedures from JSON (`{"procedures": [{code, name, requirements: [{doc_type, note}]}]}`
    or a bare list) or CSV (columns code, name, doc_type, note: one row per requirement)."""
    if fmt == "json":
        try:
            data: Any = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InvalidRecord(f"not valid JSON: {exc}") from exc
        items = data.get("procedures") if isinstance(data, dict) else data
        if not isinstance(items, list):
            raise InvalidRecord('expected {"procedures": [...]} or a list of procedures')
        return [validate(_spec_from_dict(item)) for item in items]
    if fmt == "csv":
        grouped: dict[str, tuple[str, list[Requirement]]] = {}
        for row in csv.DictReader(io.StringIO(text)):
            code = (row.get("code") or "").strip()
            _, requirements = grouped.setdefault(code, ((row.get("name") or "").strip(), []))
            if (row.get("doc_type") or "").strip():
                requirements.append(
                    Requirement(row["doc_type"].strip(), (row.get("note") or "").strip())
                )
        return [validate(ProcedureSpec(c, n, tuple(r))) for c, (n, r) in grouped.items()]
    raise InvalidRecord(f"unknown catalogue format {fmt!r}: use json or csv")


def _spec_from_dict(item: Any) -> ProcedureSpec:
    if not isinstance(item, dict):
        raise InvalidRecord("each procedure is an object with code, name, requirements")
    requirements = item.get("requirements") or []
    return ProcedureSpec(
        code=str(item.get("code", "")),
        name=str(item.get("name", "")),
        requirements=tuple(
            Requirement(str(r.get("doc_type", "")), str(r.get("note", "")))
            if isinstance(r, dict)
            else Requirement(str(r))
            for r in requirements
        ),
    )


def read_catalogue(path: Path) -> list[ProcedureSpec]:
    """A catalogue file; its format is told by its suffix (.json or .csv)."""
    fmt = path.suffix.lower().lstrip(".")
    return parse_catalogue(path.read_text(encoding="utf-8"), fmt=fmt)


@translate_db_errors()
def upsert(session: Session, spec: ProcedureSpec) -> ProcedureSpec:
    """Create or replace one procedure and its requirements."""
    spec = validate(spec)
    row = session.get(Procedure, spec.code)
    if row is None:
        session.add(Procedure(code=spec.code, name=spec.name))
    else:
        row.name = spec.name
    session.execute(
        delete(ProcedureRequirement).where(ProcedureRequirement.procedure_code == spec.code)
    )
    session.flush()
    session.add_all(
        ProcedureRequirement(procedure_code=spec.code, doc_type=r.doc_type, note=r.note)
        for r in spec.requirements
    )
    session.flush()
    return spec


def upsert_all(session: Session, specs: Iterable[ProcedureSpec]) -> int:
    count = 0
    for spec in specs:
        upsert(session, spec)
        count += 1
    return count


@translate_db_errors()
def get(session: Session, code: str) -> ProcedureSpec | None:
    row = session.get(Procedure, code)
    if row is None:
        return None
    return ProcedureSpec(row.code, row.name, _requirements(session, [code]).get(code, ()))


@translate_db_errors()
def list_all(session: Session) -> list[ProcedureSpec]:
    rows = session.scalars(select(Procedure).order_by(Procedure.code)).all()
    requirements = _requirements(session, [r.code for r in rows])
    return [ProcedureSpec(r.code, r.name, requirements.get(r.code, ())) for r in rows]


def _requirements(session: Session, codes: Sequence[str]) -> dict[str, tuple[Requirement, ...]]:
    if not codes:
        return {}
    rows = session.scalars(
        select(ProcedureRequirement)
        .where(ProcedureRequirement.procedure_code.in_(list(codes)))
        .order_by(ProcedureRequirement.id)
    )
    grouped: dict[str, list[Requirement]] = {}
    for row in rows:
        grouped.setdefault(row.procedure_code, []).append(Requirement(row.doc_type, row.note))
    return {code: tuple(items) for code, items in grouped.items()}


@translate_db_errors()
def check(
    session: Session, spec: ProcedureSpec, subject_id: int, *, valid_on: date, scope: ReadScope
) -> ProcedureCheck:
    """Which of the procedure's document types the subject has on file (served: verified, valid
    on `valid_on`, within scope), which are missing, and which the key may not look at."""
    wanted = [r for r in spec.requirements if scope.covers_doc_type(r.doc_type)]
    outside = tuple(r for r in spec.requirements if not scope.covers_doc_type(r.doc_type))
    linked = exists().where(
        DocumentSubject.document_id == Document.id, DocumentSubject.subject_id == subject_id
    )
    documents = session.scalars(
        select(Document)
        .where(
            linked,
            Document.doc_type.in_([r.doc_type for r in wanted]),
            *served_conditions(valid_on, scope),
        )
        .order_by(Document.id)
    ).all()
    roles = roles_of(session, [d.id for d in documents], subject_id)
    by_type: dict[str, list[DocumentSummary]] = {}
    for document in documents:
        by_type.setdefault(document.doc_type, []).append(
            summarize(document, roles.get(document.id, ()))
        )
    on_file = tuple(
        RequirementCheck(r, tuple(by_type[r.doc_type])) for r in wanted if r.doc_type in by_type
    )
    missing = tuple(r for r in wanted if r.doc_type not in by_type)
    return ProcedureCheck(spec, on_file, missing, outside)
