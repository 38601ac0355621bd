"""Signing in and out with a personal steward account (name + password, argon2).

Each attempt is counted per account name and per address before the password is checked
(`throttle`); a locked one gets a 429 saying when to try again, at the cost of one read.
Signing in opens a session the server records; signing out deletes that record."""

from __future__ import annotations

import logging
import re
import secrets
from datetime import datetime
from functools import lru_cache

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from loaders import principals
from loaders.journal import audit
from sohoa.auth.passwords import MIN_LENGTH, hash_password, needs_rehash, verify_password
from sohoa.auth.roles import Role
from sohoa.web.review import csrf, throttle
from sohoa.web.review.auth import (
    NOT_A_STEWARD,
    SIGNED_OUT,
    checked_form,
    current_reviewer,
    secret_of,
    session_of,
)
from sohoa.web.review.routing import ReviewRoute
from sohoa.web.review.session import clear_cookie, new_session, now, write_cookie
from sohoa.web.review.templating import render
from sohoa.web.runtime import get_runtime

log = logging.getLogger(__name__)
router = APIRouter(route_class=ReviewRoute)

_SAFE_NEXT = re.compile(r"^/review(?:[/?][^\s\\]*)?$")
WRONG = "Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đã bị khóa."


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Verified against when the name is unknown, so both refusals cost the same time."""
    return hash_password(secrets.token_urlsafe(16))


def safe_next(value: str | None) -> str:
    """Only a path of the review UI: a sign-in link must never send anyone elsewhere."""
    if value and _SAFE_NEXT.match(value) and "//" not in value:
        return value
    return "/review"


def _login_page(
    request: Request,
    next_url: str,
    error: str = "",
    status_code: int = 200,
    name: str = "",
    notice: str = "",
) -> HTMLResponse:
    token = csrf.new_login_token()
    context = {
        "token": token,
        "next_url": next_url,
        "error": error,
        "notice": notice,
        "name": name,
        "reviewer": None,
    }
    response = render(request, "login.html", context, status_code)
    response.set_cookie(
        csrf.LOGIN_COOKIE,
        csrf.sign_login_token(secret_of(request), token),
        max_age=csrf.LOGIN_MAX_AGE,
        path="/review/login",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return response


@router.get("/login")
def login_form(request: Request, next: str = "/review", ended: str = "") -> Response:
    return _login_page(request, safe_next(next), notice=SIGNED_OUT if ended else "")


def _throttled(request: Request, next_url: str, name: str, until: datetime) -> Response:
    log.info("review sign-in throttled")
    moment = now()
    response = _login_page(request, next_url, throttle.message(until, moment), 429, name)
    response.headers["Retry-After"] = str(throttle.wait_seconds(until, moment))
    return response


@router.post("/login")
async def login(request: Request) -> Response:
    form = await request.form()
    name = str(form.get("name") or "").strip()
    password = str(form.get("password") or "")
    next_url = safe_next(str(form.get("next") or ""))
    expected = csrf.login_token_in(secret_of(request), request.cookies.get(csrf.LOGIN_COOKIE))
    if not csrf.same(expected, str(form.get(csrf.FIELD) or "")):
        message = "Trang đăng nhập đã hết hạn. Hãy đăng nhập lại."
        return _login_page(request, next_url, message, 403, name)
    # argon2 and the warehouse are blocking: off the event loop, so other requests go on.
    return await run_in_threadpool(_sign_in, request, name, password, next_url)


def _sign_in(request: Request, name: str, password: str, next_url: str) -> Response:
    runtime = get_runtime(request)
    keys = throttle.keys_of(request, secret_of(request), name)
    moment = now()
    with runtime.session() as db:
        until = principals.sign_in_blocked_until(db, keys.limits, moment)
    if until is None:
        with runtime.session() as db:
            until = principals.count_sign_in_attempt(db, keys.limits, moment)
    if until is not None:
        return _throttled(request, next_url, name, until)
    with runtime.session() as db:
        row = principals.by_name(db, name) if name else None
        usable = (
            row is not None
            and row.kind == principals.PERSON
            and not row.disabled
            and row.password_hash is not None
        )
        stored = row.password_hash if usable and row and row.password_hash else _dummy_hash()
        if not (verify_password(stored, password) and usable and row is not None):
            log.info("review sign-in refused")
            return _login_page(request, next_url, WRONG, 401, name)
        if not Role(row.role).allows(Role.STEWARD):
            return _login_page(request, next_url, NOT_A_STEWARD, 403, name)
        if needs_rehash(stored) and len(password) >= MIN_LENGTH:
            row.password_hash = hash_password(password)
        principals.forget_sign_in_attempt(
            db, clear=keys.account, uncount={keys.address: throttle.ADDRESS}, now=moment
        )
        audit(db, "review.sign_in", principal_id=row.id)
        session = new_session()
        principals.open_review_session(
            db, row.id, session.digest, now=moment, expires_at=session.ends
        )
    response = RedirectResponse(next_url, status_code=303)
    write_cookie(request, response, secret_of(request), session)
    response.delete_cookie(csrf.LOGIN_COOKIE, path="/review/login")
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    reviewer = current_reviewer(request)
    await checked_form(request, reviewer)
    ended = session_of(request)
    with get_runtime(request).session() as db:
        if ended is not None:
            principals.close_review_session(db, ended.digest)
        audit(db, "review.sign_out", principal_id=reviewer.id)
    request.state.review_session_out = None
    response = RedirectResponse("/review/login", status_code=303)
    clear_cookie(request, response)
    return response
