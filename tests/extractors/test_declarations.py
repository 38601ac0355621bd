"""Every field an extractor emits is declared by its type: a Vietnamese label, a value kind and
the slot it feeds; and every value below the review threshold carries a finding saying why. Read on
every generated template (text-layer PDFs and scans of two seeds: fields that only some layouts
print, such as a co-owner or a father, come out too), so a field added to an extractor without its
declaration fails here."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors import doctypes
from extractors.confidence import REVIEW_THRESHOLD
from extractors.declaration import DOCUMENT, check_declaration
from extractors.document import extract
from extractors.kinds import KINDS
from extractors.ocr.engine import OcrEngine
from extractors.options import ReadOptions
from extractors.reading import read_document
from extractors.refine import finish_extraction
from sohoa.samples import generate
from sohoa.samples.templates import registry


def test_every_registered_declaration_is_whole() -> None:
    for declared in doctypes.all_types():
        check_declaration(declared, set(KINDS))  # raises, naming what is missing
        for spec in declared.fields:
            assert spec.vi and spec.kind in KINDS, spec.name
            assert spec.slot == DOCUMENT or declared.slot(spec.slot) is not None, spec.name


def test_every_sample_template_makes_a_declared_type() -> None:
    for name, template in registry().items():
        assert doctypes.is_known(template.DOC_TYPE), name


@pytest.mark.slow  # OCR of one scan per template, ~20 s
def test_every_field_an_extractor_emits_is_declared(tmp_path: Path, tesseract: OcrEngine) -> None:
    templates = sorted(registry())
    infos = [
        *generate(tmp_path / "text", count=len(templates) * 2, seed=5, noise="none",
                  types=templates, formats=["pdf_text"]),
        *generate(tmp_path / "scan", count=len(templates), seed=41, noise="none",
                  types=templates, formats=["png"]),
    ]  # fmt: skip
    undeclared: set[str] = set()
    unexplained: set[str] = set()
    seen: set[tuple[str, str]] = set()
    for info in infos:
        pages, images = [], {}
        for page, image in read_document(info.path, ReadOptions(), tesseract):
            pages.append(page)
            images[page.number] = image
        result = extract(pages, sha256="0" * 64)
        result = finish_extraction(result, pages, images, tesseract, [])
        declared = doctypes.get(result.doc_type)
        for field in result.fields:
            seen.add((result.doc_type, field.name))
            if declared.field(field.name) is None:
                undeclared.add(f"{result.doc_type}.{field.name}")
        explained = {f.field for f in result.findings}
        for field in result.fields:  # a value below the threshold without a reason is a bug
            if field.confidence < REVIEW_THRESHOLD and field.name not in explained:
                unexplained.add(f"{result.doc_type}.{field.name}")
        for ref in result.subjects:  # every subject a document names is a declared slot
            assert declared.slot(ref.role.value) is not None, (result.doc_type, ref.role)
    assert not undeclared, f"fields emitted without a declaration: {sorted(undeclared)}"
    assert not unexplained, f"values below the threshold with no finding: {sorted(unexplained)}"
    assert {doc_type for doc_type, _ in seen} >= {t.code for t in doctypes.all_types()} - {
        doctypes.UNKNOWN
    }


def test_every_declared_date_is_checked_against_today() -> None:
    """A date field of any type (not only the names a list once held) cannot lie in the future."""
    from datetime import date

    from extractors.document import validate_values

    today = date(2026, 6, 1)
    found = validate_values(
        "enterprise_registration",
        {},
        {
            "first_registration_date": "2027-01-01",
            "legal_representative_date_of_birth": "2030-01-01",
        },
        today,
    )
    assert {f.code for f in found} >= {
        "first_registration_date.in_future",
        "legal_representative_date_of_birth.in_future",
    }
    assert validate_values("id_card", {}, {"expiry_date": "2040-01-01"}, today) == []
