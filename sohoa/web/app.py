"""`create_app`: the FastAPI app of `sohoa serve` (reuse API under /v1, review UI under /review)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from fastapi import APIRouter, FastAPI

from sohoa.runtime import Runtime
from sohoa.web.api import router as api_router
from sohoa.web.errors import install_error_handlers
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
        docs_url="/docs",
    )
    app.state.runtime = runtime or Runtime()
    install_error_handlers(app)
    # Refuses a NUL (or another control character) in the path, query or headers of any request.
    app.add_middleware(RefuseInvalidCharacters)
    app.include_router(health)
    app.include_router(api_router)
    app.include_router(review_router)
    return app
