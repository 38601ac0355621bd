"""PDF pages whose widgets outlive their form: a page copied out of a signed file keeps its
widget annotations (the e-office stamp that fills in the number and day) but not the document's
AcroForm. Such a file must read, widget text included (real corpus, dev half)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium

from extractors.confidence import REVIEW_THRESHOLD
from extractors.document import extract
from extractors.ocr.engine import OcrEngine
from extractors.options import ReadOptions
from extractors.pages import open_document, render_page
from extractors.reading import read_document
from extractors.records import PageSource
from extractors.sniff import MediaType

CORPUS = Path(__file__).parents[1] / "data/real/corpus/files"


def test_widgets_without_a_form_are_flattened_not_fatal() -> None:
    path = CORPUS / "dhcn-798-qd.pdf"  # dev half: six widgets, no AcroForm
    pdf = pdfium.PdfDocument(path)
    assert pdf.get_formtype() == 0  # FORMTYPE_NONE: the form was not copied with the page
    pdf.close()
    with open_document(path, MediaType.PDF, ReadOptions()) as source:
        pages = list(source.iter_pages())
    words = [w.text for w in pages[0].text_words or ()]
    # "Số: 798/QĐ-ĐHCN": the number was stamped in by the e-office system, as a widget
    assert any(w.startswith("798") for w in words), words[:40]


# --- numbers and days drawn as pictures (dhxdhn-1089-qd, dev half) ---------------------------


def test_header_widgets_that_draw_pictures_keep_their_ink_alone() -> None:
    # The e-office system drew "1089" and "24 … 6" as pictures in two signature widgets: the text
    # layer reads "Số: /QĐ-ĐHXDHN" and "ngày tháng năm 2025".
    path = CORPUS / "dhxdhn-1089-qd.pdf"
    with open_document(path, MediaType.PDF, ReadOptions()) as source:
        page = next(iter(source.iter_pages()))
    assert len(page.pictures) == 2
    for picture in page.pictures:
        assert picture.box.top < 0.4 * page.size[1]  # the header's, not the signature's
        ink = np.asarray(picture.ink)
        assert 0 < (ink < 128).mean() < 0.05  # the digits alone: the print under them is gone


def test_a_number_and_day_drawn_as_pictures_are_read_for_a_steward(
    tesseract: OcrEngine,
) -> None:
    path = CORPUS / "dhxdhn-1089-qd.pdf"
    pages = [page for page, _ in read_document(path, ReadOptions(), tesseract)]
    assert pages[0].source is PageSource.TEXT_LAYER
    result = extract(pages, sha256="0" * 64, today=date(2026, 6, 1))
    number, issued = result.field("number_symbol"), result.field("issued_on")
    assert number is not None and number.value == "1089/QĐ-ĐHXDHN"  # the corpus label
    assert issued is not None and issued.value == "2025-06-24"
    # OCR of a picture, not the document's own characters: a steward confirms them
    assert number.confidence < REVIEW_THRESHOLD and issued.confidence < REVIEW_THRESHOLD


def test_a_page_whose_widgets_outlived_their_form_renders_for_review() -> None:
    # The review UI renders the page again from the original: it raised "flatten() requires
    # prior init_forms()" on this file, whose page was copied without the document's form.
    image = render_page(CORPUS / "dhxdhn-1089-qd.pdf", 1, ReadOptions())
    assert image.size == (1654, 2339)
    gray = np.asarray(image.convert("L"))
    assert (gray[240:280, 400:470] < 128).any()  # "1089" is drawn, as the reader saw it
