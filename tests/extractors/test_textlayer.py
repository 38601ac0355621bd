from __future__ import annotations

from pathlib import Path

import pytest

from extractors.options import ReadOptions
from extractors.pages import open_document
from extractors.records import Box, Word
from extractors.sniff import MediaType
from extractors.textlayer import TextLayerVerdict, assess_text_layer

BORN_DIGITAL = [
    "11_TB-UBND_2025-01-08.pdf",
    "507_UBND-KGVX_2025-01-24.pdf",
    "542_TB-UBND_2024-11-06.pdf",
    "565_TB-UBND_2024-11-15.pdf",
]
SCANS = [
    "86_QD_CT.signed.pdf",
    "464-ttg.signed.pdf",
    "2352_07-CT-UBND.signed.pdf",
    "04_QD_138.signed.pdf",
    "01CT.pdf",
]
UNACCENTED_VIETNAMESE = (
    "Can cu Luat To chuc chinh quyen dia phuong ngay 19 thang 6 nam 2015 cua Quoc hoi "
    "Theo de nghi cua So Noi vu tai To trinh so 373 ngay 30 thang 12 nam 2024 ve viec "
    "bo nhiem cac cong chuc va xep luong doi voi ong Bach Dang Ngoc tren dia ban tinh"
)
ENGLISH = (
    "The committee reviewed the annual report and approved the budget for the next "
    "year after a long discussion about priorities and risks"
)


def _verdicts(path: Path) -> list[tuple[int, list[Word] | None, TextLayerVerdict]]:
    with open_document(path, MediaType.PDF, ReadOptions(render_dpi=72)) as doc:
        return [
            (p.number, p.text_words, assess_text_layer(p.text_words, p.image.size))
            for p in doc.iter_pages()
        ]


@pytest.mark.parametrize("name", BORN_DIGITAL)
def test_born_digital_text_layer_is_used(real: Path, name: str) -> None:
    for number, _, verdict in _verdicts(real / "born_digital" / name):
        assert verdict.usable, (name, number, verdict.reason)


@pytest.mark.parametrize("name", SCANS)
def test_signature_stamp_alone_is_not_trusted(real: Path, name: str) -> None:
    verdicts = _verdicts(real / "admin_scans" / name)
    assert not any(v.usable for _, _, v in verdicts)
    stamped = [v for _, words, v in verdicts if words]
    assert stamped, "each scan carries an e-signature stamp as text on some page"
    assert all("small area" in v.reason for v in stamped)


def _page(words: list[str], per_line: int = 6) -> list[Word]:
    return [
        Word(t, Box(100 + (i % per_line) * 140, 100 + (i // per_line) * 60, 120, 30), 1.0)
        for i, t in enumerate(words)
    ]


def test_ocr_layer_without_diacritics_is_rejected() -> None:
    text = UNACCENTED_VIETNAMESE.split() * 3
    verdict = assess_text_layer(_page(text), (1654, 2339))
    assert not verdict.usable
    assert "diacritics" in verdict.reason


def test_english_text_without_diacritics_is_fine() -> None:
    text = ENGLISH.split() * 4
    assert assess_text_layer(_page(text), (1654, 2339)).usable


def test_garbage_glyphs_are_rejected() -> None:
    text = ["\ufffd\ufffd\ufffd", "(cid:12)(cid:13)", "\ue000\ue001"] * 40
    verdict = assess_text_layer(_page(text), (1654, 2339))
    assert not verdict.usable and "garbage" in verdict.reason


def test_no_words_means_no_text_layer() -> None:
    assert not assess_text_layer([], (100, 100)).usable
