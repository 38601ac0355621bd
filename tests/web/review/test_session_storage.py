"""The warehouse side of review sessions and sign-in attempts (`loaders.principals`), on SQLite
and PostgreSQL: sessions found with their account in one statement and ended for good, and
attempts counted exactly when several server processes count at once."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from loaders import principals
from loaders.models import ReviewSessionRecord, SignInAttempts
from sohoa.runtime import Runtime
from tests.web.review.helpers import create_person

LIMIT = principals.AttemptLimit(
    free=5,
    first_lock=timedelta(minutes=1),
    max_lock=timedelta(minutes=15),
    quiet=timedelta(hours=1),
)
NOW = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def dialect(request: pytest.FixtureRequest) -> str:
    return request.param


def test_a_session_is_found_with_its_account_until_it_ends(runtime: Runtime) -> None:
    steward = create_person(runtime, "lan.steward", "steward")
    with runtime.session() as db:
        principals.open_review_session(
            db, steward, "a" * 64, now=NOW, expires_at=NOW + timedelta(hours=12)
        )
        principals.open_review_session(
            db, steward, "b" * 64, now=NOW, expires_at=NOW + timedelta(hours=12)
        )
    with runtime.session() as db:
        owner = principals.review_session_owner(db, "a" * 64, NOW + timedelta(hours=1))
        assert owner is not None and owner.name == "lan.steward"
        assert principals.review_session_owner(db, "a" * 64, NOW + timedelta(hours=13)) is None
        assert principals.review_session_owner(db, "c" * 64, NOW) is None
        principals.close_review_session(db, "a" * 64)
    with runtime.session() as db:
        assert principals.review_session_owner(db, "a" * 64, NOW) is None
        assert principals.review_session_owner(db, "b" * 64, NOW) is not None
        principals.set_disabled(db, "lan.steward", True)
    with runtime.session() as db:
        principals.set_disabled(db, "lan.steward", False)
        assert principals.review_session_owner(db, "b" * 64, NOW) is None


def test_expired_sessions_are_dropped_at_the_next_sign_in(runtime: Runtime) -> None:
    steward = create_person(runtime, "lan.steward", "steward")
    with runtime.session() as db:
        principals.open_review_session(db, steward, "a" * 64, now=NOW, expires_at=NOW)
    with runtime.session() as db:
        later = NOW + timedelta(seconds=1)
        principals.open_review_session(db, steward, "b" * 64, now=later, expires_at=later)
    with runtime.session() as db:
        assert db.scalars(sa.select(ReviewSessionRecord.id)).all() == ["b" * 64]


def _count(runtime: Runtime, keys: dict[str, principals.AttemptLimit], now: datetime):  # type: ignore[no-untyped-def]
    with runtime.session() as db:
        return principals.count_sign_in_attempt(db, keys, now)


def test_attempts_lock_after_the_free_ones_and_restart_after_a_quiet_hour(
    runtime: Runtime,
) -> None:
    keys = {"account-key": LIMIT}
    assert [_count(runtime, keys, NOW) for _ in range(LIMIT.free)] == [None] * LIMIT.free
    assert _count(runtime, keys, NOW) == NOW + LIMIT.first_lock
    with runtime.session() as db:
        assert principals.sign_in_blocked_until(db, keys, NOW) == NOW + LIMIT.first_lock
        assert principals.sign_in_blocked_until(db, keys, NOW + LIMIT.first_lock) is None
    quiet = NOW + LIMIT.quiet + timedelta(seconds=1)
    assert _count(runtime, keys, quiet) is None
    with runtime.session() as db:
        row = db.get_one(SignInAttempts, "account-key")
        assert (row.attempts, row.blocked_until) == (1, None)


def test_a_locked_key_counts_nothing_against_the_other(runtime: Runtime) -> None:
    for _ in range(LIMIT.free):
        _count(runtime, {"account": LIMIT}, NOW)
    assert _count(runtime, {"account": LIMIT, "address": LIMIT}, NOW) is not None
    with runtime.session() as db:
        assert db.get(SignInAttempts, "address") is None or (
            db.get_one(SignInAttempts, "address").attempts == 0
        )


def test_a_success_clears_the_account_and_uncounts_the_address(runtime: Runtime) -> None:
    keys = {"account": LIMIT, "address": LIMIT}
    for _ in range(LIMIT.free):
        assert _count(runtime, keys, NOW) is None  # the fifth locks both for a minute
    with runtime.session() as db:
        principals.forget_sign_in_attempt(db, clear="account", uncount={"address": LIMIT}, now=NOW)
    with runtime.session() as db:
        assert db.get(SignInAttempts, "account") is None
        address = db.get_one(SignInAttempts, "address")
        assert (address.attempts, address.blocked_until) == (LIMIT.free - 1, None)


def test_attempts_in_flight_at_once_are_all_counted(runtime: Runtime) -> None:
    """Twenty sign-ins at the same moment, each on its own connection, as from several server
    processes: exactly the free ones go on to the password check."""
    keys = {"account": LIMIT, "address": LIMIT}
    start = threading.Barrier(20)
    results: list[datetime | None] = []
    failures: list[BaseException] = []

    def attempt() -> None:
        try:
            start.wait()
            results.append(_count(runtime, keys, NOW))
        except BaseException as exc:  # reported below, with the others' results
            failures.append(exc)

    threads = [threading.Thread(target=attempt) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    assert results.count(None) == LIMIT.free
    with runtime.session() as db:
        assert db.get_one(SignInAttempts, "account").attempts == LIMIT.free


def test_counts_untouched_for_a_day_are_dropped_at_a_sign_in(runtime: Runtime) -> None:
    _count(runtime, {"old": LIMIT}, NOW)
    _count(runtime, {"recent": LIMIT}, NOW + timedelta(hours=2))
    later = NOW + principals.FORGOTTEN_AFTER + timedelta(minutes=1)
    with runtime.session() as db:
        principals.forget_sign_in_attempt(db, clear="account", uncount={}, now=later)
    with runtime.session() as db:
        assert db.scalars(sa.select(SignInAttempts.key)).all() == ["recent"]
