from __future__ import annotations

import inspect
from pathlib import Path

import pdfplumber
import pytest
from PIL import Image
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen import canvas

from extractors.errors import CorruptFile, DecompressionBomb, EncryptedPdf, TooManyPages
from extractors.options import ReadOptions
from extractors.pages import open_document, plumber_glyphs
from extractors.sniff import MediaType, sniff


def _read_all(path: Path, media_type: MediaType, options: ReadOptions) -> list:
    with open_document(path, media_type, options) as doc:
        return list(doc.iter_pages())


def test_truncated_pdf_is_corrupt(real: Path, tmp_path: Path) -> None:
    data = (real / "born_digital/565_TB-UBND_2024-11-15.pdf").read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(data[: len(data) // 2])
    assert sniff(cut) is MediaType.PDF  # still looks like a PDF …
    with pytest.raises(CorruptFile) as err:  # … but cannot be opened
        _read_all(cut, MediaType.PDF, ReadOptions())
    assert "bị cắt" in err.value.message


def test_encrypted_pdf_asks_for_an_unencrypted_copy(tmp_path: Path) -> None:
    path = tmp_path / "secret.pdf"
    pdf = canvas.Canvas(str(path), encrypt=StandardEncryption("user-pw", "owner-pw"))
    pdf.drawString(100, 700, "Giấy tờ mật")
    pdf.save()
    with pytest.raises(EncryptedPdf) as err:
        open_document(path, sniff(path), ReadOptions())
    assert "mật khẩu" in err.value.message


def test_too_many_pages(real: Path) -> None:
    path = real / "born_digital/45_2026_ND-CP.pdf"
    with pytest.raises(TooManyPages) as err:
        open_document(path, MediaType.PDF, ReadOptions(max_pages=10))
    assert "55 trang" in err.value.message


def test_long_pdf_is_read_one_page_at_a_time(real: Path) -> None:
    path = real / "born_digital/45_2026_ND-CP.pdf"
    with open_document(path, MediaType.PDF, ReadOptions(render_dpi=50)) as doc:
        assert doc.page_count == 55
        pages = doc.iter_pages()
        assert inspect.isgenerator(pages)
        first = next(pages)
        assert first.number == 1 and first.text_words
        assert sum(1 for _ in pages) == 54


def test_image_over_the_pixel_limit_is_a_bomb(tmp_path: Path) -> None:
    path = tmp_path / "big.png"
    Image.new("L", (3000, 3000), 255).save(path)
    with pytest.raises(DecompressionBomb):
        _read_all(path, MediaType.PNG, ReadOptions(max_image_pixels=1_000_000))


@pytest.mark.parametrize(
    ("name", "media_type"), [("photo.jpg", MediaType.JPEG), ("scan.png", MediaType.PNG)]
)
def test_truncated_image_is_corrupt(tmp_path: Path, name: str, media_type: MediaType) -> None:
    path = tmp_path / name
    Image.effect_noise((800, 800), 50).convert("RGB").save(path, quality=90)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])  # opens, fails while decoding
    with pytest.raises(CorruptFile), open_document(path, media_type, ReadOptions()) as doc:
        list(doc.iter_pages())


def test_multipage_tiff_gives_every_page_in_rgb(tmp_path: Path) -> None:
    path = tmp_path / "scan.tif"
    frames = [Image.new("L", (200, 300), v) for v in (255, 128, 0)]
    frames[0].save(path, save_all=True, append_images=frames[1:])
    with open_document(path, MediaType.TIFF, ReadOptions()) as doc:
        assert doc.page_count == 3
        pages = list(doc.iter_pages())
    assert [p.number for p in pages] == [1, 2, 3]
    assert all(p.image.mode == "RGB" and p.text_words is None for p in pages)


def test_text_layer_boxes_are_in_rendered_pixels(real: Path) -> None:
    path = real / "born_digital/507_UBND-KGVX_2025-01-24.pdf"
    with open_document(path, MediaType.PDF, ReadOptions(render_dpi=100)) as doc:
        page = next(doc.iter_pages())
    width, height = page.image.size
    assert abs(width - 827) <= 1 and abs(height - 1169) <= 1  # A4 at 100 dpi
    assert page.text_words
    assert all(w.box.left >= 0 and w.box.right <= width + 1 for w in page.text_words)
    assert all(w.box.top >= 0 and w.box.bottom <= height + 1 for w in page.text_words)


def test_number_stamped_in_a_form_widget_is_read(real: Path) -> None:
    """E-office systems stamp the number and day into widgets after signing; pdfplumber alone
    misses them, so the text layer would say "Số: /TB-UBND"."""
    path = real / "born_digital/542_TB-UBND_2024-11-06.pdf"
    with open_document(path, MediaType.PDF, ReadOptions()) as doc:
        words = [w.text for w in next(doc.iter_pages()).text_words or []]
    assert "542" in words and "06" in words


# What word grouping reads of a glyph; `plumber_glyphs` builds these without `page.chars`.
_GLYPH_KEYS = ("text", "x0", "x1", "top", "bottom", "doctop", "upright", "size")


def _plumber_chars(page: pdfplumber.page.Page) -> list[dict]:
    return [{k: c[k] for k in _GLYPH_KEYS} for c in page.chars if not c["text"].isspace()]


@pytest.mark.parametrize(
    "name",
    [
        "born_digital/542_TB-UBND_2024-11-06.pdf",  # Word, stray space glyphs
        "born_digital/45_2026_ND-CP.pdf",  # object streams, 55 pages
        "admin_scans/86_QD_CT.signed.pdf",  # image page, the stamp's text only
    ],
)
def test_glyphs_are_pdfplumbers_chars(real: Path, name: str) -> None:
    with pdfplumber.open(real / name) as pdf:
        for page in pdf.pages[:3]:
            assert plumber_glyphs(page) == _plumber_chars(page)


def test_glyphs_in_form_xobjects_rotated_and_off_origin_pages(tmp_path: Path) -> None:
    """pdfplumber's coordinate conversion where it does something: a MediaBox not at 0,0, glyphs
    inside a form XObject (a figure in pdfminer's layout), text turned 90°."""
    path = tmp_path / "odd.pdf"
    pdf = canvas.Canvas(str(path), pagesize=(600, 800))
    pdf.setFont("Helvetica", 12)
    pdf.drawString(72, 700, "CONG HOA XA HOI CHU NGHIA VIET NAM")
    pdf.beginForm("stamp")
    pdf.drawString(20, 20, "So: 12/QD-UBND")
    pdf.endForm()
    pdf.doForm("stamp")
    pdf.saveState()
    pdf.rotate(90)
    pdf.drawString(100, -50, "Ban sao")
    pdf.restoreState()
    pdf.save()
    data = path.read_bytes()
    box = b"/MediaBox [ 0 0 600 800 ]"
    assert data.count(box) == 1
    path.write_bytes(data.replace(box, b"/MediaBox [ 9 7 609 807 ]"))  # same length, same xref
    with pdfplumber.open(path) as doc:
        page = doc.pages[0]
        glyphs = plumber_glyphs(page)
        assert glyphs == _plumber_chars(page)
    assert page.mediabox[0] != 0
    assert "".join(g["text"] for g in glyphs if not g["upright"]) == "Bansao"
    assert "12/QD-UBND" in "".join(g["text"] for g in glyphs)
