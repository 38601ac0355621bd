"""Makers of bad input, one per class a digitization team meets (issue: "Bad input").

Each returns the file it wrote. Shared by the tests and by `bench/bad_input_report.py`.
"""

from __future__ import annotations

import io
import random
import shutil
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas


def zero_byte(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def truncated_pdf(path: Path, good_pdf: Path) -> Path:
    data = good_pdf.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    return path


def encrypted_pdf(path: Path) -> Path:
    c = canvas.Canvas(str(path), pagesize=A4, encrypt="mat-khau-123", invariant=1)
    c.drawString(72, 720, "Tai lieu duoc bao ve")
    c.save()
    return path


def garbage_text_layer_pdf(path: Path, scan: Path, seed: int = 3) -> Path:
    """A scan with an invisible text layer of junk (a broken OCR layer): must be OCRed again."""
    rng = random.Random(seed)
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    width, height = A4
    c.drawImage(ImageReader(str(scan)), 0, 0, width, height)
    text = c.beginText(40, height - 60)
    text.setTextRenderMode(3)  # invisible, like an OCR layer
    text.setFont("Helvetica", 10)
    for _ in range(60):
        text.textLine("".join(rng.choice("#$%&*@~^|\\{}[]<>0O1lI") for _ in range(70)))
    c.drawText(text)
    c.save()
    return path


def decompression_bomb_png(path: Path, side: int = 12_000) -> Path:
    """144 million pixels (over the 120 million default limit) in a few kilobytes."""
    Image.new("1", (side, side), 0).save(path, optimize=True)
    return path


def photo_not_a_document(path: Path, seed: int = 5) -> Path:
    """A smooth, colourful picture with no writing on it (a phone photo of a desk, say)."""
    rng = np.random.default_rng(seed)
    h, w = 900, 1200
    y, x = np.mgrid[0:h, 0:w]
    base = np.stack(
        [(x / w * 200 + 30), (y / h * 160 + 60), ((x + y) / (w + h) * 120 + 90)], axis=-1
    )
    image = Image.fromarray(np.clip(base + rng.normal(0, 6, base.shape), 0, 255).astype("uint8"))
    draw = ImageDraw.Draw(image)
    for _ in range(8):
        cx, cy, r = int(rng.integers(0, w)), int(rng.integers(0, h)), int(rng.integers(40, 160))
        colour = tuple(int(v) for v in rng.integers(0, 255, 3))
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=colour)
    image.save(path, format="JPEG", quality=88)
    return path


def wrong_extension(path: Path, real_png: Path) -> Path:
    """A PNG scan saved with a .pdf name: the type comes from the content, not the name."""
    shutil.copyfile(real_png, path)
    return path


def many_page_pdf(path: Path, pages: int, seed: int = 9) -> Path:
    """A long scanned PDF: every page an image of a few lines of text (no text layer)."""
    rng = random.Random(seed)
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    width, height = A4
    for n in range(1, pages + 1):
        img = Image.new("L", (1240, 1754), 255)
        draw = ImageDraw.Draw(img)
        for line in range(6):
            draw.text((120, 160 + line * 60), f"Trang {n} dong {line} ma {rng.randint(0, 99999)}")
        buf = io.BytesIO()
        img.save(buf, format="PNG")
        buf.seek(0)
        c.drawImage(ImageReader(buf), 0, 0, width, height)
        c.showPage()
    c.save()
    return path


# Vietnamese words without marks (Pillow's built-in font has none); what they say does not matter.
_DENSE_TEXT = (
    "so ho khau giay khai sinh nguyen van an thuong tru phuong quan ha noi ngay thang nam can "
    "cuoc cong dan ho ten que quan noi cu tru dan toc ton giao"
)


def dense_text_page(path: Path, width: int, height: int, seed: int = 14) -> Path:
    """A page packed edge to edge with 18-px text (a dense register, a page of fine print): OCR of
    it takes far longer than of any ordinary page. Pillow's own font: nothing read outside."""
    from PIL import ImageFont

    rng = random.Random(seed)
    words = _DENSE_TEXT.split()
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=18)
    for top in range(20, height - 30, 24):
        line = " ".join(rng.choice(words) for _ in range(width // 55))
        draw.text((20, top), line, fill=0, font=font)
    image.save(path)
    return path
