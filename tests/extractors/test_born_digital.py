"""Born-digital PDFs go through the text-layer path and match poppler's `pdftotext`."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from extractors.document import extract
from extractors.ocr.fake import FakeEngine
from extractors.options import ReadOptions
from extractors.reading import read_document
from extractors.records import PageSource
from extractors.text import nfc

FILES = [
    "11_TB-UBND_2025-01-08.pdf",
    "507_UBND-KGVX_2025-01-24.pdf",
    "542_TB-UBND_2024-11-06.pdf",
    "565_TB-UBND_2024-11-15.pdf",
    "45_2026_ND-CP.pdf",
]


def _bag_f1(ref: list[str], got: list[str]) -> float:
    a, b = Counter(ref), Counter(got)
    common = sum((a & b).values())
    return 2 * common / max(1, sum(a.values()) + sum(b.values()))


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize("name", FILES)
def test_text_layer_matches_pdftotext(real: Path, name: str) -> None:
    """Word multisets per page: the two tools order two-column signature blocks differently, and
    pdftotext glues a few dash runs to the next word, so order-free F1 is the fair comparison."""
    path = real / "born_digital" / name
    engine = FakeEngine()
    ours: list[str] = []
    for page, _image in read_document(path, ReadOptions(render_dpi=72), engine):
        assert page.source is PageSource.TEXT_LAYER
        ref = nfc(
            subprocess.run(
                ["pdftotext", "-f", str(page.number), "-l", str(page.number), str(path), "-"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        ).split()
        got = [w.text for w in page.words]
        assert _bag_f1(ref, got) >= 0.98, (name, page.number)
        ours += got
    assert engine.calls == []  # no page was OCRed
    whole = nfc(
        subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
    ).split()
    assert _bag_f1(whole, ours) >= 0.99


def test_split_glyph_pair_is_joined(real: Path) -> None:
    """pdfplumber alone splits "CỘ NG HÒA" on this page (a stray space glyph from another run)."""
    path = real / "born_digital/542_TB-UBND_2024-11-06.pdf"
    page, _ = next(read_document(path, ReadOptions(render_dpi=72), FakeEngine()))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in page.text


@pytest.mark.parametrize("name", FILES[:4])
def test_admin_header_fields_from_the_text_layer(real: Path, name: str) -> None:
    """The file names carry number, symbol and date (e.g. 542_TB-UBND_2024-11-06)."""
    number, symbol, issued = re.match(r"(\d+)_([A-Z-]+)_(\d{4}-\d{2}-\d{2})", name).groups()
    pages = [p for p, _ in read_document(real / "born_digital" / name, ReadOptions(), FakeEngine())]
    result = extract(pages, sha256="0" * 64, today=date(2026, 6, 1))
    assert result.doc_type == "admin_document"
    assert result.attributes["kind"] == ("cong_van" if symbol.startswith("UBND") else "thong_bao")
    assert result.value("number_symbol") == f"{number}/{symbol}"
    assert result.value("issued_on") == issued
    assert result.value("place") == "Quảng Ngãi"
    assert result.value("issuer") == "Ủy ban nhân dân tỉnh Quảng Ngãi"
    assert result.field("number_symbol").confidence >= 0.97  # text layer (extractors.confidence)
    assert result.field("number_symbol").box is not None


def test_decree_number_with_year(real: Path) -> None:
    path = real / "born_digital/45_2026_ND-CP.pdf"
    pages = [p for p, _ in read_document(path, ReadOptions(render_dpi=72), FakeEngine())]
    result = extract(pages, sha256="0" * 64, today=date(2026, 6, 1))
    assert result.attributes["kind"] == "nghi_dinh"
    assert result.value("number_symbol") == "45/2026/NĐ-CP"
    assert result.value("issued_on") == "2026-01-26"
    assert result.value("issuer") == "Chính phủ"
    assert not [f for f in result.findings if f.field == "number_symbol"]
