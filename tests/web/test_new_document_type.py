"""A document type added in one module (here, in the tests only) works end to end: classified by
its cues, extracted by its label table, loaded with its subject, labelled in Vietnamese for the
steward, and served to downstream services — with no other list in the project edited
(docs/ARCHITECTURE.md, "How to add a document type")."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pytest
from fastapi.testclient import TestClient

from extractors import doctypes
from extractors.declaration import Cue, DocumentType, DuplicateKey, FieldSpec, Slot
from extractors.document import extract
from extractors.fields.labelled import extract_labelled, missing_findings
from extractors.fields.type_result import TypeResult
from extractors.records import Box, PageSource, PageText, Role, SubjectKind, Word
from sohoa.runtime import Runtime
from tests.web.conftest import Keys, Warehouse
from tests.web.review.helpers import boxed, create_person, sign_in
from tests.web.review.scans import store_scan

HOLDER = Role.HOLDER.value
# A health insurance card (thẻ bảo hiểm y tế): the whole type is this table and `DECLARATION`.
FIELDS = (
    FieldSpec("insurance_number", ("MA SO",), "digits", vi="Mã số bảo hiểm xã hội"),
    FieldSpec("full_name", ("HO VA TEN",), "name", vi="Họ và tên người được bảo hiểm",
              slot=HOLDER),
    FieldSpec("date_of_birth", ("NGAY SINH",), "date", vi="Ngày sinh", slot=HOLDER),
    FieldSpec("id_number", ("SO DINH DANH CA NHAN",), "id12", vi="Số định danh cá nhân",
              slot=HOLDER),
    FieldSpec("valid_from", ("GIA TRI SU DUNG TU",), "date", vi="Giá trị sử dụng từ"),
    FieldSpec("valid_until", ("DEN NGAY",), "expiry_date", vi="Giá trị sử dụng đến"),
)  # fmt: skip


def _extract(pages: Sequence[PageText], attributes: dict[str, str]) -> TypeResult:
    found = extract_labelled(pages[0], FIELDS)
    return TypeResult(list(found.values()), missing_findings(FIELDS, found, "trên thẻ BHYT"))


DECLARATION = DocumentType(
    code="health_insurance_card",
    vi="Thẻ bảo hiểm y tế",
    fields=FIELDS,
    slots=(Slot(Role.HOLDER, SubjectKind.PERSON, primary=True),),
    extract=_extract,
    cues=(Cue((("THE BAO HIEM Y TE",), ("MA SO", "GIA TRI SU DUNG TU")), prior=1.0),),
    valid_from=("valid_from",),
    valid_to="valid_until",
    duplicate_key=DuplicateKey(("insurance_number",)),
)

ID = "001199004321"
LINES = (
    "BẢO HIỂM XÃ HỘI VIỆT NAM",
    "THẺ BẢO HIỂM Y TẾ",
    "Mã số: 0123456789",
    "Họ và tên: Nguyễn Thị Hoa",
    "Ngày sinh: 12/05/1999",
    "Số định danh cá nhân: " + ID,
    "Giá trị sử dụng từ: 01/01/2025",
    "Đến ngày: 31/12/2025",
)


def _page() -> PageText:
    """The card as OCR would read it (each word with a box and a high confidence)."""
    words = []
    for i, line in enumerate(LINES):
        left = 40
        for text in line.split():
            width = 18 * len(text)
            words.append(Word(text, Box(left, 60 + 60 * i, width, 34), 0.97, line=i))
            left += width + 14
    return PageText(1, 1200, 700, PageSource.OCR, tuple(words))


@pytest.fixture
def toy_type() -> Iterator[DocumentType]:
    with doctypes.registered(DECLARATION) as declared:
        yield declared


def test_a_type_declared_in_one_module_is_classified_extracted_loaded_labelled_and_served(
    toy_type: DocumentType, client: TestClient, keys: Keys, warehouse: Warehouse,
    runtime: Runtime,
) -> None:  # fmt: skip
    # Classified by its cues and extracted by its label table, subjects from its slots.
    extraction = extract([_page()], sha256="a" * 64)
    assert extraction.doc_type == "health_insurance_card"
    assert {f.name: f.value for f in extraction.fields} == {
        "insurance_number": "0123456789",
        "full_name": "Nguyễn Thị Hoa",
        "date_of_birth": "1999-05-12",
        "id_number": ID,
        "valid_from": "2025-01-01",
        "valid_until": "2025-12-31",
    }
    assert [(s.role, s.fields) for s in extraction.subjects] == [
        (Role.HOLDER, {"full_name": "full_name", "date_of_birth": "date_of_birth",
                       "id_number": "id_number"}),
    ]  # fmt: skip

    # Loaded and verified: its validity dates and its holder's key come from the declaration.
    extraction = boxed(extraction)
    store_scan(runtime.store, extraction)
    document_id = warehouse.verified(extraction)

    # Labelled: the steward reads the type's and the fields' Vietnamese names, never the codes.
    create_person(runtime, "lan.reviewer", "steward")
    sign_in(client, "lan.reviewer")
    page = client.get(f"/review/documents/{document_id}")
    assert page.status_code == 200, page.text
    for label in ("Thẻ bảo hiểm y tế", "Mã số bảo hiểm xã hội", "Giá trị sử dụng đến"):
        assert label in page.text
    assert ">insurance_number<" not in page.text and ">valid_until<" not in page.text

    # Served: the holder's profile, and the document valid on a day inside its dates only.
    headers = keys.headers()
    profile = client.get(f"/v1/subjects/{ID}?valid_on=2025-06-01", headers=headers)
    assert profile.status_code == 200, profile.text
    assert {a["name"]: a["value"] for a in profile.json()["attributes"]} == {
        "id_number": ID,
        "full_name": "Nguyễn Thị Hoa",
        "date_of_birth": "1999-05-12",
    }
    inside = client.get(f"/v1/subjects/{ID}/documents?valid_on=2025-06-01", headers=headers)
    assert [d["doc_type"] for d in inside.json()["items"]] == ["health_insurance_card"]
    after = client.get(f"/v1/subjects/{ID}/documents?valid_on=2026-06-01", headers=headers)
    assert after.json()["items"] == []
    document = client.get(f"/v1/documents/{document_id}?valid_on=2025-06-01", headers=headers)
    assert document.status_code == 200, document.text
    assert {f["name"] for f in document.json()["fields"]} >= {"insurance_number", "valid_until"}


def test_the_registry_forgets_the_type_after_the_block() -> None:
    with doctypes.registered(DECLARATION):
        assert "health_insurance_card" in doctypes.codes()
    assert "health_insurance_card" not in doctypes.codes()
    assert doctypes.codes()[-1] == doctypes.UNKNOWN
