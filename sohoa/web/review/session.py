"""The steward's sign-in session: a signed cookie, no server-side store.

The cookie holds who signed in, when (absolute limit), when they were last seen (idle limit), the
form token (CSRF) and a fingerprint of the password hash, so that resetting a password ends every
session opened with the old one. The role is not in the cookie: it is read from the warehouse on
every request, so disabling an account or lowering a role takes effect at once. Signing uses
`Settings.effective_secret_key()` with its own salt, so a session cookie is never valid as any
other signed value of the app.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import asdict, dataclass, replace

from itsdangerous import BadSignature, URLSafeSerializer
from starlette.requests import Request
from starlette.responses import Response

COOKIE = "sohoa_review"
COOKIE_PATH = "/review"
IDLE_SECONDS = 30 * 60
ABSOLUTE_SECONDS = 12 * 60 * 60
REFRESH_AFTER_SECONDS = 60  # re-sign the cookie (sliding idle limit) at most once a minute
_SALT = "sohoa.review.session.v1"


def clock() -> float:
    """Now, in seconds since the epoch (a function, so tests can move time)."""
    return time.time()


@dataclass(frozen=True)
class ReviewSession:
    principal_id: int
    issued: float
    seen: float
    csrf: str
    password: str  # fingerprint of the password hash the session was opened with

    def expired(self, now: float) -> bool:
        return now - self.seen > IDLE_SECONDS or now - self.issued > ABSOLUTE_SECONDS


def password_fingerprint(password_hash: str | None) -> str:
    return hashlib.sha256((password_hash or "").encode()).hexdigest()[:16]


def new_session(principal_id: int, password_hash: str | None) -> ReviewSession:
    now = clock()
    return ReviewSession(
        principal_id, now, now, secrets.token_urlsafe(32), password_fingerprint(password_hash)
    )


def _serializer(secret: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=_SALT)


def encode(secret: str, session: ReviewSession) -> str:
    return _serializer(secret).dumps(asdict(session))


def decode(secret: str, value: str | None) -> ReviewSession | None:
    """The session in a cookie value, or None if absent, tampered with, malformed or expired."""
    if not value:
        return None
    try:
        data = _serializer(secret).loads(value)
        session = ReviewSession(
            principal_id=int(data["principal_id"]),
            issued=float(data["issued"]),
            seen=float(data["seen"]),
            csrf=str(data["csrf"]),
            password=str(data["password"]),
        )
    except (BadSignature, KeyError, TypeError, ValueError):
        return None
    return None if session.expired(clock()) else session


def touched(session: ReviewSession) -> ReviewSession | None:
    """The session with `seen` moved to now, or None when the cookie need not be re-sent."""
    now = clock()
    return replace(session, seen=now) if now - session.seen >= REFRESH_AFTER_SECONDS else None


def write_cookie(request: Request, response: Response, secret: str, session: ReviewSession) -> None:
    response.set_cookie(
        COOKIE,
        encode(secret, session),
        max_age=ABSOLUTE_SECONDS,
        path=COOKIE_PATH,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )


def clear_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(
        COOKIE,
        path=COOKIE_PATH,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
