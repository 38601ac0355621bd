"""Fields of a birth certificate (giấy khai sinh; Luật Hộ tịch 2014 Art.14, labels docs/DOMAIN.md
§5.3).

The certificate repeats labels ("Năm sinh", "Dân tộc", "Quốc tịch", "Nơi cư trú", "Số định danh
cá nhân") in the child's, the mother's and the father's blocks, so the page is cut into sections at
the block headings first and each section is read with its own label table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from extractors.declaration import Cue, DocumentType, DuplicateKey, FieldSpec, Slot
from extractors.fields.labelled import extract_labelled, missing_findings
from extractors.fields.lines import page_lines, section
from extractors.fields.names import signer_below
from extractors.fields.type_result import TypeResult
from extractors.records import Field, Finding, PageText, Role, SubjectKind

MOTHER = ("HO, CHU DEM, TEN NGUOI ME",)
FATHER = ("HO, CHU DEM, TEN NGUOI CHA",)
DECLARANT = ("HO, CHU DEM, TEN NGUOI DI KHAI SINH",)
SIGNATURE = ("NGUOI KY GIAY KHAI SINH",)

CHILD_SLOT = Role.CHILD.value
HEADER: tuple[FieldSpec, ...] = (
    FieldSpec("registration_number", ("SO",), "digits", vi="Số"),
    FieldSpec("book_number", ("QUYEN SO",), "text", vi="Quyển số"),
)
CHILD: tuple[FieldSpec, ...] = (
    FieldSpec("full_name", ("HO, CHU DEM, TEN",), "name", vi="Họ, chữ đệm, tên",
              slot=CHILD_SLOT),
    FieldSpec("date_of_birth", ("NGAY, THANG, NAM SINH",), "date", vi="Ngày, tháng, năm sinh",
              slot=CHILD_SLOT),
    FieldSpec("sex", ("GIOI TINH",), "sex", vi="Giới tính", slot=CHILD_SLOT),
    FieldSpec("ethnicity", ("DAN TOC",), vi="Dân tộc", slot=CHILD_SLOT),
    FieldSpec("nationality", ("QUOC TICH",), "nationality", vi="Quốc tịch", slot=CHILD_SLOT),
    FieldSpec("place_of_birth", ("NOI SINH",), "address", rows=2, vi="Nơi sinh",
              slot=CHILD_SLOT),
    FieldSpec("place_of_origin", ("QUE QUAN",), "address", rows=2, vi="Quê quán",
              slot=CHILD_SLOT),
    FieldSpec("id_number", ("SO DINH DANH CA NHAN",), "id12", vi="Số định danh cá nhân",
              slot=CHILD_SLOT),
)  # fmt: skip


def _parent(role: Role, heading: tuple[str, ...], who: str) -> tuple[FieldSpec, ...]:
    prefix = role.value
    return (
        FieldSpec(f"{prefix}_full_name", heading, "name", vi=f"Họ, chữ đệm, tên người {who}",
                  slot=prefix),
        FieldSpec(f"{prefix}_birth_year", ("NAM SINH",), "year", vi=f"Năm sinh (người {who})",
                  slot=prefix),
        FieldSpec(f"{prefix}_ethnicity", ("DAN TOC",), vi=f"Dân tộc (người {who})", slot=prefix),
        FieldSpec(f"{prefix}_nationality", ("QUOC TICH",), "nationality",
                  vi=f"Quốc tịch (người {who})", slot=prefix),
        FieldSpec(f"{prefix}_residence", ("NOI CU TRU",), "address", rows=2,
                  vi=f"Nơi cư trú (người {who})", slot=prefix, attribute="place_of_residence"),
        FieldSpec(f"{prefix}_id_number", ("SO DINH DANH CA NHAN",), "id12",
                  vi=f"Số định danh cá nhân (người {who})", required=False, slot=prefix),
    )  # fmt: skip


MOTHER_SPECS = _parent(Role.MOTHER, MOTHER, "mẹ")
FATHER_SPECS = _parent(Role.FATHER, FATHER, "cha")
REGISTRATION: tuple[FieldSpec, ...] = (
    FieldSpec("declarant_full_name", DECLARANT, "name", vi="Người đi khai sinh"),
    FieldSpec("place_of_registration", ("NOI DANG KY KHAI SINH",), "address", rows=2,
              vi="Nơi đăng ký khai sinh"),
    FieldSpec("issue_date", ("NGAY, THANG, NAM DANG KY",), "date", vi="Ngày, tháng, năm đăng ký"),
)  # fmt: skip
# Found apart from the label tables: the registering body (the place of registration) and the
# official who signed.
OTHERS: tuple[FieldSpec, ...] = (
    FieldSpec("issuer", vi="Cơ quan đăng ký khai sinh"),
    FieldSpec("signer", kind="name", vi="Người ký giấy khai sinh", required=False),
)
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
    return TypeResult(list(fields.values()), findings)


DECLARATION = DocumentType(
    code="birth_certificate",
    vi="Giấy khai sinh",
    fields=(*HEADER, *CHILD, *MOTHER_SPECS, *FATHER_SPECS, *REGISTRATION, *OTHERS),
    slots=(
        Slot(Role.CHILD, SubjectKind.PERSON, primary=True),
        Slot(Role.MOTHER, SubjectKind.PERSON),
        Slot(Role.FATHER, SubjectKind.PERSON),
    ),
    extract=extract,
    cues=(
        Cue((("GIAY KHAI SINH",), ("NOI SINH", "NOI DANG KY KHAI SINH", "QUOC TICH", "DAN TOC"))),
    ),
    valid_from=("issue_date",),
    duplicate_key=DuplicateKey(("full_name", "date_of_birth")),
)
