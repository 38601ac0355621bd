"""A document of unknown or wrong type is re-extracted as the type a steward chose
(`sohoa.pipeline.retype`), from the text cached when it was read, and loaded as a new version;
who chose it is recorded. A file an erasure touched never has its cache read or written back.

Before, an unknown ID card back was a dead end: its message asked the steward to choose a type,
and no control existed."""

from __future__ import annotations

from dataclasses import replace

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from extractors.records import Role, SubjectKind, SubjectRef
from loaders.errors import ConflictingUpdate
from loaders.models import AuditEntry, Document, FieldValue, ReviewAction
from sohoa.pipeline import retype
from sohoa.pipeline.erasure import erase_subject_everywhere
from sohoa.pipeline.redo import RedoResult
from sohoa.runtime import Runtime
from storage import layout
from tests.loaders import factories
from tests.web.conftest import Warehouse
from tests.web.review.conftest import People
from tests.web.review.helpers import lock_in, sign_in, token_in
from tests.web.review.scans import CARD_BACK_LINES, store_text_page


def _unknown_card_back(warehouse: Warehouse) -> tuple[int, str]:
    """An ID card back the classifier did not recognise: no fields, its text cached."""
    unknown = factories.document("unknown", {})
    document_id = warehouse.load(unknown)
    store_text_page(warehouse.runtime.store, unknown.sha256, CARD_BACK_LINES)
    return document_id, unknown.sha256


def _fields(runtime: Runtime, document_id: int) -> dict[str, str]:
    with runtime.session() as db:
        rows = db.scalars(sa.select(FieldValue).where(FieldValue.document_id == document_id))
        return {row.name: row.value for row in rows}


def test_an_unknown_card_back_is_extracted_again_as_the_type_chosen(
    warehouse: Warehouse, runtime: Runtime, people: People
) -> None:
    document_id, _ = _unknown_card_back(warehouse)
    result = retype.retype_document(
        runtime,
        document_id,
        "id_card",
        principal_id=people.steward,
        expected_lock_version=warehouse.lock_version(document_id),
    )
    assert (result.doc_type_before, result.doc_type, result.via) == ("unknown", "id_card", "cache")
    assert result.new_version == 2
    values = _fields(runtime, document_id)
    assert values["id_number"] == "036089479104"
    assert values["issue_date"] == "2024-06-17"
    assert values["personal_identification"] == "Sẹo chấm C:3cm dưới trước mép trái"
    with runtime.session() as db:
        document = db.get_one(Document, document_id)
        assert (document.doc_type, document.attributes.get("side")) == ("id_card", "back")
        (action,) = db.scalars(
            sa.select(ReviewAction).where(ReviewAction.document_id == document_id)
        )
        assert (action.action, action.principal_id) == ("retype", people.steward)
        assert action.before == {"doc_type": "unknown"}
        assert action.after["doc_type"] == "id_card"
        audited = db.scalars(
            sa.select(AuditEntry.principal_id).where(
                AuditEntry.document_id == document_id, AuditEntry.action == "review.retype"
            )
        ).all()
        assert audited == [people.steward]


def test_a_retype_on_a_stale_page_changes_nothing(
    warehouse: Warehouse, runtime: Runtime, people: People
) -> None:
    document_id, _ = _unknown_card_back(warehouse)
    with pytest.raises(ConflictingUpdate):
        retype.retype_document(
            runtime,
            document_id,
            "id_card",
            principal_id=people.steward,
            expected_lock_version=warehouse.lock_version(document_id) - 1,
        )
    assert _fields(runtime, document_id) == {}


def test_the_type_must_be_one_the_extractors_know(
    warehouse: Warehouse, runtime: Runtime, people: People
) -> None:
    document_id, _ = _unknown_card_back(warehouse)
    for wrong in ("unknown", "passport", ""):
        with pytest.raises(retype.RetypeRefused) as refused:
            retype.retype_document(
                runtime,
                document_id,
                wrong,
                principal_id=people.steward,
                expected_lock_version=warehouse.lock_version(document_id),
            )
        assert refused.value.message == retype.NOT_A_TYPE


def _enterprise_with_representative(warehouse: Warehouse) -> tuple[int, str]:
    base = factories.enterprise_registration("0101234567")
    representative = SubjectRef(
        Role.LEGAL_REPRESENTATIVE,
        SubjectKind.PERSON,
        {"id_number": "legal_rep_id_number", "full_name": "legal_rep_full_name"},
    )
    extraction = replace(
        base,
        fields=(
            *base.fields,
            factories.field("legal_rep_full_name", "Lê Văn Cường"),
            factories.field("legal_rep_id_number", "001085004321"),
        ),
        subjects=(*base.subjects, representative),
    )
    return warehouse.load(extraction), extraction.sha256


def test_a_file_shared_with_an_erased_person_never_reads_or_writes_its_cache(
    warehouse: Warehouse, runtime: Runtime, people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its derived files are withheld (the page shows the erased person): a retype reads the
    file again through the redo path, which keeps nothing derived of it."""
    document_id, sha256 = _enterprise_with_representative(warehouse)
    erase_subject_everywhere(runtime, "001085004321", people.admin, "Đơn yêu cầu xóa số 1/2025")
    store_text_page(runtime.store, sha256, CARD_BACK_LINES)  # a leftover of an older run
    redone: list[tuple[str, str | None]] = []

    def redo(runtime: Runtime, batch: str, sha: str, *, hint: str | None = None, **_: object):
        redone.append((sha, hint))
        return RedoResult(batch, sha, "loaded", document_id=document_id, new_version=None)

    monkeypatch.setattr(retype, "redo_file", redo)
    monkeypatch.setattr(retype.batches, "find_files", lambda session, sha: [("lo-1", None)])
    read = []
    monkeypatch.setattr(retype, "_from_cache", lambda *a: read.append(a))

    result = retype.retype_document(
        runtime,
        document_id,
        "enterprise_registration",
        principal_id=people.steward,
        expected_lock_version=warehouse.lock_version(document_id),
    )
    assert (result.via, redone, read) == ("redo", [(sha256, "enterprise_registration")], [])


def test_a_document_naming_only_erased_people_is_not_extracted_again(
    warehouse: Warehouse, runtime: Runtime, people: People
) -> None:
    card = factories.id_card(id_number="001099000777", full_name="Trần Thị Bình")
    document_id = warehouse.load(card)
    store_text_page(runtime.store, card.sha256, CARD_BACK_LINES)
    erase_subject_everywhere(runtime, "001099000777", people.admin, "Đơn yêu cầu xóa số 2/2025")
    with pytest.raises(retype.RetypeRefused) as refused:
        retype.retype_document(
            runtime,
            document_id,
            "id_card",
            principal_id=people.steward,
            expected_lock_version=warehouse.lock_version(document_id),
        )
    assert refused.value.message == retype.ERASED
    assert not runtime.store.exists(layout.ocr_json(card.sha256))


def test_without_cached_text_or_a_batch_the_steward_is_told_what_to_do(
    warehouse: Warehouse, runtime: Runtime, people: People
) -> None:
    document_id = warehouse.load(factories.document("unknown", {}))
    with pytest.raises(retype.RetypeRefused) as refused:
        retype.retype_document(
            runtime,
            document_id,
            "id_card",
            principal_id=people.steward,
            expected_lock_version=warehouse.lock_version(document_id),
        )
    assert refused.value.message == retype.NO_TEXT


def test_the_page_of_an_unknown_document_offers_the_types_and_retypes(
    client: TestClient, people: People, warehouse: Warehouse, runtime: Runtime
) -> None:
    document_id, _ = _unknown_card_back(warehouse)
    sign_in(client, "lan.steward")
    url = f"/review/documents/{document_id}"
    page = client.get(url).text
    assert 'id="retype" class="retype prominent"' in page
    assert '<option value="id_card">Thẻ căn cước / CCCD</option>' in page
    assert '<option value="unknown"' not in page
    form = {"csrf_token": token_in(page), "lock_version": str(lock_in(page))}
    answer = client.post(
        f"{url}/retype",
        data={**form, "doc_type": "id_card"},
        headers={"Accept": "application/json"},
    )
    assert answer.json() == {"location": f"{url}?msg=retype"}
    shown = client.get(answer.json()["location"]).text
    assert "Đã trích xuất lại theo loại giấy tờ bạn chọn" in shown
    assert 'id="field-id_number"' in shown
    assert "Chưa nhận dạng được loại → Thẻ căn cước / CCCD" in shown  # the history says so
    stale = client.post(f"{url}/retype", data={**form, "doc_type": "id_card"})
    assert stale.status_code == 409 and "vừa được người khác thay đổi" in stale.text
