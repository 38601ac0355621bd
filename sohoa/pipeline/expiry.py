"""The step behind the daily `expire_documents` DAG: expiry events for documents that ran out.

"Today" is a date a person reads, so it is taken in Asia/Ho_Chi_Minh (docs/DESIGN.md), not UTC: a
run at 00:30 in Hà Nội is already the next day there while it is still yesterday in UTC."""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from loaders.expiry import write_expiry_events
from sohoa.pipeline.errors import step_boundary
from sohoa.runtime import Runtime

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

log = logging.getLogger(__name__)


def local_today(now: datetime | None = None) -> date:
    """The calendar date in Việt Nam at `now` (default: the current time)."""
    return (now or datetime.now(LOCAL_TZ)).astimezone(LOCAL_TZ).date()


def expire_step(runtime: Runtime, today: str | date | None = None) -> dict[str, Any]:
    """Write the expiry events due on `today` (ISO date; default: today in Việt Nam).

    Returns counts only. A database outage raises `RetryableStepError` (nothing was committed, and
    running again is safe because the write is idempotent)."""
    day = date.fromisoformat(today) if isinstance(today, str) else (today or local_today())
    with step_boundary("expire documents"), runtime.session() as session:
        written = write_expiry_events(session, day)
    log.info("expiry events written=%d for date=%s", written, day.isoformat())
    return {"date": day.isoformat(), "expired_events": written}
