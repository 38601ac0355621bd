"""Translation of package errors at the boundary (docs/DESIGN.md, "Settled details" → Errors).

A step either succeeds, quarantines a bad file and goes on, or raises one of these two. `dags/` maps
`RetryableStepError` to a normal failure (Airflow retries it) and `PermanentStepError` to
`AirflowFailException` (no retry); `sohoa run` prints the message and exits non-zero.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


class StepError(Exception):
    retryable: bool = False


class RetryableStepError(StepError):
    """A store or database outage: running the step again later is safe and may succeed."""

    retryable = True


class PermanentStepError(StepError):
    """Configuration or programming error: retrying will not help; the message says what to fix."""

    retryable = False


def is_retryable(exc: BaseException) -> bool:
    return bool(getattr(exc, "retryable", False))


@contextmanager
def step_boundary(what: str) -> Iterator[None]:
    """Re-raise any package error as a `StepError`, keeping the cause chained for the log."""
    try:
        yield
    except StepError:
        raise
    except Exception as exc:
        cls = RetryableStepError if is_retryable(exc) else PermanentStepError
        raise cls(f"{what}: {type(exc).__name__}: {exc}") from exc
