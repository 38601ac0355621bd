"""A round red seal as real pages show it over a signature: an outer and an inner ring, the body's
name in capitals around the ring, the national emblem's star (a People's Committee) or the body's
short name (a department) in the middle, the whole turned a little, and the ink uneven: thick in
places, gone in others. Drawn once as a mask; the scan multiplies it into the page (print under a
seal stays readable, as under real stamp ink), the born-digital PDF embeds it as an image."""

from __future__ import annotations

import math
from functools import lru_cache

import cv2
import numpy as np
from PIL import Image, ImageDraw

from sohoa.samples.layout import Stamp, font

RING_FONT = "sans_bold"


def _star(cx: float, cy: float, r: float) -> list[tuple[float, float]]:
    pts = []
    for k in range(10):
        a = -math.pi / 2 + k * math.pi / 5
        rr = r if k % 2 == 0 else r * 0.40
        pts.append((cx + rr * math.cos(a), cy + rr * math.sin(a)))
    return pts


def _ring_text(mask: Image.Image, c: float, radius: float, text: str, size: int) -> None:
    """Letters upright towards the centre, clockwise, centred on the top of the ring, running
    round as far as the text needs (a star closes the gap at the bottom)."""
    f = font(RING_FONT, size)
    widths = [f.getlength(ch) * 1.06 for ch in text]
    total = sum(widths) / radius  # radians
    if total > math.radians(320):  # too long for the ring: squeeze the spacing
        scale = math.radians(320) / total
        widths = [w * scale for w in widths]
        total = math.radians(320)
    angle = -math.pi / 2 - total / 2
    for ch, w in zip(text, widths, strict=True):
        mid = angle + w / radius / 2
        angle += w / radius
        if ch == " ":
            continue
        box = int(size * 1.6)
        glyph = Image.new("L", (box, box), 0)
        ImageDraw.Draw(glyph).text((box / 2, box / 2), ch, font=f, fill=255, anchor="mm")
        # upright at the top: rotate clockwise by the angle past the top
        glyph = glyph.rotate(-math.degrees(mid + math.pi / 2), resample=Image.BICUBIC)
        x = c + radius * math.cos(mid) - box / 2
        y = c + radius * math.sin(mid) - box / 2
        mask.paste(255, (round(x), round(y)), glyph)
    bottom = math.pi / 2
    sx, sy = c + radius * math.cos(bottom), c + radius * math.sin(bottom)
    ImageDraw.Draw(mask).polygon(_star(sx, sy, size * 0.45), fill=255)


@lru_cache(maxsize=32)
def stamp_mask(op: Stamp) -> np.ndarray:
    """The seal's ink as a float mask in [0, 1], square, centred on (cx, cy), already turned."""
    r = op.r
    size = int(2 * r + 8)
    c = size / 2
    mask = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(mask)
    outer = max(3, round(r * 0.05))
    draw.ellipse((c - r, c - r, c + r, c + r), outline=255, width=outer)
    ri = r * 0.66
    draw.ellipse((c - ri, c - ri, c + ri, c + ri), outline=255, width=max(2, round(r * 0.02)))
    text_size = max(10, round(r * 0.17))
    _ring_text(mask, c, (r - outer + ri) / 2, op.ring_text, text_size)
    if op.centre_text:
        lines = op.centre_text
        size_c = max(10, round(r * 0.16))
        draw.polygon(_star(c, c - ri * 0.55, ri * 0.22), fill=255)
        y = c - (len(lines) - 1) * size_c * 0.6 + size_c * 0.25
        for line in lines:
            draw.text((c, y), line, font=font(RING_FONT, size_c), fill=255, anchor="mm")
            y += size_c * 1.2
    else:  # the emblem: a star over a cogwheel and rice ears, as a few strokes
        draw.polygon(_star(c, c - ri * 0.12, ri * 0.42), fill=255)
        draw.arc((c - ri * 0.7, c - ri * 0.6, c + ri * 0.7, c + ri * 0.75), 20, 160, fill=255,
                 width=max(2, round(r * 0.03)))  # fmt: skip
        draw.ellipse((c - ri * 0.16, c + ri * 0.42, c + ri * 0.16, c + ri * 0.74), outline=255,
                     width=max(2, round(r * 0.025)))  # fmt: skip
    a = np.asarray(mask, dtype=np.float32) / 255.0
    # uneven ink: a smooth field of pressure times fine grain, some spots nearly dry
    rng = np.random.default_rng(op.seed)
    coarse = cv2.resize(rng.uniform(0.0, 1.0, (6, 6)).astype(np.float32), (size, size),
                        interpolation=cv2.INTER_CUBIC)  # fmt: skip
    grain = rng.uniform(0.7, 1.0, (size, size)).astype(np.float32)
    a *= np.clip(0.55 + 0.7 * coarse, 0.3, 1.0) * grain
    a = cv2.GaussianBlur(a, (0, 0), 0.8)
    m = cv2.getRotationMatrix2D((c, c), op.angle, 1.0)
    a = cv2.warpAffine(a, m, (size, size), flags=cv2.INTER_LINEAR)
    return np.clip(a * op.ink, 0.0, 1.0)


def apply_stamp(img: Image.Image, op: Stamp) -> Image.Image:
    """Multiply the seal into an RGB page: under red ink black print stays dark."""
    a = stamp_mask(op)
    size = a.shape[0]
    x0, y0 = round(op.cx - size / 2), round(op.cy - size / 2)
    arr = np.asarray(img, dtype=np.float32).copy()
    h, w = arr.shape[:2]
    xs, ys = max(0, x0), max(0, y0)
    xe, ye = min(w, x0 + size), min(h, y0 + size)
    if xe <= xs or ye <= ys:
        return img
    sub = a[ys - y0 : ye - y0, xs - x0 : xe - x0][..., None]
    tint = 1.0 - np.asarray(op.color, dtype=np.float32) / 255.0
    arr[ys:ye, xs:xe] *= 1.0 - sub * tint
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))


def stamp_rgba(op: Stamp) -> Image.Image:
    """The seal as an RGBA image (for the born-digital PDF, where signed files embed it so)."""
    a = stamp_mask(op)
    rgba = np.zeros((*a.shape, 4), dtype=np.uint8)
    rgba[..., :3] = op.color
    rgba[..., 3] = np.clip(a * 255, 0, 255).astype(np.uint8)
    return Image.fromarray(rgba, "RGBA")
