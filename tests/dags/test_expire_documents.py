"""`expire_documents` for real (`airflow dags test`): expired verified documents get one
`document.expired` event each; nothing else does; a second run writes nothing new."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from loaders.db import make_engine, make_session_factory
from loaders.models import ChangeEvent, Document, DocumentStatus, EventKind
from sohoa.pipeline.expiry import local_today
from tests.dags.airflow_cli import AirflowHome


def _documents(url: str, today: date) -> dict[str, int]:
    """Four documents: only the first is verified *and* past its valid_to."""
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            rows = {
                "expired": Document(
                    sha256="a" * 64,
                    doc_type="id_card",
                    status=DocumentStatus.VERIFIED,
                    valid_to=today - timedelta(days=1),
                ),
                "valid_today": Document(
                    sha256="b" * 64,
                    doc_type="id_card",
                    status=DocumentStatus.VERIFIED,
                    valid_to=today,
                ),
                "unverified": Document(
                    sha256="c" * 64,
                    doc_type="id_card",
                    status=DocumentStatus.NEEDS_REVIEW,
                    valid_to=today - timedelta(days=400),
                ),
                "no_end": Document(
                    sha256="d" * 64, doc_type="admin_document", status=DocumentStatus.VERIFIED
                ),
            }
            session.add_all(rows.values())
            session.commit()
            return {name: doc.id for name, doc in rows.items()}
    finally:
        engine.dispose()


def _expired_events(url: str) -> list[tuple[int, dict[str, object]]]:
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            return [
                (e.document_id, e.payload)
                for e in session.scalars(
                    select(ChangeEvent).where(ChangeEvent.kind == EventKind.EXPIRED)
                )
            ]
    finally:
        engine.dispose()


@pytest.mark.slow
def test_expire_documents_writes_each_expiry_once(tmp_path: Path) -> None:
    home = AirflowHome(tmp_path).setup()
    today = local_today()
    ids = _documents(home.warehouse_url, today)

    home.dag_test("expire_documents")  # "today" from the run's date in Việt Nam
    events = _expired_events(home.warehouse_url)
    assert [doc_id for doc_id, _ in events] == [ids["expired"]]
    assert events[0][1]["valid_to"] == (today - timedelta(days=1)).isoformat()

    home.dag_test("expire_documents")
    assert len(_expired_events(home.warehouse_url)) == 1, "a second run writes nothing new"

    # A replayed later day reaches the document valid until today; still once each.
    home.dag_test("expire_documents", {"today": (today + timedelta(days=1)).isoformat()})
    assert sorted(d for d, _ in _expired_events(home.warehouse_url)) == sorted(
        [ids["expired"], ids["valid_today"]]
    )
