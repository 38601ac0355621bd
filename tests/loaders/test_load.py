"""Loading extractions: idempotence, versions, the steward's values, auto-verify, validity."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from loaders.db import session_scope
from loaders.errors import InvalidRecord
from loaders.load import load_extraction
from loaders.models import (
    AuditEntry,
    ChangeEvent,
    Document,
    DocumentStatus,
    ExtractionVersion,
    FieldConflict,
    FieldStatus,
    FieldValue,
)
from loaders.review import accept_document, correct_field
from tests.loaders import factories
from tests.loaders.helpers import count, fields


def test_loading_the_same_extraction_twice_changes_nothing(session: Session) -> None:
    extraction = factories.id_card()
    first = load_extraction(session, extraction)
    audit_rows = count(session, AuditEntry)
    second = load_extraction(session, extraction)

    assert first.created and first.new_version == 1
    assert second.document_id == first.document_id
    assert not second.created and second.new_version is None
    assert count(session, Document) == 1
    assert count(session, ExtractionVersion) == 1
    assert count(session, FieldValue) == len(extraction.fields)
    assert count(session, AuditEntry) == audit_rows == 1


def test_a_reextraction_is_a_new_version_that_updates_unverified_fields(session: Session) -> None:
    sha = factories.new_sha256()
    load_extraction(session, factories.id_card(sha256=sha, full_name="Nguyen Van An"))
    result = load_extraction(
        session, factories.id_card(sha256=sha, full_name="Nguyễn Văn An", extractor_version="t-2")
    )
    assert result.new_version == 2 and not result.created
    row = fields(session, result.document_id)["full_name"]
    assert (row.value, row.machine_value, row.extraction_version) == ("Nguyễn Văn An",) * 2 + (2,)
    assert count(session, ExtractionVersion, document_id=result.document_id) == 2


def test_a_verified_value_is_never_overwritten_and_a_conflict_opens(
    session: Session, steward: int
) -> None:
    sha = factories.new_sha256()
    doc_id = load_extraction(
        session, factories.id_card(sha256=sha, full_name="Nguyen Van An")
    ).document_id
    document = session.get_one(Document, doc_id)
    correct_field(
        session,
        doc_id,
        "full_name",
        "Nguyễn Văn An",
        principal_id=steward,
        expected_lock_version=document.lock_version,
    )
    accept_document(
        session, doc_id, principal_id=steward, expected_lock_version=document.lock_version
    )

    again = load_extraction(session, factories.id_card(sha256=sha, full_name="Nguyễn Văn Ân"))
    assert again.conflicts_opened == 1
    row = fields(session, doc_id)["full_name"]
    assert (row.value, row.status, row.machine_value) == (
        "Nguyễn Văn An",
        FieldStatus.CORRECTED,
        "Nguyễn Văn Ân",
    )
    conflict = session.scalars(sa.select(FieldConflict)).one()
    assert (conflict.field_name, conflict.verified_value, conflict.machine_value) == (
        "full_name",
        "Nguyễn Văn An",
        "Nguyễn Văn Ân",
    )
    assert session.get_one(Document, doc_id).status == DocumentStatus.VERIFIED
    # the same disagreement again does not pile up conflicts
    load_extraction(
        session, factories.id_card(sha256=sha, full_name="Nguyễn Văn Ân", extractor_version="t-3")
    )
    assert count(session, FieldConflict) == 1


def test_auto_verify_needs_the_threshold_and_no_error_finding(session: Session) -> None:
    confident = load_extraction(
        session, factories.id_card(confidence=0.97), auto_verify_confidence=0.9
    )
    assert session.get_one(Document, confident.document_id).status == DocumentStatus.VERIFIED
    assert {r.status for r in fields(session, confident.document_id).values()} == {
        FieldStatus.AUTO_VERIFIED
    }
    assert count(session, ChangeEvent, kind="document.verified") == 1

    flagged = load_extraction(
        session,
        factories.id_card(
            id_number="001099054321", confidence=0.97, findings=(factories.error_on("expiry_date"),)
        ),
        auto_verify_confidence=0.9,
    )
    rows = fields(session, flagged.document_id)
    assert rows["expiry_date"].status == FieldStatus.PENDING
    assert rows["expiry_date"].findings[0]["code"] == "expiry_date.invalid"
    assert rows["full_name"].status == FieldStatus.AUTO_VERIFIED
    assert session.get_one(Document, flagged.document_id).status == DocumentStatus.NEEDS_REVIEW

    unsure = load_extraction(
        session,
        factories.id_card(id_number="001099011111", confidence=0.89),
        auto_verify_confidence=0.9,
    )
    assert {r.status for r in fields(session, unsure.document_id).values()} == {FieldStatus.PENDING}

    unset = load_extraction(session, factories.id_card(id_number="001099022222", confidence=1.0))
    assert {r.status for r in fields(session, unset.document_id).values()} == {FieldStatus.PENDING}


def test_a_less_confident_reextraction_reopens_an_auto_verified_document(session: Session) -> None:
    sha = factories.new_sha256()
    doc_id = load_extraction(
        session, factories.id_card(sha256=sha, confidence=0.97), auto_verify_confidence=0.9
    ).document_id
    load_extraction(
        session, factories.id_card(sha256=sha, confidence=0.5), auto_verify_confidence=0.9
    )
    assert session.get_one(Document, doc_id).status == DocumentStatus.NEEDS_REVIEW
    kinds = session.scalars(sa.select(ChangeEvent.kind).order_by(ChangeEvent.id)).all()
    assert kinds == ["document.verified", "document.reopened"]


def test_validity_comes_from_issue_and_expiry_dates(session: Session) -> None:
    dated = load_extraction(session, factories.id_card())
    document = session.get_one(Document, dated.document_id)
    assert (document.valid_from, document.valid_to) == (date(2021, 5, 1), date(2039, 3, 15))
    open_ended = load_extraction(
        session, factories.id_card(id_number="001099033333", expiry_date="Không thời hạn")
    )
    assert session.get_one(Document, open_ended.document_id).valid_to is None
    admin = load_extraction(session, factories.admin_document())
    document = session.get_one(Document, admin.document_id)
    assert (document.valid_from, document.valid_to) == (date(2025, 4, 14), None)
    assert (document.number_symbol, document.issued_on) == ("123/QĐ-UBND", date(2025, 4, 14))
    assert document.issuer == "Ủy ban nhân dân thành phố Hà Nội"


def test_a_rescan_is_a_duplicate_candidate_not_a_merge(session: Session) -> None:
    original = load_extraction(session, factories.id_card())
    rescan = load_extraction(session, factories.id_card())
    back = load_extraction(session, factories.id_card(side="back"))
    assert count(session, Document) == 3
    assert session.get_one(Document, rescan.document_id).duplicate_of_id == original.document_id
    assert session.get_one(Document, original.document_id).duplicate_of_id is None
    assert session.get_one(Document, back.document_id).duplicate_of_id is None

    first_decision = load_extraction(session, factories.admin_document())
    copy = load_extraction(session, factories.admin_document())
    assert session.get_one(Document, copy.document_id).duplicate_of_id == first_decision.document_id


def test_a_failed_load_leaves_nothing_behind(session_factory, dialect) -> None:  # type: ignore[no-untyped-def]
    extraction = factories.id_card()
    with pytest.raises(RuntimeError), session_scope(session_factory) as session:
        load_extraction(session, extraction)
        raise RuntimeError("worker killed before commit")
    with session_scope(session_factory) as session:
        assert (
            count(session, Document)
            == count(session, FieldValue)
            == count(session, AuditEntry)
            == 0
        )
        assert load_extraction(session, extraction).created


def test_an_extraction_repeating_a_field_is_refused(session: Session) -> None:
    extraction = factories.id_card()
    with pytest.raises(InvalidRecord):
        load_extraction(session, replace(extraction, fields=extraction.fields * 2))
