"""Identity questions (link, keep separate, field conflicts) and an admin's undo, through the
UI, with what they leave in review actions, the audit log and the change feed."""

from __future__ import annotations

from dataclasses import replace

import sqlalchemy as sa
from fastapi.testclient import TestClient

from loaders.models import (
    AuditEntry,
    CandidateStatus,
    ChangeEvent,
    Document,
    DocumentStatus,
    DocumentSubject,
    EventKind,
    FieldConflict,
    FieldStatus,
    FieldValue,
    IdentityCandidate,
    ReviewAction,
)
from sohoa.runtime import Runtime
from tests.loaders import factories
from tests.web.conftest import Warehouse
from tests.web.review.conftest import People
from tests.web.review.helpers import lock_in, sign_in


def _post(client: TestClient, url: str, token: str, lock: int, **data: str):
    return client.post(
        url, data={"csrf_token": token, "lock_version": str(lock), **data}, follow_redirects=False
    )


def _candidate_case(warehouse: Warehouse) -> tuple[int, int]:
    """A person on file by ID card, and a birth certificate naming them by name and birth date."""
    card = warehouse.verified(factories.id_card(id_number="001099000301", full_name="Vũ Thị Mai"))
    certificate = warehouse.load(
        factories.birth_certificate(full_name="Vũ Thị Mai", date_of_birth="1999-03-15")
    )
    return card, certificate


def _candidate(runtime: Runtime, document_id: int) -> IdentityCandidate:
    with runtime.session() as db:
        return db.scalars(
            sa.select(IdentityCandidate).where(
                IdentityCandidate.document_id == document_id, IdentityCandidate.role == "child"
            )
        ).one()


def _links(runtime: Runtime, document_id: int) -> set[tuple[int, str]]:
    with runtime.session() as db:
        rows = db.execute(
            sa.select(DocumentSubject.subject_id, DocumentSubject.role).where(
                DocumentSubject.document_id == document_id
            )
        ).all()
        return {(r.subject_id, r.role) for r in rows}


def test_both_sides_are_shown(client: TestClient, people: People, warehouse: Warehouse) -> None:
    _, certificate = _candidate_case(warehouse)
    sign_in(client, "lan.steward")
    html = client.get(f"/review/documents/{certificate}").text
    assert "Trên tài liệu này" in html and "Đối tượng đã có" in html
    assert "001099000301" in html and "Trùng họ tên và ngày sinh" in html
    assert "Cùng một người — liên kết" in html and "Khác người — giữ riêng" in html


def test_link_then_admin_undo(
    client: TestClient, people: People, warehouse: Warehouse, runtime: Runtime
) -> None:
    _, certificate = _candidate_case(warehouse)
    candidate = _candidate(runtime, certificate)
    token = sign_in(client, "lan.steward")
    url = f"/review/documents/{certificate}"
    lock = lock_in(client.get(url).text)
    linked = _post(client, f"{url}/candidates/{candidate.id}", token, lock, action="link")
    assert linked.status_code == 303
    assert _candidate(runtime, certificate).status == CandidateStatus.LINKED
    assert (candidate.subject_id, "child") in _links(runtime, certificate)

    # A later field decision recomputes the links: the steward's link stands.
    lock = lock_in(client.get(url).text)
    _post(client, f"{url}/fields/full_name", token, lock, action="accept")
    assert (candidate.subject_id, "child") in _links(runtime, certificate)

    # A steward cannot undo; an admin can, and the feed hears of it.
    lock = lock_in(client.get(url).text)
    unlink_url = f"{url}/candidates/{candidate.id}/unlink"
    refused = _post(client, unlink_url, token, lock, reason="nhầm")
    assert refused.status_code == 403 and "Chỉ quản trị viên" in refused.text
    admin_token = sign_in(client, "minh.admin")
    page = client.get(url).text
    assert "Hủy liên kết (hoàn tác)" in page
    undone = _post(client, unlink_url, admin_token, lock_in(page), reason="Hai người khác nhau")
    assert undone.status_code == 303
    assert (candidate.subject_id, "child") not in _links(runtime, certificate)
    assert _candidate(runtime, certificate).status == CandidateStatus.OPEN
    with runtime.session() as db:
        event = db.scalars(
            sa.select(ChangeEvent).where(
                ChangeEvent.document_id == certificate,
                ChangeEvent.kind == EventKind.IDENTITY_UNLINKED,
            )
        ).one()
        assert event.payload["role"] == "child"
        actions = db.scalars(
            sa.select(ReviewAction.action).where(ReviewAction.document_id == certificate)
        ).all()
        assert actions == ["link_subject", "accept", "unlink_subject"]
        audit = db.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == "review.unlink_subject")
        ).one()
        assert audit.principal_id == people.admin and audit.document_id == certificate


def test_keep_separate(
    client: TestClient, people: People, warehouse: Warehouse, runtime: Runtime
) -> None:
    _, certificate = _candidate_case(warehouse)
    candidate = _candidate(runtime, certificate)
    token = sign_in(client, "lan.steward")
    url = f"/review/documents/{certificate}"
    lock = lock_in(client.get(url).text)
    response = _post(
        client,
        f"{url}/candidates/{candidate.id}",
        token,
        lock,
        action="separate",
        reason="Khác quê quán",
    )
    assert response.status_code == 303
    assert _candidate(runtime, certificate).status == CandidateStatus.KEPT_SEPARATE
    assert (candidate.subject_id, "child") not in _links(runtime, certificate)
    with runtime.session() as db:
        action = db.scalars(
            sa.select(ReviewAction).where(ReviewAction.action == "keep_separate")
        ).one()
        assert action.reason == "Khác quê quán"
        assert action.before["status"] == "open" and action.after["status"] == "kept_separate"


def test_a_conflict_with_a_verified_value_is_shown_and_resolved(
    client: TestClient, people: People, warehouse: Warehouse, runtime: Runtime
) -> None:
    card = factories.id_card(id_number="001099000401", full_name="Đinh Văn Lực")
    document_id = warehouse.verified(card)
    warehouse.load(
        replace(
            card,
            fields=tuple(
                replace(f, value="Đinh Văn Lục") if f.name == "full_name" else f
                for f in card.fields
            ),
        )
    )
    token = sign_in(client, "lan.steward")
    url = f"/review/documents/{document_id}"
    page = client.get(url).text
    assert "Giá trị đã xác minh" in page and "Đinh Văn Lục" in page
    with runtime.session() as db:
        conflict = db.scalars(sa.select(FieldConflict)).one()
    response = _post(client, f"{url}/conflicts/{conflict.id}", token, lock_in(page), choice="keep")
    assert response.status_code == 303
    with runtime.session() as db:
        assert db.get_one(FieldConflict, conflict.id).status == "resolved"
        row = db.scalars(
            sa.select(FieldValue).where(
                FieldValue.document_id == document_id, FieldValue.name == "full_name"
            )
        ).one()
        assert (row.value, row.status) == ("Đinh Văn Lực", FieldStatus.CORRECTED)


def test_an_admin_reopens_a_verified_document(
    client: TestClient, people: People, warehouse: Warehouse, runtime: Runtime
) -> None:
    document_id = warehouse.verified(factories.id_card(id_number="001099000501"))
    url = f"/review/documents/{document_id}"
    token = sign_in(client, "lan.steward")
    page = client.get(url).text
    assert "Mở lại để xác minh lại" not in page
    assert _post(client, f"{url}/reopen", token, lock_in(page), reason="x").status_code == 403

    admin_token = sign_in(client, "minh.admin")
    page = client.get(url).text
    response = _post(client, f"{url}/reopen", admin_token, lock_in(page), reason="Sai ngày cấp")
    assert response.status_code == 303
    with runtime.session() as db:
        document = db.get_one(Document, document_id)
        assert document.status == DocumentStatus.NEEDS_REVIEW
        statuses = db.scalars(
            sa.select(FieldValue.status).where(FieldValue.document_id == document_id)
        ).all()
        assert set(statuses) == {FieldStatus.PENDING}
        kinds = db.scalars(
            sa.select(ChangeEvent.kind)
            .where(ChangeEvent.document_id == document_id)
            .order_by(ChangeEvent.id)
        ).all()
        assert kinds[-2:] == [EventKind.VERIFIED, EventKind.REOPENED]
        action = db.scalars(
            sa.select(ReviewAction).where(ReviewAction.action == "reopen_document")
        ).one()
        assert action.principal_id == people.admin and action.reason == "Sai ngày cấp"
        assert action.before["status"] == "verified"
        assert (
            db.scalar(
                sa.select(sa.func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.action == "review.reopen_document")
            )
            == 1
        )
    assert "Mở lại tài liệu (hoàn tác)" in client.get(url).text
