"""Pages as users capture them when there is no scanner: a phone photo (the page a quadrilateral in
a larger picture, a table or desk around it, light uneven and a shadow, the back page showing
through, a soft focus, JPEG), a screenshot (the page small inside a PDF viewer's or a phone app's
interface), and any capture shrunk to 400–800 px wide as messaging apps send it.

Every function takes the clean (or scanner-degraded) page and a seeded numpy generator and returns
the new image with where the page now lies, so the truth can say it."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np
from PIL import Image, ImageDraw

from sohoa.samples.layout import font

A4_WIDTH_INCHES = 8.27


@dataclass(frozen=True)
class Captured:
    image: Image.Image
    facts: dict[str, Any] = field(default_factory=dict)  # what the truth's `scan` records
    dpi: int = 200  # what the file says (a photo or screenshot: the page's width over A4's)


def show_through(img: Image.Image, rng: np.random.Generator) -> Image.Image:
    """The back page's print, mirrored, blurred and faint, as thin paper shows it. The back is
    this page's own print shifted (another page of the same document, same layout)."""
    a = np.asarray(img.convert("RGB"), dtype=np.float32)
    h, w = a.shape[:2]
    back = np.full((h, w), 255.0, dtype=np.float32)
    dy, dx = int(rng.integers(-h // 8, h // 8)), int(rng.integers(-w // 40, w // 40))
    mirrored = a[:, ::-1].mean(axis=2)  # seen from the front, the back's print reads backwards
    ys, yd = (slice(0, h - dy), slice(dy, h)) if dy >= 0 else (slice(-dy, h), slice(0, h + dy))
    xs, xd = (slice(0, w - dx), slice(dx, w)) if dx >= 0 else (slice(-dx, w), slice(0, w + dx))
    back[yd, xd] = mirrored[ys, xs]
    back = cv2.GaussianBlur(back, (0, 0), float(rng.uniform(2.5, 4.5)))
    strength = float(rng.uniform(0.06, 0.14))
    darkness = 1.0 - strength * (1.0 - back / 255.0)
    return Image.fromarray(np.clip(a * darkness[..., None], 0, 255).astype(np.uint8))


def shrink(img: Image.Image, rng: np.random.Generator) -> tuple[Image.Image, float]:
    """Shrunk so the page is 400–800 px wide; returns the image and the scale."""
    width = int(rng.integers(400, 801))
    scale = width / img.width
    size = (width, max(1, round(img.height * scale)))
    return img.resize(size, Image.Resampling.LANCZOS), scale


def _jpeg(a: np.ndarray, quality: int) -> np.ndarray:
    buf = io.BytesIO()
    Image.fromarray(a).save(buf, "JPEG", quality=quality)
    return np.asarray(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"))


def _smooth_field(rng: np.random.Generator, h: int, w: int, cells: int) -> np.ndarray:
    small = rng.uniform(0, 1, (cells, cells)).astype(np.float32)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)


def _background(rng: np.random.Generator, h: int, w: int) -> tuple[np.ndarray, str]:
    """A table, a desk, a cloth or a pile of papers under the page."""
    kind = str(rng.choice(["wood", "desk", "cloth", "papers"]))
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    if kind == "wood":
        base = np.array(rng.uniform([90, 50, 25], [150, 95, 60]), dtype=np.float32)
        phase = rng.uniform(0, 6.28)
        grain = np.sin(yy / rng.uniform(6, 14) + 3 * _smooth_field(rng, h, w, 5) + phase)
        bg = base * (0.85 + 0.12 * grain[..., None])
    elif kind == "desk":
        base = np.array(rng.uniform([25, 25, 25], [80, 80, 85]), dtype=np.float32)
        bg = base * (0.9 + 0.2 * _smooth_field(rng, h, w, 4)[..., None])
    elif kind == "cloth":
        base = np.array(rng.uniform([120, 120, 120], [200, 190, 180]), dtype=np.float32)
        weave = 0.04 * np.sin(xx / 2.0) * np.sin(yy / 2.0)
        bg = base * (0.92 + weave[..., None] + 0.1 * _smooth_field(rng, h, w, 3)[..., None])
    else:  # other sheets, a little askew, under this one
        bg = np.full((h, w, 3), rng.uniform(150, 200), dtype=np.float32)
        for _ in range(2):
            pts = np.array(
                [[rng.uniform(-0.3, 0.6) * w, rng.uniform(-0.3, 0.6) * h] for _ in range(1)]
            )
            x0, y0 = pts[0]
            quad = np.array(
                [[x0, y0], [x0 + 0.8 * w, y0 + 0.05 * h], [x0 + 0.75 * w, y0 + h],
                 [x0 - 0.05 * w, y0 + 0.95 * h]], dtype=np.int32,
            )  # fmt: skip
            cv2.fillConvexPoly(bg, quad, (float(rng.uniform(225, 245)),) * 3)
    return bg + rng.normal(0, 3, (h, w, 1)).astype(np.float32), kind


def _lighting(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    """Light falling off across the picture, a vignette, often a soft shadow (the phone or the
    hand), sometimes a glare spot."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    gx, gy = rng.uniform(-0.45, 0.45, size=2)
    light = 1.0 + gx * (xx / w - 0.5) + gy * (yy / h - 0.5)
    r2 = ((xx - w / 2) / w) ** 2 + ((yy - h / 2) / h) ** 2
    light *= 1.0 - rng.uniform(0.1, 0.35) * r2 / r2.max()
    if rng.random() < 0.6:
        mask = np.zeros((h, w), dtype=np.float32)
        cx, cy = rng.uniform(0, w), rng.uniform(0, h)
        axes = (int(rng.uniform(0.3, 0.7) * w), int(rng.uniform(0.2, 0.5) * h))
        cv2.ellipse(mask, (int(cx), int(cy)), axes, float(rng.uniform(0, 180)), 0, 360, 1.0, -1)
        mask = cv2.GaussianBlur(mask, (0, 0), max(3.0, 0.06 * w))
        light *= 1.0 - rng.uniform(0.2, 0.45) * mask
    if rng.random() < 0.3:
        gxy = (rng.uniform(0.2, 0.8) * w, rng.uniform(0.2, 0.8) * h)
        d2 = ((xx - gxy[0]) / (0.15 * w)) ** 2 + ((yy - gxy[1]) / (0.1 * h)) ** 2
        light += rng.uniform(0.1, 0.3) * np.exp(-d2)
    return light


def phone_photo(img: Image.Image, rng: np.random.Generator, *, low_resolution: bool) -> Captured:
    """The page photographed from above, a little off-square: a perspective quadrilateral in a
    3:4 picture 1200–1800 px wide (400–800 with `low_resolution`)."""
    width = int(rng.integers(400, 801) if low_resolution else rng.integers(1200, 1801))
    height = round(width * 4 / 3)
    page = np.asarray(img.convert("RGB"), dtype=np.float32)
    ph, pw = page.shape[:2]
    tint = np.array(rng.uniform([238, 234, 222], [255, 252, 246]), dtype=np.float32) / 255
    page = page * tint
    # where the page lands: 72–92 % of the picture's width, each corner pushed about
    fill = rng.uniform(0.72, 0.92)
    pw_out = fill * width
    ph_out = pw_out * ph / pw
    if ph_out > 0.95 * height:
        ph_out = 0.95 * height
        pw_out = ph_out * pw / ph
    cx = width / 2 + rng.uniform(-0.5, 0.5) * (width - pw_out) * 0.8
    cy = height / 2 + rng.uniform(-0.5, 0.5) * (height - ph_out) * 0.8
    angle = np.radians(rng.uniform(-6, 6))
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    half = np.array(
        [[-pw_out / 2, -ph_out / 2], [pw_out / 2, -ph_out / 2], [pw_out / 2, ph_out / 2],
         [-pw_out / 2, ph_out / 2]]
    )  # fmt: skip
    # keystone: the far edge (top or bottom) narrower, plus a little of everything
    keystone = rng.uniform(0.0, 0.09) * pw_out * rng.choice([-1, 1])
    half[0, 0] += keystone
    half[1, 0] -= keystone
    half += rng.uniform(-0.025, 0.025, size=(4, 2)) * [pw_out, ph_out]
    corners = half @ rot.T + [cx, cy]
    # the whole page stays in the picture (the truth holds every field): pull it in if it sticks out
    for _ in range(20):
        low, high = corners.min(axis=0), corners.max(axis=0)
        if (low >= [0.02 * width, 0.02 * height]).all() and (
            high <= [0.98 * width, 0.98 * height]
        ).all():
            break
        centre = corners.mean(axis=0)
        target = np.clip(centre, [0.2 * width, 0.2 * height], [0.8 * width, 0.8 * height])
        corners = (corners - centre) * 0.95 + target
    corners = corners.astype(np.float32)
    pw_out = float(
        max(np.linalg.norm(corners[1] - corners[0]), np.linalg.norm(corners[2] - corners[3]))
    )
    # shrink the page first to about its size in the picture (no aliasing in the warp)
    scale = pw_out / pw
    small = cv2.resize(page, (max(1, round(pw * scale)), max(1, round(ph * scale))),
                       interpolation=cv2.INTER_AREA)  # fmt: skip
    sh, sw = small.shape[:2]
    src = np.array([[0, 0], [sw, 0], [sw, sh], [0, sh]], dtype=np.float32)
    m = cv2.getPerspectiveTransform(src, corners)
    warped = cv2.warpPerspective(small, m, (width, height), flags=cv2.INTER_LINEAR)
    inside = cv2.warpPerspective(np.ones((sh, sw), np.float32), m, (width, height),
                                 flags=cv2.INTER_LINEAR)[..., None]  # fmt: skip
    bg, background = _background(rng, height, width)
    # the page's own shadow on the table
    shadow = cv2.GaussianBlur(inside[..., 0], (0, 0), max(2.0, 0.01 * width))
    shadow = np.roll(shadow, (int(0.006 * height), int(0.006 * width)), axis=(0, 1))
    bg *= 1.0 - 0.35 * shadow[..., None]
    photo = warped * inside + bg * (1.0 - inside)
    photo *= _lighting(rng, height, width)[..., None]
    cast = rng.uniform(0.93, 1.05, size=3).astype(np.float32)  # white balance
    photo *= cast
    photo = cv2.GaussianBlur(photo, (0, 0), float(rng.uniform(0.4, 1.0)))
    photo += rng.normal(0, rng.uniform(2, 5), size=photo.shape).astype(np.float32)
    a = np.clip(photo, 0, 255).astype(np.uint8)
    a = _jpeg(a, int(rng.integers(45, 70) if low_resolution else rng.integers(60, 88)))
    facts = {
        "capture": "phone_photo",
        "width": width,
        "height": height,
        "corners": [[round(float(x), 1), round(float(y), 1)] for x, y in corners],
        "background": background,
        "page_width_px": round(float(pw_out)),
    }
    return Captured(Image.fromarray(a), facts, max(30, round(pw_out / A4_WIDTH_INCHES)))


# --- screenshots ---------------------------------------------------------------------------------

UI_FILE_NAMES = ("van-ban-den.pdf", "scan_0001.pdf", "Văn bản đến.pdf", "tai-lieu.pdf",
                 "VanBan_signed.pdf", "document.pdf")  # fmt: skip


def _ui_text(draw: ImageDraw.ImageDraw, xy: tuple[float, float], text: str, size: int,
             fill: tuple[int, int, int]) -> None:  # fmt: skip
    draw.text(xy, text, font=font("sans", size), fill=fill, anchor="lm")


def screenshot(img: Image.Image, rng: np.random.Generator, *, low_resolution: bool) -> Captured:
    """The whole page shown fitted in a desktop PDF viewer (toolbar, thumbnails, grey around) or
    in a phone's document app (status bar, app bar, bottom bar). With `low_resolution` the picture
    is then shrunk as a messaging app sends it (the page 400–800 px wide)."""
    phone = rng.random() < 0.4
    if phone:
        width, height = 1080, 2340
        top, bottom, margin = 250, 170, 24
        bg = (232, 232, 236)
    else:
        width, height = [(1366, 768), (1440, 900), (1920, 1080), (1280, 1024)][
            int(rng.integers(0, 4))
        ]
        top, bottom, margin = 56, 0, 16
        bg = (82, 86, 89)
    canvas = Image.new("RGB", (width, height), bg)
    draw = ImageDraw.Draw(canvas)
    file_name = str(rng.choice(UI_FILE_NAMES))
    pages = int(rng.integers(1, 6))
    left = 0
    if phone:
        draw.rectangle((0, 0, width, 80), fill=(250, 250, 250))
        _ui_text(draw, (40, 40), "09:41", 34, (20, 20, 20))
        draw.rectangle((width - 120, 26, width - 50, 54), outline=(20, 20, 20), width=3)
        draw.rectangle((width - 116, 30, width - 70, 50), fill=(20, 20, 20))
        draw.rectangle((0, 80, width, top - 10), fill=(255, 255, 255))
        draw.line((40, 165, 70, 135), fill=(40, 40, 40), width=5)
        draw.line((40, 165, 70, 195), fill=(40, 40, 40), width=5)
        _ui_text(draw, (110, 165), file_name, 40, (30, 30, 30))
        draw.rectangle((0, height - bottom, width, height), fill=(255, 255, 255))
        for k in range(4):
            x = width * (k + 0.5) / 4
            draw.ellipse((x - 22, height - bottom + 50, x + 22, height - bottom + 94),
                         outline=(90, 90, 90), width=4)  # fmt: skip
        avail_w, avail_h = width - 2 * margin, height - top - bottom - 2 * margin
    else:
        draw.rectangle((0, 0, width, top), fill=(50, 54, 57))
        _ui_text(draw, (60, top / 2), file_name, 18, (235, 235, 235))
        _ui_text(draw, (width / 2 - 60, top / 2), f"1 / {pages}", 18, (235, 235, 235))
        _ui_text(draw, (width / 2 + 20, top / 2), "–   100%   +", 18, (235, 235, 235))
        for k in range(3):
            x = width - 40 - k * 48
            draw.rounded_rectangle((x - 14, top / 2 - 12, x + 14, top / 2 + 12), 4,
                                   outline=(220, 220, 220), width=2)  # fmt: skip
        if rng.random() < 0.6:  # the thumbnails pane
            left = 200
            draw.rectangle((0, top, left, height), fill=(60, 64, 67))
            for k in range(min(pages, 4)):
                y = top + 20 + k * 230
                thumb = img.resize((110, 156))
                canvas.paste(thumb, (45, y))
                if k == 0:
                    draw.rectangle((41, y - 4, 159, y + 160), outline=(138, 180, 248), width=3)
                _ui_text(draw, (95, y + 178), str(k + 1), 14, (220, 220, 220))
        draw.rectangle((width - 12, top, width, height), fill=(70, 74, 77))
        draw.rectangle((width - 10, top + 4, width - 2, top + 120), fill=(150, 150, 150))
        avail_w, avail_h = width - left - 12 - 2 * margin, height - top - 2 * margin
    scale = min(avail_w / img.width, avail_h / img.height)
    pw, ph = max(1, round(img.width * scale)), max(1, round(img.height * scale))
    page = img.convert("RGB").resize((pw, ph), Image.Resampling.LANCZOS)
    x0 = left + margin + (avail_w - pw) // 2
    y0 = top + margin
    draw.rectangle((x0 + 3, y0 + 3, x0 + pw + 3, y0 + ph + 3), fill=tuple(c - 30 for c in bg))
    canvas.paste(page, (x0, y0))
    box = [x0, y0, pw, ph]
    out = canvas
    if low_resolution:
        target = int(rng.integers(400, 801))
        k = target / pw
        out = canvas.resize((max(1, round(width * k)), max(1, round(height * k))),
                            Image.Resampling.LANCZOS)  # fmt: skip
        box = [round(v * k) for v in box]
        a = _jpeg(np.asarray(out), int(rng.integers(55, 80)))
        out = Image.fromarray(a)
    facts = {
        "capture": "screenshot",
        "viewer": "phone_app" if phone else "desktop_viewer",
        "width": out.width,
        "height": out.height,
        "page_box": box,
    }
    return Captured(out, facts, max(30, round(box[2] / A4_WIDTH_INCHES)))
