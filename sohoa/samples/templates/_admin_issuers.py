"""Who issues an administrative document: the header's printed lines, the truth's issuer and
parent, the symbol's abbreviation, the date line's place, the head's title and the seal's text.

`any_issuer` is the mix the template always drew (People's Committees of provinces, districts and
communes; provincial departments under "UBND TỈNH …"). With conditions, `real_issuer` draws a
single body (a People's Committee or a ministry) or, for ``two_line_issuer``, a body under its
parent: a department, a district office, a university under the Ministry of Education, a hospital
under the provincial health department, a provincial tax department under the General Department
of Taxation (before 03/2025). A lower block too wide for the header column wraps over two lines,
as printed headers do."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from sohoa.samples import data
from sohoa.samples.layout import text_width, wrap_balanced

NEW_ERA = date(2025, 7, 1)
TAX_REFORM = date(2025, 3, 1)  # the General Department of Taxation became a department [U]
# The left header column holds ~430 px before the national motto starts: a block wider than that
# wraps (a parent line is shrunk to fit instead).
HEADER_FONT, HEADER_SIZE, HEADER_WIDTH = "serif_bold", 34, 430


@dataclass(frozen=True)
class Issuer:
    header: tuple[tuple[str, bool], ...]  # printed lines (text, bold)
    name: str  # the truth: "Ủy ban nhân dân tỉnh Quảng Ngãi"; under a parent, "Sở Tài chính"
    abbr: str  # in the symbol: UBND, STC, …
    place: str  # the date line's place name
    unit_phrase: str  # "tỉnh Quảng Ngãi", "huyện Sơn Tịnh" (for body text)
    committee: bool  # a People's Committee (vs a department)
    head_title: str  # CHỦ TỊCH | GIÁM ĐỐC
    dept_name: str = ""
    parent: str | None = None  # the upper line as printed, sentence case: "UBND tỉnh Quảng Ngãi"
    full_name: str = ""  # as the body names it: "Sở Tài chính tỉnh Quảng Ngãi" (default: name)
    head_line: str = ""  # a decision's "GIÁM ĐỐC SỞ TÀI CHÍNH" (default: from head_title)
    seal_ring: str = ""  # the seal's ring text (default: the header in one line)
    seal_centre: tuple[str, ...] = ()  # the seal's middle (empty: the emblem's star)
    academic: tuple[str, ...] = ()  # titles signers print before their names ("PGS.TS.")
    recipients: tuple[str, ...] = ()  # a công văn's "Kính gửi" (default: by the issuer's kind)

    @property
    def body_name(self) -> str:
        return self.full_name or self.name

    @property
    def ring(self) -> str:
        return self.seal_ring or " ".join(text for text, _ in self.header)


def seal_lines(text: str, width: int = 12) -> tuple[str, ...]:
    """A body's name over up to three short lines for the middle of its seal."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return tuple(lines[:3])


def _lower_block(name_upper: str) -> tuple[tuple[str, bool], ...]:
    """The issuing body's line, bold, wrapped over two lines when the column is too narrow."""
    if text_width(name_upper, HEADER_FONT, HEADER_SIZE) <= HEADER_WIDTH:
        return ((name_upper, True),)
    lines = wrap_balanced(name_upper, HEADER_FONT, HEADER_SIZE, HEADER_WIDTH)
    return tuple((line, True) for line in lines)


def _unit_lower(kind_word: str, name: str) -> str:
    return f"{kind_word} {name}"


def _province(rng: random.Random, issued: date) -> data.Province:
    if issued >= NEW_ERA:
        return rng.choice(data.PROVINCES_34)[0]
    return rng.choice(data.PROVINCES_63)


def _prov_phrase(province: data.Province) -> str:
    return f"{'thành phố' if province.city else 'tỉnh'} {province.name}"


def any_issuer(rng: random.Random, issued: date) -> Issuer:
    """The mix drawn without conditions (unchanged draws, so existing seeds keep their pages)."""
    new_era = issued >= NEW_ERA
    province = _province(rng, issued)
    prov_phrase = _prov_phrase(province)
    r = rng.random()
    if r < 0.35:  # provincial People's Committee
        return _provincial_committee(province)
    if r < 0.55:  # district (before 07/2025) or commune
        return _local_committee(rng, province, new_era)
    depts = [d for d in data.DEPARTMENTS if (d[3] if new_era else d[2])]
    dept, abbr, _, _ = rng.choice(depts)
    return Issuer(
        header=((f"UBND {prov_phrase.upper()}", False), (dept.upper(), True)),
        name=dept,
        abbr=abbr,
        place=province.place_name,
        unit_phrase=prov_phrase,
        committee=False,
        head_title="GIÁM ĐỐC",
        dept_name=dept,
        parent=f"UBND {prov_phrase}",
        full_name=f"{dept} {prov_phrase}",
        seal_ring=f"UBND {prov_phrase.upper()}",
        seal_centre=seal_lines(dept.upper()),
    )


def _provincial_committee(province: data.Province) -> Issuer:
    prov_phrase = _prov_phrase(province)
    return Issuer(
        header=(("ỦY BAN NHÂN DÂN", True), (prov_phrase.upper(), True)),
        name=f"Ủy ban nhân dân {prov_phrase}",
        abbr="UBND",
        place=province.place_name,
        unit_phrase=prov_phrase,
        committee=True,
        head_title="CHỦ TỊCH",
    )


def _local_committee(rng: random.Random, province: data.Province, new_era: bool) -> Issuer:
    if not new_era and any(d.startswith("Huyện") for d in province.districts):
        unit = rng.choice([d for d in province.districts if d.startswith("Huyện")])
        word, short = "huyện", unit.split(" ", 1)[1]
    else:
        word, short = "xã", rng.choice(data.COMMUNE_NAMES)
    phrase = _unit_lower(word, short)
    return Issuer(
        header=(("ỦY BAN NHÂN DÂN", True), (phrase.upper(), True)),
        name=f"Ủy ban nhân dân {phrase}",
        abbr="UBND",
        place=short,
        unit_phrase=phrase,
        committee=True,
        head_title="CHỦ TỊCH",
    )


# --- with conditions ----------------------------------------------------------------------------

MINISTRIES = (("Bộ Nội vụ", "BNV"), ("Bộ Tài chính", "BTC"), ("Bộ Tư pháp", "BTP"),
              ("Bộ Y tế", "BYT"), ("Bộ Giáo dục và Đào tạo", "BGDĐT"), ("Bộ Xây dựng", "BXD"),
              ("Bộ Công Thương", "BCT"), ("Bộ Khoa học và Công nghệ", "BKHCN"))  # fmt: skip
# Universities under the Ministry of Education: (name, symbol, date-line place before and from
# 07/2025)
UNIVERSITIES = (
    ("Trường Đại học Sư phạm Hà Nội", "ĐHSPHN", "Hà Nội", "Hà Nội"),
    ("Trường Đại học Cần Thơ", "ĐHCT", "Cần Thơ", "Cần Thơ"),
    ("Trường Đại học Vinh", "ĐHV", "Nghệ An", "Nghệ An"),
    ("Trường Đại học Quy Nhơn", "ĐHQN", "Bình Định", "Gia Lai"),
    ("Trường Đại học Đà Lạt", "ĐHĐL", "Lâm Đồng", "Lâm Đồng"),
    ("Trường Đại học Tây Nguyên", "ĐHTN", "Đắk Lắk", "Đắk Lắk"),
    ("Trường Đại học Nha Trang", "ĐHNT", "Khánh Hòa", "Khánh Hòa"),
    ("Trường Đại học Mỏ - Địa chất", "ĐHMĐC", "Hà Nội", "Hà Nội"),
)
DISTRICT_OFFICES = (("Phòng Nội vụ", "PNV"), ("Phòng Tài chính - Kế hoạch", "TCKH"),
                    ("Phòng Giáo dục và Đào tạo", "PGDĐT"),
                    ("Phòng Tài nguyên và Môi trường", "TNMT"),
                    ("Phòng Lao động - Thương binh và Xã hội", "LĐTBXH"))  # fmt: skip


def _initials(name: str) -> str:
    return "".join(w[0] for w in name.split()).upper()


def real_issuer(rng: random.Random, issued: date, *, two_line: bool) -> Issuer:
    """A single body, or (`two_line`) a body printed under its parent."""
    province = _province(rng, issued)
    new_era = issued >= NEW_ERA
    if not two_line:
        r = rng.random()
        if r < 0.5:
            return _provincial_committee(province)
        if r < 0.85:
            return _local_committee(rng, province, new_era)
        name, abbr = rng.choice(MINISTRIES)
        return Issuer(header=((name.upper(), True),), name=name, abbr=abbr, place="Hà Nội",
                      unit_phrase=name, committee=False, head_title="BỘ TRƯỞNG",
                      head_line=f"BỘ TRƯỞNG {name.upper()}", seal_ring=name.upper(),
                      recipients=("Ủy ban nhân dân các tỉnh, thành phố;",
                                  "Các bộ, cơ quan ngang bộ."))  # fmt: skip
    prov_phrase = _prov_phrase(province)
    r = rng.random()
    districts = [d for d in province.districts if d.startswith("Huyện")]
    if r < 0.15 and not new_era and districts:
        district = rng.choice(districts).split(" ", 1)[1]
        office, abbr = rng.choice(DISTRICT_OFFICES)
        parent = f"UBND huyện {district}"
        return Issuer(
            header=((parent.upper(), False),
                    *_lower_block(office.upper())),
            name=office, abbr=abbr, place=district, unit_phrase=f"{office} huyện {district}",
            committee=False, head_title="TRƯỞNG PHÒNG", parent=parent,
            full_name=f"{office} huyện {district}",
            head_line=f"TRƯỞNG {office.upper()}", seal_ring=parent.upper(),
            seal_centre=seal_lines(office.upper()),
            recipients=("Ủy ban nhân dân các xã, thị trấn",),
        )  # fmt: skip
    if r < 0.35:
        name, abbr, before, after = rng.choice(UNIVERSITIES)
        return Issuer(
            header=(("BỘ GIÁO DỤC VÀ ĐÀO TẠO", False), *_lower_block(name.upper())),
            name=name, abbr=abbr, place=after if new_era else before, unit_phrase=name,
            committee=False, head_title="HIỆU TRƯỞNG", parent="Bộ Giáo dục và Đào tạo",
            head_line=f"HIỆU TRƯỞNG {name.upper()}", seal_ring="BỘ GIÁO DỤC VÀ ĐÀO TẠO",
            seal_centre=seal_lines(name.upper().replace("TRƯỜNG ", "")),
            academic=("PGS.TS.", "TS.", "GS.TS.", "ThS."),
            recipients=("Các đơn vị thuộc Trường",),
        )  # fmt: skip
    if r < 0.47:
        name = f"Bệnh viện Đa khoa {prov_phrase}"
        parent = f"Sở Y tế {prov_phrase}"
        return Issuer(
            header=((parent.upper(), False), *_lower_block(name.upper())),
            name=name, abbr="BVĐK", place=province.place_name, unit_phrase=name,
            committee=False, head_title="GIÁM ĐỐC", parent=parent,
            head_line=f"GIÁM ĐỐC {name.upper()}", seal_ring=name.upper(),
            academic=("BSCKII.", "TS.BS.", "ThS.BS."),
            recipients=("Các khoa, phòng thuộc Bệnh viện",),
        )  # fmt: skip
    if r < 0.57 and issued < TAX_REFORM:
        name = f"Cục Thuế {prov_phrase}"
        return Issuer(
            header=(("TỔNG CỤC THUẾ", False), *_lower_block(name.upper())),
            name=name, abbr=f"CT{_initials(province.name)}", place=province.place_name,
            unit_phrase=name, committee=False, head_title="CỤC TRƯỞNG",
            parent="Tổng cục Thuế", head_line=f"CỤC TRƯỞNG {name.upper()}",
            seal_ring="TỔNG CỤC THUẾ", seal_centre=seal_lines(name.upper()),
            recipients=("Các doanh nghiệp trên địa bàn",),
        )  # fmt: skip
    new_depts = [d for d in data.DEPARTMENTS if (d[3] if new_era else d[2])]
    dept, abbr, _, _ = rng.choice(new_depts)
    full_parent = rng.random() < 0.2
    parent = f"{'Ủy ban nhân dân' if full_parent else 'UBND'} {prov_phrase}"
    parent_upper = f"{'ỦY BAN NHÂN DÂN' if full_parent else 'UBND'} {prov_phrase.upper()}"
    return Issuer(
        header=((parent_upper, False), *_lower_block(dept.upper())),
        name=dept, abbr=abbr, place=province.place_name, unit_phrase=prov_phrase,
        committee=False, head_title="GIÁM ĐỐC", dept_name=dept, parent=parent,
        full_name=f"{dept} {prov_phrase}", seal_ring=f"UBND {prov_phrase.upper()}",
        seal_centre=seal_lines(dept.upper()),
    )  # fmt: skip
