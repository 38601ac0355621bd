"""The reuse API, versioned under /v1. Each resource is a module with its own router."""

from __future__ import annotations

from fastapi import APIRouter

from sohoa.web.api import changes, documents, objects, procedures, review, subjects

router = APIRouter(prefix="/v1")
for module in (subjects, documents, procedures, changes, review, objects):
    router.include_router(module.router)
