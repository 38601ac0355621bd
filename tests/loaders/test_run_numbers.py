"""The batch report numbers runs per batch: a batch's first run is #1, whatever ran before it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from loaders.batch_report import run_summary
from loaders.batches import finish_run, start_run


def test_each_batch_counts_its_own_runs(session: Session) -> None:
    for _ in range(3):
        finish_run(session, start_run(session, "lo-a", "inbox/lo-a"), {})
    first_of_b = start_run(session, "lo-b", "inbox/lo-b")
    assert run_summary(session, "lo-b")["run"] == 1
    finish_run(session, first_of_b, {})
    start_run(session, "lo-b", "inbox/lo-b")
    assert run_summary(session, "lo-b")["run"] == 2
    assert run_summary(session, "lo-a")["run"] == 3


def test_an_interrupted_run_is_named_by_its_number_in_the_batch(session: Session) -> None:
    finish_run(session, start_run(session, "lo-a", "inbox/lo-a"), {})
    start_run(session, "lo-b", "inbox/lo-b")  # interrupted: never finished
    start_run(session, "lo-b", "inbox/lo-b")
    summary = run_summary(session, "lo-b")
    assert (summary["run"], summary["resumed_run"]) == (2, 1)
