"""Shared drawing for ID cards: the card body on the scanner bed, guilloche, emblem, photo, QR,
person."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date

from sohoa.samples import data
from sohoa.samples.identity import personal_id, random_date
from sohoa.samples.layout import Ellipse, Page, Polyline, Rect

CARD_W, CARD_H = 1280, 808  # 85.6 × 54 mm at ~380 dpi
MARGIN = 36
DPI = 380
BED = (232, 232, 228)


@dataclass(frozen=True)
class Person:
    full_name: str  # title case
    sex: str
    dob: date
    birth_province: data.Province  # the ID prefix (birth registration)
    origin_province: data.Province
    residence_province: data.Province
    id_number: str


def make_person(
    rng: random.Random, issued: date, *, min_age: int = 14, max_age: int = 85
) -> Person:
    sex = rng.choice(("male", "female"))
    latest = date(issued.year - min_age, issued.month, min(issued.day, 28))
    earliest = date(issued.year - max_age, 1, 1)
    dob = random_date(rng, earliest, latest)
    origin = rng.choice(data.PROVINCES_63)
    birth = origin if rng.random() < 0.7 else rng.choice(data.PROVINCES_63)
    residence = origin if rng.random() < 0.5 else rng.choice(data.PROVINCES_63)
    return Person(
        full_name=data.person_name(rng, sex),
        sex=sex,
        dob=dob,
        birth_province=birth,
        origin_province=origin,
        residence_province=residence,
        id_number=personal_id(rng, birth.code, dob, sex),
    )


def card_page(rng: random.Random, tint: tuple[int, int, int]) -> tuple[Page, float, float]:
    """A page with the card body drawn; returns (page, ox, oy): the card's top-left corner."""
    page = Page(CARD_W + 2 * MARGIN, CARD_H + 2 * MARGIN, DPI, background=BED)
    ox = oy = MARGIN
    page.add(Rect(ox, oy, ox + CARD_W, oy + CARD_H, fill=tint, outline=(200, 200, 195), radius=40))
    # guilloche: faint interleaved waves
    pale = tuple(max(0, c - 14) for c in tint)
    phase = rng.uniform(0, math.tau)
    for i in range(14):
        y0 = oy + 60 + i * 52
        pts = tuple(
            (
                ox + 30 + x,
                y0 + 18 * math.sin(phase + x / 70 + i * 0.6) + 8 * math.sin(x / 23 + i),
            )
            for x in range(0, CARD_W - 60, 16)
        )
        page.add(Polyline(pts, color=pale, width=2))  # type: ignore[arg-type]
    return page, ox, oy


def emblem(page: Page, x: float, y: float, d: float) -> None:
    page.add(Ellipse(x, y, x + d, y + d, fill=(205, 40, 40), outline=(230, 180, 40), width=d / 18))
    cx, cy, r = x + d / 2, y + d / 2, d * 0.3
    pts = []
    for k in range(10):
        rr = r if k % 2 == 0 else r * 0.4
        a = -math.pi / 2 + k * math.pi / 5
        pts.append((cx + rr * math.cos(a), cy + rr * math.sin(a)))
    page.add(Polyline(tuple(pts), color=(250, 215, 60), width=1, closed=True, fill=(250, 215, 60)))


def photo(page: Page, x0: float, y0: float, x1: float, y1: float) -> None:
    page.add(Rect(x0, y0, x1, y1, fill=(214, 218, 224), outline=(150, 150, 150), width=2))
    w, h = x1 - x0, y1 - y0
    page.add(
        Ellipse(x0 + w * 0.3, y0 + h * 0.16, x0 + w * 0.7, y0 + h * 0.56, fill=(150, 150, 158))
    )
    cx, rx, ry = x0 + w / 2, w * 0.42, h * 0.36
    shoulders = tuple(
        (
            cx + rx * math.cos(math.pi + k * math.pi / 24),
            y1 - 2 + ry * math.sin(math.pi + k * math.pi / 24),
        )
        for k in range(25)
    )
    page.add(Polyline(shoulders, color=(150, 150, 158), closed=True, fill=(150, 150, 158)))
    page.add(Rect(x0, y0, x1, y1, outline=(150, 150, 150), width=2))


def qr(page: Page, rng: random.Random, x: float, y: float, size: float, n: int = 25) -> None:
    """A QR-like square: three finder patterns and random modules (not decodable)."""
    cell = size / n
    page.add(Rect(x - cell, y - cell, x + size + cell, y + size + cell, fill=(255, 255, 255)))
    grid = [[rng.random() < 0.5 for _ in range(n)] for _ in range(n)]
    for fx, fy in ((0, 0), (n - 7, 0), (0, n - 7)):
        for i in range(-1, 8):
            for j in range(-1, 8):
                if 0 <= fx + i < n and 0 <= fy + j < n:
                    ring = max(abs(i - 3), abs(j - 3))
                    grid[fy + j][fx + i] = ring in (0, 1, 3)
    for r, row in enumerate(grid):
        c = 0
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                page.add(
                    Rect(
                        x + start * cell,
                        y + r * cell,
                        x + c * cell,
                        y + (r + 1) * cell,
                        fill=(0, 0, 0),
                    )
                )
            else:
                c += 1
