"""The OCR engine interface (`extractors.ocr.engine.OcrEngine`, as OCRmyPDF's `OcrEngine`): its
methods on the real Tesseract engine and on the fake, and the failure-injection engines of
`tests/ocr_engines/` whose region reading crashes or runs out of time, proving that every second
reading then keeps the first reading and the document is still finished (signatures, the CNN's
digits, the explanations). Last, no code outside `extractors/ocr/` knows which engine it runs.
"""

from __future__ import annotations

import ast
import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from extractors.document import extract
from extractors.errors import OcrEngineError, OcrTimeout
from extractors.handwritten_reread import SINGLE_CONFIDENCE
from extractors.ocr import Segmentation, available_engines, get_engine
from extractors.ocr.engine import OcrEngine
from extractors.ocr.fake import FakeEngine, RegionCall
from extractors.ocr.tesseract import TesseractEngine
from extractors.options import ReadOptions
from extractors.pages import SourcePage
from extractors.reading import read_document, read_page
from extractors.records import Box, Extraction, Field, Finding, PageSource, PageText, Severity, Word
from extractors.refine import finish_extraction
from extractors.regions import RegionReader
from sohoa.samples import generate
from tests.extractors.handwritten_header import HEIGHT, header_words
from tests.ocr_engines.region_crash import RegionCrash
from tests.ocr_engines.region_timeout import RegionTimeout

REPO = Path(__file__).resolve().parents[2]
FONTS = Path("/usr/share/fonts/truetype/dejavu")
DIGITS = "0123456789"
MRZ_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"
TODAY = date(2026, 6, 1)
FAILING = [RegionCrash, RegionTimeout]


def _font(name: str, size: int) -> ImageFont.FreeTypeFont:
    try:
        return ImageFont.truetype(str(FONTS / name), size)
    except OSError:
        pytest.skip(reason="DejaVu fonts not installed")


def _drawn(lines: list[str], *, font: str = "DejaVuSans.ttf", size: int = 40) -> Image.Image:
    """Black text on white, one line under the other, with a margin."""
    face = _font(font, size)
    width = max(round(face.getlength(line)) for line in lines) + 60
    image = Image.new("L", (width, len(lines) * round(size * 1.5) + 40), 255)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((30, 20 + i * round(size * 1.5)), line, fill=0, font=face)
    return image


# --- the protocol ---------------------------------------------------------------------------------


def test_every_engine_is_an_ocr_engine() -> None:
    engines = [TesseractEngine(), FakeEngine(), RegionCrash(), RegionTimeout()]
    engines += [get_engine(name) for name in available_engines()]
    for engine in engines:
        assert isinstance(engine, OcrEngine), type(engine).__name__
        assert engine.version()


# --- the real engine ------------------------------------------------------------------------------


def test_tesseract_reads_a_region_in_the_layout_and_alphabet_asked_for(
    tesseract: OcrEngine,
) -> None:
    line = tesseract.read_region(
        _drawn(["0361724381"]),
        lang="eng",
        timeout=30,
        segmentation=Segmentation.LINE,
        alphabet=DIGITS,
    )
    assert "".join(w.text for w in line) == "0361724381"
    glyph = tesseract.read_region(
        _drawn(["7"]), lang="eng", timeout=30, segmentation=Segmentation.CHARACTER, alphabet=DIGITS
    )
    assert [w.text for w in glyph] == ["7"]
    # Two MRZ-like lines read as one block: two lines, nothing outside the OCR-B alphabet.
    block = tesseract.read_region(
        _drawn(["IDVNM0123456789<<<", "9001012M3001017VNM<<"], font="DejaVuSansMono.ttf", size=32),
        lang="eng",
        timeout=30,
        segmentation=Segmentation.BLOCK,
        alphabet=MRZ_ALPHABET,
    )
    assert len({w.line for w in block}) == 2
    assert all(set(w.text) <= set(MRZ_ALPHABET) for w in block)
    assert block[-1].text == "9001012M3001017VNM<<"
    # Without an alphabet the print model reads the letters too.
    label = tesseract.read_region(
        _drawn(["Số: 0361724381"]), lang="vie", timeout=30, segmentation=Segmentation.LINE
    )
    assert [w.text for w in label] == ["Số:", "0361724381"]


def test_tesseract_reads_a_region_by_its_helper_as_the_command_line_would() -> None:
    """The long-lived helper reads regions too: not a character or a box may change."""
    image = _drawn(["IDVNM0123456789<<<", "9001012M3001017VNM<<"], font="DejaVuSansMono.ttf")
    for segmentation, alphabet in ((Segmentation.BLOCK, MRZ_ALPHABET), (Segmentation.LINE, None)):
        args = {"lang": "eng", "timeout": 60, "segmentation": segmentation, "alphabet": alphabet}
        helper = TesseractEngine().read_region(image, **args)
        command_line = TesseractEngine(persistent=False).read_region(image, **args)
        assert helper == command_line and helper


def test_tesseract_says_how_to_turn_a_page_upright(real: Path, tesseract: OcrEngine) -> None:
    page = Image.open(real / "page_scans/4_1.jpg").convert("L")
    assert tesseract.orientation(page, timeout=60) == 0
    # PIL turns counter-clockwise; the engine answers the clockwise turn that undoes it.
    assert tesseract.orientation(page.rotate(90, expand=True), timeout=60) == 90
    assert tesseract.orientation(page.rotate(270, expand=True), timeout=60) == 270
    # Upside down, Tesseract's detector says 180 with confidence 0.12 (measured), under the
    # engine's own bar: a guess is no turn, and the page is left as it is.
    assert tesseract.orientation(page.rotate(180, expand=True), timeout=60) == 0


# --- the fake -------------------------------------------------------------------------------------


def test_the_fake_answers_regions_in_turn_and_records_what_was_asked() -> None:
    word = Word("86", Box(2, 3, 20, 10), 0.9)
    engine = FakeEngine(regions=[[word]], rotate=90)
    crop = Image.new("L", (40, 20), 255)
    assert engine.read_region(crop, lang="eng", timeout=5, segmentation=Segmentation.LINE) == [word]
    assert (
        engine.read_region(
            crop, lang="eng", timeout=5, segmentation=Segmentation.CHARACTER, alphabet=DIGITS
        )
        == []
    )
    assert engine.region_calls == [
        RegionCall((40, 20), "eng", Segmentation.LINE, None),
        RegionCall((40, 20), "eng", Segmentation.CHARACTER, DIGITS),
    ]
    assert engine.orientation(crop, timeout=5) == 90


def test_a_poor_reading_asks_the_engine_which_way_up_and_reads_the_page_turned() -> None:
    """reading.py asks `orientation` through the protocol, whatever the engine."""
    page = SourcePage(1, Image.new("L", (1200, 800), 255), None)
    poor = [Word(t, Box(10 + 40 * i, 10, 30, 20), 0.3) for i, t in enumerate("abcdef")]
    good = [Word(t, Box(10 + 40 * i, 10, 30, 20), 0.95) for i, t in enumerate("abcdef")]
    turned_engine = FakeEngine(pages=[poor, good], rotate=90)
    text, image = read_page(page, ReadOptions(preprocess=False), turned_engine)
    assert turned_engine.orientation_calls == 1
    assert image.size == (800, 1200) and "page turned 90° to read it upright" in text.notes
    upright_engine = FakeEngine(pages=[poor], rotate=0)
    text, image = read_page(page, ReadOptions(preprocess=False), upright_engine)
    assert upright_engine.orientation_calls == 1 and image.size == (1200, 800)
    not_asked = FakeEngine(pages=[poor], rotate=90)
    read_page(page, ReadOptions(preprocess=False, detect_orientation=False), not_asked)
    assert not_asked.orientation_calls == 0


# --- failure injection: a region read crashes or runs out of time ---------------------------------


@pytest.mark.parametrize("failing", FAILING, ids=lambda cls: cls.name)
def test_a_region_reader_stops_at_the_engine_first_failure(failing: type) -> None:
    engine = failing()
    reader = RegionReader(engine, "test")
    crop = Image.new("L", (40, 20), 255)
    for _ in range(3):
        assert reader.read(crop, lang="eng", timeout=5, segmentation=Segmentation.LINE) == []
    assert engine.region_calls == 1, "one time limit at most, not one per read"
    assert isinstance(reader.failed, OcrEngineError)
    assert isinstance(reader.failed, OcrTimeout) == (failing is RegionTimeout)


@pytest.fixture(scope="module")
def garbled_card(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[list[PageText], dict[int, Image.Image], Extraction]:
    """A generated chip card's back read by Tesseract, its MRZ garbled as the print model garbles
    OCR-B: the first reading fails its check digits, so the MRZ is read again."""
    out = tmp_path_factory.mktemp("card")
    info = generate(out, count=1, seed=3, noise="light", types=["id_card_chip_back"])[0]
    pages, images = [], {}
    for page, image in read_document(info.path, ReadOptions(), TesseractEngine()):
        pages.append(page)
        images[page.number] = image
    spoiled = [
        replace(
            pages[0],
            words=tuple(
                replace(w, text=w.text.replace("0", "O", 3).replace("<<", "«"))
                if "<" in w.text or "VNM" in w.text
                else w
                for w in pages[0].words
            ),
        )
    ]
    first = extract(spoiled, sha256="0" * 64, today=TODAY)
    assert any(f.code.startswith("mrz.") for f in first.findings)
    assert json.loads(info.truth_path.read_text("utf-8"))["doc_type"] == first.doc_type
    return spoiled, images, first


@pytest.mark.parametrize("failing", FAILING, ids=lambda cls: cls.name)
def test_a_card_keeps_its_first_reading_when_its_regions_cannot_be_read(
    garbled_card: tuple[list[PageText], dict[int, Image.Image], Extraction], failing: type
) -> None:
    pages, images, first = garbled_card
    engine = failing()
    result = finish_extraction(first, pages, images, engine, [], today=TODAY)
    blind = finish_extraction(first, pages, images, FakeEngine(), [], today=TODAY)
    assert result == blind, "as if no second reading had been tried"
    assert result.fields == first.fields
    # The MRZ (and a missing value's band, if any) tried once each, none tried again.
    assert 1 <= engine.region_calls <= 2


def _admin_page() -> tuple[PageText, Image.Image]:
    """A header with "Số: 86 /QĐ-UBND" and "ngày 16 tháng 01 năm 2025", the number and the day
    written in the gaps, and "Nơi nhận:" above a signing block the first reading dropped."""
    image = Image.new("RGB", (1654, 2339), "white")
    draw = ImageDraw.Draw(image)
    font = _font("DejaVuSans.ttf", 34)
    draw.text((250, 200), "86", fill="black", font=font)
    draw.text((1080, 200), "16", fill="black", font=font)
    h = HEIGHT
    words = [
        *header_words(),
        Word("Nơi", Box(150, 1600, 60, h), 0.95, line=2, block=2),
        Word("nhận:", Box(220, 1600, 90, h), 0.95, line=2, block=2),
    ]
    return PageText(1, image.width, image.height, PageSource.OCR, tuple(words)), image


@pytest.mark.parametrize("failing", FAILING, ids=lambda cls: cls.name)
def test_an_admin_document_keeps_its_first_reading_and_the_cnn_still_reads(
    failing: type,
) -> None:
    """The signing block cannot be read again and the engine's digit vote is gone: the signer
    stays missing, and the handwritten number is the CNN's alone (its lower confidence)."""
    page, image = _admin_page()
    first = Extraction(
        sha256="x",
        doc_type="admin_document",
        fields=(Field("place", "Quảng Ngãi", "Quảng Ngãi", 0.9, page=1),),
        findings=(
            Finding("number_symbol.number_unreadable", Severity.WARNING, "…", "number_symbol"),
            Finding("signer.missing", Severity.WARNING, "…", "signer"),
        ),
    )
    engine = failing()
    result = finish_extraction(first, [page], {1: image}, engine, [], today=TODAY)
    blind = finish_extraction(first, [page], {1: image}, FakeEngine(), [], today=TODAY)
    assert result == blind
    assert result.field("signer") is None
    number = result.field("number_symbol")
    assert number is not None and number.value == "86/QĐ-UBND"
    assert number.confidence == SINGLE_CONFIDENCE
    assert engine.region_calls == 2, "the signing block once, the digits once"


# --- nobody outside the engine knows which engine it runs -----------------------------------------

_ENGINE_MODULES = ("pytesseract", "extractors.ocr.tesseract", "extractors.ocr._tess_helper")


def _python_files() -> list[Path]:
    files = [
        p
        for d in ("extractors", "sohoa", "loaders", "storage", "dags")
        for p in (REPO / d).rglob("*.py")
    ]
    return [p for p in files if "extractors/ocr/" not in p.relative_to(REPO).as_posix()]


def test_no_code_outside_the_engine_package_knows_which_engine_it_runs() -> None:
    found = []
    for path in _python_files():
        where = path.relative_to(REPO).as_posix()
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                names = []
            found += [f"{where}: imports {n}" for n in names if n.startswith(_ENGINE_MODULES)]
            if isinstance(node, ast.Compare):
                literals = [
                    c.value for c in (node.left, *node.comparators) if isinstance(c, ast.Constant)
                ]
                if "tesseract" in literals:
                    found.append(f"{where}:{node.lineno}: compares with 'tesseract'")
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("getattr", "hasattr")
                and node.args
                and "engine" in ast.unparse(node.args[0])
            ):
                found.append(f"{where}:{node.lineno}: {ast.unparse(node)}")
    assert found == [], "\n".join(found)
