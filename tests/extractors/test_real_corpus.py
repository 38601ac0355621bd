"""The real corpus's DEV half (tests/data/real/corpus, split "dev") through what the pipeline runs:
read (clean-up, OCR or text layer) → extract → finish_extraction (second readings, signatures).

Scored as `bench/accuracy.py` scores it (`bench.corpus`: values compared as a person compares
them). The floors are what the dev half measured (BENCHMARKS.md, "Real corpus"), a little below;
the test half is never read here. Cost: the dev half's OCR, about 45 pages (minutes on 2 cores),
read once per session.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from bench.corpus import (
    ADMIN_HEADER,
    Tally,
    entries,
    file_of,
    same,
    scored_fields,
    straight_through,
)
from bench.corpus import Run as CorpusRun
from extractors.confidence import REVIEW_THRESHOLD
from extractors.document import extract
from extractors.ocr.engine import OcrEngine
from extractors.options import ReadOptions
from extractors.reading import read_document
from extractors.records import Extraction, PageSource
from extractors.refine import finish_extraction
from extractors.signatures import read_signatures

TODAY = date(2026, 6, 1)
# Measured on the dev half (50 documents, 46 administrative) with extractor 0.7.3 (BENCHMARKS.md,
# "Real corpus"): number 0.76, date 0.71, place 0.88, issuer 0.89, kind 0.98, subject 0.76, signer
# 0.63, parent 0.82, signing title 0.68; floors a little below (OCR varies a little with load and
# versions).
FIELD_FLOORS = {
    "number_symbol": 0.72,
    "issued_on": 0.66,
    "place": 0.84,
    "issuer": 0.85,
    "kind": 0.93,
    "subject": 0.70,
    "signer": 0.58,
    "issuer_parent": 0.75,
    "signer_title": 0.62,
}
HEADER_FLOOR = 0.77  # measured 0.804 (251 of 312 header fields)
AUTO_ACCEPT_FLOOR = 0.33  # header fields at or above the threshold, measured 0.378
STRAIGHT_THROUGH_FLOOR = 8  # documents, measured 11 of 46
LAND_FLOOR = 0.70  # gcn-hanoi-bv999451, measured 11 of 14 fields


@pytest.fixture(scope="module")
def dev_results(tesseract: OcrEngine) -> list[tuple[dict, Extraction]]:
    return list(_run_dev(tesseract))


def _run_dev(engine: OcrEngine) -> Iterator[tuple[dict, Extraction]]:
    for entry in entries("dev"):
        assert entry["split"] == "dev"
        path = file_of(entry)
        pages, images = [], {}
        for page, image in read_document(path, ReadOptions(), engine):
            pages.append(page)
            if page.source is PageSource.OCR:
                images[page.number] = image
        hint = None if entry["doc_type"] == "admin_document" else entry["doc_type"]
        result = extract(pages, sha256="0" * 64, hint=hint, today=TODAY)
        result = finish_extraction(
            result, pages, images, engine, read_signatures(path), today=TODAY
        )
        yield entry, result


def _run(result: Extraction) -> CorpusRun:
    return CorpusRun(
        {f.name: (f.value, f.confidence) for f in result.fields},
        result.attributes.get("kind"),
        result.doc_type,
    )


@pytest.mark.slow
def test_no_wrong_value_reaches_the_review_threshold(dev_results) -> None:
    wrong = []
    for entry, result in dev_results:
        for name in scored_fields(entry):
            field = result.field(name)
            if field is None or field.confidence < REVIEW_THRESHOLD:
                continue
            if not same(name, field.value, entry["fields"][name]):
                wrong.append(f"{entry['id']}.{name}: {field.value!r} @{field.confidence}")
    assert wrong == []


@pytest.mark.slow
def test_administrative_header_fields_against_the_dev_labels(dev_results) -> None:
    per_field: dict[str, Tally] = {}
    header = Tally()
    through = 0
    admin = [(e, r) for e, r in dev_results if e["doc_type"] == "admin_document"]
    for entry, result in admin:
        assert result.doc_type == "admin_document", entry["id"]
        run = _run(result)
        for name in scored_fields(entry):
            one = Tally()
            one.add(name, run.value(name), entry["fields"][name])
            per_field.setdefault(name, Tally()).merge(one)
            if name in ADMIN_HEADER:
                header.merge(one)
        through += straight_through(entry, run)
    rates = {name: round(t.right / t.total, 3) for name, t in per_field.items() if t.total}
    print("dev half, exact by field:", rates, "header:", header.right, "/", header.total)
    for name, floor in FIELD_FLOORS.items():
        assert rates[name] >= floor, (name, rates[name])
    assert header.right / header.total >= HEADER_FLOOR
    # Accepting nothing is no answer: the issue asks for ≥ 30 % of header fields auto-accepted.
    assert header.accepted / header.total >= AUTO_ACCEPT_FLOOR
    assert through >= STRAIGHT_THROUGH_FLOOR


@pytest.mark.slow
def test_a_photographed_section_ii_page_gives_the_parcel(dev_results) -> None:
    # gcn-hanoi-bv999451: cover and section II scanned; the Quảng Trị phone photo (moved to dev
    # after the fresh test score) reads almost nothing yet and has no floor.
    land = [(e, r) for e, r in dev_results if e["id"] == "gcn-hanoi-bv999451"]
    assert land, "the dev half holds gcn-hanoi-bv999451"
    tally = Tally()
    for entry, result in land:
        run = _run(result)
        for name in scored_fields(entry):
            tally.add(name, run.value(name), entry["fields"][name])
    assert tally.right / tally.total >= LAND_FLOOR


def test_signing_titles_are_compared_as_a_person_reads_them() -> None:
    # bldtbxh-18-2021-tt: the label keeps "KT.BỘ TRƯỞNG" as printed; "KT. BỘ TRƯỞNG" is the same
    # title (it was counted a wrong value at 0.97); a title with a line lost stays another one.
    assert same("signer_title", "KT. BỘ TRƯỞNG THỨ TRƯỞNG", "KT.BỘ TRƯỞNG THỨ TRƯỞNG")
    assert not same("signer_title", "CHỦ TỊCH", "TM. ỦY BAN NHÂN DÂN CHỦ TỊCH")
