"""Shared drawing for A4 papers (birth certificate, land certificate, application forms): the
national motto, a seal, a signature, hand-filled values, administrative-unit wording."""

from __future__ import annotations

import math
import random
from datetime import date

from sohoa.samples import data
from sohoa.samples import hand as handwriting
from sohoa.samples.identity import admin_date_words
from sohoa.samples.layout import Color, Ellipse, Page, Polyline, Stamp, Text, text_width

W, H, DPI = 1654, 2339, 200  # A4 at 200 dpi
SERIF, BOLD, ITALIC, BOLD_ITALIC = "serif", "serif_bold", "serif_italic", "serif_bold_italic"
SEAL: Color = (210, 40, 45)
INK: Color = (28, 45, 150)  # a ballpoint pen's blue
HAND = "sans_oblique"
QH1 = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
QH2 = "Độc lập - Tự do - Hạnh phúc"
SEX_VI = {"male": "Nam", "female": "Nữ"}
ETHNICITIES = (("Kinh", 86.0), ("Tày", 2), ("Thái", 2), ("Mường", 1.5), ("Khmer", 1.5),
               ("Hoa", 1), ("Nùng", 1), ("H'Mông", 1), ("Dao", 0.8), ("Ê Đê", 0.4))  # fmt: skip
UNIT_WORDS = ("Thành phố", "Thị xã", "Thị trấn", "Xã", "Phường", "Huyện", "Quận", "Tỉnh")


def ethnicity(rng: random.Random) -> str:
    names, weights = zip(*ETHNICITIES, strict=True)
    return rng.choices(names, weights=weights)[0]


def lower_unit(name: str) -> str:
    """ "Huyện Sơn Tịnh" → "huyện Sơn Tịnh", as a unit is written inside a sentence."""
    for word in UNIT_WORDS:
        if name.startswith(word + " "):
            return word.lower() + name[len(word) :]
    return name


def commune_of(rng: random.Random, district: str, names: tuple[str, ...]) -> str:
    urban = not district.startswith("Huyện")
    return f"{'Phường' if urban else 'Xã'} {rng.choice(names)}"


def address_in(rng: random.Random, commune: str, *units: str) -> str:
    """A street-level address inside a given commune: "Thôn 3, Xã Tịnh Hà, Huyện …, Tỉnh …"."""
    return ", ".join((data._street_part(rng, commune.startswith("Phường")), commune, *units))


def quoc_hieu(page: Page, cx: float, y: float, size: int = 34) -> float:
    """The national name and motto centred on `cx` from baseline `y`; returns the y below them."""
    page.text(cx, y, QH1, BOLD, size, align="center")
    page.text(cx, y + size * 1.35, QH2, BOLD, size + 2, align="center")
    page.underline(cx, y + size * 1.35 + 14, text_width(QH2, BOLD, size + 2))
    return y + size * 1.35 + 14


def seal(page: Page, cx: float, cy: float, r: float = 100) -> None:
    page.add(Ellipse(cx - r, cy - r, cx + r, cy + r, outline=SEAL, width=7))
    page.add(Ellipse(cx - r * 0.76, cy - r * 0.76, cx + r * 0.76, cy + r * 0.76, outline=SEAL,
                     width=3))  # fmt: skip
    page.add(Ellipse(cx - 14, cy - 14, cx + 14, cy + 14, fill=SEAL))


def sign_and_seal(
    page: Page, rng: random.Random, cx: float, cy: float, *, stamp: bool, ring: str
) -> None:
    """A real page's signature: blue, and (`stamp`) the issuer's red round seal pressed over its
    left part (sohoa/samples/stamp.py), the seal turned and unevenly inked."""
    handwriting.signature(page, rng, cx + 20, cy, rng.uniform(220, 300))
    if stamp:
        page.add(
            Stamp(
                cx - rng.uniform(60, 120),
                cy + rng.uniform(-20, 30),
                rng.uniform(120, 145),
                ring,
                angle=rng.uniform(-40, 40),
                ink=rng.uniform(0.8, 1.0),
                seed=rng.randrange(1 << 30),
            )
        )


def signature(page: Page, rng: random.Random, cx: float, cy: float, span: float = 300) -> None:
    pts = []
    a, b, ph = rng.uniform(18, 30), rng.uniform(0.05, 0.09), rng.uniform(0, math.tau)
    n = int(span / 5)
    for k in range(n):
        x = cx - span / 2 + k * 5
        pts.append((x, cy + a * math.sin(ph + k * 0.45) + b * (k - n / 2) ** 2 * 0.3 - 10))
    page.add(Polyline(tuple(pts), color=INK, width=3))


def handwrite(
    page: Page,
    rng: random.Random,
    x: float,
    y: float,
    text: str,
    size: int = 38,
    *,
    record: bool = True,
    join: bool = False,
) -> float:
    """Text filled in by hand into a pre-printed blank: blue ink, slanted, each glyph slightly off
    the baseline and resized, uneven spacing. Returns the x after it. Recorded (when `record`)
    as one line, like any printed text."""
    if record:
        if join and page.lines:
            page.lines[-1] = f"{page.lines[-1]} {text}"
        else:
            page.lines.append(text)
    cx = x
    for ch in text:
        s = size + rng.randint(-3, 4)
        dy = rng.uniform(-4, 4)
        if ch != " ":
            page.add(Text(cx, y + dy, ch, HAND, s, INK))
        cx += text_width(ch, HAND, s) + rng.uniform(-1, 3)
    return cx


def date_line(
    page: Page,
    rng: random.Random,
    cx: float,
    y: float,
    place: str,
    d: date,
    size: int = 32,
    *,
    hand: tuple[str, ...] = (),
    right: float = W - 120,
    pen: handwriting.Hand | None = None,
) -> None:
    """ "{place}, ngày 05 tháng 3 năm 2024" (Decree 30 padding) centred on `cx`, in italics; the
    parts named in `hand` ("day", "month") filled in by hand into the pre-printed line (with
    `pen`, in its handwriting font; else slanted DejaVu)."""
    day, month = admin_date_words(d).split()[1::2][:2]
    parts: list[tuple[str, bool]] = [
        (f"{place}, ngày", False),
        (day, "day" in hand),
        ("tháng", False),
        (month, "month" in hand),
        (f"năm {d.year}", False),
    ]
    space = text_width(" ", ITALIC, size)
    hand_size = size + 4
    widths = [
        (
            handwriting.width_of(pen, t, size) + 0.6 * size
            if pen is not None
            else text_width(t, HAND, hand_size) + 1.5 * len(t)
        )
        if h
        else text_width(t, ITALIC, size)
        for t, h in parts
    ]
    total = sum(widths) + space * (len(parts) - 1)
    x = min(cx - total / 2, right - total)
    for i, ((text, by_hand), w) in enumerate(zip(parts, widths, strict=True)):
        if by_hand:  # the pre-printed dotted blank, then the pen
            for k in range(int((w + 16) // 9)):
                dx = x - 8 + k * 9
                page.add(Ellipse(dx, y + 4, dx + 3, y + 7, fill=(60, 60, 60)))
            if pen is not None:
                handwriting.write(page, rng, pen, x + 0.3 * size, y, text, size)
                page.lines[-1] = f"{page.lines[-1]} {text}"
            else:
                handwrite(page, rng, x, y + 2, text, hand_size, join=True)
        else:
            page.text(x, y, text, ITALIC, size, join=i > 0)
        x += w + space
