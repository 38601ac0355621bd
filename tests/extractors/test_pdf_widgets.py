"""PDF pages whose widgets outlive their form: a page copied out of a signed file keeps its
widget annotations (the e-office stamp that fills in the number and day) but not the document's
AcroForm. Such a file must read, widget text included (real corpus, dev half)."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium

from extractors.options import ReadOptions
from extractors.pages import open_document
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
