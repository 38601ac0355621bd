"""The review UI's own CSS and JavaScript (no build step), served by name from a fixed list."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import Response

from loaders.errors import NotFound
from sohoa.web.review.routing import ReviewRoute

STATIC = Path(__file__).parent / "static"
_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}
_FILES = {path.name: path for path in STATIC.iterdir() if path.suffix in _TYPES}

router = APIRouter(route_class=ReviewRoute)


@router.get("/static/{name}")
def static_file(name: str) -> Response:
    path = _FILES.get(name)
    if path is None:
        raise NotFound(f"no static file {name!r}")
    return Response(
        path.read_bytes(),
        media_type=_TYPES[path.suffix],
        headers={"Cache-Control": "public, max-age=300"},
    )
