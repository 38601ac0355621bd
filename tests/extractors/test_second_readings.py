"""Second readings of an ID card (the MRZ with the OCR-B alphabet, the band of a value the first
pass dropped) with the real Tesseract on generated cards, and the small repairs of field values
(province and legal-phrase marks, signers beside another column, misread second-language labels).

The first readings are spoiled on purpose here (the words of the MRZ or of the ID number removed
or garbled), so each test knows what the second reading must bring back: the generator's truth.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from extractors import card_reread
from extractors.data.places import restore_province_marks
from extractors.document import extract
from extractors.fields.admin_document import extract_admin_document
from extractors.fields.names import restore_phrases
from extractors.fields.values import clean_text
from extractors.mrz import find_mrz
from extractors.mrz_reread import reread_mrz
from extractors.ocr.engine import OcrEngine
from extractors.ocr.fake import FakeEngine
from extractors.options import ReadOptions
from extractors.reading import read_document
from extractors.records import Box, Field, PageSource, PageText, Word
from extractors.refine import second_card_reading
from sohoa.samples import generate

TODAY = date(2026, 6, 1)


def _card(tmp_path: Path, template: str, tesseract: OcrEngine):
    info = generate(tmp_path, count=1, seed=3, noise="light", types=[template], formats=["png"])[0]
    pages, images = [], {}
    for page, image in read_document(info.path, ReadOptions(), tesseract):
        pages.append(page)
        images[page.number] = image
    return pages, images, json.loads(info.truth_path.read_text("utf-8"))["fields"]


def _garble(text: str) -> str:
    # What the print model does to OCR-B: zeros as O, fillers as «, a 0 read as 8.
    return text.replace("0", "O", 3).replace("<<", "«").replace("1", "7", 1)


def test_a_garbled_mrz_is_read_again_and_its_check_digits_then_hold(
    tmp_path: Path, tesseract: OcrEngine
) -> None:
    pages, images, truth = _card(tmp_path, "id_card_chip_back", tesseract)
    page = pages[0]
    spoiled = tuple(
        replace(w, text=_garble(w.text)) if "<" in w.text or "VNM" in w.text else w
        for w in page.words
    )
    pages = [replace(page, words=spoiled)]
    first = extract(pages, sha256="0" * 64, today=TODAY)
    assert any(f.code.startswith("mrz.") for f in first.findings)  # the spoiled reading fails

    better = reread_mrz(pages, images, tesseract)
    assert better is not None and "mrz re-read" in " ".join(better[0].notes)
    mrz = find_mrz([line for line in better[0].text.splitlines()])
    assert mrz is not None and mrz.all_ok
    assert mrz.id_number == truth["id_number"] and mrz.date_of_birth == truth["date_of_birth"]

    result = second_card_reading(first, pages, images, tesseract, TODAY)
    assert result.value("id_number") == truth["id_number"]
    assert result.value("expiry_date") == (truth["expiry_date"] or "9999-12-31")  # no expiry
    assert result.field("id_number").confidence >= 0.9  # confirmed by its check digits


def test_an_mrz_whose_check_digits_hold_is_not_read_twice(
    tmp_path: Path, tesseract: OcrEngine
) -> None:
    pages, images, truth = _card(tmp_path, "id_card_chip_back", tesseract)
    page = pages[0]
    printed = iter(truth["mrz"].split("\n"))
    mrz_lines = {(w.block, w.line) for w in page.words if "<" in w.text or "VNM" in w.text}
    exact, seen = [], set()
    for w in page.words:  # each MRZ line as one word holding the printed text: a perfect reading
        key = (w.block, w.line)
        if key not in mrz_lines:
            exact.append(w)
        elif key not in seen:
            seen.add(key)
            exact.append(replace(w, text=next(printed, "")))
    counting = FakeEngine()
    assert reread_mrz([replace(page, words=tuple(exact))], images, counting) is None
    assert counting.region_calls == []  # no second OCR when every check digit already holds


def test_a_dropped_id_number_line_is_read_from_its_band(
    tmp_path: Path, tesseract: OcrEngine
) -> None:
    pages, images, truth = _card(tmp_path, "id_card_2024", tesseract)
    page = pages[0]
    number = truth["id_number"]
    # Tesseract's layout analysis sometimes drops the big number under its label: do the same.
    dropped = tuple(w for w in page.words if number not in w.text.replace(" ", ""))
    assert len(dropped) < len(page.words)
    pages = [replace(page, words=dropped)]
    first = extract(pages, sha256="0" * 64, today=TODAY)
    assert first.field("id_number") is None and "id_number" in card_reread.missing_card_fields(
        first
    )

    result = second_card_reading(first, pages, images, tesseract, TODAY)
    assert result.value("id_number") == number
    for field in first.fields:  # nothing the first pass had is changed
        assert result.value(field.name) == field.value


def test_a_second_reading_that_changes_a_value_is_refused() -> None:
    base = extract([PageText(1, 10, 10, PageSource.OCR, ())], sha256="0" * 64)

    def with_fields(**values: str):
        fields = tuple(Field(k, v, v, 0.9, 1, None) for k, v in values.items())
        return replace(base, fields=fields)

    before = with_fields(full_name="Nguyễn Văn An")
    assert card_reread.accept(before, with_fields(full_name="Nguyễn Văn An", sex="male"))
    assert not card_reread.accept(before, with_fields(full_name="Nguyễn Văn Ân", sex="male"))
    assert not card_reread.accept(before, before)  # nothing added


# --- value repairs -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "want", "changed"),
    [
        ("Xã Tân Lập, Tỉnh Đống Tháp", "Xã Tân Lập, Tỉnh Đồng Tháp", True),
        ("Đông Hòa, Đà Lạt, Lâm Đống", "Đông Hòa, Đà Lạt, Lâm Đồng", True),
        ("Thôn 7, Xã Phú Lâm, Tỉnh Thanh Húa", "Thôn 7, Xã Phú Lâm, Tỉnh Thanh Hóa", True),
        ("Ủy ban nhân dân tỉnh Ninhthuận", "Ủy ban nhân dân tỉnh Ninh Thuận", True),
        # Not a province, or already right: left alone.
        ("Số 70, Thành phố Biên Hòa", "Số 70, Thành phố Biên Hòa", False),
        ("Phường 3, Thành phố Cao Lãnh", "Phường 3, Thành phố Cao Lãnh", False),
        ("Xã Tân Lập, Huyện Bắc Sơn", "Xã Tân Lập, Huyện Bắc Sơn", False),
        ("Tổ 8, Thành phố Hà Nội", "Tổ 8, Thành phố Hà Nội", False),
    ],
)
def test_province_marks_are_restored_from_the_closed_list(
    text: str, want: str, changed: bool
) -> None:
    assert restore_province_marks(text) == (want, changed)


def test_legal_phrases_restore_marks_but_keep_each_words_capital() -> None:
    phrases = ("thu tiền sử dụng đất", "Nhà nước giao đất")
    text = "Nhận thừa kế đất được Nhà nước giao đất không thu tiến sử dụng đất"
    assert restore_phrases(text, phrases) == (
        "Nhận thừa kế đất được Nhà nước giao đất không thu tiền sử dụng đất",
        True,
    )
    assert restore_phrases("Thu tiến sử dụng đất", phrases) == ("Thu tiền sử dụng đất", True)
    assert restore_phrases("tiền thuê nhà", phrases) == ("tiền thuê nhà", False)


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("Thôn 12, Xã Tân Lập, Tỉnh An Giang.", "Thôn 12, Xã Tân Lập, Tỉnh An Giang"),
        ("HOA BINH TRANSPORT CO., LTD.", "HOA BINH TRANSPORT CO., LTD."),  # an abbreviation's dot
        ("§ Yên Hòa", "Yên Hòa"),
        ("Nốt ruồi C:0, 5cm trên sau cánh mũi trái", "Nốt ruồi C:0,5cm trên sau cánh mũi trái"),
        ("Tổ 1, 2", "Tổ 1, 2"),
    ],
)
def test_clean_text(raw: str, want: str) -> None:
    assert clean_text(raw) == want


def _words(rows: list[tuple[int, int, str]]) -> tuple[Word, ...]:
    """(left, top, text) per row; words 14 px apart per character, one OCR line per row."""
    out = []
    for line, (left, top, text) in enumerate(rows):
        x = left
        for token in text.split(" "):
            if token == "||":  # a wide gap: another column on the same OCR line
                x += 400
                continue
            out.append(Word(token, Box(x, top, 14 * len(token), 30), 0.95, line=line))
            x += 14 * len(token) + 12
    return tuple(out)


def test_the_signer_is_found_when_nơi_nhận_shares_the_signing_blocks_lines() -> None:
    page = PageText(
        1,
        1654,
        2339,
        PageSource.OCR,
        _words(
            [
                (230, 1225, "Nơi nhận: || TM. ỦY BAN NHÂN DÂN"),
                (230, 1270, "- Các cơ quan, đơn vị liên quan; || KT. CHỦ TỊCH"),
                (230, 1310, "- Lưu: VT."),
                (1010, 1317, "PHÓ CHỦ TỊCH"),
                (230, 1616, "Số vào sổ: 12 || Nguyễn Tiến Quang"),
            ]
        ),
    )
    fields, _ = extract_admin_document([page], "thong_bao")
    signer = next(f for f in fields if f.name == "signer")
    assert signer.value == "Nguyễn Tiến Quang"


def test_a_misread_english_label_is_not_taken_as_the_value() -> None:
    page = PageText(
        1,
        1352,
        880,
        PageSource.OCR,
        _words(
            [
                (385, 305, "Số định danh cá nhân / Personal identification number:"),
                (385, 345, "083091541727"),
                (386, 545, "Giới tính / Sex: Nam Quốc tịch / Nauonaity Việt Nam"),
                (385, 587, "Quê quán / Place of ongrn"),
                (386, 627, "Hòa Thuận, Vĩnh Long, Vĩnh Long"),
            ]
        ),
    )
    result = extract([page], sha256="0" * 64, hint="id_card", today=TODAY)
    assert result.value("nationality") == "Việt Nam"
    assert result.value("sex") == "male"


def test_an_image_is_needed_for_a_second_reading(tesseract: OcrEngine) -> None:
    page = PageText(1, 100, 100, PageSource.OCR, _words([(10, 10, "IDVNM«<<")]))
    assert reread_mrz([page], {}, tesseract) is None
    assert reread_mrz([page], {1: Image.new("L", (100, 100), 255)}, FakeEngine()) is None


def test_id_digits_in_boxes_are_read_again_without_the_box_walls(
    tmp_path: Path, tesseract: OcrEngine
) -> None:
    from extractors.boxed_digits import reread_boxed_ids
    from extractors.confidence import REVIEW_THRESHOLD
    from extractors.fields.application_form import APPLICANT

    # The CT01 form (residence change) prints both IDs one digit per box; seed 5's first
    # application form is one (the numbers: the generator's truth).
    infos = generate(tmp_path, count=1, seed=5, noise="light", types=["application_form"],
                     formats=["png"])  # fmt: skip
    info = infos[0]
    assert "head_of_household_id_number" in info.truth_path.read_text("utf-8")
    truth = json.loads(info.truth_path.read_text("utf-8"))["fields"]
    pages, images = [], {}
    for page, image in read_document(info.path, ReadOptions(), tesseract):
        pages.append(page)
        images[page.number] = image
    # The box walls read as "1", "|" and "/" between the digits: spoil the first reading so.
    page = pages[0]
    walls = tuple(
        replace(w, text="|0/3 6 17.24") if w.text.replace(" ", "") == truth["id_number"] else w
        for w in page.words
    )
    pages = [replace(page, words=walls)]
    first = extract(pages, sha256="0" * 64, today=TODAY)
    assert first.value("id_number") != truth["id_number"]  # so the second reading must find it

    def again(better):
        return extract(better, sha256="0" * 64, hint="application_form", today=TODAY)

    result = reread_boxed_ids(first, pages, images, tesseract, APPLICANT, again)
    assert result.value("id_number") == truth["id_number"]
    assert result.value("head_of_household_id_number") == truth["head_of_household_id_number"]
    # Digits in boxes are often handwritten and nothing checks them: always for a steward.
    assert result.field("id_number").confidence < REVIEW_THRESHOLD


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Áp 2, Xã Phú Hòa, Huyện Kim Bảng", "Ấp 2, Xã Phú Hòa, Huyện Kim Bảng"),
        ("Số 49, ngỏ 333 Trần Hưng Đạo", "Số 49, ngõ 333 Trần Hưng Đạo"),
        ("Tổ dán phố 8, Phường Lê Lợi", "Tổ dân phố 8, Phường Lê Lợi"),
        # Words that fold to a unit but are names or other words are left alone.
        ("Số 5, Tô Hiến Thành", "Số 5, Tô Hiến Thành"),
        ("Sở Tư pháp, Ban Quản lý dự án", "Sở Tư pháp, Ban Quản lý dự án"),
    ],
)
def test_address_unit_words_get_their_marks(text: str, want: str) -> None:
    from extractors.data.places import restore_address_units

    assert restore_address_units(text)[0] == want


def test_a_longer_phrase_settles_its_words_before_a_shorter_one() -> None:
    # "đuôi" and "dưới" fold alike: inside "đuôi mày" the word stays "đuôi".
    text = "Sẹo chấm C:3cm dưới trước đuôi mày trái"
    assert restore_phrases(text, ("dưới", "đuôi mày")) == (text, False)


@pytest.mark.parametrize("text", ["Tịnh Phong, Sơn Tịnh, Quảng Ngãi", "Quán Toan, Hồng Bàng"])
def test_place_names_that_fold_like_a_unit_are_left_alone(text: str) -> None:
    from extractors.data.places import restore_address_units

    assert restore_address_units(text) == (text, False)
