"""Numbers, days and months written by hand into the blanks a printed page left
("Số:   86 /QĐ-UBND", "ngày 16 tháng 01"), as clerks fill them in after signing.

Written in handwriting fonts the digit reader never trained on: the families that
scripts/train_digits.py holds out (``HELD_OUT = ("dkg", "sjfonts")``, Debian fonts-dkg-handwriting
and fonts-sjfonts, installed by scripts/setup.sh). tests/samples checks that the two lists agree.
Each glyph gets its own size, a wobble off the baseline and uneven spacing; the pen is a blue or
black ballpoint or a broader felt pen; the figures come out larger than the print, as hands do."""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache

from sohoa.samples.layout import FONTS, Color, Page, Polyline, Text, font

# font name in layout.FONTS → the held-out family it belongs to (scripts/train_digits.py)
HAND_FONTS: dict[str, str] = {
    "hand_dkg": "dkg",
    "hand_dkg_bold": "dkg",
    "hand_dkg_italic": "dkg",
    "hand_dkg_bold_italic": "dkg",
    "hand_steve": "sjfonts",
    "hand_delphine": "sjfonts",
}
PENS: tuple[tuple[Color, float], ...] = (  # (ink, weight)
    ((28, 45, 150), 5.0),  # blue ballpoint
    ((20, 30, 110), 2.0),  # dark blue
    ((35, 35, 40), 1.5),  # black
    ((60, 40, 170), 0.8),  # violet-blue gel
)


@dataclass(frozen=True)
class Hand:
    """One person's hand on one page: the font, the pen, the size relative to the print."""

    font: str
    ink: Color
    stroke: float
    scale: float  # figure height / print cap height
    slant_jitter: float  # baseline wobble in pixels


def pick_hand(rng: random.Random) -> Hand:
    name = rng.choice(sorted(HAND_FONTS))
    colors, weights = zip(*PENS, strict=True)
    ink = rng.choices(colors, weights=weights)[0]
    stroke = rng.choice((0, 0, 0.6, 1.0, 1.5))
    return Hand(name, ink, stroke, rng.uniform(1.15, 1.6), rng.uniform(1.5, 5.0))


@lru_cache(maxsize=64)
def _digit_height(font_name: str, size: int) -> float:
    _, top, _, bottom = font(font_name, size).getbbox("0123456789")
    return max(1, bottom - top)


def figure_size(hand: Hand, print_size: int) -> int:
    """The em size that makes this font's figures `hand.scale` times the print's cap height."""
    cap = 0.73 * print_size  # DejaVu's cap height
    probe = 100
    return max(8, round(probe * hand.scale * cap / _digit_height(hand.font, probe)))


def width_of(hand: Hand, text: str, print_size: int) -> float:
    size = figure_size(hand, print_size)
    return font(hand.font, size).getlength(text) + 2.0 * len(text)


def write(page: Page, rng: random.Random, hand: Hand, x: float, y: float, text: str,
          print_size: int) -> float:  # fmt: skip
    """Draw `text` by hand with its left edge at `x` on baseline `y`; record nothing (the caller
    records the line as read). Returns the x after it."""
    size = figure_size(hand, print_size)
    cx = x
    lift = rng.uniform(-0.15, 0.1) * print_size  # hands write a little above or on the line
    for ch in text:
        s = max(8, size + rng.randint(-size // 10, size // 10))
        dy = lift + rng.uniform(-hand.slant_jitter, hand.slant_jitter)
        if ch != " ":
            page.add(Text(cx, y + dy, ch, hand.font, s, hand.ink, stroke=hand.stroke))
        cx += font(hand.font, s).getlength(ch) + rng.uniform(-1.0, 4.0)
    return cx


def fonts_present() -> bool:
    """True when every handwriting font file is installed (scripts/setup.sh installs them)."""
    from pathlib import Path

    return all(Path(FONTS[name]).is_file() for name in HAND_FONTS)


def _catmull_rom(points: list[tuple[float, float]], steps: int = 8) -> list[tuple[float, float]]:
    """A smooth pen path through the points."""
    out: list[tuple[float, float]] = []
    pts = [points[0], *points, points[-1]]
    for i in range(1, len(pts) - 2):
        p0, p1, p2, p3 = pts[i - 1], pts[i], pts[i + 1], pts[i + 2]
        for k in range(steps):
            t = k / steps
            t2, t3 = t * t, t * t * t
            out.append(
                tuple(  # type: ignore[arg-type]
                    0.5
                    * (
                        2 * p1[j]
                        + (-p0[j] + p2[j]) * t
                        + (2 * p0[j] - 5 * p1[j] + 4 * p2[j] - p3[j]) * t2
                        + (-p0[j] + 3 * p1[j] - 3 * p2[j] + p3[j]) * t3
                    )
                    for j in (0, 1)
                )
            )
    out.append(points[-1])
    return out


def signature(
    page: Page, rng: random.Random, cx: float, cy: float, span: float, ink: Color = (25, 50, 165)
) -> None:
    """A signature in blue ink: a tall first stroke, then a running line that rises and falls
    unevenly (a loop or two in it), often a stroke back through it and a flourish underneath."""
    x = cx - span / 2
    height = rng.uniform(35, 60)
    pts = [(x, cy + rng.uniform(0, 15)), (x + rng.uniform(8, 20), cy - height)]
    x += rng.uniform(15, 30)
    pts.append((x, cy + rng.uniform(5, 20)))
    while x < cx + span / 2:
        x += rng.uniform(14, 40)
        up = len(pts) % 2 == 0
        pts.append((x, cy + (-1 if up else 1) * rng.uniform(5, height * 0.7)))
        if rng.random() < 0.15:  # a loop: back a little, round, on
            pts.append((x - rng.uniform(10, 20), cy - rng.uniform(10, 30)))
            pts.append((x + rng.uniform(2, 10), cy + rng.uniform(-5, 10)))
    width = rng.uniform(2.5, 4.5)
    page.add(Polyline(tuple(_catmull_rom(pts)), color=ink, width=width))
    if rng.random() < 0.6:  # a stroke back through it
        a = (cx + span * rng.uniform(0.2, 0.45), cy + rng.uniform(-20, 5))
        b = (cx - span * rng.uniform(0.1, 0.4), cy + rng.uniform(-5, 25))
        mid = ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2 + rng.uniform(-15, 15))
        page.add(Polyline(tuple(_catmull_rom([a, mid, b])), color=ink, width=width * 0.8))
    if rng.random() < 0.5:  # a flourish underneath
        y0 = cy + height * 0.6 + rng.uniform(5, 20)
        flourish = [
            (cx - span * 0.45, y0),
            (cx, y0 + rng.uniform(2, 10)),
            (cx + span * 0.5, y0 - rng.uniform(5, 20)),
        ]
        page.add(Polyline(tuple(_catmull_rom(flourish)), color=ink, width=width * 0.7))
