"""API keys: `sohoa_<prefix>_<secret>`, shown once, stored as a keyed SHA-256 digest.

The prefix (not secret) finds the row; the digest is HMAC-SHA256 under SOHOA_SECRET_KEY, so a
stolen table is useless without the server's secret, and a check costs microseconds (argon2 is
for human passwords, which are weak; random 256-bit keys do not need a slow hash).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

_KEY = re.compile(r"^sohoa_([a-z0-9]{10})_([A-Za-z0-9_-]{43})$")
_PREFIX_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


@dataclass(frozen=True)
class NewKey:
    key: str  # the whole key: give it to the caller once, never store it
    prefix: str
    digest: str


def digest(secret_key: str, key: str) -> str:
    return hmac.new(secret_key.encode(), key.encode(), hashlib.sha256).hexdigest()


def generate(secret_key: str) -> NewKey:
    prefix = "".join(secrets.choice(_PREFIX_ALPHABET) for _ in range(10))
    key = f"sohoa_{prefix}_{secrets.token_urlsafe(32)}"
    return NewKey(key=key, prefix=prefix, digest=digest(secret_key, key))


def prefix_of(key: str) -> str | None:
    """The lookup prefix of a well-formed key; None for anything else (refuse without a query)."""
    match = _KEY.match(key.strip())
    return match.group(1) if match else None


def matches(secret_key: str, key: str, stored_digest: str) -> bool:
    return hmac.compare_digest(digest(secret_key, key.strip()), stored_digest)
