"""Page images are rendered when the review UI first asks for them, from the original, with the
same pixels processing read (so the stored word boxes fit), then kept in the store."""

from __future__ import annotations

import ast
import hashlib
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from extractors.ocr import get_engine
from extractors.reading import ReadPage, read_document
from extractors.records import PageSource, PageText
from sohoa.pipeline import process as process_module
from sohoa.pipeline.page_images import page_image_png
from sohoa.pipeline.process import process_file
from sohoa.runtime import Runtime
from storage import layout
from tests.conftest import REAL_DATA


def _put(runtime: Runtime, path: Path) -> str:
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    runtime.store.put_bytes(layout.original(sha), data)
    return sha


def _same_pixels(png: bytes, expected: Image.Image) -> bool:
    shown = Image.open(io.BytesIO(png)).convert("RGB")
    return shown.size == expected.size and ImageChops.difference(shown, expected).getbbox() is None


@pytest.fixture(scope="module")
def files(sample_batch: Path) -> list[Path]:
    scans = sorted(sample_batch.glob("*.png")) + sorted(sample_batch.glob("*.jpg"))
    return [
        scans[0],  # an image: OCR
        sorted(sample_batch.glob("*.pdf"))[0],  # a generated PDF
        # born digital, text layer used, with form widgets flattened into the page
        REAL_DATA / "born_digital" / "542_TB-UBND_2024-11-06.pdf",
    ]


def test_pages_are_not_stored_while_processing_and_rendered_alike_on_demand(
    runtime: Runtime, files: list[Path]
) -> None:
    options = runtime.settings.read_options()
    for path in files:
        sha = _put(runtime, path)
        outcome = process_file(runtime, "lo-img", sha)
        assert outcome.status == "processed", outcome
        assert not list(runtime.store.list(f"derived/{sha}/pages/"))
        ocr = json.loads(runtime.store.get_bytes(layout.ocr_json(sha)))
        assert ocr["page_images"]["stored"] == []
        expected = list(read_document(path, options, get_engine("tesseract")))
        for page, image in expected[:2]:
            png = page_image_png(runtime, sha, page.number)
            assert png is not None and _same_pixels(png, image), (path.name, page.number)
            assert (page.width, page.height) == image.size
            # kept: the second view reads the store
            assert runtime.store.get_bytes(layout.page_image(sha, page.number)) == png
        assert page_image_png(runtime, sha, len(expected) + 1) is None


def test_a_page_turned_upright_is_stored_at_once(
    runtime: Runtime, files: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    upright = Image.new("RGB", (300, 200), "white")

    def turned(path: Path, options: object, engine: object) -> Iterator[ReadPage]:
        text = PageText(1, 300, 200, PageSource.OCR, notes=("page turned 90°",))
        yield ReadPage(text, upright, turned=True)

    monkeypatch.setattr(process_module, "read_pages", turned)
    sha = _put(runtime, files[0])
    options = runtime.settings.read_options()
    process_module._read_pages(runtime, sha, files[0], options, get_engine(options.engine))
    ocr = json.loads(runtime.store.get_bytes(layout.ocr_json(sha)))
    assert ocr["page_images"]["stored"] == [1]
    png = page_image_png(runtime, sha, 1)
    assert png is not None and _same_pixels(png, upright)
    runtime.store.delete(layout.page_image(sha, 1))
    assert page_image_png(runtime, sha, 1) is None  # never rebuilt unturned under its boxes


def test_no_image_without_the_words_or_the_original(runtime: Runtime, files: list[Path]) -> None:
    sha = _put(runtime, files[1])
    assert page_image_png(runtime, sha, 1) is None  # not processed: no ocr.json
    process_file(runtime, "lo-img", sha)
    runtime.store.delete(layout.original(sha))
    assert page_image_png(runtime, sha, 1) is None


def test_page_images_and_processing_do_not_import_each_other() -> None:
    """Processing stores a turned page's PNG (`encode_png`); rendering a page needs only the
    settings' read options (`Settings.read_options`), never the processing module."""
    import sohoa.pipeline.page_images as page_images

    tree = ast.parse(Path(page_images.__file__).read_text("utf-8"))
    imported = {
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert "sohoa.pipeline.process" not in imported
