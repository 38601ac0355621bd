from __future__ import annotations

import inspect
from pathlib import Path

import pytest
from PIL import Image
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen import canvas

from extractors.errors import CorruptFile, DecompressionBomb, EncryptedPdf, TooManyPages
from extractors.options import ReadOptions
from extractors.pages import open_source
from extractors.sniff import MediaType, sniff


def _read_all(path: Path, media_type: MediaType, options: ReadOptions) -> list:
    with open_source(path, media_type, options) as doc:
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
        open_source(path, sniff(path), ReadOptions())
    assert "mật khẩu" in err.value.message


def test_too_many_pages(real: Path) -> None:
    path = real / "born_digital/45_2026_ND-CP.pdf"
    with pytest.raises(TooManyPages) as err:
        open_source(path, MediaType.PDF, ReadOptions(max_pages=10))
    assert "55 trang" in err.value.message


def test_long_pdf_is_read_one_page_at_a_time(real: Path) -> None:
    path = real / "born_digital/45_2026_ND-CP.pdf"
    with open_source(path, MediaType.PDF, ReadOptions(render_dpi=50)) as doc:
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
    with pytest.raises(CorruptFile), open_source(path, media_type, ReadOptions()) as doc:
        list(doc.iter_pages())


def test_multipage_tiff_gives_every_page_in_rgb(tmp_path: Path) -> None:
    path = tmp_path / "scan.tif"
    frames = [Image.new("L", (200, 300), v) for v in (255, 128, 0)]
    frames[0].save(path, save_all=True, append_images=frames[1:])
    with open_source(path, MediaType.TIFF, ReadOptions()) as doc:
        assert doc.page_count == 3
        pages = list(doc.iter_pages())
    assert [p.number for p in pages] == [1, 2, 3]
    assert all(p.image.mode == "RGB" and p.text_words is None for p in pages)


def test_text_layer_boxes_are_in_rendered_pixels(real: Path) -> None:
    path = real / "born_digital/507_UBND-KGVX_2025-01-24.pdf"
    with open_source(path, MediaType.PDF, ReadOptions(render_dpi=100)) as doc:
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
    with open_source(path, MediaType.PDF, ReadOptions()) as doc:
        words = [w.text for w in next(doc.iter_pages()).text_words or []]
    assert "542" in words and "06" in words
