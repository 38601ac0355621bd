"""Fields of the ID cards: chip CCCD (2021–06/2024) front and back, and the thẻ căn cước (from
07/2024) front and back (docs/DOMAIN.md §5.1–5.2).

Each label is printed in Vietnamese and English ("Ngày sinh / Date of birth:"); the value follows on
the label's row or, for names and addresses, on the rows below. The backs carry an ICAO TD1 MRZ
(`extractors.mrz`), which gives the number, date of birth, sex and expiry with check digits; the
printed values are cross-checked against it by `extractors.document`. Names come from the printed
text, never from the MRZ (it has no diacritics).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from extractors.declaration import Cue, DocumentType, DuplicateKey, FieldSpec, Slot
from extractors.fields.labelled import (
    extract_labelled,
    find_label,
    missing_finding,
    missing_findings,
)
from extractors.fields.lines import Line, page_lines
from extractors.fields.names import name_below, restore_phrases
from extractors.fields.type_result import TypeResult
from extractors.fields.values import (
    NATIONALITIES,
    digits_repaired,
    make_field,
    normalize_sex,
    title_case_name,
)
from extractors.kinds import NO_EXPIRY
from extractors.mrz import Mrz, find_mrz
from extractors.records import Field, Finding, PageText, Role, Severity, SubjectKind
from extractors.text import fold

ON_CARD = "trên thẻ"

HOLDER = Role.HOLDER.value
# Every field a card side can give (a side prints some of them; the MRZ gives number, birth date,
# sex and expiry on the backs).
FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("id_number", kind="id12", vi="Số định danh cá nhân", slot=HOLDER),
    FieldSpec("full_name", kind="name", vi="Họ, chữ đệm và tên", slot=HOLDER),
    FieldSpec("date_of_birth", kind="date", vi="Ngày, tháng, năm sinh", slot=HOLDER),
    FieldSpec("sex", kind="sex", vi="Giới tính", slot=HOLDER),
    FieldSpec("nationality", kind="nationality", vi="Quốc tịch", slot=HOLDER),
    FieldSpec("place_of_origin", kind="address", vi="Quê quán", slot=HOLDER, required=False),
    FieldSpec("place_of_birth", kind="address", vi="Nơi đăng ký khai sinh", slot=HOLDER,
              required=False),
    FieldSpec("place_of_residence", kind="address", vi="Nơi thường trú / nơi cư trú",
              slot=HOLDER, required=False),
    FieldSpec("personal_identification", vi="Đặc điểm nhận dạng", slot=HOLDER, required=False),
    FieldSpec("issue_date", kind="date", vi="Ngày cấp", required=False),
    FieldSpec("expiry_date", kind="expiry_date", vi="Có giá trị đến (ngày hết hạn)",
              required=False),
    FieldSpec("signer", kind="name", vi="Người ký cấp thẻ", required=False),
)  # fmt: skip
_FIELD = {f.name: f for f in FIELDS}


def _printed(name: str, labels: tuple[str, ...], vi: str, **layout: object) -> FieldSpec:
    """The declared field `name` as one card side prints it: its labels, its printed wording
    (for the findings), where its value sits."""
    return replace(_FIELD[name], labels=labels, vi=vi, **layout)  # type: ignore[arg-type]


# Label tables: one per variant and side (folded labels, Vietnamese and English).
CHIP_FRONT: tuple[FieldSpec, ...] = (
    _printed("full_name", ("HO VA TEN", "FULL NAME"), "Họ và tên", rows=1, same_row=False),
    _printed("date_of_birth", ("NGAY SINH", "DATE OF BIRTH"), "Ngày sinh"),
    _printed("sex", ("GIOI TINH", "SEX"), "Giới tính"),
    _printed("nationality", ("QUOC TICH", "NATIONALITY"), "Quốc tịch"),
    _printed("place_of_origin", ("QUE QUAN", "PLACE OF ORIGIN"), "Quê quán", rows=2,
             required=True),
    _printed("place_of_residence", ("NOI THUONG TRU", "PLACE OF RESIDENCE"), "Nơi thường trú",
             rows=3, required=True),
    _printed("expiry_date", ("CO GIA TRI DEN", "DATE OF EXPIRY"), "Có giá trị đến", rows=1,
             required=True),
)  # fmt: skip
CHIP_BACK: tuple[FieldSpec, ...] = (
    _printed("personal_identification", ("DAC DIEM NHAN DANG", "PERSONAL IDENTIFICATION"),
             "Đặc điểm nhận dạng", rows=2, same_row=False, required=True),
    _printed("issue_date", ("NGAY, THANG, NAM", "DATE, MONTH, YEAR"), "Ngày, tháng, năm (cấp)",
             rows=1, required=True),
)  # fmt: skip
CAN_CUOC_FRONT: tuple[FieldSpec, ...] = (
    _printed("full_name", ("HO, CHU DEM VA TEN KHAI SINH", "HO, CHU DEM VA TEN", "FULL NAME"),
             "Họ, chữ đệm và tên khai sinh", rows=1, same_row=False),
    _printed("date_of_birth", ("NGAY, THANG, NAM SINH", "DATE OF BIRTH"), "Ngày, tháng, năm sinh"),
    _printed("sex", ("GIOI TINH", "SEX"), "Giới tính"),
    _printed("nationality", ("QUOC TICH", "NATIONALITY"), "Quốc tịch"),
)  # fmt: skip
CAN_CUOC_BACK: tuple[FieldSpec, ...] = (
    _printed("place_of_residence", ("NOI CU TRU", "PLACE OF RESIDENCE"), "Nơi cư trú", rows=3,
             same_row=False, required=True),
    _printed("place_of_birth", ("NOI DANG KY KHAI SINH", "PLACE OF BIRTH"),
             "Nơi đăng ký khai sinh", rows=2, same_row=False, required=True),
    _printed("issue_date", ("NGAY, THANG, NAM CAP", "DATE OF ISSUE"), "Ngày, tháng, năm cấp",
             rows=1, required=True),
    _printed("expiry_date", ("NGAY, THANG, NAM HET HAN", "DATE OF EXPIRY"),
             "Ngày, tháng, năm hết hạn", rows=1, required=True),
)  # fmt: skip
SPECS: dict[tuple[str, str], tuple[FieldSpec, ...]] = {
    ("cccd_chip", "front"): CHIP_FRONT,
    ("cccd_chip", "back"): CHIP_BACK,
    ("can_cuoc_2024", "front"): CAN_CUOC_FRONT,
    ("can_cuoc_2024", "back"): CAN_CUOC_BACK,
}
ID_LABELS = ("SO / NO", "SO DINH DANH CA NHAN", "PERSONAL IDENTIFICATION NUMBER")
# The chip back's signer: the name under "CỤC TRƯỞNG CỤC CẢNH SÁT QUẢN LÝ HÀNH CHÍNH …".
DIRECTOR_LINE = "QUAN LY HANH CHINH VE TRAT TU XA HOI"
FIELD_ORDER = (
    "id_number", "full_name", "date_of_birth", "sex", "nationality", "place_of_origin",
    "place_of_birth", "place_of_residence", "personal_identification", "issue_date",
    "expiry_date", "signer",
)  # fmt: skip
_ID_RUN = re.compile(r"(?<![\dA-Za-z])[\dOoDIl|SB]{12}(?![\dA-Za-z])")
_ID_SPLIT = re.compile(r"(?<![\dA-Za-z])\d{3,9} \d{3,9}(?![\dA-Za-z])")


def extract_id_card(
    pages: Sequence[PageText], variant: str, side: str
) -> tuple[list[Field], list[Finding], Mrz | None]:
    """Fields of one card side, the findings for what is missing, and the MRZ when the side has
    one (the backs). MRZ-only values (number, date of birth, sex on a back) are added by
    `mrz_fields`, so that the document step can confirm or doubt them with the check digits."""
    page = pages[0]
    lines = page_lines(page)
    specs = SPECS.get((variant, side), CHIP_FRONT)
    fields = extract_labelled(page, specs, lines)
    if "personal_identification" in fields:
        fields["personal_identification"] = _identification_marks(fields["personal_identification"])
    if any(s.name == "nationality" for s in specs) and _odd_nationality(fields):
        nationality = _nationality_on_its_line(lines)
        if nationality is not None:
            fields["nationality"] = nationality
    if "sex" not in fields and any(s.name == "sex" for s in specs):
        sex = _sex_after_english_label(lines)
        if sex is not None:
            fields["sex"] = sex
    findings = missing_findings(specs, fields, ON_CARD)
    mrz = find_mrz([ln.text for ln in lines]) if side == "back" else None
    if side == "front":
        id_field = _id_number(lines)
        if id_field is not None:
            fields["id_number"] = id_field
        else:
            findings.insert(0, missing_finding("id_number", "Số định danh cá nhân", ON_CARD))
    else:
        signer = _signer(lines) if variant == "cccd_chip" else None
        if signer is not None:
            fields["signer"] = signer
        for name, field in mrz_fields(mrz, lines).items():
            fields.setdefault(name, field)
        if mrz is None:
            findings.append(
                Finding(
                    "mrz.missing",
                    Severity.WARNING,
                    "Không đọc được vùng mã MRZ (3 dòng ký tự ở cuối mặt sau thẻ): "
                    "số định danh, ngày sinh, giới tính cần nhập từ ảnh thẻ",
                    None,
                )
            )
    ordered = [fields[n] for n in FIELD_ORDER if n in fields]
    ordered += [f for n, f in fields.items() if n not in FIELD_ORDER]
    return ordered, findings, mrz


def mrz_fields(mrz: Mrz | None, lines: Sequence[Line]) -> dict[str, Field]:
    """Number, date of birth, sex and expiry as the MRZ gives them, boxed on the MRZ lines.

    Their confidence is the OCR score of the MRZ lines; the check digits raise or lower it later.
    """
    if mrz is None:
        return {}
    mrz_lines = [ln for ln in lines if "<<" in ln.text.replace(" ", "") or "VNM" in ln.text]
    words = [w for ln in mrz_lines for w in ln.words]
    page = lines[0].page if lines else 1
    raw = "\n".join(mrz.lines)
    out: dict[str, Field] = {}
    values = {
        "id_number": mrz.id_number,
        "date_of_birth": mrz.date_of_birth,
        "sex": mrz.sex,
        "expiry_date": NO_EXPIRY if mrz.no_expiry else mrz.expiry_date,
    }
    for name, value in values.items():
        if value:
            out[name] = make_field(name, value, raw, words, page=page, repaired=mrz.repaired)
    return out


def _id_number(lines: list[Line]) -> Field | None:
    """The 12-digit number, preferring the line labelled "Số / No." (or the line under "Số định
    danh cá nhân"); OCR letter swaps repaired (and the value marked as repaired)."""
    labelled = [i for i in range(len(lines)) if find_label(lines[i], ID_LABELS, 0.85)]
    order = labelled + [i + 1 for i in labelled if i + 1 < len(lines)]
    order += [i for i in range(len(lines)) if i not in order]
    for li in order:
        line = lines[li]
        for match in _ID_RUN.finditer(line.text):
            digits, repaired = digits_repaired(match.group(0))
            if len(digits) != 12:
                continue
            words = line.words_in(match.start(), match.end())
            return make_field(
                "id_number", digits, match.group(0), words, page=line.page, repaired=repaired
            )
    # "074092 181495": one gap inside, on the labelled lines or on a short line of its own
    # ("sarxo. 074092 181495.": the label lost to noise)
    for li in order:
        line = lines[li]
        if li not in order[: 2 * len(labelled)] and len(line.words) > 3:
            continue
        for match in _ID_SPLIT.finditer(line.text):
            digits = re.sub(r"\D", "", match.group(0))
            if len(digits) == 12:
                words = line.words_in(match.start(), match.end())
                return make_field(
                    "id_number", digits, match.group(0), words, page=line.page, repaired=True
                )
    return None


def _signer(lines: list[Line]) -> Field | None:
    """The name printed under the director's title on the chip back (title case, 2–5 words)."""
    for i, line in enumerate(lines):
        if DIRECTOR_LINE in fold(line.text) or "CUC CANH SAT" in fold(line.text):
            field = name_below(lines, i, line.box, max_lines=5)
            if field is not None:
                return replace(field, value=title_case_name(field.value))
    return None


def _odd_nationality(fields: dict[str, Field]) -> bool:
    return "nationality" not in fields or fields["nationality"].value not in NATIONALITIES.values()


def _nationality_on_its_line(lines: Sequence[Line]) -> Field | None:
    """ "Quốc tịch 7 Natonaity Việt Nam": when the label's value came out as noise, a nationality
    printed further along the same line (a repair: a steward looks)."""
    for line in lines:
        folded = line.folded
        at = folded.find("QUOC TICH")
        if at < 0:
            continue
        for key, written in NATIONALITIES.items():
            where = folded.find(key, at)
            if where >= 0:
                words = line.words_in(where, where + len(key))
                return make_field(
                    "nationality", written, line.text[where:], words, page=line.page,
                    kind="text", repaired=True,
                )  # fmt: skip
    return None


def _sex_after_english_label(lines: Sequence[Line]) -> Field | None:
    """ "Giớ tnh/Sex Nam": when OCR broke the Vietnamese label, the English "Sex" still anchors
    the value: the first word after it that reads as a sex."""
    for line in lines:
        for i, word in enumerate(line.words):
            if not re.search(r"(?:^|/)SEX:?$", fold(word.text)):
                continue
            for nxt in line.words[i + 1 : i + 3]:
                sex = normalize_sex(nxt.text)
                if sex is not None:
                    return make_field("sex", sex, nxt.text, [nxt], page=line.page)
    return None


# The police's words for identification marks (a closed vocabulary on every chip card).
# Single words whose folded form is another word ("dưới" / "đuôi", "trên" / "tiền") are left out.
MARK_PHRASES = (
    "Sẹo chấm", "Sẹo", "Nốt ruồi son", "Nốt ruồi", "đuôi mắt", "đuôi mày", "đầu mày", "cánh mũi",
    "sống mũi", "dái tai", "mép trái", "mép phải",
)  # fmt: skip


def _identification_marks(field: Field) -> Field:
    """Marks restored in the vocabulary of identification marks ("Seo chấm" → "Sẹo chấm"), and
    a stray one-letter token at the end (a speck of the fingerprint box) dropped, as is a dotted
    run with the short tokens before it ("… phải 35 -......L.......": the box's edge)."""
    value = re.sub(r"(?:\s+\S{1,3})*\s+\S*\.{3,}.*$", "", field.value)
    value = re.sub(r"\s+[^\w\s]?[^\W\d]$", "", value)
    value = re.sub(r"\bC\s*[;.,]\s*(?=\d)", "C:", value)  # "C;3cm": the distance is "C:" + size
    value, restored = restore_phrases(value, MARK_PHRASES, slack=1)
    if value == field.value:
        return field
    confidence = round(field.confidence * (0.75 if restored else 1.0), 4)
    return replace(field, value=value, confidence=confidence)


def extract(pages: Sequence[PageText], attributes: dict[str, str]) -> TypeResult:
    """One card side's fields; the MRZ's check digits prove what they can (`checked`)."""
    from extractors.validate.mrz import confirmed_by_mrz, validate_mrz

    variant = attributes.get("variant", "cccd_chip")
    side = attributes.get("side", "front")
    fields, findings, mrz = extract_id_card(pages, variant, side)
    return TypeResult(
        fields,
        findings,
        checked=confirmed_by_mrz(mrz) if mrz else {},
        check_findings=validate_mrz(mrz) if mrz else [],
    )


DECLARATION = DocumentType(
    code="id_card",
    vi="Thẻ căn cước / CCCD",
    fields=FIELDS,
    slots=(Slot(Role.HOLDER, SubjectKind.PERSON, primary=True),),
    extract=extract,
    cues=(
        Cue(
            (
                ("CAN CUOC CONG DAN", "CITIZEN IDENTITY CARD"),
                ("CO GIA TRI DEN", "DATE OF EXPIRY", "NOI THUONG TRU", "QUE QUAN"),
            ),
            {"variant": "cccd_chip", "side": "front"},
        ),
        Cue(
            (
                ("CAN CUOC", "IDENTITY CARD"),
                ("SO DINH DANH CA NHAN", "PERSONAL IDENTIFICATION NUMBER"),
            ),
            {"variant": "can_cuoc_2024", "side": "front"},
            none_of=("CAN CUOC CONG DAN", "CITIZEN IDENTITY CARD", "NOI CU TRU"),
        ),
        Cue(
            (
                ("DAC DIEM NHAN DANG", "PERSONAL IDENTIFICATION"),
                (
                    "CUC CANH SAT QUAN LY HANH CHINH",
                    "CUC TRUONG CUC CANH SAT",  # the signer's title, when the body's is smudged
                    "NGON TRO TRAI",
                    "NGON TRO PHAI",
                    "IDVNM",
                ),
            ),
            {"variant": "cccd_chip", "side": "back"},
            none_of=("NOI DANG KY KHAI SINH", "BO CONG AN"),
        ),
        Cue(
            (
                ("NOI CU TRU", "PLACE OF RESIDENCE"),
                (
                    "NOI DANG KY KHAI SINH",
                    "BO CONG AN",
                    "MINISTRY OF PUBLIC SECURITY",
                    "DATE OF ISSUE",
                ),
            ),
            {"variant": "can_cuoc_2024", "side": "back"},
            none_of=("GIAY KHAI SINH",),
        ),
    ),
    attribute_labels={
        "variant": {"cccd_chip": "Căn cước công dân gắn chip", "can_cuoc_2024": "Thẻ căn cước"},
        "side": {"front": "Mặt trước", "back": "Mặt sau"},
    },
    valid_from=("issue_date",),
    valid_to="expiry_date",
    duplicate_key=DuplicateKey(("id_number",), ("side",)),
)
