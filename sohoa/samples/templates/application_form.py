"""Application forms a citizen files with a procedure (hồ sơ), filled in:

- ``to_khai_cu_tru`` — TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ (Mẫu CT01, Circular 66/2023/TT-BCA):
  numbered items 1–11, the personal IDs in 12 boxes, the request ("Nội dung đề nghị") naming the
  procedure and the address, the household table, "Ý KIẾN CỦA CHỦ HỘ" and "NGƯỜI KÊ KHAI".
- ``to_khai_khai_sinh`` — TỜ KHAI ĐĂNG KÝ KHAI SINH (Circular 04/2020/TT-BTP): the requester
  (name, residence, identity paper, relation), the child's block, the parents, the declaration,
  "Đề nghị cấp bản sao".
- ``don_de_nghi`` — ĐƠN ĐỀ NGHỊ HƯỞNG TRỢ CẤP THẤT NGHIỆP (Mẫu số 03, Circular 15/2023/TT-BLĐTBXH):
  personal details, social-insurance book number, the end of the labour contract, the declaration.

Each has "Kính gửi:", a date line and a signature area with the applicant's name. In about half
the forms the day and month of the date line are filled in by hand into the pre-printed blanks
(blue, slanted, uneven); the truth lists them under ``handwritten``. With conditions (the ``real``
noise level) the day and month are written when ``handwritten_day`` / ``handwritten_month`` are
on, in a held-out handwriting font (sohoa/samples/hand.py)."""

from __future__ import annotations

import itertools
import random
from datetime import date, timedelta

from sohoa.samples import data
from sohoa.samples import hand as handwriting
from sohoa.samples.document import Document, Subject
from sohoa.samples.identity import dmy, personal_id, random_date
from sohoa.samples.layout import Page, Rect, text_width, wrap, wrap_address
from sohoa.samples.templates import _a4
from sohoa.samples.words import date_words

NAME = "application_form"
CONDITIONS = frozenset({"handwritten_day", "handwritten_month"})
DOC_TYPE = "application_form"
WEIGHT = 2.0

SERIF, BOLD, ITALIC = _a4.SERIF, _a4.BOLD, _a4.ITALIC
BODY = 32
LEFT, RIGHT = 180, _a4.W - 150
KINDS = ("to_khai_cu_tru", "to_khai_khai_sinh", "don_de_nghi")
RESIDENCE_PROCEDURES = (
    "Đăng ký thường trú",
    "Đăng ký tạm trú",
    "Gia hạn tạm trú",
    "Điều chỉnh thông tin về cư trú trong Cơ sở dữ liệu về cư trú",
    "Tách hộ",
)
RELATIONS = ("Chủ hộ", "Vợ", "Chồng", "Con", "Con", "Cháu", "Anh", "Em")
BANKS = ("Vietcombank", "BIDV", "VietinBank", "Agribank", "Techcombank", "MB")
REASONS = (
    "Hết hạn hợp đồng lao động",
    "Người sử dụng lao động đơn phương chấm dứt hợp đồng lao động",
    "Hai bên thỏa thuận chấm dứt hợp đồng lao động",
)
ISSUER_CCCD = "Cục Cảnh sát quản lý hành chính về trật tự xã hội"


class _Writer:
    """A cursor down the page: label/value rows, id boxes, paragraphs."""

    def __init__(self, page: Page, y: float) -> None:
        self.page, self.y = page, y

    def row(self, label: str, value: str, *, x: float = LEFT, address: bool = False,
            step: float = 1.6) -> None:  # fmt: skip
        lw = text_width(label + " ", SERIF, BODY)
        self.page.text(x, self.y, label, SERIF, BODY)
        if value:
            lines = (wrap_address if address else wrap)(value, BOLD, BODY, RIGHT - x - lw)
            self.page.text(x + lw, self.y, lines[0], BOLD, BODY, join=True)
            for extra in lines[1:]:
                self.y += BODY * 1.4
                self.page.text(x + lw, self.y, extra, BOLD, BODY)
        self.y += BODY * step

    def pairs(self, items: list[tuple[str, str]], stops: tuple[float, ...]) -> None:
        for i, (label, value) in enumerate(items):
            end = self.page.text(stops[i], self.y, label, SERIF, BODY, join=i > 0)
            if value:
                self.page.text(end + 12, self.y, value, BOLD, BODY, join=True)
        self.y += BODY * 1.6

    def id_boxes(self, label: str, number: str) -> None:
        """The 12 digits of a personal ID, one per printed box."""
        end = self.page.text(LEFT, self.y, label, SERIF, BODY)
        x, cell = end + 16, 50
        for k, digit in enumerate(number):
            x0 = x + k * cell
            self.page.add(Rect(x0, self.y - 42, x0 + cell, self.y + 14, outline=(110, 110, 110),
                               width=1))  # fmt: skip
            self.page.text(x0 + cell / 2, self.y, digit, BOLD, BODY, align="center",
                           record=False)  # fmt: skip
        self.page.lines[-1] = f"{label} {number}"
        self.y += BODY * 1.8

    def para(self, text: str, font: str = SERIF, *, indent: float = 60) -> None:
        self.y = self.page.paragraph(LEFT, self.y, text, RIGHT - LEFT, font, BODY, indent=indent,
                                     leading=1.4)  # fmt: skip
        self.y += 8


def _header(page: Page, title: str, form_note: tuple[str, ...]) -> _Writer:
    y = 150
    for line in form_note:
        page.text(RIGHT, y, line, ITALIC, 24, align="right")
        y += 32
    y = _a4.quoc_hieu(page, _a4.W / 2, max(y + 50, 220), 32) + 100
    for line in wrap(title, BOLD, 42, RIGHT - LEFT):
        page.text(_a4.W / 2, y, line, BOLD, 42, align="center")
        y += 56
    return _Writer(page, y + 40)


def _addressee(w: _Writer, label: str, addressee: str) -> None:
    end = w.page.text(LEFT + 160, w.y, label, SERIF, BODY)
    for i, line in enumerate(wrap(addressee, BOLD, BODY, RIGHT - end - 14)):
        w.page.text(end + 14, w.y, line, BOLD, BODY, join=i == 0)
        w.y += BODY * 1.4
    w.y += BODY * 0.6


def _signature(
    w: _Writer, rng: random.Random, place: str, filed: date, hand: tuple[str, ...],
    titles: list[tuple[str, str, str | None]], pen: handwriting.Hand | None = None,
) -> None:  # fmt: skip
    """The date line over the rightmost column, then columns of (title, note, name)."""
    cols = len(titles)
    centres = [RIGHT - 330] if cols == 1 else [LEFT + 300, RIGHT - 330]
    w.y += 30
    _a4.date_line(w.page, rng, centres[-1], w.y, place, filed, 30, hand=hand, pen=pen)
    y = w.y + 50
    for cx, (title, note, name) in zip(centres, titles, strict=True):
        w.page.text(cx, y, title, BOLD, BODY, align="center")
        w.page.text(cx, y + 40, note, ITALIC, 26, align="center")
        if name:
            if pen is not None:
                handwriting.signature(w.page, rng, cx, y + 140, 240, pen.ink)
            else:
                _a4.signature(w.page, rng, cx, y + 140, 240)
            w.page.text(cx, y + 250, name, BOLD, BODY, align="center")
    w.y = y + 300


def _phone(rng: random.Random) -> str:
    return f"0{rng.choice((3, 5, 7, 8, 9))}{rng.randint(0, 99_999_999):08d}"


def _person(rng: random.Random, filed: date, lo: int = 18, hi: int = 75):
    sex = rng.choice(("male", "female"))
    dob = random_date(rng, date(filed.year - hi, 1, 1), date(filed.year - lo, 12, 28))
    province = rng.choice(data.PROVINCES_63)
    return sex, dob, data.person_name(rng, sex), personal_id(rng, province.code, dob, sex)


def _cu_tru(
    rng: random.Random, page: Page, filed: date, hand: tuple[str, ...],
    pen: handwriting.Hand | None = None,
):  # fmt: skip
    province = rng.choice(data.PROVINCES_63)
    district = rng.choice(province.districts)
    commune = _a4.commune_of(rng, district, data.COMMUNE_NAMES)
    police = f"Công an {_a4.lower_unit(commune)}"
    if filed >= date(2025, 7, 1):
        province = data.new_province_for(province.code)
        address = _a4.address_in(rng, commune, province.full)
    else:
        address = _a4.address_in(rng, commune, district, province.full)
    sex, dob, name, pid = _person(rng, filed)
    name = name.upper()
    relation = rng.choice(RELATIONS)
    if relation == "Chủ hộ":
        head, head_id = name, pid
    else:
        _, _, head, head_id = _person(rng, filed, 30, 80)
        head = head.upper()
    procedure = rng.choice(RESIDENCE_PROCEDURES)
    phone = _phone(rng)

    w = _header(page, "TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ", (
        "Mẫu CT01 ban hành kèm theo Thông tư số 66/2023/TT-BCA",
        "ngày 17/11/2023 của Bộ trưởng Bộ Công an",
    ))  # fmt: skip
    _addressee(w, "Kính gửi(1):", police)
    w.row("1. Họ, chữ đệm và tên:", name)
    w.pairs([("2. Ngày, tháng, năm sinh:", dmy(dob)), ("3. Giới tính:", _a4.SEX_VI[sex])],
            (LEFT, LEFT + 900))  # fmt: skip
    w.id_boxes("4. Số định danh cá nhân:", pid)
    w.pairs([("5. Số điện thoại liên hệ:", phone), ("6. Email:", "")], (LEFT, LEFT + 900))
    w.row("7. Họ, chữ đệm và tên chủ hộ:", head)
    w.row("8. Mối quan hệ với chủ hộ:", relation)
    w.id_boxes("9. Số định danh cá nhân của chủ hộ:", head_id)
    w.row("10. Nội dung đề nghị(2):", procedure)
    w.row("Địa chỉ:", address, x=LEFT + 60, address=True)
    w.page.text(LEFT, w.y, "11. Những thành viên trong hộ gia đình cùng thay đổi:", SERIF, BODY)
    w.y += 20
    cols = (LEFT, LEFT + 70, LEFT + 470, LEFT + 700, LEFT + 850, LEFT + 1150, RIGHT)
    heads = ("TT", "Họ, chữ đệm và tên", "Ngày sinh", "Giới tính", "Số định danh", "Quan hệ")
    for r in range(3):
        y0 = w.y + r * 56
        for a, b in itertools.pairwise(cols):
            w.page.add(Rect(a, y0, b, y0 + 56, outline=(40, 40, 40), width=2))
    for k, h in enumerate(heads):
        w.page.text((cols[k] + cols[k + 1]) / 2, w.y + 38, h, BOLD, 24, align="center",
                    join=k > 0)  # fmt: skip
    w.y += 3 * 56 + 40
    _signature(w, rng, province.place_name, filed, hand, [
        ("Ý KIẾN CỦA CHỦ HỘ(3)", "(Ghi rõ nội dung, ký, ghi rõ họ tên)", None),
        ("NGƯỜI KÊ KHAI", "(Ký, ghi rõ họ tên)", name),
    ], pen)  # fmt: skip
    fields = {
        "full_name": name,
        "date_of_birth": dob.isoformat(),
        "sex": sex,
        "id_number": pid,
        "phone": phone,
        "head_of_household_full_name": head,
        "relationship_to_head": relation,
        "head_of_household_id_number": head_id,
        "procedure": procedure,
        "place_of_residence": address,
        "addressee": police,
        "place": province.place_name,
    }
    return fields, [Subject("holder", "person", pid)]


def _khai_sinh(
    rng: random.Random, page: Page, filed: date, hand: tuple[str, ...],
    pen: handwriting.Hand | None = None,
):  # fmt: skip
    province = rng.choice(data.PROVINCES_63)
    district = rng.choice(province.districts)
    commune = _a4.commune_of(rng, district, data.COMMUNE_NAMES)
    if filed >= date(2025, 7, 1):
        prov = data.new_province_for(province.code)
        addressee = f"Ủy ban nhân dân {_a4.lower_unit(commune)}, {_a4.lower_unit(prov.full)}"
        home = _a4.address_in(rng, commune, prov.full)
    else:
        addressee = (
            f"Ủy ban nhân dân {_a4.lower_unit(commune)}, {_a4.lower_unit(district)}, "
            f"{_a4.lower_unit(province.full)}"
        )
        home = _a4.address_in(rng, commune, district, province.full)
    family = data.family_name(rng)
    mother_dob = random_date(rng, date(filed.year - 42, 1, 1), date(filed.year - 19, 12, 28))
    mother = data.person_name(rng, "female").upper()
    mother_id = personal_id(rng, rng.choice(data.PROVINCES_63).code, mother_dob, "female")
    fy = mother_dob.year
    father_dob = random_date(rng, date(fy - 8, 1, 1), date(fy + 3, 12, 28))
    father = data.person_name(rng, "male", family).upper()
    father_id = personal_id(rng, rng.choice(data.PROVINCES_63).code, father_dob, "male")
    by_father = rng.random() < 0.5
    name, pid, relation = (father, father_id, "Cha") if by_father else (mother, mother_id, "Mẹ")
    id_issued = random_date(rng, date(2021, 1, 4), filed - timedelta(days=30))
    child_sex = rng.choice(("male", "female"))
    child = data.person_name(rng, child_sex, family).upper()
    child_dob = filed - timedelta(days=rng.randint(2, 58))
    eth = _a4.ethnicity(rng)
    origin = data.old_address(rng, province, street=False)
    birth_place = f"Bệnh viện Đa khoa {_a4.lower_unit(province.full)}"

    w = _header(page, "TỜ KHAI ĐĂNG KÝ KHAI SINH", ())
    _addressee(w, "Kính gửi(1):", addressee)
    w.row("Họ, chữ đệm, tên người yêu cầu:", name)
    w.row("Nơi cư trú(2):", home, address=True)
    w.row("Giấy tờ tùy thân(3):", f"Căn cước công dân số {pid}, cấp ngày {dmy(id_issued)}, "
          f"nơi cấp: {ISSUER_CCCD}")  # fmt: skip
    w.row("Quan hệ với người được khai sinh:", relation)
    w.para("Đề nghị cơ quan đăng ký khai sinh cho người dưới đây:", BOLD, indent=0)
    w.y += 10
    w.row("Họ, chữ đệm, tên:", child)
    w.row("Ngày, tháng, năm sinh:", dmy(child_dob))
    w.row("ghi bằng chữ:", date_words(child_dob))
    stops = (LEFT, LEFT + 470, LEFT + 900)
    w.pairs([("Giới tính:", _a4.SEX_VI[child_sex]), ("Dân tộc:", eth), ("Quốc tịch:", "Việt Nam")],
            stops)  # fmt: skip
    w.row("Nơi sinh(4):", birth_place)
    w.row("Quê quán:", origin, address=True)
    for who, pname, pdob in (("mẹ", mother, mother_dob), ("cha", father, father_dob)):
        w.row(f"Họ, chữ đệm, tên người {who}:", pname)
        w.pairs([("Năm sinh:", str(pdob.year)), ("Dân tộc:", eth), ("Quốc tịch:", "Việt Nam")],
                stops)  # fmt: skip
        w.row("Nơi cư trú:", home, address=True)
    w.para(
        "Tôi cam đoan nội dung đề nghị đăng ký khai sinh trên đây là đúng sự thật, được sự thỏa "
        "thuận nhất trí của các bên liên quan theo quy định pháp luật. Tôi chịu trách nhiệm trước "
        "pháp luật về cam đoan của mình."
    )
    w.y += 10
    copies = rng.randint(1, 3)
    w.page.text(LEFT, w.y, f"Đề nghị cấp bản sao(5): Có ☒, Không ☐; số lượng: {copies:02d} bản",
                "sans", 28)  # fmt: skip
    place = commune.split(" ", 1)[1]
    w.y += 20
    _signature(w, rng, place, filed, hand,
               [("Người yêu cầu", "(Ký, ghi rõ họ, chữ đệm, tên)", name)], pen)  # fmt: skip
    fields = {
        "full_name": name,
        "id_number": pid,
        "place_of_residence": home,
        "relationship": relation,
        "procedure": "Đăng ký khai sinh",
        "child_full_name": child,
        "child_date_of_birth": child_dob.isoformat(),
        "child_sex": child_sex,
        "mother_full_name": mother,
        "father_full_name": father,
        "addressee": addressee,
        "place": place,
    }
    return fields, [Subject("holder", "person", pid), Subject("child", "person", None)]


def _tro_cap(
    rng: random.Random, page: Page, filed: date, hand: tuple[str, ...],
    pen: handwriting.Hand | None = None,
):  # fmt: skip
    province = rng.choice(data.PROVINCES_63)
    prov = data.new_province_for(province.code) if filed >= date(2025, 7, 1) else province
    addressee = f"Trung tâm Dịch vụ việc làm {_a4.lower_unit(prov.full)}"
    sex, dob, name, pid = _person(rng, filed, 20, 58)
    insurance = f"{rng.choice((0, 1, 2, 3, 4, 7, 9))}{rng.randint(0, 999_999_999):09d}"
    phone = _phone(rng)
    if filed >= date(2025, 7, 1):
        home = data.new_address(rng, prov)
    else:
        home = data.old_address(rng, province)
    ended = filed - timedelta(days=rng.randint(5, 80))
    months = rng.randint(12, 180)
    employer = f"Công ty TNHH {rng.choice(('An Phát', 'Minh Quang', 'Hưng Thịnh', 'Sao Việt'))}"

    w = _header(page, "ĐƠN ĐỀ NGHỊ HƯỞNG TRỢ CẤP THẤT NGHIỆP", ("Mẫu số 03",))
    _addressee(w, "Kính gửi:", addressee)
    w.pairs([("Tên tôi là:", name), ("Sinh ngày:", dmy(dob))], (LEFT, LEFT + 900))
    w.row("Giới tính:", _a4.SEX_VI[sex])
    w.row("Số định danh cá nhân/Căn cước công dân:", pid)
    w.row("Số sổ bảo hiểm xã hội:", insurance)
    w.pairs([("Số điện thoại:", phone), ("Địa chỉ email (nếu có):", "")], (LEFT, LEFT + 700))
    w.pairs([("Số tài khoản (ATM nếu có):", f"{rng.randint(10**9, 10**13)}"),
             ("tại ngân hàng:", rng.choice(BANKS))], (LEFT, LEFT + 900))  # fmt: skip
    w.row("Nơi thường trú:", home, address=True)
    w.row("Chỗ ở hiện nay (trường hợp khác nơi thường trú):", "")
    w.para(
        f"Ngày {dmy(ended)}, tôi đã chấm dứt hợp đồng lao động với {employer}. Lý do chấm dứt: "
        f"{rng.choice(REASONS).lower()}. Số tháng đóng bảo hiểm thất nghiệp: {months} tháng."
    )
    w.para(
        "Tôi đề nghị được hưởng trợ cấp thất nghiệp theo quy định. Tôi cam đoan nội dung ghi trên "
        "là hoàn toàn đúng sự thật, nếu sai tôi xin chịu trách nhiệm trước pháp luật."
    )
    w.y += 20
    _signature(w, rng, prov.place_name, filed, hand,
               [("Người đề nghị", "(Ký, ghi rõ họ tên)", name)], pen)  # fmt: skip
    fields = {
        "full_name": name,
        "date_of_birth": dob.isoformat(),
        "sex": sex,
        "id_number": pid,
        "social_insurance_number": insurance,
        "phone": phone,
        "place_of_residence": home,
        "procedure": "Hưởng trợ cấp thất nghiệp",
        "addressee": addressee,
        "place": prov.place_name,
    }
    return fields, [Subject("holder", "person", pid)]


def build(rng: random.Random, conditions: frozenset[str] | None = None) -> Document:
    kind = rng.choice(KINDS)
    filed = random_date(rng, date(2024, 1, 2), date(2025, 12, 30))
    hand: tuple[str, ...] = ()
    if rng.random() < 0.5:
        hand = ("day", "month") if rng.random() < 0.5 else ("day",)
    pen = None
    if conditions is not None:  # the conditions say what was written, in a held-out hand
        hand = tuple(p for p in ("day", "month") if f"handwritten_{p}" in conditions)
        pen = handwriting.pick_hand(rng) if hand else None
    page = Page(_a4.W, _a4.H, _a4.DPI)
    make = {"to_khai_cu_tru": _cu_tru, "to_khai_khai_sinh": _khai_sinh, "don_de_nghi": _tro_cap}
    fields, subjects = make[kind](rng, page, filed, hand, pen)
    fields["issued_on"] = filed.isoformat()
    return Document(
        DOC_TYPE,
        page,
        dict(fields),
        {"kind": kind},
        subjects,
        handwritten=list(hand),
        conditions=[f"handwritten_{p}" for p in hand],
    )
