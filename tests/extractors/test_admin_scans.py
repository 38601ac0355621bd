"""Scanned administrative documents: OCRed (their text layer is only the e-signature stamp), then
header fields compared with labels.json (labelled by eye). Numbers and days are handwritten on
these scans; an unreadable one must be left out with a finding, never guessed."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from extractors.document import extract
from extractors.records import Extraction, PageSource, PageText
from extractors.text import fold

FIELDS = ("kind", "number_symbol", "issued_on", "place", "issuer", "subject")


@pytest.fixture(scope="module")
def labels(real: Path) -> dict[str, dict]:
    data = json.loads((real / "admin_scans/labels.json").read_text("utf-8"))
    return {k: v for k, v in data.items() if not k.startswith("_")}


@pytest.fixture(scope="module")
def results(
    real: Path, labels: dict[str, dict], read_pages: Callable[[Path], list[PageText]]
) -> dict[str, tuple[list[PageText], Extraction]]:
    out = {}
    for name in labels:
        pages = read_pages(real / "admin_scans" / name)
        out[name] = (pages, extract(pages, sha256="0" * 64, today=date(2026, 6, 1)))
    return out


def _value(result: Extraction, name: str) -> str | None:
    return result.attributes.get("kind") if name == "kind" else result.value(name)


def _label(label: dict, name: str) -> str:
    """The label's value; `subject` without its "Về việc" / "V/v" prefix, because the extracted
    subject is the text after it (sohoa/samples/README.md; labels.json keeps it as printed)."""
    value = label[name]
    if name == "subject":
        value = re.sub(r"^(?:V/v|Về việc)\s*", "", value)
    return value


@pytest.mark.slow
def test_scans_are_ocred_not_trusted_for_their_stamp(results: dict) -> None:
    for name, (pages, _) in results.items():
        for page in pages:
            assert page.source is PageSource.OCR, (name, page.number)
        assert any("signature stamp" in note for p in pages for note in p.notes) or all(
            "no text layer" in note for p in pages for note in p.notes if "OCR" in note
        )
        text = fold(pages[0].text)
        assert "CONG HOA XA HOI CHU NGHIA VIET NAM" in text, name


@pytest.mark.slow
def test_header_fields_against_labels(results: dict, labels: dict[str, dict]) -> None:
    exact = {f: 0 for f in FIELDS}
    wrong = {f: 0 for f in FIELDS}  # present but different from the label: the costly mistake
    for name, label in labels.items():
        _, result = results[name]
        assert result.doc_type == "admin_document", name
        for f in FIELDS:
            got = _value(result, f)
            if got == _label(label, f):
                exact[f] += 1
            elif got is not None and fold(got) != fold(_label(label, f)):
                wrong[f] += 1
        handwritten = set(label.get("handwritten", ()))
        if result.value("number_symbol") is None and "number" in handwritten:
            assert any(x.field == "number_symbol" for x in result.findings), name
        if result.value("issued_on") is None and handwritten & {"day", "month"}:
            assert any(x.field == "issued_on" for x in result.findings), name
    print("exact matches of 5:", exact, "wrong values:", wrong)
    # Measured: kind 5, place 5, issuer 4, subject 3 (and 1 more that differs only in case and
    # one OCR letter), number_symbol 1, issued_on 1 (the rest handwritten → left out with findings).
    assert exact["kind"] == 5
    assert exact["place"] >= 4
    assert exact["issuer"] >= 4
    assert exact["subject"] >= 3
    assert wrong["number_symbol"] == 0 and wrong["issued_on"] == 0  # never a wrong number/date


@pytest.mark.slow
def test_unreadable_handwritten_number_lowers_nothing_it_does_not_claim(results: dict) -> None:
    for _, result in results.values():
        field = result.field("number_symbol")
        if field is not None:
            assert 0 < field.confidence < 1  # OCR, and handwriting: never fully confident
            assert field.box is not None and field.page == 1
