"""Fields of an enterprise registration certificate (giấy chứng nhận đăng ký doanh nghiệp, page 1;
labels docs/DOMAIN.md §5.4).

The header gives the enterprise code (checked by its MST check digit in `extractors.validate`), the
first registration date and, after changes, "Đăng ký thay đổi lần thứ: N, ngày …" (that date is the
certificate's issue date; without changes the first registration is). Sections 1–4: names, head
office, charter capital, the legal representative. The organization is the holder; the
representative is a person subject.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from extractors.confidence import needs_review
from extractors.declaration import Cue, DocumentType, DuplicateKey, FieldSpec, Slot
from extractors.fields.labelled import extract_labelled, missing_findings
from extractors.fields.lines import Line, page_lines, section
from extractors.fields.type_result import TypeResult
from extractors.fields.values import make_field, parse_date
from extractors.records import Field, Finding, PageText, Role, Severity, SubjectKind
from extractors.text import strip_diacritics
from extractors.validate.tax_code import normalize_enterprise_code

COMPANY = Role.HOLDER.value
REPRESENTATIVE_SLOT = Role.LEGAL_REPRESENTATIVE.value
HEADER: tuple[FieldSpec, ...] = (
    FieldSpec("enterprise_code", ("MA SO DOANH NGHIEP", "MA SO THUE"), "tax_code",
              vi="Mã số doanh nghiệp", slot=COMPANY),
    FieldSpec("first_registration_date", ("DANG KY LAN DAU",), "date", vi="Đăng ký lần đầu"),
)  # fmt: skip
NAMES: tuple[FieldSpec, ...] = (
    FieldSpec("company_name", ("TEN CONG TY VIET BANG TIENG VIET",), rows=2,
              vi="Tên công ty viết bằng tiếng Việt", slot=COMPANY),
    FieldSpec("company_name_foreign", ("TEN CONG TY VIET BANG TIENG NUOC NGOAI",), rows=2,
              vi="Tên công ty viết bằng tiếng nước ngoài", required=False, slot=COMPANY),
    FieldSpec("company_name_short", ("TEN CONG TY VIET TAT",), vi="Tên công ty viết tắt",
              required=False, slot=COMPANY),
)  # fmt: skip
OFFICE: tuple[FieldSpec, ...] = (
    FieldSpec("head_office_address", ("DIA CHI",), "address", rows=2, vi="Địa chỉ trụ sở chính",
              slot=COMPANY),
    FieldSpec("charter_capital", ("VON DIEU LE",), "money", vi="Vốn điều lệ", slot=COMPANY),
    # The contact rows under the address: read so that they end the address, kept as printed.
    FieldSpec("head_office_phone", ("DIEN THOAI",), vi="Điện thoại", required=False,
              slot=COMPANY),
    FieldSpec("head_office_fax", ("FAX",), vi="Fax", required=False, slot=COMPANY),
    FieldSpec("head_office_email", ("EMAIL",), vi="Email", required=False, slot=COMPANY),
    FieldSpec("head_office_website", ("WEBSITE",), vi="Website", required=False, slot=COMPANY),
)  # fmt: skip
REPRESENTATIVE: tuple[FieldSpec, ...] = (
    FieldSpec("legal_representative_full_name", ("HO VA TEN",), "name",
              vi="Họ và tên người đại diện theo pháp luật", slot=REPRESENTATIVE_SLOT),
    FieldSpec("legal_representative_sex", ("GIOI TINH",), "sex", vi="Giới tính (người đại diện)",
              slot=REPRESENTATIVE_SLOT),
    FieldSpec("legal_representative_title", ("CHUC DANH",), vi="Chức danh (người đại diện)",
              required=False, slot=REPRESENTATIVE_SLOT),
    FieldSpec("legal_representative_date_of_birth", ("SINH NGAY",), "date",
              vi="Sinh ngày (người đại diện)", slot=REPRESENTATIVE_SLOT),
    FieldSpec("legal_representative_id_number", ("SO GIAY TO PHAP LY CUA CA NHAN",), "id12",
              vi="Số giấy tờ pháp lý của người đại diện", slot=REPRESENTATIVE_SLOT),
    FieldSpec("legal_representative_address", ("DIA CHI THUONG TRU",), "address", rows=2,
              vi="Địa chỉ thường trú (người đại diện)", required=False,
              slot=REPRESENTATIVE_SLOT, attribute="place_of_residence"),
)  # fmt: skip
# The certificate's date: the latest change's, else the first registration's.
ISSUE_DATE = FieldSpec("issue_date", kind="date",
                       vi="Ngày đăng ký (lần đầu hoặc thay đổi gần nhất)")  # fmt: skip
WHERE = "trên giấy chứng nhận đăng ký doanh nghiệp"
# On the folded line: a misread mark ("lấn thứ") must not hide the change line.
_CHANGE = re.compile(r"LAN\s*THU\s*[:;.]?\s*(\d{1,3})")


def extract(pages: Sequence[PageText], attributes: dict[str, str]) -> TypeResult:
    page = pages[0]
    lines = page_lines(page)
    fields: dict[str, Field] = {}
    findings: list[Finding] = []
    parts = (
        (HEADER, section(lines, ("GIAY CHUNG NHAN DANG KY", "MA SO DOANH NGHIEP"), ("1. TEN",))),
        (NAMES, section(lines, ("1. TEN CONG TY", "TEN CONG TY VIET"), ("2. DIA CHI",))),
        (OFFICE, section(lines, ("2. DIA CHI TRU SO",), ("4. NGUOI DAI DIEN",))[1:]),
        (
            REPRESENTATIVE,
            section(lines, ("4. NGUOI DAI DIEN", "NGUOI DAI DIEN THEO"), ("TRUONG PHONG",)),
        ),
    )
    for specs, part in parts:
        found = extract_labelled(page, specs, part or lines)
        fields.update(found)
        findings += missing_findings(specs, found, WHERE)
    foreign = fields.get("company_name_foreign")
    if foreign is not None and strip_diacritics(foreign.value) != foreign.value:
        # A name in a foreign language carries no Vietnamese marks: a mark is OCR noise.
        fields["company_name_foreign"] = replace(foreign, value=strip_diacritics(foreign.value))
    if "enterprise_code" in fields:
        code = fields["enterprise_code"]
        fields["enterprise_code"] = replace(code, value=normalize_enterprise_code(code.value))
    extra: dict[str, str] = {}
    change = _change(lines)
    if change is not None:
        count, field = change
        extra["change_number"] = count
        if field is not None:
            fields["issue_date"] = field
    elif "first_registration_date" in fields:
        # No change line read: the first registration is the issue date, unless OCR lost the
        # line, so the value is left for a steward to confirm (below the review threshold).
        extra["change_number"] = "0"
        first = fields["first_registration_date"]
        fields["issue_date"] = replace(
            first, name="issue_date", confidence=needs_review(first.confidence)
        )
    if "issue_date" not in fields:
        findings.append(
            Finding("issue_date.missing", Severity.WARNING,
                    "Không đọc được ngày đăng ký (lần đầu hoặc thay đổi gần nhất): hãy nhập từ "
                    "bản scan", "issue_date")
        )  # fmt: skip
    return TypeResult(list(fields.values()), findings, attributes=extra)


def _change(lines: list[Line]) -> tuple[str, Field | None] | None:
    """ "Đăng ký thay đổi lần thứ: 3, ngày 27 tháng 02 năm 2025" → ("3", issue_date field)."""
    for line in lines:
        if "THAY DOI LAN THU" not in line.folded:
            continue
        # Offsets in the folded line are offsets in the text (folding keeps every character's
        # place, except for ligatures such as "ﬁ": such a line is left to a steward).
        m = _CHANGE.search(line.folded) if len(line.folded) == len(line.text) else None
        if m is None:
            continue
        rest = line.text[m.end() :]
        parsed = parse_date(rest)
        field = None
        if parsed is not None:
            words = line.words_in(m.end() + parsed.start, m.end() + parsed.end)
            field = make_field("issue_date", parsed.iso, rest, words, page=line.page,
                               repaired=parsed.repaired)  # fmt: skip
        return m.group(1), field
    return None


DECLARATION = DocumentType(
    code="enterprise_registration",
    vi="Giấy chứng nhận đăng ký doanh nghiệp",
    fields=(*HEADER, *NAMES, *OFFICE, *REPRESENTATIVE, ISSUE_DATE),
    slots=(
        Slot(Role.HOLDER, SubjectKind.ORGANIZATION, primary=True),
        Slot(Role.LEGAL_REPRESENTATIVE, SubjectKind.PERSON),
    ),
    extract=extract,
    cues=(
        Cue(
            (
                ("GIAY CHUNG NHAN DANG KY DOANH NGHIEP", "MA SO DOANH NGHIEP"),
                (
                    "TEN CONG TY",
                    "DIA CHI TRU SO CHINH",
                    "VON DIEU LE",
                    "NGUOI DAI DIEN THEO PHAP LUAT",
                ),
            )
        ),
    ),
    valid_from=("issue_date",),
    duplicate_key=DuplicateKey(("enterprise_code", "issue_date")),
)
