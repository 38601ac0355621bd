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


def test_a_wrong_digit_that_is_no_look_alike_is_caught_by_its_check_digit() -> None:
    l1, l2, l3 = _lines()  # birth 850314: "2" is no OCR look-alike of the "0" at position 3
    wrong_birth = l2[:3] + "2" + l2[4:]
    mrz = parse_mrz(l1, wrong_birth, l3)
    assert mrz is not None and not mrz.ok("date_of_birth") and not mrz.ok("composite")
    assert not mrz.corrected and "date_of_birth" not in confirmed_by_mrz(mrz)
    codes = {f.code for f in validate_mrz(mrz)}
    assert {"mrz.check_digit.date_of_birth", "mrz.check_digit.composite"} <= codes
    assert all("MRZ" in f.message for f in validate_mrz(mrz))
    wrong_id = l1[:20] + "2" + l1[21:]  # a digit of the optional ID ("0" there)
    mrz = parse_mrz(wrong_id, l2, l3)
    assert mrz is not None and not mrz.ok("composite") and "id_number" not in confirmed_by_mrz(mrz)


def test_look_alike_slips_are_corrected_by_the_check_digits_but_never_confirmed() -> None:
    l1, l2, l3 = _lines()
    slipped_birth = l2[:3] + "8" + l2[4:]  # 850314 read as 858314 (0 → 8)
    slipped_id = l1[:15] + "6" + l1[16:]  # the ID's first digit (province code 079 → 679)
    for lines in ((l1, slipped_birth, l3), (slipped_id, l2, l3)):
        mrz = parse_mrz(*lines)
        assert mrz is not None and mrz.all_ok and mrz.corrected and mrz.repaired
        assert (mrz.id_number, mrz.date_of_birth) == (ID, "1985-03-14")
        assert confirmed_by_mrz(mrz) == {}  # the check digits chose it: a steward confirms it


def test_two_slips_with_more_than_one_correction_are_left_to_a_steward() -> None:
    # 700523 / 300523 read as 709523 / 360523: two corrections make every check hold, so neither
    # is chosen (a real reading from the bench's heavy-noise cards).
    mrz = parse_mrz("IDVNM0701983462094070198346<<<", "7095233M3605235VNM<<<<<<<<<<<7")
    assert mrz is not None and not mrz.all_ok and not mrz.corrected


def test_card_without_expiry() -> None:
    mrz = parse_mrz(*_lines(expiry=None))
    assert mrz is not None and mrz.no_expiry and mrz.all_ok and mrz.expiry_date is None
    assert confirmed_by_mrz(mrz)["expiry_date"] == "9999-12-31"


def test_text_without_mrz() -> None:
    assert find_mrz(["Nơi cư trú / Place of residence:", "Thôn 3, Xã Tịnh Hà"]) is None
