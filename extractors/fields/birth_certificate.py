"""Fields of a birth certificate (giấy khai sinh; Luật Hộ tịch 2014 Art.14, labels DOMAIN.md §5.3).

The certificate repeats labels ("Năm sinh", "Dân tộc", "Quốc tịch", "Nơi cư trú", "Số định danh
cá nhân") in the child's, the mother's and the father's blocks, so the page is cut into sections at
the block headings first and each section is read with its own label table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from extractors.fields.common import (
    FieldSpec,
    TypeResult,
    extract_labelled,
    missing_findings,
    page_lines,
    section,
    signer_below,
)
from extractors.records import Field, Finding, PageText, Role, SubjectKind, SubjectRef

MOTHER = ("HO, CHU DEM, TEN NGUOI ME",)
FATHER = ("HO, CHU DEM, TEN NGUOI CHA",)
DECLARANT = ("HO, CHU DEM, TEN NGUOI DI KHAI SINH",)
SIGNATURE = ("NGUOI KY GIAY KHAI SINH",)

HEADER: tuple[FieldSpec, ...] = (
    FieldSpec("registration_number", ("SO",), "digits", vi="Số"),
    FieldSpec("book_number", ("QUYEN SO",), "text", vi="Quyển số"),
)
CHILD: tuple[FieldSpec, ...] = (
    FieldSpec("full_name", ("HO, CHU DEM, TEN",), "name", vi="Họ, chữ đệm, tên"),
    FieldSpec("date_of_birth", ("NGAY, THANG, NAM SINH",), "date", vi="Ngày, tháng, năm sinh"),
    FieldSpec("sex", ("GIOI TINH",), "sex", vi="Giới tính"),
    FieldSpec("ethnicity", ("DAN TOC",), vi="Dân tộc"),
    FieldSpec("nationality", ("QUOC TICH",), "nationality", vi="Quốc tịch"),
    FieldSpec("place_of_birth", ("NOI SINH",), rows=2, vi="Nơi sinh"),
    FieldSpec("place_of_origin", ("QUE QUAN",), rows=2, vi="Quê quán"),
    FieldSpec("id_number", ("SO DINH DANH CA NHAN",), "id12", vi="Số định danh cá nhân"),
)


def _parent(prefix: str, heading: tuple[str, ...], who: str) -> tuple[FieldSpec, ...]:
    return (
        FieldSpec(f"{prefix}_full_name", heading, "name", vi=f"Họ, chữ đệm, tên người {who}"),
        FieldSpec(f"{prefix}_birth_year", ("NAM SINH",), "year", vi=f"Năm sinh (người {who})"),
        FieldSpec(f"{prefix}_ethnicity", ("DAN TOC",), vi=f"Dân tộc (người {who})"),
        FieldSpec(f"{prefix}_nationality", ("QUOC TICH",), "nationality",
                  vi=f"Quốc tịch (người {who})"),
        FieldSpec(f"{prefix}_residence", ("NOI CU TRU",), rows=2, vi=f"Nơi cư trú (người {who})"),
        FieldSpec(f"{prefix}_id_number", ("SO DINH DANH CA NHAN",), "id12",
                  vi=f"Số định danh cá nhân (người {who})", required=False),
    )  # fmt: skip


MOTHER_SPECS = _parent("mother", MOTHER, "mẹ")
FATHER_SPECS = _parent("father", FATHER, "cha")
REGISTRATION: tuple[FieldSpec, ...] = (
    FieldSpec("declarant_full_name", DECLARANT, "name", vi="Người đi khai sinh"),
    FieldSpec("place_of_registration", ("NOI DANG KY KHAI SINH",), rows=2,
              vi="Nơi đăng ký khai sinh"),
    FieldSpec("issue_date", ("NGAY, THANG, NAM DANG KY",), "date", vi="Ngày, tháng, năm đăng ký"),
)  # fmt: skip
WHERE = "trên giấy khai sinh"


def extract(pages: Sequence[PageText], attributes: dict[str, str]) -> TypeResult:
    """Child, mother, father and registration fields; a blank father's block is not a finding."""
    page = pages[0]
    lines = page_lines(page)
    child_start = ("HO, CHU DEM, TEN:", "HO, CHU DEM, TEN ")
    fields: dict[str, Field] = {}
    findings: list[Finding] = []
    parts = (
        (HEADER, section(lines, ("SO:", "SO :", "SO.", "SO;"), child_start), True),
        (CHILD, section(lines, ("HO, CHU DEM, TEN",), MOTHER + FATHER + DECLARANT), True),
        (MOTHER_SPECS, section(lines, MOTHER, FATHER + DECLARANT), True),
        (FATHER_SPECS, section(lines, FATHER, DECLARANT), False),
        (REGISTRATION, section(lines, DECLARANT, SIGNATURE), True),
    )
    for specs, part, required in parts:
        found = extract_labelled(page, specs, part)
        fields.update(found)
        if required:
            findings += missing_findings(specs, found, WHERE)
    if "place_of_registration" in fields:
        fields["issuer"] = replace(fields["place_of_registration"], name="issuer")
    signer = signer_below(lines, SIGNATURE, skip=3)
    if signer is not None:
        fields["signer"] = signer
    subjects = [
        SubjectRef(Role.CHILD, SubjectKind.PERSON, {"id_number": "id_number",
                   "full_name": "full_name", "date_of_birth": "date_of_birth", "sex": "sex"}),
        SubjectRef(Role.MOTHER, SubjectKind.PERSON, {"id_number": "mother_id_number",
                   "full_name": "mother_full_name"}),
    ]  # fmt: skip
    if "father_full_name" in fields:
        subjects.append(
            SubjectRef(Role.FATHER, SubjectKind.PERSON,
                       {"id_number": "father_id_number", "full_name": "father_full_name"})
        )  # fmt: skip
    return TypeResult(list(fields.values()), findings, tuple(subjects))
