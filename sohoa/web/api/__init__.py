"""The reuse API, versioned under /v1. Each resource is a module with its own router."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/v1")
