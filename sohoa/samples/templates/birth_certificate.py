"""Giấy khai sinh (bản chính), the contents of Luật Hộ tịch 2014 Art.14 with the printed labels of
docs/DOMAIN.md §5.3: emblem and national motto, "Số:" / "Quyển số:", the child (name, date of birth
in figures and "ghi bằng chữ" in words, sex, ethnicity, nationality, place of birth, place of
origin, personal ID), the mother's and the father's blocks (name, birth year, ethnicity,
nationality, residence; their personal ID on recent registrations [U]), the declarant, "Nơi đăng ký
khai sinh:" and "Ngày, tháng, năm đăng ký:", and the signature block "NGƯỜI KÝ GIẤY KHAI SINH".

Registrations 2016–2025 (the personal ID has been printed since 2016). The child's ID carries the
registration province's prefix. About one in twelve certificates leave the father's block blank.
From 07/2025 the registering commune is named in the two-tier form ("xã …, tỉnh …")."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sohoa.samples import data
from sohoa.samples.document import Document, Subject
from sohoa.samples.identity import dmy, personal_id, random_date
from sohoa.samples.layout import Page, Rect, text_width, wrap, wrap_address
from sohoa.samples.templates import _a4, _card
from sohoa.samples.words import date_words

NAME = "birth_certificate"
CONDITIONS = frozenset({"stamp_over_signature"})
DOC_TYPE = "birth_certificate"
WEIGHT = 2.0

SERIF, BOLD, ITALIC = _a4.SERIF, _a4.BOLD, _a4.ITALIC
BODY = 32
LEFT, RIGHT = 190, _a4.W - 170
PAPER = (253, 251, 246)
FRAME = (196, 120, 120)
NEW_ERA = date(2025, 7, 1)


def _birth_place(rng: random.Random, province: data.Province, district: str, commune: str) -> str:
    r = rng.random()
    prov = _a4.lower_unit(province.full)
    if r < 0.45:
        return f"Bệnh viện Đa khoa {prov}"
    if r < 0.6 and province.city:
        return f"Bệnh viện Phụ sản {prov}"
    if r < 0.8 and district.startswith("Huyện"):
        return f"Trung tâm Y tế {_a4.lower_unit(district)}, {prov}"
    return f"Trạm Y tế {_a4.lower_unit(commune)}, {_a4.lower_unit(district)}, {prov}"


def _parent_id(rng: random.Random, year: int, sex: str) -> str:
    return personal_id(rng, rng.choice(data.PROVINCES_63).code, date(year, 6, 1), sex)


def build(rng: random.Random, conditions: frozenset[str] | None = None) -> Document:
    """A certificate. With `conditions` (the real level) the seal is a real one over the blue
    signature, or absent."""
    registered = random_date(rng, date(2016, 1, 4), date(2025, 12, 30))
    late = rng.random() < 0.1
    dob = registered - timedelta(days=rng.randint(60, 900) if late else rng.randint(2, 58))
    sex = rng.choice(("male", "female"))
    province = rng.choice(data.PROVINCES_63)
    district = rng.choice(province.districts)
    commune = _a4.commune_of(rng, district, data.COMMUNE_NAMES)
    new_era = registered >= NEW_ERA
    if new_era:
        reg_place = f"Ủy ban nhân dân {_a4.lower_unit(commune)}, " + _a4.lower_unit(
            data.new_province_for(province.code).full
        )
    else:
        reg_place = (
            f"Ủy ban nhân dân {_a4.lower_unit(commune)}, {_a4.lower_unit(district)}, "
            f"{_a4.lower_unit(province.full)}"
        )

    family = data.family_name(rng)
    has_father = rng.random() > 0.08
    child_family = family if has_father else data.family_name(rng)
    child = data.person_name(rng, sex, child_family).upper()
    child_id = personal_id(rng, province.code, dob, sex)
    mother = data.person_name(rng, "female").upper()
    mother_year = dob.year - rng.randint(18, 42)
    father = data.person_name(rng, "male", family).upper()
    father_year = mother_year - rng.randint(-3, 9)
    mother_eth = _a4.ethnicity(rng)
    father_eth = mother_eth if rng.random() < 0.85 else _a4.ethnicity(rng)
    child_eth = father_eth if has_father and rng.random() < 0.7 else mother_eth
    origin_province = province if rng.random() < 0.6 else rng.choice(data.PROVINCES_63)
    origin = data.old_address(rng, origin_province, street=False)
    birth_place = _birth_place(rng, province, district, commune)
    if new_era:
        home = data.new_address(rng, data.new_province_for(province.code))
    else:
        home = data.old_address(rng, province)
    father_home = home if rng.random() < 0.9 else data.old_address(rng, province)
    print_parent_ids = registered.year >= 2021 and rng.random() < 0.6
    mother_id = _parent_id(rng, mother_year, "female") if print_parent_ids else None
    father_id = _parent_id(rng, father_year, "male") if print_parent_ids and has_father else None
    declarant = father if has_father and rng.random() < 0.6 else mother
    number = str(rng.randint(1, 320))
    book = f"{rng.randint(1, 3):02d}/{registered.year}"
    signer = data.person_name(rng, rng.choice(("male", "female")))
    signer_title = rng.choice(("Chủ tịch", "Phó Chủ tịch", "Phó Chủ tịch"))

    page = Page(_a4.W, _a4.H, _a4.DPI, background=PAPER)
    page.add(Rect(80, 80, _a4.W - 80, _a4.H - 80, outline=FRAME, width=6))
    page.add(Rect(98, 98, _a4.W - 98, _a4.H - 98, outline=FRAME, width=2))
    _card.emblem(page, _a4.W / 2 - 70, 150, 140)
    y = _a4.quoc_hieu(page, _a4.W / 2, 350)
    y += 95
    page.text(_a4.W / 2, y, "GIẤY KHAI SINH", BOLD, 56, align="center")
    y += 80
    page.label_value(LEFT, y, "Số:", number, label_font=SERIF, label_size=BODY,
                     value_font=BOLD, value_size=BODY)  # fmt: skip
    page.label_value(LEFT + 800, y, "Quyển số:", book, label_font=SERIF, label_size=BODY,
                     value_font=BOLD, value_size=BODY)  # fmt: skip
    y += 90
    width = RIGHT - LEFT

    def row(label: str, value: str, *, bold: bool = True, address: bool = False) -> None:
        """`label value` wrapping under the value; an empty value leaves the label alone."""
        nonlocal y
        font_v = BOLD if bold else SERIF
        page.text(LEFT, y, label, SERIF, BODY)
        if value:
            lw = text_width(label + " ", SERIF, BODY)
            lines = (wrap_address if address else wrap)(value, font_v, BODY, width - lw)
            page.text(LEFT + lw, y, lines[0], font_v, BODY, join=True)
            for extra in lines[1:]:
                y += BODY * 1.45
                page.text(LEFT + lw, y, extra, font_v, BODY)
        y += BODY * 1.6

    def triple(parts: list[tuple[str, str]]) -> None:
        """Several short `label value` pairs on one line, at fixed tab stops."""
        nonlocal y
        stops = (LEFT, LEFT + 470, LEFT + 900)
        for i, (label, value) in enumerate(parts):
            end = page.text(stops[i], y, label, SERIF, BODY, join=i > 0)
            if value:
                page.text(end + 12, y, value, BOLD, BODY, join=True)
        y += BODY * 1.6

    row("Họ, chữ đệm, tên:", child)
    in_words = date_words(dob)
    row("Ngày, tháng, năm sinh:", dmy(dob))
    y -= BODY * 1.6
    x_words = LEFT + text_width("Ngày, tháng, năm sinh: 00/00/0000", SERIF, BODY) + 60
    end = page.text(x_words, y, "ghi bằng chữ:", SERIF, BODY, join=True)
    words_lines = wrap(in_words, ITALIC, BODY, RIGHT - end - 12)
    page.text(end + 12, y, words_lines[0], ITALIC, BODY, join=True)
    rest = " ".join(words_lines[1:])
    for line in wrap(rest, ITALIC, BODY, width):
        y += BODY * 1.45
        page.text(LEFT, y, line, ITALIC, BODY)
    y += BODY * 1.6
    triple([("Giới tính:", _a4.SEX_VI[sex]), ("Dân tộc:", child_eth), ("Quốc tịch:", "Việt Nam")])
    row("Nơi sinh:", birth_place, address=True)
    row("Quê quán:", origin, address=True)
    row("Số định danh cá nhân:", child_id)
    y += 20

    for who, name, year, eth, nat_home, pid in (
        ("mẹ", mother, mother_year, mother_eth, home, mother_id),
        ("cha", father, father_year, father_eth, father_home, father_id),
    ):
        present = who == "mẹ" or has_father
        row(f"Họ, chữ đệm, tên người {who}:", name if present else "")
        triple(
            [
                ("Năm sinh:", str(year) if present else ""),
                ("Dân tộc:", eth if present else ""),
                ("Quốc tịch:", "Việt Nam" if present else ""),
            ]
        )
        row("Nơi cư trú:", nat_home if present else "", address=True)
        if pid:
            row("Số định danh cá nhân:", pid)
        y += 20

    row("Họ, chữ đệm, tên người đi khai sinh:", declarant)
    row("Nơi đăng ký khai sinh:", reg_place, address=True)
    row("Ngày, tháng, năm đăng ký:", dmy(registered))

    cx = RIGHT - 330
    y += 30
    page.text(cx, y, "NGƯỜI KÝ GIẤY KHAI SINH", BOLD, BODY, align="center")
    page.text(cx, y + 44, "(Ký, ghi rõ họ, chữ đệm, tên, chức vụ, đóng dấu)", ITALIC, 27,
              align="center")  # fmt: skip
    if conditions is None:
        _a4.seal(page, cx - 90, y + 170, 95)
        _a4.signature(page, rng, cx + 20, y + 170)
    else:
        ring = reg_place.split(",")[0].upper()
        stamp = "stamp_over_signature" in conditions
        _a4.sign_and_seal(page, rng, cx, y + 170, stamp=stamp, ring=ring)
    page.text(cx, y + 300, signer_title, SERIF, BODY, align="center")
    page.text(cx, y + 348, signer, BOLD, BODY + 2, align="center")

    fields: dict[str, str | None] = {
        "full_name": child,
        "date_of_birth": dob.isoformat(),
        "date_of_birth_in_words": in_words,
        "sex": sex,
        "ethnicity": child_eth,
        "nationality": "Việt Nam",
        "place_of_birth": birth_place,
        "place_of_origin": origin,
        "id_number": child_id,
        "mother_full_name": mother,
        "mother_birth_year": str(mother_year),
        "mother_ethnicity": mother_eth,
        "mother_nationality": "Việt Nam",
        "mother_residence": home,
    }
    if mother_id:
        fields["mother_id_number"] = mother_id
    if has_father:
        fields.update(
            {
                "father_full_name": father,
                "father_birth_year": str(father_year),
                "father_ethnicity": father_eth,
                "father_nationality": "Việt Nam",
                "father_residence": father_home,
            }
        )
        if father_id:
            fields["father_id_number"] = father_id
    fields.update(
        {
            "declarant_full_name": declarant,
            "registration_number": number,
            "book_number": book,
            "place_of_registration": reg_place,
            "issuer": reg_place,
            "issue_date": registered.isoformat(),
            "signer": signer,
            "signer_title": signer_title,
        }
    )
    subjects = [Subject("child", "person", child_id), Subject("mother", "person", mother_id)]
    if has_father:
        subjects.append(Subject("father", "person", father_id))
    stamped = conditions is None or "stamp_over_signature" in conditions
    return Document(
        DOC_TYPE, page, fields, {}, subjects, conditions=["stamp_over_signature"] if stamped else []
    )
