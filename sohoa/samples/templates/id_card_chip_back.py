"""Chip CCCD (căn cước công dân gắn chip, issued 2021 – 06/2024), back side (docs/DOMAIN.md §5.1).

Chip (top left), the two index fingerprints (top right), "Đặc điểm nhận dạng / Personal
identification:" with the feature the police noted, "Ngày, tháng, năm / Date, month, year:" (the
issue date), the signature block of the director of the police department for administrative
management of social order (red seal), and an ICAO TD1 MRZ: IDVNM + last 9 digits of the ID + check
digit + the full 12-digit ID; birth date, sex, expiry with 7-3-1 check digits; the name without
diacritics. The printed side carries no name, so the holder's name is only in the MRZ."""

from __future__ import annotations

import math
import random
from datetime import date

from sohoa.samples import data
from sohoa.samples.document import Document, Subject
from sohoa.samples.identity import card_expiry, dmy, random_date, td1_mrz
from sohoa.samples.layout import Ellipse, Polyline, Rect, wrap
from sohoa.samples.templates import _a4, _card

NAME = "id_card_chip_back"
DOC_TYPE = "id_card"
WEIGHT = 2.0

LABEL, VALUE = "cond", "sans_bold"
TINT = (246, 243, 232)  # as the front
MARKS = (("Nốt ruồi", 5), ("Sẹo chấm", 4), ("Sẹo", 1), ("Nốt ruồi son", 1))
DISTANCES = ("0,5cm", "1cm", "1,5cm", "2cm", "2,5cm", "3cm", "3,5cm")
SPOTS = (
    "đầu mày phải", "đầu mày trái", "đuôi mày phải", "đuôi mày trái", "đuôi mắt phải",
    "đuôi mắt trái", "cánh mũi phải", "cánh mũi trái", "mép phải", "mép trái",
    "dái tai phải", "dái tai trái",
)  # fmt: skip
DIRECTOR_1 = "CỤC TRƯỞNG CỤC CẢNH SÁT"
DIRECTOR_2 = "QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI"


def feature(rng: random.Random) -> str:
    """ "Nốt ruồi C:1,5cm trên trước đầu mày trái": mark, distance, above/below, ahead/behind,
    landmark."""
    kinds, weights = zip(*MARKS, strict=True)
    kind = rng.choices(kinds, weights=weights)[0]
    return (
        f"{kind} C:{rng.choice(DISTANCES)} {rng.choice(('trên', 'dưới'))} "
        f"{rng.choice(('trước', 'sau'))} {rng.choice(SPOTS)}"
    )


def _chip(page, x: float, y: float) -> None:
    gold, line = (214, 178, 92), (150, 118, 50)
    page.add(Rect(x, y, x + 170, y + 130, fill=gold, outline=line, width=3, radius=18))
    for k in (1, 2):
        page.add(Polyline(((x, y + 130 * k / 3), (x + 60, y + 130 * k / 3)), color=line, width=3))
        page.add(
            Polyline(((x + 110, y + 130 * k / 3), (x + 170, y + 130 * k / 3)), color=line, width=3)
        )
    page.add(Rect(x + 60, y + 25, x + 110, y + 105, outline=line, width=3, radius=8))


def _fingerprint(page, rng: random.Random, x0: float, y0: float, x1: float, y1: float) -> None:
    page.add(Rect(x0, y0, x1, y1, fill=(250, 249, 244), outline=(120, 120, 120), width=2))
    cx, cy = (x0 + x1) / 2 + rng.uniform(-8, 8), (y0 + y1) / 2 + rng.uniform(-10, 10)
    grey = (95, 95, 100)
    for k in range(1, 12):
        rx, ry = 7 * k, 9.5 * k
        start = rng.uniform(0.2, 0.9)
        pts = tuple(
            (cx + rx * math.cos(t), cy + ry * math.sin(t) + 0.8 * k * math.sin(3 * t))
            for t in (start + j * (2 * math.pi - 0.6) / 40 for j in range(41))
        )
        pts = tuple((min(max(px, x0 + 6), x1 - 6), min(max(py, y0 + 6), y1 - 6)) for px, py in pts)
        page.add(Polyline(pts, color=grey, width=2.5))


def build(rng: random.Random) -> Document:
    issued = random_date(rng, date(2021, 1, 4), date(2024, 6, 28))
    person = _card.make_person(rng, issued)
    expiry = card_expiry(person.dob, issued)
    mrz = td1_mrz(person.id_number, person.dob, person.sex, expiry, person.full_name)
    marks = feature(rng)
    signer = data.person_name(rng, "male")

    page, ox, oy = _card.card_page(rng, TINT)
    _chip(page, ox + 70, oy + 70)
    x = ox + 40
    y = oy + 256
    page.text(x, y, "Đặc điểm nhận dạng / Personal identification:", LABEL, 25)
    marks_lines = wrap(marks, VALUE, 29, 700)[:2]
    # A printed card keeps its layout: two lines of marks are set tighter, so that the signer's
    # name stays clear of the MRZ below it (OCR merges touching lines).
    step = 42 if len(marks_lines) == 1 else 36
    for line in marks_lines:
        y += step
        page.text(x, y, line, VALUE, 29)
    y += 62 if len(marks_lines) == 1 else 50
    page.label_value(
        x, y, "Ngày, tháng, năm / Date, month, year:", dmy(issued),
        label_font=LABEL, label_size=25, value_size=30,
    )  # fmt: skip
    bx = ox + 390
    page.text(bx, y + 48, DIRECTOR_1, "cond_bold", 23, align="center")
    page.text(bx, y + 76, DIRECTOR_2, "cond_bold", 23, align="center")
    page.add(Ellipse(bx - 150, y + 92, bx - 40, y + 202, outline=_a4.SEAL, width=5))
    page.add(Ellipse(bx - 128, y + 114, bx - 62, y + 180, outline=_a4.SEAL, width=2))
    _a4.signature(page, rng, bx + 20, y + 150, 200)
    page.text(bx, y + 226, signer, VALUE, 25, align="center")

    fx = (ox + 790, ox + 1030)
    for x, (vi, en) in zip(
        fx,
        (("Ngón trỏ trái", "Left index finger"), ("Ngón trỏ phải", "Right index finger")),
        strict=True,
    ):
        _fingerprint(page, rng, x, oy + 50, x + 210, oy + 330)
        page.text(x + 105, oy + 364, vi, LABEL, 23, align="center")
        page.text(x + 105, oy + 392, en, LABEL, 19, align="center")

    my = oy + _card.CARD_H - 150
    for line in mrz:
        page.text(ox + 90, my, line, "mono", 40)
        my += 50

    fields: dict[str, str | None] = {
        "personal_identification": marks,
        "issue_date": issued.isoformat(),
        "signer": signer,
        # what the MRZ carries
        "id_number": person.id_number,
        "date_of_birth": person.dob.isoformat(),
        "sex": person.sex,
        "expiry_date": expiry.isoformat() if expiry else None,
        "mrz": "\n".join(mrz),
    }
    return Document(
        DOC_TYPE,
        page,
        fields,
        {"variant": "cccd_chip", "side": "back"},
        [Subject("holder", "person", person.id_number)],
    )
