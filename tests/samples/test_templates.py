"""Truth of the birth certificate, land certificate, application form and chip-card back templates,
and the Vietnamese number words they print."""

from __future__ import annotations

import json
import random
import re
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from sohoa.samples import generate
from sohoa.samples.data import PROVINCE_BY_CODE
from sohoa.samples.identity import ascii_upper, check_personal_id, dmy, mrz_check
from sohoa.samples.layout import Text, text_width
from sohoa.samples.templates import registry
from sohoa.samples.words import area_words, date_words, number_words

NEW = ("birth_certificate", "land_use_certificate", "application_form", "id_card_chip_back")
PER_TYPE = 8


@pytest.fixture(scope="module")
def samples(tmp_path_factory) -> dict[str, list[dict]]:
    """PER_TYPE clean born-digital samples of each new template (cheap to make)."""
    out = tmp_path_factory.mktemp("new")
    infos = generate(out, count=len(NEW) * PER_TYPE, seed=31, noise="none", types=list(NEW),
                     formats=["pdf_text"])  # fmt: skip
    by: dict[str, list[dict]] = {n: [] for n in NEW}
    for info in infos:
        by[info.template].append(json.loads(info.truth_path.read_text(encoding="utf-8")))
    return by


def _id_matches_year(number: str, year: int, sex: str) -> bool:
    return check_personal_id(number, date(year, 1, 1), sex) and number[:3] in PROVINCE_BY_CODE


def test_number_words() -> None:
    cases = {
        0: "không", 4: "bốn", 10: "mười", 14: "mười bốn", 15: "mười lăm", 21: "hai mươi mốt",
        24: "hai mươi tư", 25: "hai mươi lăm", 105: "một trăm linh năm", 110: "một trăm mười",
        1995: "một nghìn chín trăm chín mươi lăm", 2001: "hai nghìn không trăm linh một",
        2010: "hai nghìn không trăm mười", 2024: "hai nghìn không trăm hai mươi tư",
        1_005_000: "một triệu không trăm linh năm nghìn",
    }  # fmt: skip
    for n, words in cases.items():
        assert number_words(n) == words
    assert date_words(date(2021, 4, 15)) == (
        "Ngày mười lăm, tháng tư, năm hai nghìn không trăm hai mươi mốt"
    )
    assert date_words(date(2005, 1, 1)) == "Ngày một, tháng một, năm hai nghìn không trăm linh năm"
    assert area_words(12050) == "Một trăm hai mươi phẩy năm mét vuông"
    assert area_words(9000) == "Chín mươi mét vuông"
    assert area_words(10005) == "Một trăm phẩy không năm mét vuông"


def test_birth_certificate_truth(samples) -> None:
    fathers = 0
    for t in samples["birth_certificate"]:
        f, lines = t["fields"], t["lines"]
        dob, registered = (
            date.fromisoformat(f["date_of_birth"]),
            date.fromisoformat(f["issue_date"]),
        )
        assert dob <= registered
        assert check_personal_id(f["id_number"], dob, f["sex"])
        assert f["id_number"][:3] in PROVINCE_BY_CODE
        assert f["date_of_birth_in_words"] == date_words(dob)
        assert f["nationality"] == "Việt Nam" and f["ethnicity"]
        assert any(line.startswith(f"Ngày, tháng, năm sinh: {dmy(dob)} ghi bằng chữ:")
                   for line in lines)  # fmt: skip
        assert f"Số: {f['registration_number']}" in lines
        assert f"Quyển số: {f['book_number']}" in lines
        assert f"Ngày, tháng, năm đăng ký: {dmy(registered)}" in lines
        assert f["issuer"].startswith("Ủy ban nhân dân ")
        roles = {s["role"]: s["key"] for s in t["subjects"]}
        assert roles["child"] == f["id_number"]
        assert roles["mother"] == f.get("mother_id_number")
        for parent, sex in (("mother", "female"), ("father", "male")):
            if f.get(f"{parent}_id_number"):
                assert _id_matches_year(
                    f[f"{parent}_id_number"], int(f[f"{parent}_birth_year"]), sex
                )
        if "father_full_name" in f:
            fathers += 1
            assert roles["father"] == f.get("father_id_number")
            assert 12 <= dob.year - int(f["father_birth_year"]) <= 70
        else:
            assert "father" not in roles
        assert 15 <= dob.year - int(f["mother_birth_year"]) <= 50
    assert fathers


def test_land_use_certificate_truth(samples) -> None:
    forms = set()
    for t in samples["land_use_certificate"]:
        f, lines, form = t["fields"], t["lines"], t["attributes"]["form"]
        forms.add(form)
        issued = date.fromisoformat(f["issue_date"])
        assert (form == "tt10_2024") == (issued >= date(2024, 8, 1))
        assert re.fullmatch(r"\d+(\.\d{1,2})?", f["area"]) and float(f["area"]) > 0
        printed_area = f["area"].replace(".", ",") + " m²"
        assert any(printed_area in line for line in lines)
        digits = 6 if form == "tt23_2014" else 8
        assert re.fullmatch(rf"[A-ZĐ]{{2}} \d{{{digits}}}", f["serial_number"])
        assert re.fullmatch(r"C[HS] \d{5}", f["book_number"])
        assert f["parcel_number"].isdigit() and f["map_sheet_number"].isdigit()
        label = "Mục đích sử dụng:" if form == "tt23_2014" else "Loại đất:"
        assert any(label in line and f["land_type"] in line for line in lines)
        owners = [p for p in ("owner", "co_owner") if f.get(f"{p}_full_name")]
        assert [s["role"] for s in t["subjects"]] == ["owner"] * len(owners)
        for p, subject in zip(owners, t["subjects"], strict=True):
            assert subject["key"] == f[f"{p}_id_number"]
            if f[f"{p}_id_number"] is None:
                assert re.fullmatch(r"\d{9}", f[f"{p}_cmnd_number"])
            else:
                year = int(f[f"{p}_birth_year"])
                number = f[f"{p}_id_number"]
                assert number[4:6] == f"{year % 100:02d}" and number[:3] in PROVINCE_BY_CODE
    assert forms == {"tt23_2014", "tt10_2024"}


def test_application_form_truth(samples) -> None:
    kinds = set()
    for t in samples["application_form"]:
        f, lines = t["fields"], t["lines"]
        kinds.add(t["attributes"]["kind"])
        assert set(t["handwritten"]) <= {"day", "month"}
        if "date_of_birth" in f:
            assert check_personal_id(
                f["id_number"], date.fromisoformat(f["date_of_birth"]), f["sex"]
            )
        assert t["subjects"][0] == {"role": "holder", "kind": "person", "key": f["id_number"]}
        assert f["procedure"] and f["addressee"]
        assert any(line.startswith("Kính gửi") and f["addressee"].split(",")[0] in line
                   for line in lines)  # fmt: skip
        issued = date.fromisoformat(f["issued_on"])
        pad = f"{issued.month:02d}" if issued.month <= 2 else str(issued.month)
        assert f"{f['place']}, ngày {issued.day:02d} tháng {pad} năm {issued.year}" in lines
    assert kinds == {"to_khai_cu_tru", "to_khai_khai_sinh", "don_de_nghi"}


def test_chip_card_back_truth(samples) -> None:
    for t in samples["id_card_chip_back"]:
        f, lines = t["fields"], t["lines"]
        assert t["attributes"] == {"variant": "cccd_chip", "side": "back"}
        issued = date.fromisoformat(f["issue_date"])
        assert date(2021, 1, 1) <= issued < date(2024, 7, 1)
        assert f"Ngày, tháng, năm / Date, month, year: {dmy(issued)}" in lines
        assert "Đặc điểm nhận dạng / Personal identification:" in lines
        assert f["personal_identification"] in " ".join(lines)  # may wrap onto two lines
        assert "Ngón trỏ trái" in lines and "Ngón trỏ phải" in lines
        assert "CỤC TRƯỞNG CỤC CẢNH SÁT" in lines
        l1, l2, l3 = f["mrz"].split("\n")
        assert l1.startswith("IDVNM") and mrz_check(l1[5:14]) == l1[14]
        assert l2[0:6] == date.fromisoformat(f["date_of_birth"]).strftime("%y%m%d")
        assert re.fullmatch(r"[A-Z]+<<[A-Z<]+", l3)


@pytest.mark.parametrize("name", NEW)
def test_text_stays_on_the_page(name: str) -> None:
    mod = registry()[name]
    for seed in range(40):
        page = mod.build(random.Random(f"bounds:{seed}")).page
        for op in page.ops:
            if isinstance(op, Text):
                w = text_width(op.text, op.font, op.size)
                left = op.x - {"left": 0, "center": w / 2, "right": w}[op.align]
                assert left >= 30 and left + w <= page.width - 30, (seed, op.text)
                assert 30 <= op.y <= page.height - 60, (seed, op.text)


@pytest.mark.slow  # Tesseract on four A4/card pages, ~15 s
def test_ocr_reads_key_values_of_clean_renders(tmp_path: Path) -> None:
    pytesseract = pytest.importorskip("pytesseract")
    keys = {
        "birth_certificate": ("id_number", "full_name", "registration_number", "book_number"),
        "land_use_certificate": ("serial_number", "parcel_number", "book_number"),
        "application_form": ("full_name",),
        "id_card_chip_back": ("id_number",),
    }
    infos = generate(tmp_path, count=len(NEW), seed=3, noise="none", types=list(NEW),
                     formats=["png"])  # fmt: skip
    for info in infos:
        truth = json.loads(info.truth_path.read_text(encoding="utf-8"))
        text = pytesseract.image_to_string(Image.open(info.path), lang="vie")
        flat = re.sub(r"\s+", "", ascii_upper(text))
        for key in keys[info.template]:
            value = re.sub(r"\s+", "", ascii_upper(truth["fields"][key]))
            assert value in flat, (info.template, key, truth["fields"][key])
        if info.template == "id_card_chip_back":  # the MRZ's second line, with its check digits
            assert truth["fields"]["mrz"].split("\n")[1] in flat
