from __future__ import annotations

from pathlib import Path

import pytesseract
import pytest
from PIL import Image

from extractors.errors import EngineMissing, OcrEngineError, OcrTimeout
from extractors.ocr import Segmentation, available_engines, get_engine, register_engine
from extractors.ocr import tesseract as tesseract_module
from extractors.ocr.engine import OcrEngine
from extractors.ocr.fake import FakeEngine
from extractors.ocr.tesseract import TesseractEngine, tsv_to_data, words_from_data
from extractors.options import ReadOptions
from extractors.reading import read_document
from extractors.records import Box, PageSource, Word


def test_tesseract_reads_vietnamese(real: Path, tesseract: OcrEngine) -> None:
    expected = (real / "tesseract/viet.expected_substring.txt").read_text("utf-8").strip()
    pages = list(read_document(real / "tesseract/viet.tif", ReadOptions(), tesseract))
    assert len(pages) == 1
    page, image = pages[0]
    assert page.source is PageSource.OCR
    assert expected in page.text
    assert page.engine.startswith("tesseract 5")
    assert all(0 < w.confidence <= 1 for w in page.words)
    assert all(w.box.right <= image.width and w.box.bottom <= image.height for w in page.words)


def test_registry_knows_tesseract_and_takes_fakes() -> None:
    assert isinstance(get_engine("tesseract"), TesseractEngine)
    register_engine("fake", FakeEngine)
    assert "fake" in available_engines()
    assert isinstance(get_engine("fake"), OcrEngine)
    with pytest.raises(KeyError):
        get_engine("nope")


def test_words_from_data_drops_layout_rows_and_scales_confidence() -> None:
    data = {
        "text": ["", "Số:", "86", " ", "QĐ"],
        "conf": [-1, 91.5, 40, 95, 88],
        "left": [0, 10, 60, 90, 10],
        "top": [0, 10, 10, 10, 50],
        "width": [500, 40, 20, 5, 30],
        "height": [100, 20, 20, 20, 20],
        "block_num": [1, 1, 1, 1, 2],
        "par_num": [0, 1, 1, 1, 1],
        "line_num": [0, 1, 1, 1, 1],
    }
    words = words_from_data(data)
    assert [w.text for w in words] == ["Số:", "86", "QĐ"]
    assert words[0].confidence == pytest.approx(0.915)
    assert [(w.line, w.block) for w in words] == [(0, 1), (0, 1), (1, 2)]
    assert words[0].box == Box(10, 10, 40, 20)


@pytest.mark.parametrize(
    ("raised", "expected", "text"),
    [
        (pytesseract.TesseractNotFoundError(), EngineMissing, "Chưa cài Tesseract"),
        (RuntimeError("Tesseract process timeout"), OcrTimeout, "quá thời gian"),
        (pytesseract.TesseractError(1, "Failed loading language 'xyz'"), EngineMissing, "ngôn ngữ"),
        (pytesseract.TesseractError(1, "segfault"), OcrEngineError, "Tesseract gặp lỗi"),
    ],
)
@pytest.mark.parametrize("method", ["recognize", "read_region", "orientation"])
def test_tesseract_errors_are_translated(
    monkeypatch: pytest.MonkeyPatch, raised: Exception, expected: type, text: str, method: str
) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise raised

    monkeypatch.setattr(pytesseract, "image_to_data", boom)
    monkeypatch.setattr(pytesseract, "image_to_osd", boom)
    engine = TesseractEngine(persistent=False)
    image = Image.new("L", (50, 50), 255)
    calls = {
        "recognize": lambda: engine.recognize(image, lang="vie", timeout=5),
        "read_region": lambda: engine.read_region(
            image, lang="eng", timeout=5, segmentation=Segmentation.LINE, alphabet="0123456789"
        ),
        "orientation": lambda: engine.orientation(image, timeout=5),
    }
    with pytest.raises(expected) as err:
        calls[method]()
    assert text in err.value.message
    # Nothing the engine says is an outage: a time-out is the page's (issue 14), retried in vain.
    assert err.value.retryable is False


def test_the_helper_reads_the_same_words_as_the_command_line(real: Path) -> None:
    """The long-lived helper (model loaded once) must not change a single word or box."""
    page = Image.open(real / "tesseract/viet.tif")
    for config in ("--psm 3", "--psm 6 -c tessedit_char_whitelist=0123456789<ABCDEFGHIJKLMNOPQRS"):
        for image in (page.convert("L"), page.convert("RGB")):
            helper = TesseractEngine(config).recognize(image, lang="vie", timeout=60)
            command_line = TesseractEngine(config, persistent=False).recognize(
                image, lang="vie", timeout=60
            )
            assert helper == command_line
    assert TesseractEngine("--psm 3")._helper_settings == (3, [])
    assert TesseractEngine("--oem 1")._helper_settings is None  # not taken: command line


def test_helper_errors_are_translated_and_it_restarts(real: Path) -> None:
    engine = TesseractEngine()
    image = Image.open(real / "tesseract/viet.tif").convert("L")
    with pytest.raises(EngineMissing) as missing:
        engine.recognize(image, lang="xyz", timeout=30)
    assert "ngôn ngữ" in missing.value.message and not missing.value.retryable
    with pytest.raises(OcrTimeout) as late:
        engine.recognize(image.resize((image.width * 3, image.height * 3)), lang="vie", timeout=0)
    assert not late.value.retryable  # the page's, not the machine's: its file is set aside
    helper = tesseract_module._shared_helper()
    assert helper is not None
    helper._proc.kill()  # a crash while idle: the next page starts a new helper
    assert engine.recognize(image, lang="vie", timeout=60)


def test_tsv_rows_become_image_to_data_columns() -> None:
    tsv = "1\t1\t0\t0\t0\t0\t0\t0\t500\t100\t-1\t\n5\t1\t1\t1\t1\t1\t10\t10\t40\t20\t91.87\tSố:\n"
    data = tsv_to_data(tsv)
    assert data["conf"] == [-1, 91]  # truncated, as pytesseract does
    words = words_from_data(data)
    assert [(w.text, w.box, w.confidence) for w in words] == [("Số:", Box(10, 10, 40, 20), 0.91)]


def test_fake_engine_words_come_back_in_page_pixels(tmp_path: Path) -> None:
    """OCR runs on an upscaled copy of a small photo; boxes are mapped back to the photo."""
    path = tmp_path / "small.png"
    Image.new("RGB", (500, 800), "white").save(path)
    engine = FakeEngine([Word("Số:", Box(600, 1200, 220, 110), 0.9)])
    page, image = next(read_document(path, ReadOptions(detect_orientation=False), engine))
    assert image.size == (500, 800)
    scale = engine.calls[0][1] / 800
    box = page.words[0].box
    assert scale > 1.5
    assert abs(box.left - 600 / scale) <= 2 and abs(box.width - 220 / scale) <= 2
