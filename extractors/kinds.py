"""Value kinds: what a correct value of a field looks like, how a typed one becomes canonical, and
how a stored one is shown to a Vietnamese reader.

A steward's correction goes through `normalize(kind, typed)`: a Vietnamese form is accepted and
stored canonically ("22/10/1999" → "1999-10-22", "Nữ" → "female"), a value that fails its format
is refused with `ValueRefused` (a stable code and a Vietnamese message). The machine's values pass
the same format rules: `format_problem(kind, value)` is what the extraction's validation and the
repair of stored corrections ask. Cross-field rules (an ID number's birth-year digits against the
date of birth) are findings of `extractors.document`, never refusals, so a steward can fix two
fields one after the other.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from extractors.data import provinces
from extractors.errors import ValueRefused
from extractors.text import fold
from extractors.validate.tax_code import is_valid_enterprise_code, normalize_enterprise_code

NO_EXPIRY = "9999-12-31"  # "Không thời hạn": an ISO date that every validity query accepts
MAX_LENGTH = 1000  # any value, in characters (the review UI and the API use the same limit)

# Refusal codes (stable, English): the reuse API answers them with 422 and the same code.
INVALID_CHARACTER = "invalid_character"
VALUE_TOO_LONG = "value_too_long"
EMPTY_VALUE = "empty_value"


@dataclass(frozen=True)
class Kind:
    """One value kind: `normalize` turns typed text into the stored form or raises ValueRefused;
    `display` shows a stored value as a Vietnamese reader expects."""

    code: str
    vi: str  # what a value of this kind is, for messages ("ngày", "số định danh cá nhân")
    normalize: Callable[[str], str]
    display: Callable[[str], str] = lambda value: value
    max_length: int = MAX_LENGTH
    hint: str = ""  # an example of a good value, shown beside the input


def refuse(code: str, message: str) -> ValueRefused:
    return ValueRefused(code, message)


# --- the kinds -----------------------------------------------------------------------------------


def _text(typed: str) -> str:
    return " ".join(typed.split())


def _name(typed: str) -> str:
    text = _text(typed)
    if not re.fullmatch(r"[^\W\d_]+(?:[ '-][^\W\d_]+)*", text):
        raise refuse("invalid_name", "Họ tên chỉ gồm chữ cái và dấu cách, ví dụ “Nguyễn Văn An”")
    if len(text.split()) < 2:
        raise refuse("invalid_name", "Họ tên cần ít nhất họ và tên, ví dụ “Nguyễn Văn An”")
    return " ".join(part[:1].upper() + part[1:].lower() for part in text.split())


_DMY = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_WORDS = re.compile(r"ngay\s*(\d{1,2})\s*,?\s*thang\s*(\d{1,2})\s*,?\s*nam\s*(\d{4})")


def _calendar_date(typed: str) -> date:
    text = _text(typed)
    folded = _fold_lower(text)
    for pattern, order in ((_ISO, "ymd"), (_DMY, "dmy"), (_WORDS, "dmy")):
        m = pattern.fullmatch(folded)
        if m is None:
            continue
        parts = dict(zip(order, (int(g) for g in m.groups()), strict=True))
        try:
            return date(parts["y"], parts["m"], parts["d"])
        except ValueError:
            raise refuse(
                "invalid_date",
                f"“{text}” không phải là một ngày có thật (ngày, tháng không hợp lệ): "
                "hãy nhập theo dạng ngày/tháng/năm, ví dụ 05/01/2024",
            ) from None
    raise refuse(
        "invalid_date",
        f"“{text}” không phải là ngày: hãy nhập theo dạng ngày/tháng/năm, ví dụ 05/01/2024",
    )


def _date(typed: str) -> str:
    value = _calendar_date(typed)
    if not 1800 <= value.year <= 2200:
        raise refuse("invalid_date", f"Năm {value.year} không hợp lệ: hãy kiểm tra lại")
    return value.isoformat()


def _expiry(typed: str) -> str:
    if _fold_lower(_text(typed)) in ("khong thoi han", NO_EXPIRY):
        return NO_EXPIRY
    return _date(typed)


def _show_date(value: str) -> str:
    if value == NO_EXPIRY:
        return "Không thời hạn"
    try:
        return date.fromisoformat(value).strftime("%d/%m/%Y")
    except ValueError:
        return value


def _year(typed: str) -> str:
    text = _text(typed)
    if not re.fullmatch(r"\d{4}", text) or not 1800 <= int(text) <= 2200:
        raise refuse("invalid_year", f"“{text}” không phải là năm: hãy nhập 4 chữ số, ví dụ 1985")
    return text


SEXES = {"nam": "male", "male": "male", "m": "male", "nu": "female", "female": "female",
         "f": "female"}  # fmt: skip
SEX_LABELS = {"male": "Nam", "female": "Nữ"}


def _sex(typed: str) -> str:
    value = SEXES.get(_fold_lower(_text(typed)))
    if value is None:
        raise refuse("invalid_sex", f"“{_text(typed)}” không phải giới tính: hãy nhập Nam hoặc Nữ")
    return value


NATIONALITY_FORMS = {"viet nam": "Việt Nam", "vietnam": "Việt Nam", "vn": "Việt Nam",
                     "vietnamese": "Việt Nam"}  # fmt: skip


def _nationality(typed: str) -> str:
    text = _text(typed)
    return NATIONALITY_FORMS.get(_fold_lower(text), text)


def _digits_of(typed: str) -> str:
    return re.sub(r"[\s.\-]", "", typed)


def _id12(typed: str) -> str:
    digits = _digits_of(typed)
    if not re.fullmatch(r"\d{12}", digits):
        raise refuse(
            "invalid_id_number",
            f"Số định danh cá nhân phải có đúng 12 chữ số (đã nhập {len(digits)} ký tự): "
            "hãy đối chiếu với giấy tờ",
        )
    if digits[:3] not in provinces():
        raise refuse(
            "invalid_id_number",
            f"Số định danh bắt đầu bằng {digits[:3]}, không phải mã tỉnh, thành nào: "
            "hãy đối chiếu với giấy tờ",
        )
    return digits


def _cmnd9(typed: str) -> str:
    digits = _digits_of(typed)
    if not re.fullmatch(r"\d{9}", digits):
        raise refuse("invalid_cmnd_number", "Số CMND cũ phải có đúng 9 chữ số")
    return digits


def _tax_code(typed: str) -> str:
    code = normalize_enterprise_code(_text(typed))
    if not is_valid_enterprise_code(code):
        raise refuse(
            "invalid_tax_code",
            "Mã số doanh nghiệp phải có 10 chữ số với chữ số kiểm tra đúng (chi nhánh: thêm -001 "
            "đến -999): hãy đối chiếu với giấy chứng nhận",
        )
    return code


def _digits(typed: str) -> str:
    digits = _digits_of(typed)
    if not re.fullmatch(r"\d{1,20}", digits):
        raise refuse("invalid_number", f"“{_text(typed)}” phải là một số (chỉ gồm chữ số)")
    return digits


def _phone(typed: str) -> str:
    digits = re.sub(r"[\s.\-()]", "", typed)
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    if not re.fullmatch(r"0\d{8,10}", digits):
        raise refuse("invalid_phone", "Số điện thoại gồm 9–11 chữ số, bắt đầu bằng 0 hoặc +84")
    return digits


def _email(typed: str) -> str:
    text = _text(typed)
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", text):
        raise refuse("invalid_email", f"“{text}” không phải địa chỉ email")
    return text


def _money(typed: str) -> str:
    text = re.sub(r"\s*(đồng|dong|vnđ|vnd|đ)\s*$", "", _text(typed), flags=re.IGNORECASE)
    if not re.fullmatch(r"\d{1,3}(?:[.,\s]\d{3})+|\d+", text):
        raise refuse("invalid_money", f"“{_text(typed)}” không phải số tiền, ví dụ 5.000.000.000")
    return re.sub(r"\D", "", text)


def _show_money(value: str) -> str:
    return f"{int(value):,}".replace(",", ".") if value.isdigit() else value


def _area(typed: str) -> str:
    text = re.sub(r"\s*(m²|m2|m)\s*$", "", _text(typed))
    m = re.fullmatch(r"(\d+)(?:[.,](\d{1,2}))?", text)
    if m is None:
        raise refuse("invalid_area", f"“{_text(typed)}” không phải diện tích, ví dụ 120,5")
    return m.group(1) + (f".{m.group(2)}" if m.group(2) else "")


def _show_area(value: str) -> str:
    return value.replace(".", ",") + " m²" if value else value


def _serial(typed: str) -> str:
    m = re.fullmatch(r"([A-ZĐ]{1,3})\s*(\d{4,8})", _text(typed).upper())
    if m is None:
        raise refuse(
            "invalid_serial", "Số phát hành gồm 1–3 chữ cái và 4–8 chữ số, ví dụ CT 50165768"
        )
    return f"{m.group(1)} {m.group(2)}"


# Decree 30/2020 number and symbol: "86/QĐ-UBND", "02/2007/NQ-HĐND", party "36-HD/VPTW".
_NUMBER_SYMBOL = re.compile(
    r"\d{1,6}(?:/\d{4})?/[A-ZĐ][A-Za-zĐđ0-9&.]*(?:-[A-ZĐ0-9][A-Za-zĐđ0-9&.]*)*"
    r"|\d{1,6}-[A-Z]{1,4}/[A-ZĐ0-9]+"
)


def _number_symbol(typed: str) -> str:
    text = re.sub(r"\s*([/-])\s*", r"\1", _text(typed))
    if not _NUMBER_SYMBOL.fullmatch(text):
        raise refuse(
            "invalid_number_symbol",
            f"“{_text(typed)}” không đúng dạng số, ký hiệu văn bản (ví dụ 86/QĐ-UBND)",
        )
    return text


def _mrz(typed: str) -> str:
    text = typed.replace("\r", "").strip().upper()
    if not re.fullmatch(r"[A-Z0-9<\n ]+", text):
        raise refuse("invalid_mrz", "Vùng MRZ chỉ gồm chữ in hoa, chữ số và dấu <")
    return text


KINDS: dict[str, Kind] = {
    k.code: k
    for k in (
        Kind("text", "văn bản", _text),
        Kind("address", "địa chỉ", _text),
        Kind("name", "họ tên", _name, max_length=100, hint="Nguyễn Văn An"),
        Kind("date", "ngày", _date, _show_date, 40, "05/01/2024"),
        Kind(
            "expiry_date", "ngày hết hạn", _expiry, _show_date, 40, "05/01/2039 hoặc Không thời hạn"
        ),
        Kind("year", "năm", _year, max_length=10, hint="1985"),
        Kind("sex", "giới tính", _sex, lambda v: SEX_LABELS.get(v, v), 10, "Nam hoặc Nữ"),
        Kind("nationality", "quốc tịch", _nationality, max_length=100, hint="Việt Nam"),
        Kind("id12", "số định danh cá nhân", _id12, max_length=40, hint="001099012345"),
        Kind("cmnd9", "số CMND", _cmnd9, max_length=30, hint="123456789"),
        Kind("tax_code", "mã số doanh nghiệp", _tax_code, max_length=30, hint="0314409058"),
        Kind("digits", "số", _digits, max_length=40),
        Kind("phone", "số điện thoại", _phone, max_length=30, hint="0912345678"),
        Kind("email", "email", _email, max_length=254),
        Kind("money", "số tiền", _money, _show_money, 60, "5.000.000.000"),
        Kind("area", "diện tích", _area, _show_area, 30, "120,5"),
        Kind("serial", "số phát hành", _serial, max_length=30, hint="CT 50165768"),
        Kind("number_symbol", "số, ký hiệu", _number_symbol, max_length=80, hint="86/QĐ-UBND"),
        Kind("mrz", "vùng MRZ", _mrz, max_length=120),
    )
}


def kind(code: str) -> Kind:
    return KINDS[code]


def normalize(code: str, typed: str) -> str:
    """The stored form of a typed value of kind `code`, or ValueRefused saying why not."""
    spec = KINDS[code]
    if "\x00" in typed or any(
        unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in typed
    ):
        raise refuse(INVALID_CHARACTER, "Giá trị có ký tự điều khiển không hợp lệ: hãy nhập lại")
    text = unicodedata.normalize("NFC", typed)
    if len(text) > spec.max_length:
        raise refuse(
            VALUE_TOO_LONG, f"Giá trị dài quá {spec.max_length} ký tự ({len(text)}): hãy rút gọn"
        )
    if not text.strip():
        raise refuse(EMPTY_VALUE, "Giá trị trống: hãy nhập giá trị, hoặc loại trường này")
    return spec.normalize(text)


@dataclass(frozen=True)
class Parsed:
    """A typed value's outcome, for callers in other packages (which do not catch this package's
    errors): the stored form, or the refusal's stable `code` and Vietnamese `message`."""

    value: str | None
    code: str | None = None
    message: str | None = None

    @property
    def refused(self) -> bool:
        return self.value is None


def parse(code: str, typed: str) -> Parsed:
    """`normalize`, as a value rather than an exception."""
    try:
        return Parsed(normalize(code, typed))
    except ValueRefused as refused:
        return Parsed(None, refused.code, refused.message)


def display(code: str | None, value: str | None) -> str:
    """`value` as a Vietnamese reader expects it (dd/mm/yyyy, Nam/Nữ, 5.000.000 …)."""
    if value is None:
        return ""
    spec = KINDS.get(code or "text")
    return spec.display(value) if spec else value


def _fold_lower(text: str) -> str:
    return fold(text).lower()
