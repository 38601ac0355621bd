"""Giấy chứng nhận đăng ký doanh nghiệp (docs/DOMAIN.md §5.4), page 1, with a valid 10-digit
enterprise code (the MST check digit of §3). Issued by the business registration office of the
provincial Sở Kế hoạch và Đầu tư (before 03/2025) or Sở Tài chính (after)."""

from __future__ import annotations

import random
from datetime import date

from sohoa.samples import data
from sohoa.samples.document import Document, Subject
from sohoa.samples.identity import (
    admin_date_words,
    ascii_upper,
    dmy,
    enterprise_code,
    personal_id,
    random_date,
)
from sohoa.samples.layout import Page, text_width, wrap, wrap_address

NAME = "enterprise_registration"
DOC_TYPE = "enterprise_registration"
WEIGHT = 1.5

W, H, DPI = 1654, 2339, 200
LEFT, RIGHT = 200, 1654 - 150
SERIF, BOLD, ITALIC = "serif", "serif_bold", "serif_italic"
BODY = 34

# Province → the 2-digit prefix tax offices use (a tax-office code, not the admin code) [U: from
# memory].
TAX_PREFIX = {
    "Hà Nội": "01",
    "Hải Phòng": "02",
    "Hồ Chí Minh": "03",
    "Đà Nẵng": "04",
    "Cần Thơ": "18",
    "Thanh Hóa": "28",
    "Nghệ An": "29",
    "Đồng Nai": "36",
    "Bình Dương": "37",
    "Khánh Hòa": "42",
    "Quảng Ngãi": "43",
    "Bắc Ninh": "23",
}
FORMS = (
    ("CÔNG TY TRÁCH NHIỆM HỮU HẠN MỘT THÀNH VIÊN", "CÔNG TY TNHH", "COMPANY LIMITED", "CO., LTD"),
    (
        "CÔNG TY TRÁCH NHIỆM HỮU HẠN HAI THÀNH VIÊN TRỞ LÊN",
        "CÔNG TY TNHH",
        "COMPANY LIMITED",
        "CO., LTD",
    ),
    ("CÔNG TY CỔ PHẦN", "CÔNG TY CỔ PHẦN", "JOINT STOCK COMPANY", "JSC"),
)
SECTORS = (
    ("THƯƠNG MẠI DỊCH VỤ", "TRADING SERVICE"),
    ("XÂY DỰNG", "CONSTRUCTION"),
    ("ĐẦU TƯ VÀ PHÁT TRIỂN", "INVESTMENT AND DEVELOPMENT"),
    ("CÔNG NGHỆ", "TECHNOLOGY"),
    ("VẬN TẢI", "TRANSPORT"),
    ("SẢN XUẤT VÀ THƯƠNG MẠI", "MANUFACTURING AND TRADING"),
    ("NÔNG SẢN", "AGRICULTURAL PRODUCTS"),
)
BRANDS = (
    "AN PHÁT",
    "HÒA BÌNH",
    "MINH QUANG",
    "THÀNH ĐẠT",
    "PHÚC LỘC",
    "HƯNG THỊNH",
    "SAO VIỆT",
    "ĐẠI NAM",
    "TÂN TIẾN",
    "VẠN XUÂN",
    "BÌNH MINH",
    "HOÀNG GIA",
    "TRƯỜNG AN",
    "NGỌC LINH",
)
CAPITAL = {
    500_000_000: "Năm trăm triệu đồng",
    1_000_000_000: "Một tỷ đồng",
    2_000_000_000: "Hai tỷ đồng",
    3_500_000_000: "Ba tỷ năm trăm triệu đồng",
    5_000_000_000: "Năm tỷ đồng",
    10_000_000_000: "Mười tỷ đồng",
    50_000_000_000: "Năm mươi tỷ đồng",
}
SEX_VI = {"male": "Nam", "female": "Nữ"}
DEPT_NAMES = {"SỞ TÀI CHÍNH": "Sở Tài chính", "SỞ KẾ HOẠCH VÀ ĐẦU TƯ": "Sở Kế hoạch và Đầu tư"}
OFFICE_NAMES = {
    "PHÒNG ĐĂNG KÝ KINH DOANH": "Phòng Đăng ký kinh doanh",
    "PHÒNG ĐĂNG KÝ KINH DOANH VÀ TÀI CHÍNH DOANH NGHIỆP": (
        "Phòng Đăng ký kinh doanh và Tài chính doanh nghiệp"
    ),
}


def _money(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def build(rng: random.Random) -> Document:
    first = random_date(rng, date(2012, 1, 3), date(2025, 12, 30))
    changes = rng.choice((0, 0, 1, 2, 3))
    last = random_date(rng, first, date(2025, 12, 30)) if changes else first
    prov_name = rng.choice(sorted(TAX_PREFIX))
    province = next(p for p in data.PROVINCES_63 if p.name == prov_name)
    code = enterprise_code(rng, TAX_PREFIX[prov_name])
    form, short_form, en_form, en_abbr = rng.choice(FORMS)
    sector, en_sector = rng.choice(SECTORS)
    brand = rng.choice(BRANDS)
    company = f"{short_form} {sector} {brand}"
    company_en = f"{ascii_upper(brand)} {en_sector} {en_form}"
    company_abbr = f"{ascii_upper(brand).replace(' ', '')} {en_abbr}"
    address = (
        data.old_address(rng, province)
        if last < date(2025, 7, 1)
        else data.new_address(rng, data.new_province_for(province.code))
    )
    capital = rng.choice(sorted(CAPITAL))
    sex = rng.choice(("male", "male", "female"))
    rep = data.person_name(rng, sex).upper()
    rep_dob = random_date(rng, date(1960, 1, 1), date(2000, 12, 31))
    rep_id = personal_id(rng, rng.choice(data.PROVINCES_63).code, rep_dob, sex)
    rep_title = rng.choice(("Giám đốc", "Tổng giám đốc", "Chủ tịch Hội đồng thành viên"))
    new_sở = last >= date(2025, 3, 1)
    dept = "SỞ TÀI CHÍNH" if new_sở else "SỞ KẾ HOẠCH VÀ ĐẦU TƯ"
    office = (
        "PHÒNG ĐĂNG KÝ KINH DOANH VÀ TÀI CHÍNH DOANH NGHIỆP"
        if new_sở
        else "PHÒNG ĐĂNG KÝ KINH DOANH"
    )
    prov_upper = province.full.upper()
    signer = data.person_name(rng, rng.choice(("male", "female")))

    page = Page(W, H, DPI)
    lcx, rcx = LEFT + 280, RIGHT - 330
    y = 180
    ly = y - 40
    for line in (dept, prov_upper):
        ly += 40
        page.text(lcx, ly, line, SERIF, 28, align="center")
    for line in wrap(office, BOLD, 28, 540):
        ly += 40
        page.text(lcx, ly, line, BOLD, 28, align="center")
    page.underline(lcx, ly + 14, 200)
    page.text(rcx, y, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", BOLD, 29, align="center")
    page.text(rcx, y + 42, "Độc lập - Tự do - Hạnh phúc", BOLD, 32, align="center")
    page.underline(rcx, y + 56, text_width("Độc lập - Tự do - Hạnh phúc", BOLD, 32))
    y = ly + 130
    page.text(W / 2, y, "GIẤY CHỨNG NHẬN ĐĂNG KÝ DOANH NGHIỆP", BOLD, 44, align="center")
    y += 56
    page.text(W / 2, y, form, BOLD, 34 if len(form) < 45 else 30, align="center")
    y += 80
    page.label_value(
        LEFT + 300,
        y,
        "Mã số doanh nghiệp:",
        code,
        label_font=BOLD,
        label_size=BODY,
        value_font=BOLD,
        value_size=40,
    )
    y += 52
    page.text(LEFT + 300, y, f"Đăng ký lần đầu: {admin_date_words(first)}", SERIF, BODY)
    if changes:
        y += 48
        page.text(
            LEFT + 300,
            y,
            f"Đăng ký thay đổi lần thứ: {changes}, {admin_date_words(last)}",
            SERIF,
            BODY,
        )
    y += 80
    width = RIGHT - LEFT

    def row(label: str, value: str, *, bold_value: bool = False) -> None:
        nonlocal y
        font_v = BOLD if bold_value else SERIF
        lw = text_width(label + " ", SERIF, BODY)
        lines = (wrap_address if "Địa chỉ" in label else wrap)(value, font_v, BODY, width - lw)
        page.text(LEFT, y, label, SERIF, BODY)
        page.text(LEFT + lw, y, lines[0], font_v, BODY, join=True)
        for extra in lines[1:]:
            y += BODY * 1.4
            page.text(LEFT + lw, y, extra, font_v, BODY, join=True)
        y += BODY * 1.5

    page.text(LEFT, y, "1. Tên công ty", BOLD, BODY)
    y += BODY * 1.5
    row("Tên công ty viết bằng tiếng Việt:", company, bold_value=True)
    row("Tên công ty viết bằng tiếng nước ngoài:", company_en)
    row("Tên công ty viết tắt:", company_abbr)
    page.text(LEFT, y, "2. Địa chỉ trụ sở chính", BOLD, BODY)
    y += BODY * 1.5
    row("Địa chỉ:", address)
    phone = f"0{rng.choice((2, 3, 9))}{rng.randint(10_000_000, 99_999_999)}"
    row("Điện thoại:", phone)
    page.text(LEFT, y, "3. Vốn điều lệ", BOLD, BODY)
    y += BODY * 1.5
    row("Vốn điều lệ:", f"{_money(capital)} đồng")
    row("Bằng chữ:", CAPITAL[capital])
    page.text(LEFT, y, "4. Người đại diện theo pháp luật của công ty", BOLD, BODY)
    y += BODY * 1.5
    row("Họ và tên:", rep, bold_value=True)
    row("Giới tính:", SEX_VI[sex])
    row("Chức danh:", rep_title)
    row("Sinh ngày:", f"{dmy(rep_dob)}   Dân tộc: Kinh   Quốc tịch: Việt Nam")
    row("Loại giấy tờ pháp lý của cá nhân:", "Căn cước công dân")
    row("Số giấy tờ pháp lý của cá nhân:", rep_id)
    rep_address = data.old_address(rng, rng.choice(data.PROVINCES_63))
    row("Địa chỉ thường trú:", rep_address)
    y += 40
    page.text(rcx, y, "TRƯỞNG PHÒNG", BOLD, BODY, align="center")
    page.text(rcx, y + 230, signer, BOLD, BODY + 2, align="center")

    fields: dict[str, str | None] = {
        "enterprise_code": code,
        "company_name": company,
        "company_name_foreign": company_en,
        "company_name_short": company_abbr,
        "head_office_address": address,
        "charter_capital": str(capital),
        "first_registration_date": first.isoformat(),
        "issue_date": last.isoformat(),
        "legal_representative_full_name": rep,
        "legal_representative_sex": sex,
        "legal_representative_date_of_birth": rep_dob.isoformat(),
        "legal_representative_id_number": rep_id,
        "issuer": f"{OFFICE_NAMES[office]} - {DEPT_NAMES[dept]} {province.full[0].lower()}"
        f"{province.full[1:]}",
        "signer": signer,
    }
    return Document(
        DOC_TYPE,
        page,
        fields,
        {"change_number": str(changes)},
        [
            Subject("holder", "organization", code),
            Subject("legal_representative", "person", rep_id),
        ],
    )
