"""The reuse API, versioned under /v1. Each resource is a module with its own router."""

from __future__ import annotations

from fastapi import APIRouter

from sohoa.web.api import (
    changes,
    document_types,
    documents,
    objects,
    procedures,
    review,
    subjects,
)

router = APIRouter(prefix="/v1")
for module in (subjects, documents, document_types, procedures, changes, review, objects):
    router.include_router(module.router)
