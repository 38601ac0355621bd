"""Train the handwritten-digit CNN (extractors/handwriting/digits.onnx) from handwriting fonts.

Not run by CI or the tests: it needs PyTorch (`.venv/bin/pip install -e ".[train]"`) and the fonts
below (`apt-get install` the packages named in FAMILIES). Seeded and reproducible on one thread:

    .venv/bin/python scripts/train_digits.py              # writes the .onnx and its .json sidecar
    .venv/bin/python scripts/train_digits.py --quick      # a smaller run, to try a change

Each training sample is made the way the reader meets real handwriting: a whole gap is drawn (a
number or a day written with a font, slanted, elastically distorted, a random pen, beside print
fragments such as "Số:" or "/QĐ-UBND", over dotted leaders or a rule, with blur, noise, low
resolution and JPEG), then cleaned and cut by the reader's own code (`extractors.handwriting.ink`
and `.glyphs`), and each glyph is labelled by which drawn character its ink came from: a digit, or
"reject" (print, rules, noise, letters, two digits run together). Whole font families are held out:
the figures printed at the end are on gaps written in fonts training never saw.
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors.handwriting.glyphs import cut_glyphs  # noqa: E402
from extractors.handwriting.ink import clean_digits_at, enlarged  # noqa: E402
from extractors.handwriting.model import CLASSES, REJECT, WEIGHTS  # noqa: E402
from extractors.handwriting.normalize import SIZE, model_input  # noqa: E402

# family → (Debian package, font files). Whole families are held out, never single styles.
FAMILIES: dict[str, tuple[str, list[str]]] = {
    "breip": ("fonts-breip", ["truetype/breip/Breip.ttf", "truetype/breip/breipfont.ttf"]),
    "bwht": (
        "fonts-bwht",
        [
            f"opentype/bwht/BecauseWe{name}-Regular.otf"
            for name in ("Build", "Connect", "Create", "Learn", "Mentor", "Organize")
        ],
    ),
    "klee": (
        "fonts-klee",
        ["truetype/klee/KleeOne-Regular.ttf", "truetype/klee/KleeOne-SemiBold.ttf"],
    ),
    "kristi": ("fonts-kristi", ["truetype/kristi/Kristi.ttf"]),
    "rufscript": ("fonts-rufscript", ["truetype/rufscript/Rufscript010.ttf"]),
    "dancingscript": (
        "fonts-dancingscript",
        [
            "opentype/dancingscript/DancingScript-Regular.otf",
            "opentype/dancingscript/DancingScript-Bold.otf",
        ],
    ),
    "kaushanscript": ("fonts-kaushanscript", ["opentype/kaushanscript/KaushanScript-Regular.otf"]),
    "humor-sans": ("fonts-humor-sans", ["truetype/humor-sans/Humor-Sans.ttf"]),
    "comic-neue": (
        "fonts-comic-neue",
        [
            f"opentype/comic-neue/ComicNeue-{style}.otf"
            for style in ("Regular", "Bold", "Italic", "BoldItalic", "Light", "LightItalic")
        ],
    ),
    "seto": ("fonts-seto", ["truetype/seto/setofont.ttf"]),
    "nanum-pen": (
        "fonts-nanum-extra",
        [
            "truetype/nanum/NanumPen.ttf",
            "truetype/nanum/NanumBrush.ttf",
            "truetype/nanum/NanumBarunpenR.ttf",
        ],
    ),
    "purisa": (
        "fonts-tlwg-purisa-ttf",
        [f"truetype/tlwg/Purisa{s}.ttf" for s in ("", "-Bold", "-Oblique", "-BoldOblique")],
    ),
    # held out (HELD_OUT): the sample generator writes numbers with these
    "dkg": (
        "fonts-dkg-handwriting",
        [f"truetype/fifthhorseman/dkg{s}.ttf" for s in ("", "Bd", "It", "BI")],
    ),
    "sjfonts": (
        "fonts-sjfonts",
        ["truetype/sjfonts/SteveHand.ttf", "truetype/sjfonts/Delphine.ttf"],
    ),
}
HELD_OUT = ("dkg", "sjfonts")
TRAINING = tuple(f for f in FAMILIES if f not in HELD_OUT)
PRINT_FONTS = [
    "truetype/dejavu/DejaVuSerif.ttf",
    "truetype/dejavu/DejaVuSerif-Italic.ttf",
    "truetype/liberation/LiberationSerif-Regular.ttf",
    "truetype/liberation/LiberationSerif-Italic.ttf",
    "truetype/liberation/LiberationSerif-Bold.ttf",
]
FONT_DIR = Path("/usr/share/fonts")
# printed words left and right of the blanks ("Số: …/QĐ-UBND", "ngày … tháng … năm")
LEFT_PRINT = ("Số:", "Số", "ngày", "tháng", "Ngày", "số:", "Số :")
RIGHT_PRINT = (
    "/QĐ-UBND",
    "/CT-UBND",
    "/TTg-CĐS",
    "/UBND-VX",
    "/QĐ-BCĐ",
    "tháng",
    "năm",
    "/TB-UBND",
)
# handwritten non-digits, drawn as "reject" (none of them looks like a digit)
LETTERS = "acehkmnrtuvwxyACEFHKMNPRTUVWXY"
# label-map values: a handwritten letter, print or rules (both "reject"), and ink that is neither a
# digit nor surely not one (a neighbour's stroke cut by the crop edge looks like a "1")
HAND, OTHER, UNSURE = 100, 200, 250

HIDDEN = 128


def font_path(relative: str) -> Path:
    return FONT_DIR / relative


@dataclass
class Fonts:
    hands: list[ImageFont.FreeTypeFont | str]
    prints: list[str]


# --- drawing a gap --------------------------------------------------------------------------------


def _text_value(rng: np.random.Generator) -> str:
    """What is written in a blank: a document number, a day or a month."""
    kind = rng.random()
    if kind < 0.3:  # a day or a month, often zero-padded
        value = int(rng.integers(1, 32))
        return f"{value:02d}" if rng.random() < 0.6 else str(value)
    if kind < 0.45:
        value = int(rng.integers(1, 13))
        return f"{value:02d}" if rng.random() < 0.5 else str(value)
    length = int(rng.choice([1, 2, 3, 4, 5], p=[0.1, 0.35, 0.3, 0.2, 0.05]))
    return "".join(str(int(d)) for d in rng.integers(0, 10, size=length))


@lru_cache(maxsize=4096)
def _font(font_file: str, px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(font_file, px)


def _glyph_mask(font_file: str, char: str, px: int, pen: int) -> np.ndarray:
    """One character as an ink mask (float 0..1), trimmed, drawn `px` high at most."""
    font = _font(font_file, px)
    left, top, right, bottom = font.getbbox(char, stroke_width=pen)
    w, h = max(1, right - left + 4), max(1, bottom - top + 4)
    image = Image.new("L", (w, h), 0)
    ImageDraw.Draw(image).text(
        (2 - left, 2 - top), char, fill=255, font=font, stroke_width=pen, stroke_fill=255
    )
    mask = np.asarray(image, np.float32) / 255.0
    ys, xs = np.nonzero(mask > 0.1)
    if len(xs) == 0:
        return np.zeros((1, 1), np.float32)
    return mask[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]


def _hand_line(
    rng: np.random.Generator, font_file: str, text: str, digit_h: int
) -> tuple[np.ndarray, np.ndarray, str]:
    """A written line: its ink (float), a label map (i + 1 for the i-th character drawn, HAND for
    a letter) and the characters drawn."""
    pen = int(rng.choice([0, 0, 0, 1, 1, 2])) if digit_h > 30 else int(rng.choice([0, 0, 1]))
    px = int(digit_h * rng.uniform(1.25, 1.5))
    chars = list(text)
    if rng.random() < 0.08:  # a handwritten letter or stroke in the blank
        chars.insert(int(rng.integers(0, len(chars) + 1)), str(rng.choice(list(LETTERS))))
    masks = []
    for ch in chars:
        m = _glyph_mask(font_file, ch, px, pen)
        if m.shape[0] > 1 and ch.isdigit():  # normalise digit height: fonts differ a lot
            scale = digit_h * rng.uniform(0.9, 1.1) / m.shape[0]
            m = cv2.resize(
                m, (max(1, round(m.shape[1] * scale)), max(1, round(m.shape[0] * scale)))
            )
            m = _local_habits(rng, ch, m)
        masks.append(m)
    height = int(max(m.shape[0] for m in masks) + digit_h * 0.6)
    gap = [int(digit_h * rng.uniform(-0.12, 0.45)) for _ in masks]
    width = int(sum(m.shape[1] for m in masks) + sum(max(g, 0) for g in gap) + digit_h)
    ink = np.zeros((height, width), np.float32)
    labels = np.zeros((height, width), np.uint8)
    x = int(digit_h * 0.3)
    base = height - int(digit_h * 0.3)
    for i, (ch, m) in enumerate(zip(chars, masks, strict=True)):
        y = base - m.shape[0] + int(digit_h * rng.uniform(-0.08, 0.08))
        y = min(max(0, y), height - m.shape[0])
        x = min(max(0, x), width - m.shape[1])
        region = (slice(y, y + m.shape[0]), slice(x, x + m.shape[1]))
        ink[region] = np.maximum(ink[region], m)
        labels[region][m > 0.4] = (i + 1) if ch.isdigit() else HAND
        x += m.shape[1] + gap[i]
    return ink, labels, "".join(chars)


def _local_habits(rng: np.random.Generator, ch: str, mask: np.ndarray) -> np.ndarray:
    """Habits of Vietnamese hands few fonts have: a "1" with a long flag (and sometimes a foot),
    a "7" crossed in the middle."""
    if ch not in "17" or mask.shape[0] < 8:
        return mask
    h, w = mask.shape
    ink = (mask > 0.4).astype(np.uint8)
    pen = max(1, round(2 * float(cv2.distanceTransform(ink, cv2.DIST_L2, 3).max())))
    if ch == "1" and rng.random() < 0.6:  # the commonest miss on real pages: "16" read "46"
        length = h * rng.uniform(0.3, 0.75)
        angle = np.deg2rad(rng.uniform(20, 55))
        dx, dy = length * np.cos(angle), length * np.sin(angle)
        pad = int(dx) + pen + 1
        out = cv2.copyMakeBorder(mask, 0, 0, pad, 0, cv2.BORDER_CONSTANT, value=0)
        ys, xs = np.nonzero(out > 0.4)
        top = int(np.argmin(ys))
        x0, y0 = int(xs[top]), int(ys[top])
        cv2.line(out, (x0, y0), (int(x0 - dx), int(y0 + dy)), 1.0, pen, cv2.LINE_AA)
        if rng.random() < 0.15:  # a foot
            bottom = int(np.argmax(ys))
            xb, yb = int(xs[bottom]), int(ys[bottom]) - pen // 2
            half = int(h * rng.uniform(0.15, 0.25))
            cv2.line(out, (xb - half, yb), (xb + half, yb), 1.0, pen, cv2.LINE_AA)
            out = cv2.copyMakeBorder(out, 0, 0, 0, half, cv2.BORDER_CONSTANT, value=0)
        return out
    if ch == "7" and rng.random() < 0.45:
        out = mask.copy()
        y = int(h * rng.uniform(0.45, 0.6))
        xs = np.nonzero(out[y] > 0.4)[0]
        if len(xs):
            cx, half = int(xs.mean()), int(w * rng.uniform(0.2, 0.35))
            cv2.line(out, (cx - half, y), (cx + half, y), 1.0, pen, cv2.LINE_AA)
        return out
    return mask


def _warp(
    rng: np.random.Generator, ink: np.ndarray, labels: np.ndarray, digit_h: int
) -> tuple[np.ndarray, np.ndarray]:
    """Slant, a small rotation and elastic distortion, the same for ink and labels."""
    h, w = ink.shape
    pad = int(digit_h * 0.6)
    ink = cv2.copyMakeBorder(ink, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=0)
    labels = cv2.copyMakeBorder(labels, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=0)
    h, w = ink.shape
    shear = rng.uniform(-0.25, 0.4)
    angle = np.deg2rad(rng.uniform(-4, 4))
    cx, cy = w / 2, h / 2
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    alpha, sigma = digit_h * rng.uniform(0.0, 0.08), max(2.0, digit_h / 5)
    # smooth random displacement: noise on a grid `sigma` apart, interpolated
    grid = (max(2, int(w / sigma) + 2), max(2, int(h / sigma) + 2))
    dx = cv2.resize(rng.uniform(-1, 1, grid[::-1]).astype(np.float32), (w, h), cv2.INTER_CUBIC)
    dy = cv2.resize(rng.uniform(-1, 1, grid[::-1]).astype(np.float32), (w, h), cv2.INTER_CUBIC)
    norm = max(1e-6, float(np.abs(dx).max()), float(np.abs(dy).max()))
    px, py = xs + alpha * dx / norm - cx, ys + alpha * dy / norm - cy
    cos, sin = np.cos(angle), np.sin(angle)
    sx, sy = cos * px + sin * py, -sin * px + cos * py
    sx = sx + shear * sy  # positive shear: a right-leaning hand
    map_x, map_y = (sx + cx).astype(np.float32), (sy + cy).astype(np.float32)
    ink = cv2.remap(ink, map_x, map_y, cv2.INTER_LINEAR, borderValue=0)
    labels = cv2.remap(labels, map_x, map_y, cv2.INTER_NEAREST, borderValue=0)
    return ink, labels


def _print_mask(font_file: str, text: str, px: int) -> np.ndarray:
    font = _font(font_file, px)
    left, top, right, bottom = font.getbbox(text)
    image = Image.new("L", (right - left + 4, bottom - top + 4), 0)
    ImageDraw.Draw(image).text((2 - left, 2 - top), text, fill=255, font=font)
    return np.asarray(image, np.float32) / 255.0


def draw_gap(
    rng: np.random.Generator, fonts: Fonts, text: str
) -> tuple[np.ndarray, np.ndarray, str]:
    """A grey gap image with `text` written in it, its label map and the characters drawn (see
    `_hand_line`)."""
    digit_h = int(rng.choice([rng.uniform(14, 30), rng.uniform(30, 60)], p=[0.35, 0.65]))
    font_file = str(fonts.hands[int(rng.integers(0, len(fonts.hands)))])
    ink, labels, drawn = _hand_line(rng, font_file, text, digit_h)
    ink, labels = _warp(rng, ink, labels, digit_h)
    ys, xs = np.nonzero(ink > 0.2)
    if len(xs) == 0:
        return np.full((40, 40), 255, np.uint8), np.zeros((40, 40), np.uint8), drawn
    ink, labels = (
        ink[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1],
        labels[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1],
    )
    crop_h = int(max(ink.shape[0] + 4, digit_h * rng.uniform(1.8, 2.6)))
    line_h = int(digit_h * rng.uniform(0.6, 0.95))  # the printed line's letter height
    margin_l = int(digit_h * rng.uniform(-0.15, 1.0))  # negative: the crop cuts the first digit
    margin_r = int(digit_h * rng.uniform(-0.15, 1.0))
    left_print = right_print = None
    if rng.random() < 0.55:
        left_print = _print_mask(str(rng.choice(fonts.prints)), str(rng.choice(LEFT_PRINT)), line_h)
        keep = int(left_print.shape[1] * rng.uniform(0.05, 0.5))  # the crop starts inside the word
        left_print = left_print[:, left_print.shape[1] - keep :]
    if rng.random() < 0.55:
        right_print = _print_mask(
            str(rng.choice(fonts.prints)), str(rng.choice(RIGHT_PRINT)), line_h
        )
        keep = int(right_print.shape[1] * rng.uniform(0.05, 0.6))
        right_print = right_print[:, :keep]
    lw = 0 if left_print is None else left_print.shape[1] + int(digit_h * rng.uniform(0.1, 0.5))
    rw = 0 if right_print is None else right_print.shape[1] + int(digit_h * rng.uniform(0.1, 0.5))
    width = max(8, lw + max(0, margin_l) + ink.shape[1] + max(0, margin_r) + rw)
    canvas = np.zeros((crop_h, width), np.float32)
    label_map = np.zeros((crop_h, width), np.uint8)
    baseline = int(crop_h * rng.uniform(0.6, 0.8))
    top = min(max(0, baseline - ink.shape[0] + int(digit_h * 0.25)), crop_h - ink.shape[0])
    x0 = lw + max(0, margin_l)
    canvas[top : top + ink.shape[0], x0 : x0 + ink.shape[1]] = ink
    label_map[top : top + ink.shape[0], x0 : x0 + ink.shape[1]] = labels
    for mask, at in (
        (left_print, 0),
        (right_print, width - rw + (rw - (right_print.shape[1] if right_print is not None else 0))),
    ):
        if mask is None:
            continue
        y = min(max(0, baseline - mask.shape[0]), crop_h - mask.shape[0])
        mask = mask[:, : width - at]
        region = (slice(y, y + mask.shape[0]), slice(at, at + mask.shape[1]))
        canvas[region] = np.maximum(canvas[region], mask)
        label_map[region][(mask > 0.4) & (label_map[region] == 0)] = OTHER
    rules = rng.random()
    rule_y = min(crop_h - 2, baseline + int(digit_h * rng.uniform(-0.05, 0.3)))
    if rules < 0.45:  # a dotted leader ". . . . ."
        step, r = int(rng.integers(3, 9)), float(rng.uniform(0.6, 1.6))
        dots = np.zeros_like(canvas)
        for x in range(int(rng.integers(0, step)), width, step):
            cv2.circle(dots, (x, rule_y), max(1, round(r)), 1.0, -1)
        canvas = np.maximum(canvas, dots * rng.uniform(0.5, 1.0))
        label_map[(dots > 0.4) & (label_map == 0)] = OTHER
    elif rules < 0.6:  # a printed underline, sometimes through the digits
        y = rule_y if rng.random() < 0.7 else int(crop_h * rng.uniform(0.35, 0.65))
        thick = int(rng.integers(1, 3))
        canvas[y : y + thick, :] = np.maximum(canvas[y : y + thick, :], rng.uniform(0.6, 1.0))
    # a neighbour's stroke cut by the crop edge
    if rng.random() < 0.15:
        side = 0 if rng.random() < 0.5 else width - 3
        canvas[int(crop_h * 0.3) : int(crop_h * 0.8), side : side + 3] = 1.0
        label_map[int(crop_h * 0.3) : int(crop_h * 0.8), side : side + 3] = UNSURE
    return _paper(rng, canvas), label_map, drawn


def _paper(rng: np.random.Generator, ink: np.ndarray) -> np.ndarray:
    """Ink on paper as a scanner or phone sees it: grey levels, light, blur, noise, JPEG."""
    h, w = ink.shape
    paper = rng.uniform(175, 255)
    light = (
        np.linspace(0, rng.uniform(-40, 40), w)[None, :]
        + np.linspace(0, rng.uniform(-30, 30), h)[:, None]
    )
    pen = rng.uniform(0, 120)
    gray = paper + light - ink * (paper - pen)
    if rng.random() < 0.3:  # spots and speckles
        for _ in range(int(rng.integers(1, 6))):
            cv2.circle(
                gray,
                (int(rng.integers(0, w)), int(rng.integers(0, h))),
                int(rng.integers(1, 3)),
                pen,
                -1,
            )
    gray = cv2.GaussianBlur(gray, (0, 0), rng.uniform(0.01, 1.2))
    gray = gray + rng.normal(0, rng.uniform(0, 14), gray.shape)
    gray = np.clip(gray, 0, 255).astype(np.uint8)
    if rng.random() < 0.35:  # low resolution, scaled back up (phone photos, 100-dpi scans)
        f = rng.uniform(0.45, 0.8)
        small = cv2.resize(
            gray, (max(4, int(w * f)), max(4, int(h * f))), interpolation=cv2.INTER_AREA
        )
        gray = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
    if rng.random() < 0.6:
        buffer = io.BytesIO()
        Image.fromarray(gray).save(buffer, "JPEG", quality=int(rng.integers(25, 95)))
        gray = np.asarray(Image.open(io.BytesIO(buffer.getvalue())).convert("L"))
    return gray


# --- labelled glyphs ------------------------------------------------------------------------------


def labelled_glyphs(
    gray: np.ndarray, label_map: np.ndarray, drawn: str
) -> list[tuple[np.ndarray, int]]:
    """The reader's own glyphs of `gray`, each labelled with a digit class or REJECT; glyphs that
    are neither clearly one digit nor clearly not a digit are left out."""
    big = enlarged(gray)
    if big.shape != gray.shape:
        label_map = cv2.resize(label_map, big.shape[::-1], interpolation=cv2.INTER_NEAREST)
    cleaned = clean_digits_at(big)
    if cleaned is None:
        return []
    ink, left, top = cleaned
    labels = label_map[top : top + ink.shape[0], left : left + ink.shape[1]]
    out = []
    for glyph in cut_glyphs(ink):
        region = labels[glyph.top : glyph.top + glyph.height, glyph.left : glyph.right]
        on = region[glyph.image == 0]
        if on.size == 0 or (on == UNSURE).mean() > 0.2:
            continue
        values, counts = np.unique(on, return_counts=True)
        share = {int(v): c / on.size for v, c in zip(values, counts, strict=True)}
        digits = {v: s for v, s in share.items() if 1 <= v < HAND and s >= 0.2}
        if len(digits) >= 2:  # two digits run together: not one digit
            out.append((glyph.image, REJECT))
        elif len(digits) == 1:
            ((v, s),) = digits.items()
            covered = int(counts[list(values).index(v)]) / max(1, int((labels == v).sum()))
            if s >= 0.6 and covered >= 0.55:
                out.append((glyph.image, int(drawn[v - 1])))
        elif share.get(0, 0) + share.get(OTHER, 0) + share.get(HAND, 0) > 0.8:
            out.append((glyph.image, REJECT))
    return out


def make_set(
    seed: int, fonts: Fonts, count: int
) -> tuple[np.ndarray, np.ndarray, list[tuple[np.ndarray, str]]]:
    """`count` gaps cut into labelled model inputs, and the gaps themselves with what was written
    (for the whole-value figure)."""
    rng = np.random.default_rng(seed)
    inputs, labels, gaps = [], [], []
    for _ in range(count):
        text = _text_value(rng)
        gray, label_map, drawn = draw_gap(rng, fonts, text)
        for image, label in labelled_glyphs(gray, label_map, drawn):
            inputs.append(model_input(image))
            labels.append(label)
        if drawn == text:
            gaps.append((gray, text))
    return np.stack(inputs)[:, None], np.asarray(labels, np.int64), gaps


def fonts_of(families: tuple[str, ...]) -> Fonts:
    hands: list[ImageFont.FreeTypeFont | str] = []
    for family in families:
        package, files = FAMILIES[family]
        for f in files:
            path = font_path(f)
            if not path.is_file():
                raise SystemExit(f"font {path} missing: apt-get install {package}")
            hands.append(str(path))
    prints = [str(font_path(f)) for f in PRINT_FONTS if font_path(f).is_file()]
    return Fonts(hands, prints)


# --- the network ----------------------------------------------------------------------------------


def build_net():
    import torch.nn as nn

    def block(cin: int, cout: int) -> list:
        return [
            nn.Conv2d(cin, cout, 3, padding=1),
            nn.BatchNorm2d(cout),
            nn.ReLU(),
            nn.MaxPool2d(2),
        ]

    return nn.Sequential(
        *block(1, 16),  # 32 → 16
        *block(16, 32),  # 16 → 8
        *block(32, 64),  # 8 → 4
        nn.Flatten(),
        nn.Dropout(0.3),
        nn.Linear(64 * (SIZE // 8) ** 2, HIDDEN),
        nn.ReLU(),
        nn.Dropout(0.3),
        nn.Linear(HIDDEN, len(CLASSES)),
    )


def train(x: np.ndarray, y: np.ndarray, epochs: int, seed: int):
    import torch

    torch.manual_seed(seed)
    net = build_net()
    optimizer = torch.optim.AdamW(net.parameters(), lr=2e-3, weight_decay=1e-4)
    steps = epochs * ((len(x) + 127) // 128)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=3e-3, total_steps=steps)
    loss_of = torch.nn.CrossEntropyLoss(label_smoothing=0.05)
    xs, ys = torch.from_numpy(x), torch.from_numpy(y)
    generator = torch.Generator().manual_seed(seed)
    for epoch in range(epochs):
        net.train()
        order = torch.randperm(len(xs), generator=generator)
        total, started = 0.0, time.time()
        for i in range(0, len(xs), 128):
            batch = order[i : i + 128]
            inputs = xs[batch]
            # small shifts: the centring is not exact on real glyphs either
            dx, dy = (int(v) for v in torch.randint(-2, 3, (2,), generator=generator))
            inputs = torch.roll(inputs, shifts=(dy, dx), dims=(2, 3))
            optimizer.zero_grad()
            loss = loss_of(net(inputs), ys[batch])
            loss.backward()
            optimizer.step()
            schedule.step()
            total += float(loss.detach()) * len(batch)
        print(
            f"epoch {epoch + 1}/{epochs}: loss {total / len(xs):.4f}",
            f"({time.time() - started:.0f} s)",
        )
    net.eval()
    return net


def export(net, path: Path) -> None:
    import torch

    dummy = torch.zeros(1, 1, SIZE, SIZE)
    torch.onnx.export(
        net,
        (dummy,),
        str(path),
        input_names=["glyphs"],
        output_names=["logits"],
        dynamic_axes={"glyphs": {0: "n"}, "logits": {0: "n"}},
        opset_version=17,
        dynamo=False,
    )


# --- figures --------------------------------------------------------------------------------------


def glyph_figures(probabilities: np.ndarray, y: np.ndarray) -> dict[str, float | int]:
    predicted = probabilities.argmax(axis=1)
    digits = y != REJECT
    return {
        "glyphs": len(y),
        "digit_glyphs": int(digits.sum()),
        "digit_accuracy": round(float((predicted[digits] == y[digits]).mean()), 4),
        "reject_recall": round(float((predicted[~digits] == REJECT).mean()), 4),
        "digits_taken_for_reject": round(float((predicted[digits] == REJECT).mean()), 4),
    }


def value_figures(path: Path, gaps: list[tuple[np.ndarray, str]]) -> dict[str, float | int]:
    """Whole values read by the production reader (ONNX, splitting, edge rejects) on gaps."""
    from extractors.handwriting.ink import clean_digits
    from extractors.handwriting.model import DigitModel
    from extractors.handwriting.reader import CnnDigits

    reader = CnnDigits(DigitModel(path))
    right = 0
    for gray, text in gaps:
        ink = clean_digits(gray)
        right += ink is not None and reader.read_ink(ink).digits == text
    return {"values": len(gaps), "value_accuracy": round(right / max(1, len(gaps)), 4)}


def script_commit() -> str:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout.strip()

    commit = git("log", "-1", "--format=%H", "--", "scripts/train_digits.py")
    dirty = git("status", "--porcelain", "--", "scripts/train_digits.py", "extractors/handwriting")
    return commit + (" (with uncommitted changes)" if dirty and "digits.onnx" not in dirty else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=20261207)
    parser.add_argument("--gaps", type=int, default=30000, help="training gaps drawn")
    parser.add_argument("--held-out-gaps", type=int, default=3000)
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--reject-share", type=float, default=0.25, help="of training glyphs")
    parser.add_argument("--out", type=Path, default=WEIGHTS)
    parser.add_argument("--quick", action="store_true", help="5,000 gaps, 3 epochs")
    args = parser.parse_args()
    if args.quick:
        args.gaps, args.epochs, args.held_out_gaps = 5000, 3, 1000

    import torch

    torch.set_num_threads(1)  # one core: the machine is shared
    torch.use_deterministic_algorithms(True)
    started = time.time()
    x, y, _ = make_set(args.seed, fonts_of(TRAINING), args.gaps)
    x, y = _limit_rejects(x, y, args.reject_share, args.seed)
    hx, hy, held_gaps = make_set(args.seed + 1, fonts_of(HELD_OUT), args.held_out_gaps)
    print(f"{len(y)} training glyphs, {len(hy)} held-out glyphs ({time.time() - started:.0f} s)")
    net = train(x, y, args.epochs, args.seed)
    with torch.no_grad():
        probabilities = torch.softmax(net(torch.from_numpy(hx)), dim=1).numpy()
        train_probabilities = torch.softmax(net(torch.from_numpy(x[:20000])), dim=1).numpy()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    export(net, args.out)
    figures = {
        "held_out_fonts": {
            **glyph_figures(probabilities, hy),
            **value_figures(args.out, held_gaps),
        },
        "training_fonts_first_20000_glyphs": glyph_figures(train_probabilities, y[:20000]),
        "seconds": round(time.time() - started),
    }
    print(json.dumps(figures, indent=1))
    sidecar = {
        "about": "Handwritten-digit CNN for the blanks of administrative documents (number, day, "
        "month). Made by scripts/train_digits.py; read by extractors/handwriting/model.py.",
        "input": {
            "name": "glyphs",
            "shape": ["n", 1, SIZE, SIZE],
            "dtype": "float32",
            "normalisation": "one glyph cut by extractors/handwriting/glyphs.py from the ink "
            "extractors/handwriting/ink.py cleaned; its longer side scaled to 24 px (aspect kept), "
            "centred; ink 1.0, paper 0.0 (extractors/handwriting/normalize.py)",
        },
        "output": {"name": "logits", "classes": list(CLASSES), "softmax": "applied by the reader"},
        "training_fonts": {
            f: FAMILIES[f][0] + ": " + ", ".join(Path(p).name for p in FAMILIES[f][1])
            for f in TRAINING
        },
        "held_out_fonts": {
            f: FAMILIES[f][0] + ": " + ", ".join(Path(p).name for p in FAMILIES[f][1])
            for f in HELD_OUT
        },
        "print_fonts_for_reject": [Path(p).name for p in PRINT_FONTS],
        "training": {
            "seed": args.seed,
            "gaps": args.gaps,
            "glyphs": len(y),
            "epochs": args.epochs,
            "reject_share": args.reject_share,
            "torch": torch.__version__,
            "threads": 1,
        },
        "script": "scripts/train_digits.py",
        "script_commit": script_commit(),
        "command": " ".join(["scripts/train_digits.py", *sys.argv[1:]]),
        "figures": figures,
    }
    args.out.with_suffix(".json").write_text(
        json.dumps(sidecar, indent=1, ensure_ascii=False) + "\n", "utf-8"
    )
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KiB) and its .json")


def _limit_rejects(
    x: np.ndarray, y: np.ndarray, share: float, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Keep rejects at about `share` of the glyphs (print fragments are plentiful)."""
    rng = np.random.default_rng(seed)
    rejects = np.nonzero(y == REJECT)[0]
    digits = np.nonzero(y != REJECT)[0]
    keep = int(len(digits) * share / (1 - share))
    if len(rejects) > keep:
        rejects = rng.choice(rejects, size=keep, replace=False)
    chosen = np.sort(np.concatenate([digits, rejects]))
    return x[chosen], y[chosen]


if __name__ == "__main__":
    main()
