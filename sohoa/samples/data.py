"""What the generator draws from: names, provinces (63 before 07/2025, 34 after), issuers.

Faker's ``vi_VN`` locale was tried and not used: its names mix in English given names ("Phạm Jane")
and honorifics ("Quý cô"), and its addresses mix old and new units at random. Our own lists are
small, real and stable, so a seed gives the same documents whatever Faker version is installed."""

from __future__ import annotations

import random
from dataclasses import dataclass

# --- names ----------------------------------------------------------------------------------------

# (family name, weight ~ share of the population in %)
FAMILY_NAMES: tuple[tuple[str, float], ...] = (
    ("Nguyễn", 38),
    ("Trần", 11),
    ("Lê", 9.5),
    ("Phạm", 7),
    ("Hoàng", 3),
    ("Huỳnh", 2.5),
    ("Phan", 4.5),
    ("Vũ", 2.5),
    ("Võ", 2),
    ("Đặng", 2.1),
    ("Bùi", 2),
    ("Đỗ", 1.4),
    ("Hồ", 1.3),
    ("Ngô", 1.3),
    ("Dương", 1),
    ("Lý", 0.5),
    ("Đinh", 0.6),
    ("Trương", 0.6),
    ("Lâm", 0.4),
    ("Mai", 0.4),
    ("Đoàn", 0.4),
    ("Cao", 0.3),
    ("Tạ", 0.2),
    ("Hà", 0.3),
    ("Lương", 0.3),
    ("Châu", 0.2),
    ("Quách", 0.1),
    ("Thái", 0.2),
)

MIDDLE_MALE = (
    "Văn", "Văn", "Văn", "Hữu", "Đức", "Minh", "Quang", "Công", "Thành", "Xuân", "Ngọc", "Trọng",
    "Anh", "Đình", "Bá", "Quốc", "Gia", "Hoàng", "Tuấn", "Mạnh", "Thanh", "Tiến", "Duy",
)  # fmt: skip
MIDDLE_FEMALE = (
    "Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Minh", "Kim", "Hồng", "Phương", "Thùy", "Mai",
    "Bích", "Diệu", "Hoài", "Khánh", "Mỹ", "Tuyết", "Thảo", "Bảo",
)  # fmt: skip
GIVEN_MALE = (
    "An", "Anh", "Bảo", "Bình", "Cường", "Dũng", "Duy", "Đạt", "Đức", "Hải", "Hiếu", "Hoàng",
    "Hùng", "Huy", "Khang", "Khánh", "Khoa", "Kiên", "Lâm", "Long", "Lộc", "Minh", "Nam", "Nghĩa",
    "Nhân", "Phát", "Phong", "Phúc", "Quân", "Quang", "Sơn", "Tài", "Thắng", "Thành", "Thiện",
    "Thịnh", "Toàn", "Trung", "Tuấn", "Tùng", "Việt", "Vinh", "Vũ", "Hưng", "Hậu", "Tâm",
)  # fmt: skip
GIVEN_FEMALE = (
    "Anh", "Châu", "Chi", "Diệp", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa", "Hương",
    "Huyền", "Lan", "Linh", "Loan", "Ly", "Mai", "My", "Nga", "Ngân", "Ngọc", "Nhung", "Oanh",
    "Phương", "Quyên", "Quỳnh", "Thảo", "Thủy", "Trang", "Trâm", "Tuyết", "Uyên", "Vân", "Vy",
    "Yến", "Nhi", "Hồng", "Thư",
)  # fmt: skip


def family_name(rng: random.Random) -> str:
    names, weights = zip(*FAMILY_NAMES, strict=True)
    return rng.choices(names, weights=weights)[0]


def person_name(rng: random.Random, sex: str, family: str | None = None) -> str:
    """A full name in the usual order: family, middle name(s), given name (title case, NFC)."""
    fam = family or family_name(rng)
    if sex == "male":
        middles, givens = MIDDLE_MALE, GIVEN_MALE
    else:
        middles, givens = MIDDLE_FEMALE, GIVEN_FEMALE
    parts = [fam, rng.choice(middles)]
    if rng.random() < 0.25:
        extra = rng.choice(MIDDLE_FEMALE[3:] if sex == "female" else MIDDLE_MALE[3:])
        if extra not in parts:
            parts.append(extra)
    given = rng.choice(givens)
    while given in parts:
        given = rng.choice(givens)
    parts.append(given)
    return " ".join(parts)


# --- provinces -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Province:
    code: str  # 3-digit personal-ID prefix (old 63-province list), or 2-digit new code
    name: str  # short name: "Quảng Ngãi", "Hà Nội"
    city: bool  # a centrally-run city ("Thành phố …") rather than a "Tỉnh"
    districts: tuple[str, ...] = ()  # with their kind: "Huyện Sơn Tịnh", "Quận Ba Đình", …

    @property
    def full(self) -> str:
        """As written in an address: "Tỉnh Quảng Ngãi" / "Thành phố Hà Nội"."""
        return f"{'Thành phố' if self.city else 'Tỉnh'} {self.name}"

    @property
    def place_name(self) -> str:
        """The place name of a date line (Decree 30/2020): the unit's own name."""
        return "Thành phố Hồ Chí Minh" if self.name == "Hồ Chí Minh" else self.name


_P = Province
PROVINCES_63: tuple[Province, ...] = (
    _P("001", "Hà Nội", True, ("Quận Ba Đình", "Quận Cầu Giấy", "Huyện Đông Anh")),
    _P("002", "Hà Giang", False, ("Thành phố Hà Giang", "Huyện Vị Xuyên")),
    _P("004", "Cao Bằng", False, ("Thành phố Cao Bằng", "Huyện Hòa An")),
    _P("006", "Bắc Kạn", False, ("Thành phố Bắc Kạn", "Huyện Chợ Mới")),
    _P("008", "Tuyên Quang", False, ("Thành phố Tuyên Quang", "Huyện Yên Sơn")),
    _P("010", "Lào Cai", False, ("Thành phố Lào Cai", "Huyện Bảo Thắng")),
    _P("011", "Điện Biên", False, ("Thành phố Điện Biên Phủ", "Huyện Điện Biên")),
    _P("012", "Lai Châu", False, ("Thành phố Lai Châu", "Huyện Tam Đường")),
    _P("014", "Sơn La", False, ("Thành phố Sơn La", "Huyện Mai Sơn")),
    _P("015", "Yên Bái", False, ("Thành phố Yên Bái", "Huyện Trấn Yên")),
    _P("017", "Hòa Bình", False, ("Thành phố Hòa Bình", "Huyện Lương Sơn")),
    _P("019", "Thái Nguyên", False, ("Thành phố Thái Nguyên", "Huyện Phú Bình")),
    _P("020", "Lạng Sơn", False, ("Thành phố Lạng Sơn", "Huyện Cao Lộc")),
    _P("022", "Quảng Ninh", False, ("Thành phố Hạ Long", "Thành phố Cẩm Phả")),
    _P("024", "Bắc Giang", False, ("Thành phố Bắc Giang", "Huyện Lạng Giang")),
    _P("025", "Phú Thọ", False, ("Thành phố Việt Trì", "Huyện Lâm Thao")),
    _P("026", "Vĩnh Phúc", False, ("Thành phố Vĩnh Yên", "Huyện Tam Dương")),
    _P("027", "Bắc Ninh", False, ("Thành phố Bắc Ninh", "Thành phố Từ Sơn")),
    _P("030", "Hải Dương", False, ("Thành phố Hải Dương", "Huyện Gia Lộc")),
    _P("031", "Hải Phòng", True, ("Quận Lê Chân", "Huyện Thủy Nguyên")),
    _P("033", "Hưng Yên", False, ("Thành phố Hưng Yên", "Huyện Văn Lâm")),
    _P("034", "Thái Bình", False, ("Thành phố Thái Bình", "Huyện Vũ Thư")),
    _P("035", "Hà Nam", False, ("Thành phố Phủ Lý", "Huyện Kim Bảng")),
    _P("036", "Nam Định", False, ("Thành phố Nam Định", "Huyện Hải Hậu")),
    _P("037", "Ninh Bình", False, ("Thành phố Ninh Bình", "Huyện Hoa Lư")),
    _P("038", "Thanh Hóa", False, ("Thành phố Thanh Hóa", "Huyện Hoằng Hóa")),
    _P("040", "Nghệ An", False, ("Thành phố Vinh", "Huyện Nghi Lộc")),
    _P("042", "Hà Tĩnh", False, ("Thành phố Hà Tĩnh", "Huyện Can Lộc")),
    _P("044", "Quảng Bình", False, ("Thành phố Đồng Hới", "Huyện Bố Trạch")),
    _P("045", "Quảng Trị", False, ("Thành phố Đông Hà", "Huyện Gio Linh")),
    _P("046", "Thừa Thiên Huế", False, ("Thành phố Huế", "Thị xã Hương Thủy")),
    _P("048", "Đà Nẵng", True, ("Quận Hải Châu", "Quận Sơn Trà")),
    _P("049", "Quảng Nam", False, ("Thành phố Tam Kỳ", "Thành phố Hội An")),
    _P("051", "Quảng Ngãi", False, ("Thành phố Quảng Ngãi", "Huyện Sơn Tịnh")),
    _P("052", "Bình Định", False, ("Thành phố Quy Nhơn", "Huyện Tuy Phước")),
    _P("054", "Phú Yên", False, ("Thành phố Tuy Hòa", "Huyện Tuy An")),
    _P("056", "Khánh Hòa", False, ("Thành phố Nha Trang", "Huyện Diên Khánh")),
    _P("058", "Ninh Thuận", False, ("Thành phố Phan Rang-Tháp Chàm", "Huyện Ninh Phước")),
    _P("060", "Bình Thuận", False, ("Thành phố Phan Thiết", "Huyện Hàm Thuận Bắc")),
    _P("062", "Kon Tum", False, ("Thành phố Kon Tum", "Huyện Đắk Hà")),
    _P("064", "Gia Lai", False, ("Thành phố Pleiku", "Huyện Chư Păh")),
    _P("066", "Đắk Lắk", False, ("Thành phố Buôn Ma Thuột", "Huyện Krông Pắc")),
    _P("067", "Đắk Nông", False, ("Thành phố Gia Nghĩa", "Huyện Đắk Mil")),
    _P("068", "Lâm Đồng", False, ("Thành phố Đà Lạt", "Thành phố Bảo Lộc")),
    _P("070", "Bình Phước", False, ("Thành phố Đồng Xoài", "Huyện Bù Đăng")),
    _P("072", "Tây Ninh", False, ("Thành phố Tây Ninh", "Huyện Gò Dầu")),
    _P("074", "Bình Dương", False, ("Thành phố Thủ Dầu Một", "Thành phố Dĩ An")),
    _P("075", "Đồng Nai", False, ("Thành phố Biên Hòa", "Huyện Trảng Bom")),
    _P("077", "Bà Rịa - Vũng Tàu", False, ("Thành phố Vũng Tàu", "Thành phố Bà Rịa")),
    _P("079", "Hồ Chí Minh", True, ("Quận 1", "Quận Bình Thạnh", "Thành phố Thủ Đức")),
    _P("080", "Long An", False, ("Thành phố Tân An", "Huyện Đức Hòa")),
    _P("082", "Tiền Giang", False, ("Thành phố Mỹ Tho", "Huyện Châu Thành")),
    _P("083", "Bến Tre", False, ("Thành phố Bến Tre", "Huyện Mỏ Cày Nam")),
    _P("084", "Trà Vinh", False, ("Thành phố Trà Vinh", "Huyện Càng Long")),
    _P("086", "Vĩnh Long", False, ("Thành phố Vĩnh Long", "Huyện Long Hồ")),
    _P("087", "Đồng Tháp", False, ("Thành phố Cao Lãnh", "Thành phố Sa Đéc")),
    _P("089", "An Giang", False, ("Thành phố Long Xuyên", "Thành phố Châu Đốc")),
    _P("091", "Kiên Giang", False, ("Thành phố Rạch Giá", "Thành phố Phú Quốc")),
    _P("092", "Cần Thơ", True, ("Quận Ninh Kiều", "Quận Cái Răng")),
    _P("093", "Hậu Giang", False, ("Thành phố Vị Thanh", "Huyện Châu Thành A")),
    _P("094", "Sóc Trăng", False, ("Thành phố Sóc Trăng", "Huyện Mỹ Xuyên")),
    _P("095", "Bạc Liêu", False, ("Thành phố Bạc Liêu", "Huyện Hòa Bình")),
    _P("096", "Cà Mau", False, ("Thành phố Cà Mau", "Huyện Năm Căn")),
)
PROVINCE_BY_CODE = {p.code: p for p in PROVINCES_63}

# The 34 provinces from 01/7/2025 (QĐ 19/2025/QĐ-TTg codes) and the old prefixes they absorbed.
PROVINCES_34: tuple[tuple[Province, tuple[str, ...]], ...] = (
    (_P("01", "Hà Nội", True), ("001",)),
    (_P("04", "Cao Bằng", False), ("004",)),
    (_P("08", "Tuyên Quang", False), ("008", "002")),
    (_P("11", "Điện Biên", False), ("011",)),
    (_P("12", "Lai Châu", False), ("012",)),
    (_P("14", "Sơn La", False), ("014",)),
    (_P("15", "Lào Cai", False), ("010", "015")),
    (_P("19", "Thái Nguyên", False), ("019", "006")),
    (_P("20", "Lạng Sơn", False), ("020",)),
    (_P("22", "Quảng Ninh", False), ("022",)),
    (_P("24", "Bắc Ninh", False), ("027", "024")),
    (_P("25", "Phú Thọ", False), ("025", "026", "017")),
    (_P("31", "Hải Phòng", True), ("031", "030")),
    (_P("33", "Hưng Yên", False), ("033", "034")),
    (_P("37", "Ninh Bình", False), ("037", "035", "036")),
    (_P("38", "Thanh Hóa", False), ("038",)),
    (_P("40", "Nghệ An", False), ("040",)),
    (_P("42", "Hà Tĩnh", False), ("042",)),
    (_P("44", "Quảng Trị", False), ("045", "044")),
    (_P("46", "Huế", True), ("046",)),
    (_P("48", "Đà Nẵng", True), ("048", "049")),
    (_P("51", "Quảng Ngãi", False), ("051", "062")),
    (_P("52", "Gia Lai", False), ("064", "052")),
    (_P("56", "Khánh Hòa", False), ("056", "058")),
    (_P("66", "Đắk Lắk", False), ("066", "054")),
    (_P("68", "Lâm Đồng", False), ("068", "067", "060")),
    (_P("75", "Đồng Nai", False), ("075", "070")),
    (_P("79", "Hồ Chí Minh", True), ("079", "074", "077")),
    (_P("80", "Tây Ninh", False), ("072", "080")),
    (_P("82", "Đồng Tháp", False), ("087", "082")),
    (_P("86", "Vĩnh Long", False), ("086", "083", "084")),
    (_P("91", "An Giang", False), ("089", "091")),
    (_P("92", "Cần Thơ", True), ("092", "094", "093")),
    (_P("96", "Cà Mau", False), ("096", "095")),
)
NEW_PROVINCE_OF_OLD = {old: new for new, olds in PROVINCES_34 for old in olds}

# Commune/ward names that occur in many provinces (plausible anywhere).
COMMUNE_NAMES = (
    "Tân Lập", "Hòa Bình", "Quang Trung", "Trần Hưng Đạo", "Lê Lợi", "Minh Khai", "Đông Hòa",
    "Tân Phú", "An Phú", "Phước Long", "Nghĩa Hà", "Tịnh Hà", "Hòa Thuận", "Xuân Phương",
    "Thanh Bình", "Tân Tiến", "Bình An", "Hưng Lộc", "Phú Lâm", "Đức Thắng", "Yên Hòa",
    "Vĩnh Trung", "Tân Thành", "Hiệp Hòa", "Đồng Tâm", "Quyết Thắng", "Phú Hòa", "Long Thạnh",
)  # fmt: skip
STREETS = (
    "Lê Lợi", "Trần Hưng Đạo", "Nguyễn Huệ", "Hai Bà Trưng", "Lý Thường Kiệt", "Phan Chu Trinh",
    "Hùng Vương", "Quang Trung", "Nguyễn Trãi", "Lê Duẩn", "Điện Biên Phủ", "Võ Thị Sáu",
    "Nguyễn Du", "Bà Triệu", "Phạm Văn Đồng", "Trường Chinh", "Lê Thánh Tông",
    "Cách Mạng Tháng Tám",
)  # fmt: skip


def _commune(rng: random.Random, ward: bool) -> str:
    return f"{'Phường' if ward else 'Xã'} {rng.choice(COMMUNE_NAMES)}"


def _street_part(rng: random.Random, urban: bool) -> str:
    if urban:
        r = rng.random()
        if r < 0.5:
            return f"Số {rng.randint(1, 250)} {rng.choice(STREETS)}"
        if r < 0.8:
            return f"Số {rng.randint(1, 90)}, ngõ {rng.randint(2, 400)} {rng.choice(STREETS)}"
        return f"Tổ {rng.randint(1, 40)}"
    return f"{rng.choice(('Thôn', 'Xóm', 'Ấp', 'Khu phố'))} {rng.randint(1, 12)}"


def old_address(
    rng: random.Random, province: Province, *, street: bool = True, prefixes: bool = True
) -> str:
    """A three-tier address of the 63-province era:
    "Thôn 3, Xã Tịnh Hà, Huyện Sơn Tịnh, Tỉnh Quảng Ngãi".

    ``prefixes=False`` gives the short form the chip card prints for the place of origin
    ("Tịnh Hà, Sơn Tịnh, Quảng Ngãi").
    """
    district = rng.choice(province.districts)
    urban = not district.startswith("Huyện")
    commune = _commune(rng, urban)
    if not prefixes:
        strip = lambda s: s.split(" ", 2)[-1] if s.startswith("Thành phố") else s.split(" ", 1)[1]  # noqa: E731
        return ", ".join((strip(commune), strip(district), province.name))
    parts = [commune, district, province.full]
    if street:
        parts.insert(0, _street_part(rng, urban))
    return ", ".join(parts)


def new_address(rng: random.Random, province: Province, *, street: bool = True) -> str:
    """A two-tier address from 07/2025: "Thôn 3, Xã Tịnh Hà, Tỉnh Quảng Ngãi"."""
    urban = province.city or rng.random() < 0.4
    parts = [_commune(rng, urban), province.full]
    if street:
        parts.insert(0, _street_part(rng, urban))
    return ", ".join(parts)


def new_province_for(old_code: str) -> Province:
    return NEW_PROVINCE_OF_OLD[old_code]


# --- administrative issuers ----------------------------------------------------------------------

# (name, abbreviation, exists before 07/2025, exists after)
DEPARTMENTS: tuple[tuple[str, str, bool, bool], ...] = (
    ("Sở Tư pháp", "STP", True, True),
    ("Sở Nội vụ", "SNV", True, True),
    ("Sở Tài chính", "STC", True, True),
    ("Sở Xây dựng", "SXD", True, True),
    ("Sở Y tế", "SYT", True, True),
    ("Sở Giáo dục và Đào tạo", "SGDĐT", True, True),
    ("Sở Khoa học và Công nghệ", "SKHCN", True, True),
    ("Sở Tài nguyên và Môi trường", "STNMT", True, False),
    ("Sở Thông tin và Truyền thông", "STTTT", True, False),
    ("Sở Kế hoạch và Đầu tư", "SKHĐT", True, False),
    ("Sở Nông nghiệp và Môi trường", "SNNMT", False, True),
)
# Drafting units of a department / of the provincial office, for công văn symbols.
DEPT_UNITS = ("VP", "TTra", "KHTC", "QLNS", "CNTT", "TCCB", "HCTP", "PBGDPL")
UBND_UNITS = ("KT", "NC", "VX", "TH", "NNTN", "KGVX", "HCTC")
