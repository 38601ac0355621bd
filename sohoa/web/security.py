"""Who is calling: API keys for services (`Authorization: Bearer <key>` or `X-API-Key`), with a
role at least the one an endpoint needs, and the purpose of a read (`X-Purpose`)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import unquote

from fastapi import Depends, Header, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from loaders import principals
from sohoa.auth import apikeys
from sohoa.auth.roles import Role
from sohoa.web.errors import ApiError
from sohoa.web.runtime import get_runtime


@dataclass(frozen=True)
class Caller:
    """The authenticated principal of a request."""

    id: int
    name: str
    kind: str  # person | service
    role: Role
    scopes: dict[str, Any] = field(default_factory=dict)

    def covers_province(self, province_code: str | None) -> bool:
        allowed = self.scopes.get("provinces") or []
        return not allowed or province_code in allowed

    def covers_doc_type(self, doc_type: str) -> bool:
        allowed = self.scopes.get("doc_types") or []
        return not allowed or doc_type in allowed


def _presented_key(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    return request.headers.get("x-api-key")


def authenticate_key(request: Request) -> Caller:
    """The service behind the request's API key, or a 401 saying what is missing."""
    key = _presented_key(request)
    unauthorized = {"WWW-Authenticate": "Bearer"}
    if not key:
        raise ApiError(
            401, "missing_api_key", "send an API key: Authorization: Bearer <key>", unauthorized
        )
    prefix = apikeys.prefix_of(key)
    runtime = get_runtime(request)
    if prefix is None:
        raise ApiError(401, "invalid_api_key", "the API key is malformed", unauthorized)
    with runtime.session() as session:
        row = principals.active_service_by_prefix(session, prefix)
        if row is None or not row.key_digest:
            raise ApiError(401, "invalid_api_key", "unknown or revoked API key", unauthorized)
        if not apikeys.matches(runtime.settings.effective_secret_key(), key, row.key_digest):
            raise ApiError(401, "invalid_api_key", "unknown or revoked API key", unauthorized)
        return Caller(row.id, row.name, row.kind, Role(row.role), dict(row.scopes or {}))


# Declared so that the OpenAPI document shows how to authenticate; the key is read in
# `authenticate_key` (either header works).
_bearer = HTTPBearer(auto_error=False, description="Authorization: Bearer <API key>")
_api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="The API key")


def require_role(needed: Role) -> Callable[..., Caller]:
    """A dependency: the caller's key, refused with 403 if its role is below `needed`."""

    def dependency(
        request: Request,
        _bearer_key: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)] = None,
        _header_key: Annotated[str | None, Depends(_api_key_header)] = None,
    ) -> Caller:
        caller = authenticate_key(request)
        if not caller.role.allows(needed):
            raise ApiError(
                403,
                "forbidden",
                f"this endpoint needs the {needed.value} role; the key has {caller.role.value}",
            )
        request.state.caller = caller
        return caller

    return dependency


def _header_text(raw: str) -> str:
    """Header values are bytes (read as latin-1): accept raw UTF-8 and percent-encoded UTF-8
    (`hồ sơ` as `h%E1%BB%93%20s%C6%A1`), so a purpose can be written in Vietnamese."""
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        raw = raw.encode("latin-1").decode("utf-8")
    return unquote(raw) if "%" in raw else raw


def purpose(
    x_purpose: Annotated[
        str | None,
        Header(
            description="Why personal data is read (kept in the audit log), e.g. "
            "'TTHC 1.001234 ho so H15.50.05.13-261008-0975'. Non-ASCII text may be sent "
            "percent-encoded as UTF-8."
        ),
    ] = None,
) -> str:
    value = _header_text(x_purpose or "").strip()
    if not value:
        raise ApiError(
            400, "purpose_required", "reads of personal data need an X-Purpose header saying why"
        )
    if len(value) > 500:
        raise ApiError(400, "purpose_too_long", "X-Purpose is limited to 500 characters")
    return value


Reader = Annotated[Caller, Depends(require_role(Role.READER))]
Steward = Annotated[Caller, Depends(require_role(Role.STEWARD))]
Admin = Annotated[Caller, Depends(require_role(Role.ADMIN))]
Purpose = Annotated[str, Depends(purpose)]
