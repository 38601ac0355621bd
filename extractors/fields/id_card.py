"""Fields of the ID cards: chip CCCD (2021–06/2024) front and back, and the thẻ căn cước (from
07/2024) front and back (DOMAIN.md §5.1–5.2).

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

from extractors.fields.common import (
    NATIONALITIES,
    NO_EXPIRY,
    FieldSpec,
    Line,
    digits_repaired,
    extract_labelled,
    find_label,
    make_field,
    missing_finding,
    missing_findings,
    name_below,
    normalize_sex,
    page_lines,
    restore_phrases,
    title_case_name,
)
from extractors.mrz import Mrz, find_mrz
from extractors.records import Field, Finding, PageText, Role, Severity, SubjectKind, SubjectRef
from extractors.text import fold

ON_CARD = "trên thẻ"

# Label tables: one per variant and side (folded labels, Vietnamese and English).
CHIP_FRONT: tuple[FieldSpec, ...] = (
    FieldSpec("full_name", ("HO VA TEN", "FULL NAME"), "name", rows=1, vi="Họ và tên",
              same_row=False),
    FieldSpec("date_of_birth", ("NGAY SINH", "DATE OF BIRTH"), "date", vi="Ngày sinh"),
    FieldSpec("sex", ("GIOI TINH", "SEX"), "sex", vi="Giới tính"),
    FieldSpec("nationality", ("QUOC TICH", "NATIONALITY"), "nationality", vi="Quốc tịch"),
    FieldSpec("place_of_origin", ("QUE QUAN", "PLACE OF ORIGIN"), rows=2, vi="Quê quán"),
    FieldSpec("place_of_residence", ("NOI THUONG TRU", "PLACE OF RESIDENCE"), rows=3,
              vi="Nơi thường trú"),
    FieldSpec("expiry_date", ("CO GIA TRI DEN", "DATE OF EXPIRY"), "date", rows=1,
              vi="Có giá trị đến"),
)  # fmt: skip
CHIP_BACK: tuple[FieldSpec, ...] = (
    FieldSpec("personal_identification", ("DAC DIEM NHAN DANG", "PERSONAL IDENTIFICATION"),
              rows=2, vi="Đặc điểm nhận dạng", same_row=False),
    FieldSpec("issue_date", ("NGAY, THANG, NAM", "DATE, MONTH, YEAR"), "date", rows=1,
              vi="Ngày, tháng, năm (cấp)"),
)  # fmt: skip
CAN_CUOC_FRONT: tuple[FieldSpec, ...] = (
    FieldSpec("full_name", ("HO, CHU DEM VA TEN KHAI SINH", "HO, CHU DEM VA TEN", "FULL NAME"),
              "name", rows=1, vi="Họ, chữ đệm và tên khai sinh", same_row=False),
    FieldSpec("date_of_birth", ("NGAY, THANG, NAM SINH", "DATE OF BIRTH"), "date",
              vi="Ngày, tháng, năm sinh"),
    FieldSpec("sex", ("GIOI TINH", "SEX"), "sex", vi="Giới tính"),
    FieldSpec("nationality", ("QUOC TICH", "NATIONALITY"), "nationality", vi="Quốc tịch"),
)  # fmt: skip
CAN_CUOC_BACK: tuple[FieldSpec, ...] = (
    FieldSpec("place_of_residence", ("NOI CU TRU", "PLACE OF RESIDENCE"), rows=3,
              vi="Nơi cư trú", same_row=False),
    FieldSpec("place_of_birth", ("NOI DANG KY KHAI SINH", "PLACE OF BIRTH"), rows=2,
              vi="Nơi đăng ký khai sinh", same_row=False),
    FieldSpec("issue_date", ("NGAY, THANG, NAM CAP", "DATE OF ISSUE"), "date", rows=1,
              vi="Ngày, tháng, năm cấp"),
    FieldSpec("expiry_date", ("NGAY, THANG, NAM HET HAN", "DATE OF EXPIRY"), "date", rows=1,
              vi="Ngày, tháng, năm hết hạn"),
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


def id_card_subjects() -> tuple[SubjectRef, ...]:
    return (
        SubjectRef(
            Role.HOLDER,
            SubjectKind.PERSON,
            {
                "id_number": "id_number",
                "full_name": "full_name",
                "date_of_birth": "date_of_birth",
                "sex": "sex",
            },
        ),
    )


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
