"""Who is calling: API keys for services (`Authorization: Bearer <key>` or `X-API-Key`), with a
role at least the one an endpoint needs, and the purpose of a read (`X-Purpose`).

Checked keys are kept in memory for `KEY_CACHE_TTL_S` seconds (prefix -> digest and principal), so
a busy service does not cost a database lookup per request. A key revoked or disabled meanwhile
stops working at once for reads of personal data (their audit entry is only written for a live
principal, in the read's transaction: `sohoa.web.api.common.audit_read`) and for writes (they check
the principal again in their own transaction: `recheck_for_write`, which also applies a role or
scope change at once); for every other call within `KEY_CACHE_TTL_S`, as for a role or scope
change.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import unquote

from fastapi import Depends, Header, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from loaders import principals
from loaders.models import Principal
from sohoa.auth import apikeys
from sohoa.auth.roles import Role
from sohoa.web import input_errors
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


# How long a checked key is trusted without asking the database again (see the module docstring).
KEY_CACHE_TTL_S = 5.0
_KEY_CACHE_MAX = 10_000
_UNAUTHORIZED = {"WWW-Authenticate": "Bearer"}


@dataclass(frozen=True)
class _CachedKey:
    expires: float  # on _clock
    digest: str
    caller: Caller


_clock = time.monotonic  # the cache's clock (tests move it)
# (database URL, key prefix) -> the principal found for it; only keys that matched are kept.
_key_cache: dict[tuple[str, str], _CachedKey] = {}


def clear_key_cache() -> None:
    """Forget every checked key (the next request of each key asks the database)."""
    _key_cache.clear()


def forget_key(request: Request, caller: Caller) -> None:
    """Drop the cached entries of `caller` (e.g. after the database refused it)."""
    url = get_runtime(request).settings.database_url
    for cache_key, entry in list(_key_cache.items()):
        if cache_key[0] == url and entry.caller.id == caller.id:
            _key_cache.pop(cache_key, None)


def _invalid(message: str) -> ApiError:
    return ApiError(401, "invalid_api_key", message, _UNAUTHORIZED)


def _forbidden(needed: Role, has: Role) -> ApiError:
    return ApiError(
        403, "forbidden", f"this endpoint needs the {needed.value} role; the key has {has.value}"
    )


def _checked_key(request: Request) -> tuple[str, str, tuple[str, str]]:
    key = _presented_key(request)
    if not key:
        raise ApiError(
            401, "missing_api_key", "send an API key: Authorization: Bearer <key>", _UNAUTHORIZED
        )
    prefix = apikeys.prefix_of(key)
    if prefix is None:
        raise _invalid("the API key is malformed")
    return key, prefix, (get_runtime(request).settings.database_url, prefix)


def _cached_caller(request: Request, key: str, cache_key: tuple[str, str]) -> Caller | None:
    entry = _key_cache.get(cache_key)
    if entry is None:
        return None
    if entry.expires <= _clock():
        _key_cache.pop(cache_key, None)
        return None
    secret = get_runtime(request).settings.effective_secret_key()
    if not apikeys.matches(secret, key, entry.digest):
        raise _invalid("unknown or revoked API key")
    return entry.caller


def _caller_from_database(
    request: Request, key: str, prefix: str, cache_key: tuple[str, str]
) -> Caller:
    runtime = get_runtime(request)
    with runtime.session() as session:
        row = principals.active_service_by_prefix(session, prefix)
        if row is None or not row.key_digest:
            raise _invalid("unknown or revoked API key")
        if not apikeys.matches(runtime.settings.effective_secret_key(), key, row.key_digest):
            raise _invalid("unknown or revoked API key")
        caller = Caller(row.id, row.name, row.kind, Role(row.role), dict(row.scopes or {}))
        digest = row.key_digest
    if len(_key_cache) >= _KEY_CACHE_MAX:
        _key_cache.clear()
    _key_cache[cache_key] = _CachedKey(_clock() + KEY_CACHE_TTL_S, digest, caller)
    return caller


# The principal behind a cached caller as the database says now, its row held (FOR SHARE, on
# PostgreSQL) until the transaction ends: a revocation, a role or a scope change then waits for the
# write in progress, or, committed first, is seen by it. SQLite runs one writer at a time anyway.
_LIVE_PRINCIPAL = (
    select(Principal.role, Principal.scopes, Principal.key_digest)
    .where(
        Principal.id == bindparam("principal_id"),
        Principal.revoked_at.is_(None),
        Principal.disabled.is_(False),
    )
    .with_for_update(read=True)
)


def recheck_for_write(session: Session, request: Request, caller: Caller, needed: Role) -> Caller:
    """The caller of a write, checked live in the write's own transaction (never from the key
    cache): 401 if its key was revoked or disabled since it was cached, 403 if its role no longer
    allows the write; otherwise the caller with its current role and scopes, which the write
    must use (a scope narrowed a moment ago already holds)."""
    row = session.execute(_LIVE_PRINCIPAL, {"principal_id": caller.id}).first()
    secret = get_runtime(request).settings.effective_secret_key()
    key = _presented_key(request) or ""
    if row is None or not row.key_digest or not apikeys.matches(secret, key, row.key_digest):
        forget_key(request, caller)
        raise _invalid("unknown or revoked API key")
    live = Caller(caller.id, caller.name, caller.kind, Role(row.role), dict(row.scopes or {}))
    if live != caller:
        forget_key(request, caller)  # the cached role or scopes are stale
    if not live.role.allows(needed):
        raise _forbidden(needed, live.role)
    return live


def authenticate_key(request: Request) -> Caller:
    """The service behind the request's API key, or a 401 saying what is missing."""
    key, prefix, cache_key = _checked_key(request)
    return _cached_caller(request, key, cache_key) or _caller_from_database(
        request, key, prefix, cache_key
    )


async def authenticate_key_async(request: Request) -> Caller:
    """`authenticate_key` without a thread hop when the key is cached (the common case)."""
    key, prefix, cache_key = _checked_key(request)
    caller = _cached_caller(request, key, cache_key)
    if caller is None:
        caller = await run_in_threadpool(_caller_from_database, request, key, prefix, cache_key)
    return caller


# Declared so that the OpenAPI document shows how to authenticate; the key is read in
# `authenticate_key` (either header works).
_bearer = HTTPBearer(auto_error=False, description="Authorization: Bearer <API key>")
_api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="The API key")


def require_role(needed: Role) -> Callable[..., Awaitable[Caller]]:
    """A dependency: the caller's key, refused with 403 if its role is below `needed`."""

    async def dependency(
        request: Request,
        _bearer_key: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)] = None,
        _header_key: Annotated[str | None, Depends(_api_key_header)] = None,
    ) -> Caller:
        caller = await authenticate_key_async(request)
        if not caller.role.allows(needed):
            raise _forbidden(needed, caller.role)
        request.state.caller = caller
        return caller

    return dependency


MAX_PURPOSE_LENGTH = 500


def _header_text(raw: str) -> str:
    """Header values are bytes (read as latin-1): accept raw UTF-8 and percent-encoded UTF-8
    (`hồ sơ` as `h%E1%BB%93%20s%C6%A1`), so a purpose can be written in Vietnamese."""
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        raw = raw.encode("latin-1").decode("utf-8")
    return unquote(raw) if "%" in raw else raw


async def purpose(
    x_purpose: Annotated[
        str,
        Header(
            alias="X-Purpose",
            description="Why personal data is read (kept in the audit log), e.g. "
            "'TTHC 1.001234 ho so H15.50.05.13-261008-0975'. Non-ASCII text may be sent "
            "percent-encoded as UTF-8. Without it the call answers 400 `purpose_required`.",
        ),
    ],
) -> str:
    """The declared purpose: required (a missing header is turned into 400 `purpose_required` by
    `input_errors.from_validation`), one line of text, at most `MAX_PURPOSE_LENGTH` characters."""
    value = _header_text(x_purpose).strip()
    if not value:
        raise input_errors.refusal(input_errors.PURPOSE_REQUIRED)
    if input_errors.has_invalid_character(value, one_line=True):
        raise input_errors.refusal(input_errors.INVALID_CHARACTER, "X-Purpose")
    if len(value) > MAX_PURPOSE_LENGTH:
        raise input_errors.refusal(input_errors.PURPOSE_TOO_LONG)
    return value


Reader = Annotated[Caller, Depends(require_role(Role.READER))]
Steward = Annotated[Caller, Depends(require_role(Role.STEWARD))]
Admin = Annotated[Caller, Depends(require_role(Role.ADMIN))]
Purpose = Annotated[str, Depends(purpose)]
