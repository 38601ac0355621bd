"""Chip CCCD (căn cước công dân gắn chip, issued 2021 – 06/2024), front side (docs/DOMAIN.md
§5.1)."""

from __future__ import annotations

import random
from datetime import date

from sohoa.samples import data
from sohoa.samples.document import Document, Subject
from sohoa.samples.identity import card_expiry, dmy, random_date
from sohoa.samples.layout import RED, wrap_address
from sohoa.samples.templates import _card

NAME = "id_card_chip"
DOC_TYPE = "id_card"
WEIGHT = 3.0

SEX_VI = {"male": "Nam", "female": "Nữ"}
LABEL = "cond"
VALUE = "sans_bold"


def build(rng: random.Random) -> Document:
    issued = random_date(rng, date(2021, 1, 4), date(2024, 6, 28))
    person = _card.make_person(rng, issued)
    expiry = card_expiry(person.dob, issued)
    name_printed = person.full_name.upper()
    origin = data.old_address(rng, person.origin_province, prefixes=False)
    residence = data.old_address(rng, person.residence_province)

    page, ox, oy = _card.card_page(rng, (246, 243, 232))
    _card.emblem(page, ox + 42, oy + 34, 128)
    _card.qr(page, rng, ox + 1086, oy + 34, 150)
    cx = ox + 690
    page.text(cx, oy + 62, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "cond_bold", 31, align="center")
    page.text(cx, oy + 94, "SOCIALIST REPUBLIC OF VIET NAM", "cond", 23, align="center")
    page.text(cx, oy + 128, "Độc lập - Tự do - Hạnh phúc", "cond_bold", 28, align="center")
    page.text(cx, oy + 158, "Independence - Freedom - Happiness", "cond", 23, align="center")
    page.text(cx, oy + 240, "CĂN CƯỚC CÔNG DÂN", "sans_bold", 50, color=RED, align="center")
    page.text(cx, oy + 278, "Citizen Identity Card", "sans", 27, color=RED, align="center")

    _card.photo(page, ox + 40, oy + 250, ox + 318, oy + 598)

    x = ox + 350
    width = ox + _card.CARD_W - 40 - x
    page.label_value(
        x, oy + 340, "Số / No.:", person.id_number, label_font=LABEL, label_size=27, value_size=46
    )
    page.text(x, oy + 390, "Họ và tên / Full name:", LABEL, 26)
    page.text(x, oy + 438, name_printed, VALUE, 40)
    page.label_value(
        x,
        oy + 488,
        "Ngày sinh / Date of birth:",
        dmy(person.dob),
        label_font=LABEL,
        label_size=26,
        value_size=33,
    )
    page.label_value(
        x,
        oy + 534,
        "Giới tính / Sex:",
        SEX_VI[person.sex],
        label_font=LABEL,
        label_size=26,
        value_size=33,
    )
    end = page.text(x + 360, oy + 534, "Quốc tịch / Nationality:", LABEL, 26, join=True)
    page.text(end + 12, oy + 534, "Việt Nam", VALUE, 33, join=True)
    y = oy + 580
    page.text(x, y, "Quê quán / Place of origin:", LABEL, 26)
    for line in wrap_address(origin, VALUE, 30, width):
        y += 38
        page.text(x, y, line, VALUE, 30)
    y += 44
    page.text(x, y, "Nơi thường trú / Place of residence:", LABEL, 26)
    for line in wrap_address(residence, VALUE, 30, width)[:3]:
        y += 38
        page.text(x, y, line, VALUE, 30)

    page.text(ox + 30, oy + 650, "Có giá trị đến / Date of expiry:", LABEL, 21)
    page.text(ox + 40, oy + 694, dmy(expiry) if expiry else "Không thời hạn", VALUE, 30)

    fields: dict[str, str | None] = {
        "id_number": person.id_number,
        "full_name": name_printed,
        "date_of_birth": person.dob.isoformat(),
        "sex": person.sex,
        "nationality": "Việt Nam",
        "place_of_origin": origin,
        "place_of_residence": residence,
        "expiry_date": expiry.isoformat() if expiry else None,
    }
    return Document(
        doc_type=DOC_TYPE,
        page=page,
        fields=fields,
        attributes={"variant": "cccd_chip", "side": "front"},
        subjects=[Subject("holder", "person", person.id_number)],
    )
