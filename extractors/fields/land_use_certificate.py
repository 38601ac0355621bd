"""Fields of a land use right certificate (GCN quyền sử dụng đất; docs/DOMAIN.md §5.5), both forms:
the 2014 "sổ hồng" (Circular 23/2014: "Mục đích sử dụng", "Thời hạn sử dụng", the serial printed
alone under the title, "Số vào sổ cấp GCN") and the 2024 form (Circular 10/2024: "Loại đất",
"Thời hạn", "Số phát hành Giấy chứng nhận", "Số vào sổ cấp Giấy chứng nhận").

Owners are blocks starting "Ông:" / "Bà:" (name, birth year, "CCCD số" or the old 9-digit
"CMND số"); the first is the owner, a second one the co-owner. The serial number keys duplicates.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from extractors.declaration import Cue, DocumentType, DuplicateKey, FieldSpec, Slot
from extractors.fields.labelled import extract_labelled, missing_finding, missing_findings
from extractors.fields.lines import Line, page_lines, section
from extractors.fields.names import restore_phrases, signer_below
from extractors.fields.type_result import TypeResult
from extractors.fields.values import clean_text, make_field, parse_date
from extractors.records import Field, Finding, PageText, Role, SubjectKind


def _owner(role: Role) -> tuple[FieldSpec, ...]:
    """One owner block's fields; each owner fills its own slot (the first `owner`, the second
    `co_owner`), so two people on one certificate never share values."""
    prefix = role.value
    return (
        FieldSpec(f"{prefix}_full_name", ("ONG", "BA"), "name",
                  vi=f"Họ tên {ROLE_WORDS[role]}", slot=prefix),
        FieldSpec(f"{prefix}_birth_year", ("NAM SINH",), "year",
                  vi=f"Năm sinh ({ROLE_WORDS[role]})", slot=prefix),
        FieldSpec(f"{prefix}_id_number", ("CCCD SO", "SO DINH DANH CA NHAN"), "id12",
                  vi=f"Số CCCD ({ROLE_WORDS[role]})", required=False, slot=prefix),
        FieldSpec(f"{prefix}_cmnd_number", ("CMND SO",), "cmnd9",
                  vi=f"Số CMND ({ROLE_WORDS[role]})", required=False, slot=prefix),
        FieldSpec(f"{prefix}_address", ("DIA CHI THUONG TRU", "DIA CHI"), "address", rows=2,
                  vi=f"Địa chỉ thường trú ({ROLE_WORDS[role]})", required=False, slot=prefix,
                  attribute="place_of_residence"),
    )  # fmt: skip


ROLE_WORDS = {Role.OWNER: "người sử dụng đất", Role.CO_OWNER: "người cùng sử dụng đất"}
OWNER = _owner(Role.OWNER)
CO_OWNER = _owner(Role.CO_OWNER)
PARCEL: tuple[FieldSpec, ...] = (
    FieldSpec("parcel_number", ("THUA DAT SO",), "digits", vi="Thửa đất số"),
    FieldSpec("map_sheet_number", ("TO BAN DO SO",), "digits", vi="Tờ bản đồ số"),
    FieldSpec("address", ("DIA CHI",), "address", rows=2, vi="Địa chỉ thửa đất"),
    FieldSpec("area", ("DIEN TICH",), "area", vi="Diện tích"),
    FieldSpec("usage_form", ("HINH THUC SU DUNG DAT", "HINH THUC SU DUNG"), vi="Hình thức sử dụng"),
    FieldSpec("land_type", ("LOAI DAT", "MUC DICH SU DUNG"), vi="Loại đất / Mục đích sử dụng"),
    FieldSpec("usage_term", ("THOI HAN SU DUNG", "THOI HAN"), vi="Thời hạn sử dụng"),
    FieldSpec("origin", ("NGUON GOC SU DUNG",), rows=2, vi="Nguồn gốc sử dụng"),
)  # fmt: skip
REGISTER: tuple[FieldSpec, ...] = (
    FieldSpec("serial_number", ("SO PHAT HANH GIAY CHUNG NHAN",), "serial", vi="Số phát hành",
              required=False),
    FieldSpec("book_number", ("SO VAO SO CAP GIAY CHUNG NHAN", "SO VAO SO CAP GCN"), "serial",
              vi="Số vào sổ cấp Giấy chứng nhận"),
)  # fmt: skip
# Found apart from the label tables: the date line (place and date) and the signing official.
SIGNED: tuple[FieldSpec, ...] = (
    FieldSpec("issue_date", kind="date", vi="Ngày cấp"),
    FieldSpec("place", vi="Địa danh (nơi cấp)", required=False),
    FieldSpec("signer", kind="name", vi="Người ký", required=False),
)
OWNERS_START = ("I. NGUOI SU DUNG DAT", "1. NGUOI SU DUNG DAT")
PARCEL_START = ("II. THUA DAT", "2. THONG TIN THUA DAT", "1. THUA DAT")
PARCEL_END = ("2. NHA O", "3. THONG TIN TAI SAN", "3. CONG TRINH")
# The fixed wording of land categories, use forms and origins (Land Law 2024, Circular 10/2024):
# OCR of these words can carry a wrong mark that the phrase restores.
LEGAL_PHRASES = (
    "thu tiền sử dụng đất", "quyền sử dụng đất", "Nhà nước giao đất", "Nhà nước cho thuê đất",
    "Nhà nước công nhận", "tài sản gắn liền với đất", "Nhận chuyển nhượng", "Nhận thừa kế",
    "Nhận tặng cho", "thuê đất trả tiền hằng năm", "thuê đất trả tiền một lần",
    "Đất ở tại nông thôn", "Đất ở tại đô thị", "Đất trồng cây lâu năm", "Đất chuyên trồng lúa nước",
    "Đất trồng cây hằng năm khác", "Đất nuôi trồng thủy sản", "Đất rừng sản xuất",
    "Sử dụng riêng", "Sử dụng chung", "Lâu dài",
)  # fmt: skip
SIGNING = ("KT. GIAM DOC", "KT. CHU TICH", "GIAM DOC", "PHO GIAM DOC", "PHO CHU TICH", "CHU TICH")
WHERE = "trên giấy chứng nhận"
_SERIAL = re.compile(r"^\W*([A-Z]{2})\s?(\d{6}|\d{8})\W*$")


def extract(pages: Sequence[PageText], attributes: dict[str, str]) -> TypeResult:
    """The certificate's fields from whichever of its pages holds each part: a photographed
    section II (parcel, date line, signature) is often a page of its own."""
    fields: dict[str, Field] = {}
    findings: list[Finding] = []
    read = [(page, page_lines(page)) for page in pages]
    owner_page, owners = next(
        ((p, o) for p, ln in read if (o := section(ln, OWNERS_START, PARCEL_START))),
        (pages[0], []),
    )
    starts = [i for i, ln in enumerate(owners) if re.match(r"^(ONG|BA)\s*[:;.]", ln.folded)]
    ends = [*starts[1:], len(owners)]
    blocks = [owners[a:b] for a, b in zip(starts, ends, strict=False)]
    for specs, block in zip((OWNER, CO_OWNER), blocks, strict=False):
        found = extract_labelled(owner_page, specs, block)
        fields.update(found)
    if not blocks:
        findings.append(missing_finding("owner_full_name", "Người sử dụng đất", WHERE))
    else:
        findings += missing_findings(OWNER, fields, WHERE)
    if len(blocks) > 1 and "owner_address" not in fields and "co_owner_address" in fields:
        fields["owner_address"] = replace(fields.pop("co_owner_address"), name="owner_address")
    parcel_page, parcel = next(
        ((p, sec) for p, ln in read if (sec := section(ln, PARCEL_START, PARCEL_END))),
        (pages[0], read[0][1]),
    )
    found = extract_labelled(parcel_page, PARCEL, parcel)
    for name in ("land_type", "usage_form", "usage_term", "origin"):
        if name in found:
            value, restored = restore_phrases(found[name].value, LEGAL_PHRASES)
            if restored:  # the marks came from the phrase list, not the scan: a steward looks
                found[name] = replace(
                    found[name], value=value, confidence=round(found[name].confidence * 0.75, 4)
                )
    coded = _parcel_code(parcel)
    if coded is not None:
        found["parcel_number"] = coded
    fields.update(found)
    findings += missing_findings(PARCEL, found, WHERE)
    found = {}
    for page, lines in read:
        for name, field in extract_labelled(page, REGISTER, lines).items():
            found.setdefault(name, field)
    fields.update(found)
    findings += missing_findings(REGISTER, found, WHERE)
    if "serial_number" not in fields:
        serial = next((s for _, ln in read if (s := _printed_serial(ln)) is not None), None)
        if serial is not None:
            fields["serial_number"] = serial
        else:
            findings.append(missing_finding("serial_number", "Số phát hành (số seri)", WHERE))
    dated = next((d for _, ln in read if (d := _date_line(ln)) is not None), None)
    if dated is None or "issue_date" not in dated:
        findings.append(
            missing_finding("issue_date", "Ngày cấp (dòng địa danh, ngày tháng năm)", WHERE)
        )
    if dated is not None:
        fields.update(dated)
    signer = next(
        (s for _, ln in reversed(read) if (s := signer_below(ln, SIGNING, skip=3)) is not None),
        None,
    )
    if signer is not None:
        fields["signer"] = signer
    return TypeResult(list(fields.values()), findings)


# An apartment building's parcel is named by a code, not a number: "Thửa đất số: CT8" (OCR
# glues "đấtsố"). Letters and digits only, so the folded line holds the code as printed.
_PARCEL_CODE = re.compile(r"THUA\s*DAT\s*SO\s*[:.]?\s*([A-Z]{1,3}\d{1,4}[A-Z]?)\b")


def _parcel_code(lines: list[Line]) -> Field | None:
    for line in lines:
        m = _PARCEL_CODE.search(line.folded)
        if m is not None:
            words = [w for w in line.words if m.group(1) in w.text]
            return make_field("parcel_number", m.group(1), line.text, words, page=line.page)
    return None


def _printed_serial(lines: list[Line]) -> Field | None:
    """The 2014 form prints the serial alone on a line under the title: "AB 123456"."""
    for line in lines[:25]:
        m = _SERIAL.match(line.text)
        if m:
            value = f"{m.group(1)} {m.group(2)}"
            return make_field("serial_number", value, line.text, line.words, page=line.page)
    return None


def _date_line(lines: list[Line]) -> dict[str, Field] | None:
    """ "Thanh Hóa, ngày 20 tháng 10 năm 2025" → issue_date and place."""
    for line in lines:
        m = re.search(r",\s*ng[aà]y\s", line.text, re.IGNORECASE)
        if m is None or "THANG" not in line.folded:
            continue
        parsed = parse_date(line.text[m.start() :])
        out = {}
        if parsed is not None:  # a handwritten day and month may be unreadable: the place stays
            start = m.start() + parsed.start
            words = line.words_in(start, m.start() + parsed.end)
            out["issue_date"] = make_field("issue_date", parsed.iso, line.text[m.start() :],
                                           words, page=line.page,
                                           repaired=parsed.repaired)  # fmt: skip
        head = clean_text(line.text[: m.start()])
        if head:
            out["place"] = make_field("place", head, head, line.words_in(0, m.start()),
                                      page=line.page, kind="text")  # fmt: skip
        return out
    return None


DECLARATION = DocumentType(
    code="land_use_certificate",
    vi="Giấy chứng nhận quyền sử dụng đất",
    fields=(*OWNER, *CO_OWNER, *PARCEL, *REGISTER, *SIGNED),
    slots=(
        Slot(Role.OWNER, SubjectKind.PERSON, primary=True),
        Slot(Role.CO_OWNER, SubjectKind.PERSON),
    ),
    extract=extract,
    cues=(Cue((("QUYEN SU DUNG DAT",), ("THUA DAT SO", "TO BAN DO SO", "GIAY CHUNG NHAN"))),),
    valid_from=("issue_date",),
    duplicate_key=DuplicateKey(("serial_number",)),
)
