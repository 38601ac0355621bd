"""The steward review UI, server-rendered under /review."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/review", include_in_schema=False)
