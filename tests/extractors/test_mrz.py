"""ICAO TD1 MRZ of Vietnamese ID cards: parsing, OCR tolerance, 7-3-1 check digits."""

from __future__ import annotations

from datetime import date

from extractors.mrz import check_digit, find_mrz, parse_mrz
from extractors.validate.mrz import confirmed_by_mrz, validate_mrz
from sohoa.samples.identity import td1_mrz

ID = "079085001234"


def _lines(expiry: date | None = date(2045, 3, 14)) -> list[str]:
    # The sample generator's own TD1 writer: an implementation independent of the parser.
    return td1_mrz(ID, date(1985, 3, 14), "male", expiry, "Nguyễn Văn An")


def test_check_digit_of_the_icao_example() -> None:
    assert check_digit("520727") == "3"  # ICAO 9303 part 3 worked example
    assert check_digit("D23145890") == "7"


def test_valid_mrz_is_read_and_every_check_holds() -> None:
    mrz = parse_mrz(*_lines())
    assert mrz is not None and mrz.all_ok and not mrz.repaired
    assert (mrz.id_number, mrz.document_number) == (ID, ID[-9:])
    assert (mrz.date_of_birth, mrz.sex, mrz.expiry_date) == ("1985-03-14", "male", "2045-03-14")
    assert mrz.name == "NGUYEN VAN AN"
    assert confirmed_by_mrz(mrz) == {
        "id_number": ID,
        "sex": "male",
        "date_of_birth": "1985-03-14",
        "expiry_date": "2045-03-14",
    }
    assert validate_mrz(mrz) == []


def test_ocr_confusions_are_tolerated_and_marked_repaired() -> None:
    l1, l2, l3 = _lines()
    noisy = [
        "T" + l1[1:].replace("0", "O", 2),  # I read as T, zeros as O
        " ".join(l2[i : i + 5] for i in range(0, 30, 5)).replace("<<<<", "«<"),  # spaces, «
        l3,
    ]
    mrz = find_mrz(["CỤC CẢNH SÁT", *noisy])
    assert mrz is not None and mrz.repaired and mrz.all_ok
    assert mrz.id_number == ID and mrz.date_of_birth == "1985-03-14"


def test_one_wrong_digit_is_caught_by_its_check_digit() -> None:
    l1, l2, l3 = _lines()
    wrong_birth = l2[:3] + ("4" if l2[3] != "4" else "5") + l2[4:]
    mrz = parse_mrz(l1, wrong_birth, l3)
    assert mrz is not None and not mrz.ok("date_of_birth") and not mrz.ok("composite")
    assert "date_of_birth" not in confirmed_by_mrz(mrz)
    codes = {f.code for f in validate_mrz(mrz)}
    assert {"mrz.check_digit.date_of_birth", "mrz.check_digit.composite"} <= codes
    assert all("MRZ" in f.message for f in validate_mrz(mrz))
    wrong_id = l1[:20] + ("1" if l1[20] != "1" else "2") + l1[21:]  # a digit of the optional ID
    mrz = parse_mrz(wrong_id, l2, l3)
    assert mrz is not None and not mrz.ok("composite") and "id_number" not in confirmed_by_mrz(mrz)


def test_card_without_expiry() -> None:
    mrz = parse_mrz(*_lines(expiry=None))
    assert mrz is not None and mrz.no_expiry and mrz.all_ok and mrz.expiry_date is None
    assert confirmed_by_mrz(mrz)["expiry_date"] == "9999-12-31"


def test_text_without_mrz() -> None:
    assert find_mrz(["Nơi cư trú / Place of residence:", "Thôn 3, Xã Tịnh Hà"]) is None
