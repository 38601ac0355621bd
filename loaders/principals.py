"""The principals table: people (password) and services (API key), with role and scopes; the
review UI sessions the server honours; and the sign-in attempts counted per account and address.

Only storage and lookup live here; hashing, key digests, session tokens and the throttling rule's
numbers are `sohoa`'s job (the warehouse stores what it is given and never sees a password, a
whole key, a session token, a typed name or an address).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from loaders.db import translate_db_errors
from loaders.errors import InvalidRecord, NotFound
from loaders.models import Principal, ReviewSessionRecord, SignInAttempts

PERSON = "person"
SERVICE = "service"
ROLES = ("reader", "steward", "admin")


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise InvalidRecord(f"unknown role {role!r}: use one of {', '.join(ROLES)}")


@translate_db_errors()
def create_service(
    session: Session,
    *,
    name: str,
    role: str,
    key_prefix: str,
    key_digest: str,
    scopes: dict[str, Any] | None = None,
) -> Principal:
    _check_role(role)
    if by_name(session, name) is not None:
        raise InvalidRecord(f"a principal named {name!r} exists already")
    row = Principal(
        kind=SERVICE,
        name=name,
        role=role,
        key_prefix=key_prefix,
        key_digest=key_digest,
        scopes=scopes or {},
    )
    session.add(row)
    session.flush()
    return row


@translate_db_errors()
def create_person(
    session: Session,
    *,
    name: str,
    role: str,
    password_hash: str,
    scopes: dict[str, Any] | None = None,
) -> Principal:
    _check_role(role)
    if by_name(session, name) is not None:
        raise InvalidRecord(f"a principal named {name!r} exists already")
    row = Principal(
        kind=PERSON, name=name, role=role, password_hash=password_hash, scopes=scopes or {}
    )
    session.add(row)
    session.flush()
    return row


@translate_db_errors()
def by_name(session: Session, name: str) -> Principal | None:
    return session.scalars(select(Principal).where(Principal.name == name)).first()


@translate_db_errors()
def by_id(session: Session, principal_id: int) -> Principal | None:
    return session.get(Principal, principal_id)


@translate_db_errors()
def active_service_by_prefix(session: Session, key_prefix: str) -> Principal | None:
    """The live service whose key has this prefix (revoked or disabled keys are not found)."""
    return session.scalars(
        select(Principal).where(
            Principal.key_prefix == key_prefix,
            Principal.kind == SERVICE,
            Principal.revoked_at.is_(None),
            Principal.disabled.is_(False),
        )
    ).first()


@translate_db_errors()
def list_principals(session: Session, *, kind: str | None = None) -> list[Principal]:
    query = select(Principal).order_by(Principal.kind, Principal.name)
    if kind:
        query = query.where(Principal.kind == kind)
    return list(session.scalars(query))


def _existing(session: Session, name: str) -> Principal:
    row = by_name(session, name)
    if row is None:
        raise NotFound(f"no principal named {name!r}")
    return row


@translate_db_errors()
def revoke(session: Session, name: str) -> Principal:
    """A service key stops reading personal data at once (the audit write checks the principal is
    live) and everything else within the API key cache's few seconds; the row stays (audit
    entries refer to it)."""
    row = _existing(session, name)
    row.revoked_at = row.revoked_at or datetime.now(UTC)
    session.flush()
    return row


@translate_db_errors()
def set_disabled(session: Session, name: str, disabled: bool) -> Principal:
    """Disabling also ends the account's review sessions for good: enabling it again later lets
    it sign in anew, it does not bring back a cookie from before."""
    row = _existing(session, name)
    row.disabled = disabled
    if disabled:
        close_review_sessions_of(session, row.id)
    session.flush()
    return row


@translate_db_errors()
def set_password_hash(session: Session, name: str, password_hash: str) -> Principal:
    """A new password ends every review session opened with the old one."""
    row = _existing(session, name)
    if row.kind != PERSON:
        raise InvalidRecord(f"{name!r} is a service: it has an API key, not a password")
    row.password_hash = password_hash
    close_review_sessions_of(session, row.id)
    session.flush()
    return row


# Review UI sessions: a row per session the server honours, found by the digest of its token.


@translate_db_errors()
def open_review_session(
    session: Session, principal_id: int, token_digest: str, *, now: datetime, expires_at: datetime
) -> None:
    """Record a new session (and drop every expired one: sign-ins are rare, the table stays
    small without a sweeper)."""
    session.execute(delete(ReviewSessionRecord).where(ReviewSessionRecord.expires_at <= now))
    session.add(
        ReviewSessionRecord(
            id=token_digest, principal_id=principal_id, created_at=now, expires_at=expires_at
        )
    )
    session.flush()


@translate_db_errors()
def review_session_owner(session: Session, token_digest: str, now: datetime) -> Principal | None:
    """The principal of a live session, in one statement (the request's only lookup)."""
    return session.scalars(
        select(Principal)
        .join(ReviewSessionRecord, ReviewSessionRecord.principal_id == Principal.id)
        .where(ReviewSessionRecord.id == token_digest, ReviewSessionRecord.expires_at > now)
    ).first()


@translate_db_errors()
def close_review_session(session: Session, token_digest: str) -> None:
    session.execute(delete(ReviewSessionRecord).where(ReviewSessionRecord.id == token_digest))


@translate_db_errors()
def close_review_sessions_of(session: Session, principal_id: int) -> int:
    """End every review session of an account; how many there were."""
    result = session.execute(
        delete(ReviewSessionRecord)
        .where(ReviewSessionRecord.principal_id == principal_id)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


# Sign-in attempts: counted before the password is checked, under a row lock, so attempts in
# flight in several server processes at once are counted too.


@dataclass(frozen=True)
class AttemptLimit:
    """`free` attempts, then each further one locks the key for `first_lock`, doubled per
    attempt up to `max_lock`; the count starts again after `quiet` without any attempt."""

    free: int
    first_lock: timedelta
    max_lock: timedelta
    quiet: timedelta

    def lock_after(self, attempts: int) -> timedelta | None:
        if attempts < self.free:
            return None
        return min(self.first_lock * 2 ** min(attempts - self.free, 32), self.max_lock)


FORGOTTEN_AFTER = timedelta(days=1)  # longer than any limit's quiet spell or lock


@translate_db_errors()
def sign_in_blocked_until(session: Session, keys: Iterable[str], now: datetime) -> datetime | None:
    """When the latest lock on any of `keys` ends, if one is locked now (one indexed read: what
    a refused attempt costs)."""
    return session.scalar(
        select(func.max(SignInAttempts.blocked_until)).where(
            SignInAttempts.key.in_(list(keys)), SignInAttempts.blocked_until > now
        )
    )


def _insert_ignoring_existing(session: Session, keys: list[str], now: datetime) -> None:
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    session.execute(
        insert(SignInAttempts)
        .values([{"key": k, "attempts": 0, "last_at": now, "blocked_until": None} for k in keys])
        .on_conflict_do_nothing(index_elements=["key"])
    )


def _locked_rows(session: Session, keys: list[str], now: datetime) -> list[SignInAttempts]:
    if not keys:
        return []
    _insert_ignoring_existing(session, keys, now)
    return list(
        session.scalars(
            select(SignInAttempts)
            .where(SignInAttempts.key.in_(keys))
            .order_by(SignInAttempts.key)  # always the same order: no deadlock between workers
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    )


@translate_db_errors()
def count_sign_in_attempt(
    session: Session, limits: dict[str, AttemptLimit], now: datetime
) -> datetime | None:
    """Count one attempt against each key, or none when a key is locked: then the time its lock
    ends. Call before checking the password; `forget_sign_in_attempt` after a success."""
    rows = _locked_rows(session, sorted(limits), now)
    blocked = [r.blocked_until for r in rows if r.blocked_until and r.blocked_until > now]
    if blocked:
        return max(blocked)
    for row in rows:
        limit = limits[row.key]
        row.attempts = 1 if now - row.last_at > limit.quiet else row.attempts + 1
        row.last_at = now
        lock = limit.lock_after(row.attempts)
        row.blocked_until = now + lock if lock else None
    session.flush()
    return None


@translate_db_errors()
def forget_sign_in_attempt(
    session: Session, *, clear: str, uncount: dict[str, AttemptLimit], now: datetime
) -> None:
    """After a right password: the account's count starts again (`clear`), and the attempt no
    longer counts against the other keys (`uncount`: e.g. an office's shared address). Counts
    untouched for a day are dropped too (sign-ins are rare: the table needs no sweeper)."""
    session.execute(delete(SignInAttempts).where(SignInAttempts.key == clear))
    session.execute(
        delete(SignInAttempts)
        .where(SignInAttempts.last_at < now - FORGOTTEN_AFTER)
        .execution_options(synchronize_session=False)
    )
    for row in _locked_rows(session, sorted(uncount), now):
        row.attempts = max(row.attempts - 1, 0)
        if uncount[row.key].lock_after(row.attempts) is None:
            row.blocked_until = None
    session.flush()
