"""Clean-up measured through OCR: a page on its side or upside down is read upright, a heavily
degraded generated scan reads better with clean-up than without, the skewed real photo is deskewed.

Cost: tesseract, 2–8 s per page; marked slow except the one heavy-noise comparison that
guards the main claim."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from extractors.ocr.engine import OcrEngine
from extractors.options import ReadOptions
from extractors.pages import SourcePage
from extractors.reading import read_page
from sohoa.samples import generate


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def _edit_distance(a: str, b: str) -> int:
    if not a or not b:
        return len(a) + len(b)
    codes: dict[str, int] = {}
    x = np.array([codes.setdefault(c, len(codes)) for c in a])
    y = np.array([codes.setdefault(c, len(codes)) for c in b])
    idx = np.arange(len(y) + 1)
    row = idx.copy()
    for i, c in enumerate(x, 1):
        tmp = np.empty(len(y) + 1, dtype=np.int64)
        tmp[0] = i
        tmp[1:] = np.minimum(row[:-1] + (y != c), row[1:] + 1)
        row = np.minimum.accumulate(tmp - idx) + idx
    return int(row[-1])


def cer(hypothesis: str, reference: str) -> float:
    """Order-aware character error rate (edit distance over the reference length)."""
    ref = _norm(reference)
    return _edit_distance(_norm(hypothesis), ref) / max(1, len(ref))


@pytest.fixture(scope="module")
def heavy_admin(tmp_path_factory: pytest.TempPathFactory) -> tuple[Image.Image, dict]:
    out = tmp_path_factory.mktemp("heavy")
    info = generate(
        out, count=1, seed=11, noise="heavy", types=["admin_document"], formats=["png"]
    )[0]
    return Image.open(info.path).convert("RGB"), json.loads(info.truth_path.read_text("utf-8"))


def _read(image: Image.Image, engine: OcrEngine, **options: bool):
    return read_page(SourcePage(1, image, None), ReadOptions(**options), engine)


def test_heavy_noise_reads_better_with_cleanup(
    heavy_admin: tuple[Image.Image, dict], tesseract: OcrEngine
) -> None:
    image, truth = heavy_admin
    reference = "\n".join(truth["lines"])
    cleaned, _ = _read(image, tesseract, preprocess=True)
    plain, _ = _read(image, tesseract, preprocess=False)
    with_cleanup, without = cer(cleaned.text, reference), cer(plain.text, reference)
    print(f"heavy-noise CER: {with_cleanup:.3f} with clean-up, {without:.3f} without")
    assert with_cleanup < without
    assert "deskewed" in " ".join(cleaned.notes) or abs(truth["scan"]["skew_degrees"]) < 0.3


@pytest.mark.slow
@pytest.mark.parametrize("turn", [90, 180])
def test_turned_page_is_read_upright(
    heavy_admin: tuple[Image.Image, dict], tesseract: OcrEngine, turn: int
) -> None:
    info_image, truth = heavy_admin
    image = info_image.rotate(turn, expand=True)
    page, stored = _read(image, tesseract)
    assert any("turned" in n for n in page.notes), page.notes
    assert stored.size == (info_image.width, info_image.height)  # stored upright
    number_line = next(line for line in truth["lines"] if line.startswith("Số:"))
    assert number_line.split()[1][:2] in page.text
    # boxes are on the stored (upright) image
    assert all(w.box.right <= stored.width and w.box.bottom <= stored.height for w in page.words)


@pytest.mark.slow
def test_skewed_phone_photo_is_deskewed(real: Path, tesseract: OcrEngine) -> None:
    image = Image.open(real / "page_scans/4_1_v4_rotated.jpg").convert("RGB")
    page, stored = _read(image, tesseract)
    assert any("deskewed" in n for n in page.notes), page.notes
    assert stored.size == image.size
    assert "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM" in page.text
