"""The procedure catalogue: anyone with a key lists it; an admin adds or replaces entries."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request

from loaders import procedures
from loaders.errors import InvalidRecord
from sohoa.auth.roles import Role
from sohoa.web.api.common import errors
from sohoa.web.api.schemas import ProcedureIn, ProcedureOut, RequirementOut
from sohoa.web.errors import ApiError
from sohoa.web.runtime import get_runtime
from sohoa.web.security import Admin, Reader, recheck_for_write

router = APIRouter(prefix="/procedures", tags=["procedures"])

ProcedureCode = Annotated[
    str,
    Path(
        min_length=1,
        max_length=procedures.MAX_CODE_LENGTH,
        description="Procedure code (national catalogue code, or a `local.` code).",
        examples=["local.khai_sinh"],
    ),
]


def procedure_out(spec: procedures.ProcedureSpec) -> ProcedureOut:
    return ProcedureOut(
        code=spec.code,
        name=spec.name,
        requirements=[RequirementOut(doc_type=r.doc_type, note=r.note) for r in spec.requirements],
    )


@router.get("", response_model=list[ProcedureOut], summary="The procedure catalogue")
def list_procedures(caller: Reader, request: Request) -> list[ProcedureOut]:
    """Every procedure with the document types it requires (no personal data)."""
    with get_runtime(request).session() as session:
        return [procedure_out(spec) for spec in procedures.list_all(session)]


@router.get("/{code}", response_model=ProcedureOut, summary="One procedure", responses=errors(404))
def get_procedure(code: ProcedureCode, caller: Reader, request: Request) -> ProcedureOut:
    with get_runtime(request).session() as session:
        spec = procedures.get(session, code)
    if spec is None:
        raise ApiError(404, "procedure_not_found", "no procedure with this code in the catalogue")
    return procedure_out(spec)


@router.put(
    "/{code}",
    response_model=ProcedureOut,
    summary="Add or replace a procedure (admin)",
    responses=errors(),
)
def put_procedure(
    code: ProcedureCode, body: ProcedureIn, caller: Admin, request: Request
) -> ProcedureOut:
    """Create the procedure or replace its name and requirements (idempotent)."""
    spec = procedures.ProcedureSpec(
        code=code,
        name=body.name,
        requirements=tuple(procedures.Requirement(r.doc_type, r.note) for r in body.requirements),
    )
    try:
        with get_runtime(request).session() as session:
            recheck_for_write(session, request, caller, Role.ADMIN)  # not from the key cache
            saved = procedures.upsert(session, spec)
    except InvalidRecord as exc:
        raise ApiError(422, "invalid_procedure", str(exc)) from exc
    return procedure_out(saved)
