"""Fields of application forms citizens file with a procedure (tờ khai, đơn đề nghị).

Forms differ by procedure, so the label table covers the common ones: the applicant (name, date
of birth, sex, personal ID — often written digit by digit in 12 boxes —, phone, residence), the
addressee ("Kính gửi"), the request, and the date line's place. The form's kind comes from its
title. The birth registration form also describes the child and the parents: that part is read
with its own table, so the child's date of birth is never taken for the applicant's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from extractors.declaration import DocumentType, FieldSpec, Slot
from extractors.fields.labelled import extract_labelled, missing_findings
from extractors.fields.lines import Line, page_lines
from extractors.fields.type_result import TypeResult
from extractors.fields.values import clean_text, make_field, parse_date
from extractors.records import Field, Finding, PageText, Role, SubjectKind
from extractors.text import fold

# Title (folded) → kind.
KINDS: dict[str, str] = {
    "TO KHAI THAY DOI THONG TIN CU TRU": "to_khai_cu_tru",
    "TO KHAI DANG KY KHAI SINH": "to_khai_khai_sinh",
    "DON DE NGHI HUONG TRO CAP THAT NGHIEP": "don_de_nghi",
    "DON DE NGHI": "don_de_nghi",
}
KIND_LABELS = {
    "to_khai_cu_tru": "Tờ khai thay đổi thông tin cư trú (CT01)",
    "to_khai_khai_sinh": "Tờ khai đăng ký khai sinh",
    "don_de_nghi": "Đơn đề nghị",
}
APPLICANT_SLOT = Role.APPLICANT.value
HEAD = Role.HEAD_OF_HOUSEHOLD.value
APPLICANT: tuple[FieldSpec, ...] = (
    FieldSpec("addressee", ("KINH GUI",), vi="Kính gửi"),
    FieldSpec("full_name", ("HO, CHU DEM VA TEN", "HO, CHU DEM, TEN NGUOI YEU CAU", "TEN TOI LA",
                            "HO VA TEN"), "name", vi="Họ, chữ đệm và tên người khai",
              slot=APPLICANT_SLOT),
    FieldSpec("date_of_birth", ("NGAY, THANG, NAM SINH", "SINH NGAY"), "date",
              vi="Ngày sinh (người khai)", required=False, slot=APPLICANT_SLOT),
    FieldSpec("sex", ("GIOI TINH",), "sex", vi="Giới tính (người khai)", required=False,
              slot=APPLICANT_SLOT),
    # "Giấy tờ tùy thân(3): Căn cước công dân số 0950…, cấp ngày …" (birth registration).
    FieldSpec("identity_papers", ("GIAY TO TUY THAN",), "stop", required=False),
    FieldSpec("id_number", ("SO DINH DANH CA NHAN/CAN CUOC CONG DAN", "SO DINH DANH CA NHAN",
                            "CAN CUOC CONG DAN SO", "CAN CUOC SO"),
              "id12", vi="Số định danh cá nhân (người khai)", required=False, slot=APPLICANT_SLOT),
    FieldSpec("phone", ("SO DIEN THOAI LIEN HE", "SO DIEN THOAI"), "phone", vi="Số điện thoại",
              required=False, slot=APPLICANT_SLOT),
    # CT01 prints the (new) residence as "Địa chỉ:" under "Nội dung đề nghị".
    FieldSpec("place_of_residence", ("NOI CU TRU", "NOI THUONG TRU", "DIA CHI"), "address",
              rows=2, vi="Nơi cư trú (người khai)", required=False, slot=APPLICANT_SLOT),
    FieldSpec("email", ("DIA CHI EMAIL", "EMAIL"), "email", vi="Email", required=False,
              slot=APPLICANT_SLOT),
    FieldSpec("head_of_household_full_name", ("HO, CHU DEM VA TEN CHU HO",), "name",
              vi="Họ tên chủ hộ", required=False, slot=HEAD),
    FieldSpec("relationship_to_head", ("MOI QUAN HE VOI CHU HO",), vi="Quan hệ với chủ hộ",
              required=False, slot=APPLICANT_SLOT),
    FieldSpec("head_of_household_id_number", ("SO DINH DANH CA NHAN CUA CHU HO",), "id12",
              vi="Số định danh cá nhân của chủ hộ", required=False, slot=HEAD),
    FieldSpec("procedure", ("NOI DUNG DE NGHI",), vi="Nội dung đề nghị", required=False),
    FieldSpec("relationship", ("QUAN HE VOI NGUOI DUOC KHAI SINH",),
              vi="Quan hệ với người được khai sinh", required=False, slot=APPLICANT_SLOT,
              attribute="relationship_to_child"),
    FieldSpec("social_insurance_number", ("SO SO BAO HIEM XA HOI",), "digits",
              vi="Số sổ bảo hiểm xã hội", required=False, slot=APPLICANT_SLOT),
)  # fmt: skip
CHILD: tuple[FieldSpec, ...] = (
    FieldSpec("child_full_name", ("HO, CHU DEM, TEN",), "name", vi="Họ tên người được khai sinh",
              slot=Role.CHILD.value),
    FieldSpec("child_date_of_birth", ("NGAY, THANG, NAM SINH",), "date",
              vi="Ngày sinh (người được khai sinh)", slot=Role.CHILD.value),
    FieldSpec("child_sex", ("GIOI TINH",), "sex", vi="Giới tính (người được khai sinh)",
              slot=Role.CHILD.value),
    FieldSpec("mother_full_name", ("HO, CHU DEM, TEN NGUOI ME",), "name", vi="Họ tên người mẹ",
              required=False, slot=Role.MOTHER.value),
    FieldSpec("father_full_name", ("HO, CHU DEM, TEN NGUOI CHA",), "name", vi="Họ tên người cha",
              required=False, slot=Role.FATHER.value),
)  # fmt: skip
# The date line under the form: where and when it was signed.
DATED: tuple[FieldSpec, ...] = (
    FieldSpec("place", vi="Địa danh", required=False),
    FieldSpec("issued_on", kind="date", vi="Ngày làm đơn", required=False),
)
CHILD_START = "DE NGHI CO QUAN DANG KY KHAI SINH"
PROCEDURE_OF_KIND = {"to_khai_khai_sinh": "Đăng ký khai sinh",
                     "don_de_nghi": "Hưởng trợ cấp thất nghiệp"}  # fmt: skip
WHERE = "trên đơn, tờ khai"


def extract(pages: Sequence[PageText], attributes: dict[str, str]) -> TypeResult:
    page = pages[0]
    lines = page_lines(page)
    kind = _kind(lines)
    cut = next((i for i, ln in enumerate(lines) if ln.folded.startswith(CHILD_START)), len(lines))
    fields = extract_labelled(page, APPLICANT, lines[:cut])
    findings: list[Finding] = missing_findings(APPLICANT, fields, WHERE)
    if cut < len(lines):
        child = extract_labelled(page, CHILD, lines[cut:])
        fields.update(child)
        findings += missing_findings(CHILD, child, WHERE)
    fields.update(_date_line(lines))
    if kind in PROCEDURE_OF_KIND and "procedure" not in fields:
        title = next((ln for ln in lines if fold(ln.text) in KINDS), None)
        if title is not None:  # the title names the procedure
            value = PROCEDURE_OF_KIND[kind]
            fields["procedure"] = make_field(
                "procedure", value, title.text, title.words, page=page.number, kind="text"
            )
    return TypeResult(list(fields.values()), findings, attributes={"kind": kind} if kind else {})


FORM_TITLES = ("DON ", "TO KHAI")


def looks_like_form(pages: Sequence[PageText]) -> bool:
    """An application form's title: a short line starting with ĐƠN or TỜ KHAI near the top. It
    decides the type before any other cue: a form's body quotes other papers' labels ("Số định
    danh cá nhân/Căn cước công dân", "Nơi thường trú")."""
    if not pages:
        return False
    for line in pages[0].text.splitlines()[:25]:
        letters = [ch for ch in line if ch.isalpha()]
        if not letters or sum(ch.isupper() for ch in letters) / len(letters) < 0.8:
            continue  # a title is printed in capitals; "đơn giản hóa …" in a subject is not one
        bare = re.sub(r"[^A-Z ]", "", fold(line)).strip()
        if any(bare.startswith(t) for t in FORM_TITLES) and len(bare.split()) <= 12:
            return True
    return False


def _kind(lines: list[Line]) -> str | None:
    for line in lines[:30]:
        bare = re.sub(r"[^A-Z ]", "", fold(line.text)).strip()
        for title, kind in KINDS.items():
            if bare.startswith(title):
                return kind
    return None


def _date_line(lines: list[Line]) -> dict[str, Field]:
    """Place and date of "Quảng Ngãi, ngày … tháng … năm …" (day and month are often handwritten:
    when they cannot be read the date is left out, never guessed)."""
    for line in lines:
        m = re.search(r",\s*ng[aà]y\b", line.text, re.IGNORECASE)
        if not (m and "THANG" in line.folded and "NAM" in line.folded):
            continue
        out: dict[str, Field] = {}
        head = clean_text(line.text[: m.start()])
        if head and not any(ch.isdigit() for ch in head):
            out["place"] = make_field("place", head, head, line.words_in(0, m.start()),
                                      page=line.page, kind="text")  # fmt: skip
        parsed = parse_date(line.text[m.start() :])
        if parsed is not None:
            start = m.start() + parsed.start
            words = line.words_in(start, m.start() + parsed.end)
            out["issued_on"] = make_field("issued_on", parsed.iso, line.text[m.start() :], words,
                                          page=line.page, repaired=parsed.repaired)  # fmt: skip
        return out
    return {}


DECLARATION = DocumentType(
    code="application_form",
    vi="Đơn, tờ khai",
    fields=tuple(spec for spec in (*APPLICANT, *CHILD, *DATED) if spec.kind != "stop"),
    slots=(
        Slot(Role.APPLICANT, SubjectKind.PERSON, primary=True),
        Slot(Role.HEAD_OF_HOUSEHOLD, SubjectKind.PERSON),
        Slot(Role.CHILD, SubjectKind.PERSON),
        Slot(Role.MOTHER, SubjectKind.PERSON),
        Slot(Role.FATHER, SubjectKind.PERSON),
    ),
    extract=extract,
    decisive=looks_like_form,
    attribute_labels={"kind": KIND_LABELS},
    valid_from=("issued_on",),
)
