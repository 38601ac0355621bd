"""Form tokens against cross-site request forgery.

Signed-in forms carry the session's random token in a hidden field; every POST must send it back
(compared in constant time). The sign-in form, before any session exists, uses a double-submit
token: a random value in a short-lived signed cookie and the same value in the form.
"""

from __future__ import annotations

import hmac
import secrets

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

FIELD = "csrf_token"
LOGIN_COOKIE = "sohoa_review_login"
LOGIN_MAX_AGE = 60 * 60
_LOGIN_SALT = "sohoa.review.login.v1"


def same(expected: str | None, given: str | None) -> bool:
    return bool(expected) and bool(given) and hmac.compare_digest(str(expected), str(given))


def new_login_token() -> str:
    return secrets.token_urlsafe(24)


def sign_login_token(secret: str, token: str) -> str:
    return URLSafeTimedSerializer(secret, salt=_LOGIN_SALT).dumps(token)


def login_token_in(secret: str, cookie: str | None) -> str | None:
    """The token a sign-in cookie holds, if it is genuine and fresh."""
    if not cookie:
        return None
    try:
        return str(URLSafeTimedSerializer(secret, salt=_LOGIN_SALT).loads(cookie, LOGIN_MAX_AGE))
    except (BadSignature, SignatureExpired):
        return None
