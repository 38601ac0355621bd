"""A new extractor version re-extracts documents already in the warehouse (issue "Real documents",
"Documents already in a warehouse"): the file is the same document (no duplicate), a new version is
kept, machine values change where nobody verified them, a verified value that differs opens a
re-extraction conflict (never overwritten), and a new machine value equal to the steward's opens
none."""

from __future__ import annotations

from dataclasses import replace

import sqlalchemy as sa
from sqlalchemy.orm import Session

from loaders.load import load_extraction
from loaders.models import Document, ExtractionVersion, FieldConflict, FieldStatus, Principal
from loaders.review import accept_field, correct_field
from tests.loaders import factories
from tests.loaders.helpers import count, fields


def _steward(session: Session) -> int:
    person = Principal(kind="person", name="lan", role="steward")
    session.add(person)
    session.flush()
    return person.id


def _with(extraction, **values: str):  # type: ignore[no-untyped-def]
    return replace(
        extraction,
        fields=tuple(replace(f, value=values.get(f.name, f.value)) for f in extraction.fields),
    )


def test_a_new_extractor_version_updates_what_nobody_verified_and_never_a_steward_value(
    session: Session,
) -> None:
    steward = _steward(session)
    first = factories.id_card(full_name="Nguyen Van An", extractor_version="0.4.0")
    document_id = load_extraction(session, first).document_id
    lock = session.get_one(Document, document_id).lock_version
    correct_field(session, document_id, "full_name", "Nguyễn Văn Ân", principal_id=steward,
                  expected_lock_version=lock)  # fmt: skip
    lock = session.get_one(Document, document_id).lock_version
    accept_field(session, document_id, "issue_date", principal_id=steward,
                 expected_lock_version=lock)  # fmt: skip

    again = _with(
        replace(first, extractor_version="0.5.0"),
        full_name="Nguyễn Văn Ân",  # the new reading equals the steward's: no conflict
        issue_date="2021-05-02",  # differs from the accepted value: a conflict
        expiry_date="2039-03-16",  # nobody verified it: the machine's new value is taken
    )
    result = load_extraction(session, again)

    assert not result.created and count(session, Document) == 1
    assert count(session, ExtractionVersion) == 2
    rows = fields(session, document_id)
    assert (rows["full_name"].value, rows["full_name"].status) == (
        "Nguyễn Văn Ân", FieldStatus.CORRECTED
    )  # fmt: skip
    assert (rows["issue_date"].value, rows["issue_date"].machine_value) == (
        "2021-05-01", "2021-05-02"
    )  # fmt: skip
    assert rows["expiry_date"].value == "2039-03-16"
    conflicts = session.execute(
        sa.select(FieldConflict.field_name, FieldConflict.verified_value,
                  FieldConflict.machine_value)
    ).all()  # fmt: skip
    assert [tuple(c) for c in conflicts] == [("issue_date", "2021-05-01", "2021-05-02")]
    assert (result.conflicts_opened, result.new_version) == (1, 2)
