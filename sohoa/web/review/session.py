"""The steward's sign-in session: a signed cookie naming a session the server keeps.

The cookie holds a random token, when the session was opened (absolute limit), when its holder
was last seen (idle limit, re-signed at most once a minute) and the form token (CSRF). The server
keeps a row per open session (`review_sessions`, found by the token's SHA-256) and reads it with
the account on every request: signing out deletes the row, so a copy of the cookie stops working
too; disabling an account or resetting its password deletes all of its rows, so enabling it
again revives nothing. The role is not in the cookie either: it is read on every request, so a
lowered role takes effect at once. Signing uses `Settings.effective_secret_key()` with its own
salt, so a session cookie is never valid as any other signed value of the app.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime

from itsdangerous import BadSignature, URLSafeSerializer
from starlette.requests import Request
from starlette.responses import Response

COOKIE = "sohoa_review"
COOKIE_PATH = "/review"
IDLE_SECONDS = 30 * 60
ABSOLUTE_SECONDS = 12 * 60 * 60
REFRESH_AFTER_SECONDS = 60  # re-sign the cookie (sliding idle limit) at most once a minute
_SALT = "sohoa.review.session.v2"  # v1 cookies (no server-side session) are no longer valid


def clock() -> float:
    """Now, in seconds since the epoch (a function, so tests can move time)."""
    return time.time()


def moment(seconds: float) -> datetime:
    """A `clock()` reading as the warehouse stores times."""
    return datetime.fromtimestamp(seconds, UTC)


def now() -> datetime:
    return moment(clock())


@dataclass(frozen=True)
class ReviewSession:
    token: str  # random; the server keeps only its digest
    issued: float
    seen: float
    csrf: str

    def expired(self, now: float) -> bool:
        return now - self.seen > IDLE_SECONDS or now - self.issued > ABSOLUTE_SECONDS

    @property
    def digest(self) -> str:
        """The key of the server's record of this session."""
        return hashlib.sha256(self.token.encode()).hexdigest()

    @property
    def ends(self) -> datetime:
        """The absolute limit, as stored with the server's record."""
        return moment(self.issued + ABSOLUTE_SECONDS)


def new_session() -> ReviewSession:
    """A fresh session; it is valid once `loaders.principals.open_review_session` recorded it."""
    now = clock()
    return ReviewSession(secrets.token_urlsafe(32), now, now, secrets.token_urlsafe(32))


def _serializer(secret: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=_SALT)


def encode(secret: str, session: ReviewSession) -> str:
    return _serializer(secret).dumps(asdict(session))


def decode(secret: str, value: str | None) -> ReviewSession | None:
    """The session in a cookie value, or None if absent, tampered with, malformed or expired.
    Whether the server still honours it is for the caller to ask the warehouse."""
    if not value:
        return None
    try:
        data = _serializer(secret).loads(value)
        session = ReviewSession(
            token=str(data["token"]),
            issued=float(data["issued"]),
            seen=float(data["seen"]),
            csrf=str(data["csrf"]),
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
