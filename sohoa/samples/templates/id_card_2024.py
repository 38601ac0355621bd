"""Thẻ căn cước (Law on Identification 2023, issued from 01/7/2024), front or back (docs/DOMAIN.md
§5.2).

The front has no address, origin or expiry; the back has residence, place of birth registration,
issue and expiry dates, the issuer (BỘ CÔNG AN), a QR code and an ICAO TD1 MRZ with 7-3-1 check
digits. Cards issued from 01/7/2025 print the two-tier address of the 34 provinces."""

from __future__ import annotations

import random
from datetime import date

from sohoa.samples import data
from sohoa.samples.document import Document, Subject
from sohoa.samples.identity import card_expiry, dmy, random_date, td1_mrz
from sohoa.samples.layout import RED, wrap_address
from sohoa.samples.templates import _card

NAME = "id_card_2024"
DOC_TYPE = "id_card"
WEIGHT = 2.0

SEX_VI = {"male": "Nam", "female": "Nữ"}
LABEL, VALUE = "cond", "sans_bold"
TINT = (238, 243, 248)


def _front(rng: random.Random, person: _card.Person, name: str) -> Document:
    page, ox, oy = _card.card_page(rng, TINT)
    _card.emblem(page, ox + 42, oy + 34, 128)
    cx = ox + 700
    page.text(cx, oy + 70, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "cond_bold", 32, align="center")
    page.text(cx, oy + 104, "SOCIALIST REPUBLIC OF VIET NAM", "cond", 24, align="center")
    page.text(cx, oy + 190, "CĂN CƯỚC", "sans_bold", 56, color=RED, align="center")
    page.text(cx, oy + 230, "IDENTITY CARD", "sans", 28, color=RED, align="center")
    _card.photo(page, ox + 40, oy + 270, ox + 318, oy + 618)

    x = ox + 350
    y = oy + 300
    page.text(x, y, "Số định danh cá nhân / Personal identification number:", LABEL, 25)
    page.text(x, y + 50, person.id_number, VALUE, 46)
    page.text(x, y + 100, "Họ, chữ đệm và tên khai sinh / Full name:", LABEL, 25)
    page.text(x, y + 146, name, VALUE, 40)
    page.label_value(
        x,
        y + 200,
        "Ngày, tháng, năm sinh / Date of birth:",
        dmy(person.dob),
        label_font=LABEL,
        label_size=25,
        value_size=33,
    )
    page.label_value(
        x,
        y + 252,
        "Giới tính / Sex:",
        SEX_VI[person.sex],
        label_font=LABEL,
        label_size=25,
        value_size=33,
    )
    end = page.text(x + 330, y + 252, "Quốc tịch / Nationality:", LABEL, 25, join=True)
    page.text(end + 12, y + 252, "Việt Nam", VALUE, 33, join=True)
    fields: dict[str, str | None] = {
        "id_number": person.id_number,
        "full_name": name,
        "date_of_birth": person.dob.isoformat(),
        "sex": person.sex,
        "nationality": "Việt Nam",
    }
    return Document(
        DOC_TYPE,
        page,
        fields,
        {"variant": "can_cuoc_2024", "side": "front"},
        [Subject("holder", "person", person.id_number)],
    )


def _back(rng: random.Random, person: _card.Person, name: str, issued: date) -> Document:
    expiry = card_expiry(person.dob, issued)
    if issued >= date(2025, 7, 1):
        residence = data.new_address(rng, data.new_province_for(person.residence_province.code))
    else:
        residence = data.old_address(rng, person.residence_province)
    birth_place = data.old_address(rng, person.birth_province, prefixes=False)
    mrz = td1_mrz(person.id_number, person.dob, person.sex, expiry, name)

    page, ox, oy = _card.card_page(rng, TINT)
    x, width = ox + 40, 860
    y = oy + 70
    page.text(x, y, "Nơi cư trú / Place of residence:", LABEL, 25)
    for line in wrap_address(residence, VALUE, 31, width)[:3]:
        y += 40
        page.text(x, y, line, VALUE, 31)
    y += 50
    page.text(x, y, "Nơi đăng ký khai sinh / Place of birth:", LABEL, 25)
    for line in wrap_address(birth_place, VALUE, 31, width)[:2]:
        y += 40
        page.text(x, y, line, VALUE, 31)
    y += 52
    page.label_value(
        x,
        y,
        "Ngày, tháng, năm cấp / Date of issue:",
        dmy(issued),
        label_font=LABEL,
        label_size=25,
        value_size=31,
    )
    y += 46
    page.label_value(
        x,
        y,
        "Ngày, tháng, năm hết hạn / Date of expiry:",
        dmy(expiry) if expiry else "Không thời hạn",
        label_font=LABEL,
        label_size=25,
        value_size=31,
    )
    _card.qr(page, rng, ox + 1030, oy + 50, 200)
    page.text(ox + 1130, oy + 300, "BỘ CÔNG AN", "sans_bold", 26, align="center")
    page.text(ox + 1130, oy + 332, "MINISTRY OF PUBLIC SECURITY", "cond", 19, align="center")
    my = oy + _card.CARD_H - 150
    for line in mrz:
        page.text(ox + 90, my, line, "mono", 40)
        my += 50
    fields: dict[str, str | None] = {
        "place_of_residence": residence,
        "place_of_birth": birth_place,
        "issue_date": issued.isoformat(),
        "expiry_date": expiry.isoformat() if expiry else None,
        # what the MRZ carries (no diacritics there: the name stays with the front)
        "id_number": person.id_number,
        "date_of_birth": person.dob.isoformat(),
        "sex": person.sex,
        "mrz": "\n".join(mrz),
    }
    return Document(
        DOC_TYPE,
        page,
        fields,
        {"variant": "can_cuoc_2024", "side": "back"},
        [Subject("holder", "person", person.id_number)],
    )


def build(rng: random.Random) -> Document:
    issued = random_date(rng, date(2024, 7, 1), date(2025, 12, 30))
    person = _card.make_person(rng, issued)
    name = person.full_name.upper()
    if rng.random() < 0.5:
        return _front(rng, person, name)
    return _back(rng, person, name, issued)
