"""API errors: JSON with a stable code and a message, the same shape everywhere.

{"error": {"code": "purpose_required", "message": "…"}}
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from loaders.errors import ConflictingUpdate, InvalidRecord, NotFound, WarehouseUnavailable


class ApiError(Exception):
    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers


def error_body(code: str, message: str) -> dict[str, dict[str, str]]:
    return {"error": {"code": code, "message": message}}


def _json(status: int, code: str, message: str, headers: dict[str, str] | None = None):
    return JSONResponse(error_body(code, message), status_code=status, headers=headers)


def error_response(error: ApiError) -> JSONResponse:
    return _json(error.status, error.code, error.message, error.headers)


def install_error_handlers(app: FastAPI) -> None:
    from sohoa.web import input_errors  # it builds on ApiError

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return _json(exc.status, exc.code, exc.message, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        # The codes and statuses of refused input are `input_errors`' (one table for all).
        return error_response(input_errors.from_validation(exc.errors()))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return _json(exc.status_code, code, str(exc.detail), getattr(exc, "headers", None))

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, exc: NotFound) -> JSONResponse:
        return _json(404, "not_found", str(exc))

    @app.exception_handler(ConflictingUpdate)
    async def _conflict(request: Request, exc: ConflictingUpdate) -> JSONResponse:
        return _json(409, "conflicting_update", str(exc))

    @app.exception_handler(InvalidRecord)
    async def _invalid_record(request: Request, exc: InvalidRecord) -> JSONResponse:
        return _json(422, "invalid_record", str(exc))

    @app.exception_handler(WarehouseUnavailable)
    async def _unavailable(request: Request, exc: WarehouseUnavailable) -> JSONResponse:
        return _json(
            503,
            "warehouse_unavailable",
            "the database is unavailable; retry later",
            {"Retry-After": "5"},
        )
