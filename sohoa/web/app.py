"""`create_app`: the FastAPI app of `sohoa serve` (reuse API under /v1, review UI under /review)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import FileResponse, HTMLResponse
from swagger_ui_bundle import swagger_ui_path

from sohoa.runtime import Runtime
from sohoa.web.api import router as api_router
from sohoa.web.errors import ApiError, install_error_handlers
from sohoa.web.input_errors import RefuseInvalidCharacters
from sohoa.web.review import router as review_router


def app_version() -> str:
    try:
        return version("sohoa")
    except PackageNotFoundError:
        return "0+unknown"


health = APIRouter(tags=["health"])


@health.get("/v1/health", summary="Liveness and database reachability")
def get_health() -> dict[str, str]:
    return {"status": "ok"}


@health.get("/v1/version", summary="Version of sohoa")
def get_version() -> dict[str, str]:
    return {"version": app_version(), "api": "v1"}


# The interactive API documents, served from this server: Swagger UI's files come from the PyPI
# package `swagger-ui-bundle-v2` (Apache-2.0), so /docs works on a network without internet.
# ReDoc is not offered (no package ships it; a CDN page would be blank offline).
DOCS_URL = "/docs"
DOCS_ASSETS = {  # the only files of the bundle the page needs
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "favicon-32x32.png": "image/png",
}
docs = APIRouter(include_in_schema=False)


@docs.get(DOCS_URL)
def get_docs(request: Request) -> HTMLResponse:
    root = request.scope.get("root_path", "")
    assets = f"{root}{DOCS_URL}/assets"
    return get_swagger_ui_html(
        openapi_url=f"{root}{request.app.openapi_url}",
        title=f"{request.app.title} - Swagger UI",
        swagger_js_url=f"{assets}/swagger-ui-bundle.js",
        swagger_css_url=f"{assets}/swagger-ui.css",
        swagger_favicon_url=f"{assets}/favicon-32x32.png",
        oauth2_redirect_url=f"{root}{DOCS_URL}/oauth2-redirect",
        # no online validator badge: it would call validator.swagger.io
        swagger_ui_parameters={"validatorUrl": None},
    )


@docs.get(f"{DOCS_URL}/oauth2-redirect")
def get_docs_oauth2_redirect() -> HTMLResponse:
    return get_swagger_ui_oauth2_redirect_html()


@docs.get(f"{DOCS_URL}/assets/{{name}}")
def get_docs_asset(name: str) -> FileResponse:
    if name not in DOCS_ASSETS:
        raise ApiError(404, "not_found", "no such file")
    return FileResponse(
        Path(str(swagger_ui_path)) / name,
        media_type=DOCS_ASSETS[name],
        headers={"Cache-Control": "public, max-age=86400"},
    )


def create_app(runtime: Runtime | None = None) -> FastAPI:
    app = FastAPI(
        title="sohoa reuse API",
        version=app_version(),
        description=(
            "Verified, reusable records of individuals' and organizations' documents, so that a "
            "citizen hands a document over once. Every call needs an API key "
            "(`Authorization: Bearer <key>`); reads of personal data need `X-Purpose`."
        ),
        openapi_url="/openapi.json",
        docs_url=None,  # served by `docs` below, from local files
        redoc_url=None,
    )
    app.state.runtime = runtime or Runtime()
    install_error_handlers(app)
    # Refuses a NUL (or another control character) in the path, query or headers of any request.
    app.add_middleware(RefuseInvalidCharacters)
    app.include_router(health)
    app.include_router(docs)
    app.include_router(api_router)
    app.include_router(review_router)
    return app
