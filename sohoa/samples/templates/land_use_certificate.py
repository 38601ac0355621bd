"""Giấy chứng nhận quyền sử dụng đất (docs/DOMAIN.md §5.5), two forms:

- ``tt23_2014`` — the "sổ hồng" of Circular 23/2014/TT-BTNMT (issued until 07/2024): its pages 1–2
  drawn on one page: title, the serial ("Số phát hành", 2 letters + 6 digits), "I. Người sử dụng
  đất, chủ sở hữu nhà ở và tài sản khác gắn liền với đất" (one owner or a couple, with a 12-digit
  CCCD or, before 2021, often a 9-digit CMND), "II. Thửa đất, …": a) Thửa đất số, tờ bản đồ số,
  b) Địa chỉ, c) Diện tích (with the area in words), d) Hình thức sử dụng, đ) Mục đích sử dụng,
  e) Thời hạn sử dụng, g) Nguồn gốc sử dụng; items 2–6 ("-/-"), date line, signature block and
  "Số vào sổ cấp GCN".
- ``tt10_2024`` — the one-sheet form of Circular 10/2024/TT-BTNMT (from 01/8/2024): "Loại đất"
  replaces "Mục đích sử dụng", "Hình thức sử dụng đất", "Thời hạn", QR code, "Thời điểm đăng ký
  vào sổ địa chính", "Số phát hành Giấy chứng nhận" (2 letters + 8 digits [U]) and "Số vào sổ cấp
  Giấy chứng nhận".

Issuers: the district People's Committee or the provincial Sở Tài nguyên và Môi trường; from
03/2025 Sở Nông nghiệp và Môi trường; from 07/2025 also the commune People's Committee."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from sohoa.samples import data
from sohoa.samples import hand as handwriting
from sohoa.samples.document import Document, Subject
from sohoa.samples.identity import (
    add_years,
    admin_date_words,
    dmy,
    personal_id,
    random_date,
)
from sohoa.samples.layout import Page, Polyline, Rect, text_width, wrap, wrap_address
from sohoa.samples.templates import _a4, _card
from sohoa.samples.words import area_words

NAME = "land_use_certificate"
CONDITIONS = frozenset({"handwritten_day", "handwritten_month", "stamp_over_signature"})
DOC_TYPE = "land_use_certificate"
WEIGHT = 1.5

SERIF, BOLD, ITALIC = _a4.SERIF, _a4.BOLD, _a4.ITALIC
BODY = 31
LEFT, RIGHT = 170, _a4.W - 150
FORM_2024 = date(2024, 8, 1)
NEW_ERA = date(2025, 7, 1)
SERIAL_LETTERS = ("AA", "AB", "BA", "BB", "BY", "CA", "CD", "CH", "CS", "CT", "DA", "DB", "DD")

# (land type as printed, residential?, area range m²)
LAND_TYPES = (
    ("Đất ở tại nông thôn", True, (80, 450)),
    ("Đất ở tại đô thị", True, (40, 220)),
    ("Đất trồng cây lâu năm", False, (300, 4000)),
    ("Đất chuyên trồng lúa nước", False, (400, 3000)),
    ("Đất trồng cây hằng năm khác", False, (300, 2500)),
    ("Đất nuôi trồng thủy sản", False, (500, 5000)),
)
ORIGINS = (
    "Nhà nước giao đất có thu tiền sử dụng đất",
    "Công nhận quyền sử dụng đất như giao đất có thu tiền sử dụng đất",
    "Công nhận quyền sử dụng đất như giao đất không thu tiền sử dụng đất",
    "Nhận chuyển nhượng đất được Nhà nước công nhận quyền sử dụng đất như giao đất có thu tiền "
    "sử dụng đất",
    "Nhận thừa kế đất được Nhà nước giao đất không thu tiền sử dụng đất",
)


@dataclass(frozen=True)
class Owner:
    title: str  # Ông | Bà
    name: str
    birth_year: int
    id_label: str  # CCCD số | CMND số
    id_number: str
    address: str

    @property
    def key(self) -> str | None:
        return self.id_number if len(self.id_number) == 12 else None


def _owner(
    rng: random.Random, sex: str, issued: date, address: str, cmnd: bool, near: int | None = None
) -> Owner:
    """One owner; `near`: a spouse's birth year, so a couple's ages are close."""
    if near is None:
        dob = random_date(rng, date(1945, 1, 1), date(issued.year - 22, 12, 31))
    else:
        year = min(near + rng.randint(-8, 4), issued.year - 20)
        dob = random_date(rng, date(year, 1, 1), date(year, 12, 31))
    name = data.person_name(rng, sex)
    if cmnd:
        label, number = "CMND số", f"{rng.choice((1, 2, 3))}{rng.randint(0, 99_999_999):08d}"
    else:
        label = "CCCD số"
        number = personal_id(rng, rng.choice(data.PROVINCES_63).code, dob, sex)
    return Owner("Ông" if sex == "male" else "Bà", name, dob.year, label, number, address)


def _issuer(
    rng: random.Random, issued: date, province: data.Province, district: str, commune: str
) -> tuple[str, list[str], str, str]:
    """(canonical name, signature lines, date-line place, book prefix)."""
    prov = data.new_province_for(province.code) if issued >= NEW_ERA else province
    prov_phrase = _a4.lower_unit(prov.full)
    if issued >= NEW_ERA and rng.random() < 0.5:
        name = f"Ủy ban nhân dân {_a4.lower_unit(commune)}"
        lines = ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
        return name, lines, commune.split(" ", 1)[1], "CH"
    if issued < FORM_2024 and rng.random() < 0.5 and district.startswith("Huyện"):
        name = f"Ủy ban nhân dân {_a4.lower_unit(district)}"
        lines = ["TM. ỦY BAN NHÂN DÂN", _a4.lower_unit(district).upper(), "KT. CHỦ TỊCH",
                 "PHÓ CHỦ TỊCH"]  # fmt: skip
        return name, lines, district.split(" ", 1)[1], "CH"
    dept = "Sở Nông nghiệp và Môi trường" if issued >= date(2025, 3, 1) else (
        "Sở Tài nguyên và Môi trường"
    )  # fmt: skip
    name = f"{dept} {prov_phrase}"
    lines = [dept.upper(), "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]
    return name, lines, prov.place_name, "CS"


def _area(rng: random.Random, lo: int, hi: int) -> int:
    """An area in dm² (hundredths of m²): whole, one or two decimals."""
    whole = rng.randint(lo, hi)
    r = rng.random()
    if r < 0.5:
        return whole * 100
    if r < 0.85:
        return whole * 100 + rng.randint(1, 9) * 10
    return whole * 100 + rng.randint(1, 99)


def _area_text(dm2: int, sep: str) -> str:
    whole, frac = divmod(dm2, 100)
    if not frac:
        return str(whole)
    return f"{whole}{sep}{f'{frac:02d}'.rstrip('0')}"


def _sketch(page: Page, rng: random.Random, x0: float, y0: float, w: float, h: float,
            parcel: str) -> None:  # fmt: skip
    """The parcel diagram: a slightly irregular quadrilateral with its number and neighbours."""
    page.add(Rect(x0, y0, x0 + w, y0 + h, outline=(90, 90, 90), width=2))
    cx, cy = x0 + w / 2, y0 + h / 2
    pts = (
        (cx - w * rng.uniform(0.25, 0.35), cy - h * rng.uniform(0.25, 0.35)),
        (cx + w * rng.uniform(0.25, 0.35), cy - h * rng.uniform(0.2, 0.35)),
        (cx + w * rng.uniform(0.2, 0.35), cy + h * rng.uniform(0.25, 0.35)),
        (cx - w * rng.uniform(0.2, 0.35), cy + h * rng.uniform(0.2, 0.35)),
    )
    page.add(Polyline(pts, color=(20, 20, 20), width=3, closed=True))
    for ax, ay in pts:  # the neighbours' boundaries
        page.add(Polyline(((ax, ay), (ax + (ax - cx) * 0.25, ay + (ay - cy) * 0.25)),
                          color=(120, 120, 120), width=1))  # fmt: skip
    page.text(cx, cy + 10, parcel, "sans_bold", 30, align="center", record=False)


def build(rng: random.Random, conditions: frozenset[str] | None = None) -> Document:
    """A certificate. With `conditions` (the real level) the day and month of the date line may
    be handwritten and the seal is a real one over the signature (or absent)."""
    if rng.random() < 0.5:
        form, issued = "tt23_2014", random_date(rng, date(2015, 1, 5), date(2024, 7, 31))
    else:
        form, issued = "tt10_2024", random_date(rng, FORM_2024, date(2025, 12, 30))
    province = rng.choice(data.PROVINCES_63)
    district = rng.choice(province.districts)
    commune = _a4.commune_of(rng, district, data.COMMUNE_NAMES)
    if issued >= NEW_ERA:
        new_prov = data.new_province_for(province.code)
        parcel_address = f"{commune}, {new_prov.full}"
    else:
        parcel_address = f"{commune}, {district}, {province.full}"
    if rng.random() < 0.7:
        street = rng.choice(("Thôn", "Xóm", "Tổ dân phố", "Khu phố")) + f" {rng.randint(1, 12)}"
        parcel_address = f"{street}, {parcel_address}"
    land_type, residential, (lo, hi) = rng.choice(LAND_TYPES)
    area = _area(rng, lo, hi)
    parcel = str(rng.randint(1, 1200))
    sheet = str(rng.randint(1, 60))
    usage_form = "Sử dụng riêng" if rng.random() < 0.9 else "Sử dụng chung"
    term = "Lâu dài" if residential else f"Đến ngày {dmy(add_years(issued, 50))}"
    origin = rng.choice(ORIGINS)

    cmnd = form == "tt23_2014" and issued.year < 2021 and rng.random() < 0.6
    owner_home = data.old_address(rng, province) if issued < NEW_ERA else data.new_address(
        rng, data.new_province_for(province.code)
    )  # fmt: skip
    sex = "male" if rng.random() < 0.7 else "female"
    owners = [_owner(rng, sex, issued, owner_home, cmnd)]
    if rng.random() < 0.5:  # a married couple
        other = "female" if sex == "male" else "male"
        owners.append(_owner(rng, other, issued, owner_home, cmnd, owners[0].birth_year))
    issuer, sig_lines, place, book_prefix = _issuer(rng, issued, province, district, commune)
    letters = rng.choice(SERIAL_LETTERS)
    if form == "tt23_2014":
        serial = f"{letters} {rng.randint(0, 999_999):06d}"
    else:
        serial = f"{letters} {rng.randint(0, 99_999_999):08d}"
    book_number = f"{book_prefix} {rng.randint(1, 9999):05d}"
    signer = data.person_name(rng, rng.choice(("male", "male", "female")))
    area_print = _area_text(area, ",")

    page = Page(_a4.W, _a4.H, _a4.DPI, background=(252, 252, 247))
    page.add(Rect(70, 70, _a4.W - 70, _a4.H - 70, outline=(200, 80, 90), width=5))
    width = RIGHT - LEFT
    y = 170

    def row(label: str, value: str, *, address: bool = False, x: float = LEFT) -> None:
        nonlocal y
        lw = text_width(label + " ", SERIF, BODY)
        lines = (wrap_address if address else wrap)(value, BOLD, BODY, RIGHT - x - lw)
        page.text(x, y, label, SERIF, BODY)
        page.text(x + lw, y, lines[0], BOLD, BODY, join=True)
        for extra in lines[1:]:
            y += BODY * 1.4
            page.text(x + lw, y, extra, BOLD, BODY)
        y += BODY * 1.5

    def pair(l1: str, v1: str, l2: str, v2: str, x2: float) -> None:
        nonlocal y
        end = page.text(LEFT, y, l1, SERIF, BODY)
        page.text(end + 12, y, v1, BOLD, BODY, join=True)
        end = page.text(x2, y, l2, SERIF, BODY, join=True)
        page.text(end + 12, y, v2, BOLD, BODY, join=True)
        y += BODY * 1.5

    def owner_block(o: Owner, full: bool) -> None:
        nonlocal y
        name = o.name.upper() if form == "tt23_2014" else o.name
        pair(f"{o.title}:", name, "Năm sinh:", str(o.birth_year), LEFT + 880)
        row(f"{o.id_label}:", o.id_number)
        if full:
            row("Địa chỉ thường trú:", o.address, address=True)

    if form == "tt23_2014":
        _card.emblem(page, _a4.W / 2 - 60, y - 60, 120)
        y = _a4.quoc_hieu(page, _a4.W / 2, y + 110, 32) + 70
        page.text(_a4.W / 2, y, "GIẤY CHỨNG NHẬN", BOLD, 50, color=(200, 30, 35), align="center")
        y += 56
        for line in ("QUYỀN SỬ DỤNG ĐẤT", "QUYỀN SỞ HỮU NHÀ Ở VÀ TÀI SẢN KHÁC GẮN LIỀN VỚI ĐẤT"):
            page.text(_a4.W / 2, y, line, BOLD, 34, color=(200, 30, 35), align="center")
            y += 46
        y += 10
        page.text(RIGHT - 20, y, serial, "sans_bold", 36, align="right")
        y += 70
        head = "I. Người sử dụng đất, chủ sở hữu nhà ở và tài sản khác gắn liền với đất"
        for line in wrap(head, BOLD, BODY, width):
            page.text(LEFT, y, line, BOLD, BODY)
            y += BODY * 1.45
        y += 10
        for i, o in enumerate(owners):
            owner_block(o, i == len(owners) - 1)
        y += 20
        head = "II. Thửa đất, nhà ở và tài sản khác gắn liền với đất"
        page.text(LEFT, y, head, BOLD, BODY)
        y += BODY * 1.6
        page.text(LEFT, y, "1. Thửa đất:", BOLD, BODY)
        y += BODY * 1.55
        pair("a) Thửa đất số:", parcel, "tờ bản đồ số:", sheet, LEFT + 560)
        row("b) Địa chỉ:", parcel_address, address=True)
        row("c) Diện tích:", f"{area_print} m² (Bằng chữ: {area_words(area)})")
        row("d) Hình thức sử dụng:", usage_form)
        row("đ) Mục đích sử dụng:", land_type)
        row("e) Thời hạn sử dụng:", term)
        row("g) Nguồn gốc sử dụng:", origin)
        for item in ("2. Nhà ở:", "3. Công trình xây dựng khác:", "4. Rừng sản xuất là rừng trồng:",
                     "5. Cây lâu năm:", "6. Ghi chú:"):  # fmt: skip
            end = page.text(LEFT, y, item, SERIF, BODY)
            page.text(end + 12, y, "-/-", SERIF, BODY, join=True)
            y += BODY * 1.45
    else:
        _card.qr(page, rng, RIGHT - 190, 130, 170)
        y = _a4.quoc_hieu(page, _a4.W / 2 - 60, y, 32) + 90
        page.text(_a4.W / 2, y, "GIẤY CHỨNG NHẬN", BOLD, 50, color=(200, 30, 35), align="center")
        y += 54
        page.text(_a4.W / 2, y, "QUYỀN SỬ DỤNG ĐẤT, QUYỀN SỞ HỮU TÀI SẢN GẮN LIỀN VỚI ĐẤT", BOLD,
                  32, color=(200, 30, 35), align="center")  # fmt: skip
        y += 80
        head = "1. Người sử dụng đất, chủ sở hữu tài sản gắn liền với đất:"
        page.text(LEFT, y, head, BOLD, BODY)
        y += BODY * 1.55
        for i, o in enumerate(owners):
            owner_block(o, i == len(owners) - 1)
        y += 10
        page.text(LEFT, y, "2. Thông tin thửa đất:", BOLD, BODY)
        y += BODY * 1.55
        pair("Thửa đất số:", parcel, "Tờ bản đồ số:", sheet, LEFT + 560)
        row("Diện tích:", f"{area_print} m² (Bằng chữ: {area_words(area)})")
        row("Loại đất:", land_type)
        row("Hình thức sử dụng đất:", usage_form)
        row("Địa chỉ:", parcel_address, address=True)
        row("Thời hạn:", term)
        row("Nguồn gốc sử dụng:", origin)
        page.text(LEFT, y, "3. Thông tin tài sản gắn liền với đất:", BOLD, BODY)
        y += BODY * 1.55
        row("Tên tài sản gắn liền với đất:", "-/-")
        end = page.text(LEFT, y, "4. Ghi chú:", BOLD, BODY)
        page.text(end + 12, y, "-/-", SERIF, BODY, join=True)
        y += BODY * 1.55
        page.text(LEFT, y, "5. Sơ đồ thửa đất:", BOLD, BODY)
        _sketch(page, rng, LEFT + 40, y + 20, 520, 330, parcel)
        y += 40
        hh, mm = rng.randint(7, 16), rng.randint(0, 59)
        sy = y + 390
        below_sketch = sy + 130
        page.text(LEFT, sy, "Thời điểm đăng ký vào sổ địa chính:", SERIF, 30)
        page.text(LEFT, sy + 42, f"{hh:02d} giờ {mm:02d} phút, ngày {dmy(issued)}", BOLD, 30)
        y = y + 20

    # date line and signature (right), register numbers (bottom left)
    cx = RIGHT - 330
    if form == "tt23_2014":
        y += 40
    written: tuple[str, ...] = ()
    if conditions is None:
        date_line = f"{place}, {admin_date_words(issued)}"
        page.text(cx, y, date_line, ITALIC, 32, align="center")
    else:
        written = tuple(p for p in ("day", "month") if f"handwritten_{p}" in conditions)
        pen = handwriting.pick_hand(rng) if written else None
        _a4.date_line(page, rng, cx, y, place, issued, 32, hand=written, pen=pen)
    sy = y + 50
    for line in sig_lines:
        page.text(cx, sy, line, BOLD, 32, align="center")
        sy += 44
    if conditions is None:
        _a4.seal(page, cx - 90, sy + 90, 95)
        _a4.signature(page, rng, cx + 20, sy + 100)
    else:
        stamp = "stamp_over_signature" in conditions
        _a4.sign_and_seal(page, rng, cx, sy + 100, stamp=stamp, ring=issuer.upper())
    page.text(cx, sy + 240, signer, BOLD, 34, align="center")
    by = sy + 190  # bottom left, beside the signature
    if form == "tt10_2024":
        by = max(by - 50, below_sketch)
    if form == "tt23_2014":
        row_y = by + 50
        end = page.text(LEFT, row_y, "Số vào sổ cấp GCN:", SERIF, BODY)
        page.text(end + 12, row_y, book_number, BOLD, BODY, join=True)
    else:
        end = page.text(LEFT, by, "Số phát hành Giấy chứng nhận:", SERIF, BODY)
        page.text(end + 12, by, serial, "sans_bold", BODY, join=True)
        end = page.text(LEFT, by + 50, "Số vào sổ cấp Giấy chứng nhận:", SERIF, BODY)
        page.text(end + 12, by + 50, book_number, BOLD, BODY, join=True)

    first = owners[0]
    fields: dict[str, str | None] = {
        "owner_full_name": first.name.upper() if form == "tt23_2014" else first.name,
        "owner_birth_year": str(first.birth_year),
        "owner_id_number": first.id_number if first.key else None,
        "owner_address": owners[-1].address,
    }
    if not first.key:
        fields["owner_cmnd_number"] = first.id_number
    if len(owners) > 1:
        co = owners[1]
        fields["co_owner_full_name"] = co.name.upper() if form == "tt23_2014" else co.name
        fields["co_owner_birth_year"] = str(co.birth_year)
        fields["co_owner_id_number"] = co.id_number if co.key else None
        if not co.key:
            fields["co_owner_cmnd_number"] = co.id_number
    fields.update(
        {
            "parcel_number": parcel,
            "map_sheet_number": sheet,
            "address": parcel_address,
            "area": _area_text(area, "."),
            "land_type": land_type,
            "usage_form": usage_form,
            "usage_term": term,
            "origin": origin,
            "serial_number": serial,
            "book_number": book_number,
            "issue_date": issued.isoformat(),
            "place": place,
            "issuer": issuer,
            "signer": signer,
            "signer_title": " ".join(sig_lines),
        }
    )
    shown = [f"handwritten_{p}" for p in written]
    if conditions is None or "stamp_over_signature" in conditions:
        shown.append("stamp_over_signature")
    return Document(
        DOC_TYPE,
        page,
        fields,
        {"form": form},
        [Subject("owner", "person", o.key) for o in owners],
        handwritten=list(written),
        conditions=shown,
    )
