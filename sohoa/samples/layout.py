"""A page as a list of drawing operations in pixels, so one layout feeds both the raster scan
(Pillow) and the born-digital PDF (reportlab). Text positions are baselines; widths are measured
with Pillow on the same DejaVu TTF files reportlab embeds, so both renderings agree."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONTS: dict[str, str] = {
    "sans": "DejaVuSans.ttf",
    "sans_bold": "DejaVuSans-Bold.ttf",
    "cond": "DejaVuSansCondensed.ttf",
    "cond_bold": "DejaVuSansCondensed-Bold.ttf",
    "serif": "DejaVuSerifCondensed.ttf",
    "serif_bold": "DejaVuSerifCondensed-Bold.ttf",
    "serif_italic": "DejaVuSerifCondensed-Italic.ttf",
    "serif_bold_italic": "DejaVuSerifCondensed-BoldItalic.ttf",
    "mono": "DejaVuSansMono.ttf",
    "sans_oblique": "DejaVuSans-Oblique.ttf",  # hand-filled values (templates/_a4.py)
    # Handwriting fonts the digit reader never trained on (scripts/train_digits.py HELD_OUT), for
    # numbers and days written into blanks (sohoa/samples/hand.py); absolute paths, other packages.
    "hand_dkg": "/usr/share/fonts/truetype/fifthhorseman/dkg.ttf",
    "hand_dkg_bold": "/usr/share/fonts/truetype/fifthhorseman/dkgBd.ttf",
    "hand_dkg_italic": "/usr/share/fonts/truetype/fifthhorseman/dkgIt.ttf",
    "hand_dkg_bold_italic": "/usr/share/fonts/truetype/fifthhorseman/dkgBI.ttf",
    "hand_steve": "/usr/share/fonts/truetype/sjfonts/SteveHand.ttf",
    "hand_delphine": "/usr/share/fonts/truetype/sjfonts/Delphine.ttf",
}

Color = tuple[int, int, int]
BLACK: Color = (20, 20, 20)
RED: Color = (200, 30, 35)


@lru_cache(maxsize=256)
def font(name: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_DIR / FONTS[name]), size)


def text_width(text: str, font_name: str, size: int) -> float:
    return font(font_name, size).getlength(text)


def wrap(text: str, font_name: str, size: int, width: float) -> list[str]:
    """Greedy word wrap to `width` pixels."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}" if current else word
        if current and text_width(trial, font_name, size) > width:
            lines.append(current)
            current = word
        else:
            current = trial
    if current:
        lines.append(current)
    return lines


def wrap_balanced(text: str, font_name: str, size: int, width: float) -> list[str]:
    """Wrapped in as many lines as `width` needs, the lines about equally long (as a centred
    block is set: no word left alone on its last line)."""
    lines = wrap(text, font_name, size, width)
    if len(lines) < 2:
        return lines
    trial = text_width(text, font_name, size) / len(lines)
    while trial < width:
        balanced = wrap(text, font_name, size, trial)
        if len(balanced) == len(lines):
            return balanced
        trial += 10
    return lines


def wrap_address(text: str, font_name: str, size: int, width: float) -> list[str]:
    """Wrap at the commas between address parts where possible, as cards and forms print them."""
    lines: list[str] = []
    current = ""
    for part in text.split(", "):
        trial = f"{current}, {part}" if current else part
        if current and text_width(trial + ",", font_name, size) > width:
            lines.append(current + ",")
            current = part
        else:
            current = trial
    if current:
        lines.append(current)
    out: list[str] = []
    for line in lines:  # a single part longer than the width still wraps at spaces
        out.extend(wrap(line, font_name, size, width))
    return out


@dataclass(frozen=True)
class Text:
    x: float  # anchor x: left edge, centre or right edge per `align`
    y: float  # baseline
    text: str
    font: str
    size: int  # pixels (em size)
    color: Color = BLACK
    align: str = "left"  # left | center | right
    stroke: float = 0  # extra pen width in pixels (handwriting with a broad pen)


@dataclass(frozen=True)
class Rect:
    x0: float
    y0: float
    x1: float
    y1: float
    fill: Color | None = None
    outline: Color | None = None
    width: float = 1
    radius: float = 0


@dataclass(frozen=True)
class Line:
    x0: float
    y0: float
    x1: float
    y1: float
    color: Color = BLACK
    width: float = 2


@dataclass(frozen=True)
class Ellipse:
    x0: float
    y0: float
    x1: float
    y1: float
    fill: Color | None = None
    outline: Color | None = None
    width: float = 1


@dataclass(frozen=True)
class Polyline:
    points: tuple[tuple[float, float], ...]
    color: Color = BLACK
    width: float = 1
    closed: bool = False
    fill: Color | None = None


@dataclass(frozen=True)
class Stamp:
    """A round red seal pressed over the signature (drawn by sohoa/samples/stamp.py): two rings,
    the body's name around them, a star or the body's short name in the middle, uneven ink."""

    cx: float
    cy: float
    r: float
    ring_text: str
    centre_text: tuple[str, ...] = ()  # empty: the national emblem's star
    color: Color = (205, 32, 40)
    angle: float = 0  # the whole seal turned, degrees counter-clockwise
    ink: float = 0.85  # opacity of a full-ink spot
    seed: int = 0  # texture of the ink


Op = Text | Rect | Line | Ellipse | Polyline | Stamp


@dataclass
class Page:
    """One page: size in pixels at `dpi`, drawing operations, the printed lines in reading order."""

    width: int
    height: int
    dpi: int
    background: Color = (255, 255, 255)
    ops: list[Op] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)

    def add(self, op: Op) -> None:
        self.ops.append(op)

    def text(
        self,
        x: float,
        y: float,
        text: str,
        font_name: str = "sans",
        size: int = 32,
        *,
        color: Color = BLACK,
        align: str = "left",
        record: bool = True,
        join: bool = False,
    ) -> float:
        """Draw one line of text; return the x just after it (for left-aligned text).

        ``record`` adds it to the page's printed lines; ``join`` appends it to the last recorded
        line
        (a label and its value on one line)."""
        self.ops.append(Text(x, y, text, font_name, size, color, align))
        if record:
            if join and self.lines:
                self.lines[-1] = f"{self.lines[-1]} {text}"
            else:
                self.lines.append(text)
        w = text_width(text, font_name, size)
        return x + w if align == "left" else x + w / 2 if align == "center" else x

    def label_value(
        self,
        x: float,
        y: float,
        label: str,
        value: str,
        *,
        label_font: str = "sans",
        label_size: int = 24,
        value_font: str = "sans_bold",
        value_size: int = 32,
        gap: float = 12,
        color: Color = BLACK,
    ) -> float:
        end = self.text(x, y, label, label_font, label_size, color=color)
        return self.text(end + gap, y, value, value_font, value_size, join=True)

    def paragraph(
        self,
        x: float,
        y: float,
        text: str,
        width: float,
        font_name: str,
        size: int,
        *,
        leading: float = 1.45,
        indent: float = 0,
        align: str = "left",
        color: Color = BLACK,
    ) -> float:
        """Wrap and draw; return the baseline of the next line."""
        first = True
        for line in wrap(text, font_name, size, width - indent):
            if align == "center":
                self.text(x + width / 2, y, line, font_name, size, align="center", color=color)
            else:
                self.text(x + (indent if first else 0), y, line, font_name, size, color=color)
            first = False
            y += size * leading
        return y

    def underline(self, cx: float, y: float, length: float, width: float = 2) -> None:
        self.ops.append(Line(cx - length / 2, y, cx + length / 2, y, BLACK, width))
