"""Checks on the real-document corpus labels themselves (tests/data/real/corpus).

These tests read only the labels, the committed files' sizes, page counts and the pixels inside mask
boxes; they never run an extractor on the corpus, so the test half stays unseen by the code.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import re
import unicodedata
from collections import Counter, defaultdict
from functools import cache
from pathlib import Path

import pypdfium2
import pytest
from PIL import Image

CORPUS = Path(__file__).resolve().parents[1] / "data" / "real" / "corpus"
LABELS = CORPUS / "labels.json"

# The corpus as committed; raise these when documents are added, never lower them.
MIN_DOCUMENTS = 51
MIN_ADMIN_ISSUERS = 15

DOC_TYPES = {
    "admin_document",
    "land_use_certificate",
    "application_form",
    "enterprise_registration",
    "birth_certificate",
    "id_card",
}
CAPTURES = {"flatbed_scan", "phone_photo", "screenshot", "born_digital"}
CONDITIONS = {
    "handwritten_number",
    "handwritten_day",
    "handwritten_month",
    "stamp_over_signature",
    "two_line_issuer",
    "multiline_subject",
    "date_line_below_number",
    "perspective",
    "low_resolution",
    "uneven_light",
    "show_through",
    "interface_around",
    "rotated",
}
ADMIN_FIELDS = {
    "number_symbol",
    "issued_on",
    "place",
    "issuer",
    "issuer_parent",
    "kind",
    "subject",
    "signer",
    "signer_title",
    "handwritten",
}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# A masked pixel may be JPEG-smeared a little at the box edge; inside it must stay near black.
BLACK_MAX = 40


@cache
def labels() -> dict:
    return json.loads(LABELS.read_text(encoding="utf-8"))


def documents() -> list[dict]:
    return labels()["documents"]


def doc_ids() -> list[str]:
    return [d["id"] for d in documents()]


def by_id(doc_id: str) -> dict:
    return next(d for d in documents() if d["id"] == doc_id)


def walk_strings(value, path="$"):
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from walk_strings(key, f"{path}.<key>")
            yield from walk_strings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk_strings(item, f"{path}[{index}]")


def is_pdf(path: Path) -> bool:
    return path.suffix.lower() == ".pdf"


def page_images(path: Path, dpi: float) -> list[Image.Image]:
    if not is_pdf(path):
        return [Image.open(path).convert("RGB")]
    pdf = pypdfium2.PdfDocument(str(path))
    return [pdf[i].render(scale=dpi / 72).to_pil().convert("RGB") for i in range(len(pdf))]


def test_labels_file_has_about_text_and_documents():
    data = labels()
    assert data["_about"].strip()
    assert isinstance(data["documents"], list)


def test_corpus_holds_at_least_the_committed_number_of_documents():
    assert len(documents()) >= MIN_DOCUMENTS


def test_document_ids_are_unique():
    counts = Counter(doc_ids())
    assert [i for i, n in counts.items() if n > 1] == []


def test_every_string_in_the_labels_is_nfc():
    bad = [p for p, s in walk_strings(labels()) if unicodedata.normalize("NFC", s) != s]
    assert bad == []


@pytest.mark.parametrize("doc_id", doc_ids())
def test_document_file_exists_inside_the_repository(doc_id):
    path = (CORPUS / by_id(doc_id)["file"]).resolve()
    assert path.is_file(), path
    assert path.is_relative_to(CORPUS.parent), "files must stay under tests/data/real"


@pytest.mark.parametrize("doc_id", doc_ids())
def test_document_has_provenance(doc_id):
    source = by_id(doc_id)["source"]
    assert source.get("url") or (source.get("repo") and source.get("commit")), source
    if source.get("repo"):
        assert "path" in source


@pytest.mark.parametrize("doc_id", doc_ids())
def test_document_kind_capture_split_and_conditions_are_known_values(doc_id):
    doc = by_id(doc_id)
    assert doc["doc_type"] in DOC_TYPES
    assert doc["capture"] in CAPTURES
    assert doc["split"] in {"dev", "test"}
    assert set(doc["conditions"]) <= CONDITIONS, set(doc["conditions"]) - CONDITIONS
    if doc["doc_type"] == "admin_document":
        assert doc["attributes"]["kind"] == doc["fields"]["kind"]


@pytest.mark.parametrize("doc_id", doc_ids())
def test_page_count_matches_the_file(doc_id):
    doc = by_id(doc_id)
    path = CORPUS / doc["file"]
    pages = len(pypdfium2.PdfDocument(str(path))) if is_pdf(path) else 1
    assert doc["pages"] == pages


@pytest.mark.parametrize("doc_id", doc_ids())
def test_dates_are_iso_and_real(doc_id):
    for key, value in by_id(doc_id)["fields"].items():
        if value is None or not (key.endswith("_on") or "date" in key):
            continue
        assert ISO_DATE.match(value), (key, value)
        dt.date.fromisoformat(value)


@pytest.mark.parametrize("doc_id", doc_ids())
def test_number_symbol_has_no_spaces_and_no_label(doc_id):
    number = by_id(doc_id)["fields"].get("number_symbol")
    if number is not None:
        assert not re.search(r"\s", number), number
        assert not number.lower().startswith("số"), number


@pytest.mark.parametrize(
    "doc_id", [d["id"] for d in documents() if d["doc_type"] == "admin_document"]
)
def test_admin_document_labels_every_header_field_or_says_why_not(doc_id):
    doc = by_id(doc_id)
    missing = ADMIN_FIELDS - set(doc["fields"])
    # A field a person cannot read is left out, and the notes must say so.
    assert not missing or doc.get("notes"), missing
    assert set(doc["fields"].get("handwritten", [])) <= {"number", "day", "month"}
    for part in doc["fields"].get("handwritten", []):
        assert f"handwritten_{part}" in doc["conditions"]


def test_issuer_names_use_u_with_hook_above_the_y():
    bad = [
        (d["id"], d["fields"][k])
        for d in documents()
        for k in ("issuer", "issuer_parent")
        if d["fields"].get(k) and "Uỷ" in d["fields"][k]
    ]
    assert bad == []


def test_both_halves_hold_every_document_type_that_has_two_documents():
    halves = defaultdict(set)
    for doc in documents():
        halves[doc["doc_type"]].add(doc["split"])
    counts = Counter(d["doc_type"] for d in documents())
    lopsided = [t for t, n in counts.items() if n >= 2 and halves[t] != {"dev", "test"}]
    assert lopsided == []


def test_split_is_roughly_half_and_half():
    """Half and half when labelled; documents code had seen went to `dev` three times (README, "One
    correction", "Second correction", "Third correction": seen documents never stay in `test`), so
    the test half now holds at least a fifth of the corpus, and never fewer than 15 documents."""
    counts = Counter(d["split"] for d in documents())
    assert min(counts["dev"], counts["test"]) >= len(documents()) / 5, counts
    assert counts["test"] >= 15, counts


def test_no_file_read_before_the_corpus_is_in_the_test_half():
    """Files that were in the repository before the corpus (tests and benches read them) are dev."""
    assert [
        d["id"] for d in documents() if d["file"].startswith("../") and d["split"] == "test"
    ] == []


def test_admin_documents_come_from_at_least_fifteen_issuers():
    issuers = {
        (d["fields"].get("issuer_parent"), d["fields"]["issuer"])
        for d in documents()
        if d["doc_type"] == "admin_document" and d["fields"].get("issuer")
    }
    assert len(issuers) >= MIN_ADMIN_ISSUERS, sorted(map(str, issuers))


MASKED = [(d["id"], i) for d in documents() for i, _ in enumerate(d.get("masked", []))]


@pytest.mark.parametrize(("doc_id", "index"), MASKED)
def test_mask_box_is_inside_its_page_and_really_black(doc_id, index):
    doc = by_id(doc_id)
    mask = doc["masked"][index]
    pages = page_images(CORPUS / doc["file"], mask.get("dpi", 150))
    page = pages[mask["page"] - 1]
    left, top, width, height = mask["box"]
    assert width > 0 and height > 0
    assert left >= 0 and top >= 0
    # Rendering a PDF page may round its size by a pixel.
    assert left + width <= page.width + 1 and top + height <= page.height + 1, page.size
    inset = 3
    xs = range(left + inset, min(left + width, page.width) - inset, max(1, width // 25))
    ys = range(top + inset, min(top + height, page.height) - inset, max(1, height // 10))
    bright = [(x, y) for x in xs for y in ys if max(page.getpixel((x, y))) > BLACK_MAX]
    assert bright == [], bright[:5]


def test_the_readmes_provenance_table_gives_each_document_its_split() -> None:
    """The provenance table in the README says which half each document is in, as labels.json does
    (five documents moved to `dev` after the frozen score: the table must follow)."""
    readme = (CORPUS / "README.md").read_text("utf-8")
    rows = dict(re.findall(r"^\| `([^`]+)` \| [^|]+\| (dev|test) \|", readme, re.MULTILINE))
    assert rows == {d["id"]: d["split"] for d in documents()}


def test_the_readmes_counts_are_those_of_the_labels() -> None:
    """The README's "Counts" tables are what scripts/corpus/counts.py computes from labels.json."""
    script = CORPUS.parents[3] / "scripts/corpus/counts.py"
    spec = importlib.util.spec_from_file_location("corpus_counts", script)
    assert spec is not None and spec.loader is not None
    counts = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(counts)
    readme = (CORPUS / "README.md").read_text("utf-8")
    assert counts.counts_markdown(documents()) in readme
