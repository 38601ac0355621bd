"""The principals table: people (password) and services (API key), with role and scopes.

Only storage and lookup live here; hashing and key digests are `sohoa.auth`'s job (the warehouse
stores what it is given and never sees a password or a whole key).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from loaders.db import translate_db_errors
from loaders.errors import InvalidRecord, NotFound
from loaders.models import Principal

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
    row = _existing(session, name)
    row.disabled = disabled
    session.flush()
    return row


@translate_db_errors()
def set_password_hash(session: Session, name: str, password_hash: str) -> Principal:
    row = _existing(session, name)
    if row.kind != PERSON:
        raise InvalidRecord(f"{name!r} is a service: it has an API key, not a password")
    row.password_hash = password_hash
    session.flush()
    return row
