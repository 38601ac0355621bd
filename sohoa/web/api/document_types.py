"""`GET /v1/document-types`: the declared document types, as downstream developers need them —
each type's fields with their Vietnamese label, value kind and the subject slot they describe, and
the roles its subjects fill. Read from the declarations (`extractors.doctypes`), never written
here, so a type added in one module is described at once."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import APIRouter

from extractors import doctypes
from extractors.declaration import DOCUMENT
from sohoa.web.api.common import errors
from sohoa.web.api.schemas import DocumentTypeOut, FieldDeclarationOut, SlotOut
from sohoa.web.errors import ApiError
from sohoa.web.security import Reader

router = APIRouter(prefix="/document-types", tags=["documents"])


def known_doc_types(codes: Sequence[str]) -> list[str]:
    """`codes` when every one is a registered type; 422 naming the first unknown one."""
    for code in codes:
        if not doctypes.is_known(code):
            raise ApiError(
                422,
                "invalid_request",
                f"unknown doc_type {code!r}: GET /v1/document-types lists them",
            )
    return list(codes)


@router.get(
    "",
    response_model=list[DocumentTypeOut],
    summary="The document types, their fields and subject roles",
    responses=errors(),
)
def list_document_types(caller: Reader) -> list[DocumentTypeOut]:
    """No personal data: what a document of each type may carry, for a client to read fields by
    name (dates are ISO 8601, sex `male` | `female`, whatever the page printed)."""
    return [
        DocumentTypeOut(
            code=declared.code,
            label=declared.vi,
            attributes={k: dict(v) for k, v in declared.attribute_labels.items()},
            slots=[
                SlotOut(role=slot.role.value, kind=slot.kind.value, label=slot.vi)
                for slot in declared.slots
            ],
            fields=[
                FieldDeclarationOut(
                    name=spec.name,
                    label=spec.vi,
                    kind=spec.kind,
                    required=spec.required,
                    slot=None if spec.slot == DOCUMENT else spec.slot,
                    attribute=spec.subject_attribute,
                )
                for spec in declared.fields
            ],
        )
        for declared in doctypes.all_types()
    ]
