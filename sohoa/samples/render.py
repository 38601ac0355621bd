"""Render a `Page` to a Pillow image, a born-digital PDF (real text layer) or an image-only PDF.

Determinism: reportlab runs with ``invariant=1`` (fixed creation date and document id); images are
saved without timestamps or EXIF."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from sohoa.samples.layout import (
    FONT_DIR,
    FONTS,
    Ellipse,
    Line,
    Page,
    Polyline,
    Rect,
    Stamp,
    Text,
    font,
)
from sohoa.samples.stamp import apply_stamp, stamp_rgba


def to_image(page: Page) -> Image.Image:
    img = Image.new("RGB", (page.width, page.height), page.background)
    draw = ImageDraw.Draw(img)
    for op in page.ops:
        if isinstance(op, Text):
            anchor = {"left": "ls", "center": "ms", "right": "rs"}[op.align]
            extra = {"stroke_width": round(op.stroke), "stroke_fill": op.color} if op.stroke else {}
            draw.text(
                (op.x, op.y),
                op.text,
                font=font(op.font, op.size),
                fill=op.color,
                anchor=anchor,
                **extra,
            )
        elif isinstance(op, Stamp):
            img = apply_stamp(img, op)
            draw = ImageDraw.Draw(img)
        elif isinstance(op, Rect):
            box = (op.x0, op.y0, op.x1, op.y1)
            w = round(op.width)
            if op.radius:
                draw.rounded_rectangle(box, op.radius, fill=op.fill, outline=op.outline, width=w)
            else:
                draw.rectangle(box, fill=op.fill, outline=op.outline, width=w)
        elif isinstance(op, Line):
            draw.line((op.x0, op.y0, op.x1, op.y1), fill=op.color, width=max(1, round(op.width)))
        elif isinstance(op, Ellipse):
            draw.ellipse(
                (op.x0, op.y0, op.x1, op.y1),
                fill=op.fill,
                outline=op.outline,
                width=round(op.width),
            )
        elif isinstance(op, Polyline):
            pts = list(op.points)
            if op.fill is not None:
                draw.polygon(pts, fill=op.fill)
            if op.closed:
                pts.append(pts[0])
            draw.line(pts, fill=op.color, width=max(1, round(op.width)), joint="curve")
    return img


_registered: set[str] = set()


def _register_font(name: str) -> str:
    """Register a font with reportlab the first time a page uses it (a machine without the
    handwriting fonts still writes every PDF that does not need them)."""
    if name not in _registered:
        pdfmetrics.registerFont(TTFont(f"sohoa-{name}", str(FONT_DIR / FONTS[name])))
        _registered.add(name)
    return f"sohoa-{name}"


def _rgb(c: tuple[int, int, int]) -> tuple[float, float, float]:
    return (c[0] / 255, c[1] / 255, c[2] / 255)


def to_text_pdf(page: Page, *, title: str = "") -> bytes:
    """A born-digital PDF: vector drawing and real text in embedded DejaVu (diacritics survive)."""
    k = 72 / page.dpi
    h = page.height

    def X(x: float) -> float:
        return x * k

    def Y(y: float) -> float:
        return (h - y) * k

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(page.width * k, page.height * k), invariant=1)
    c.setTitle(title)
    c.setCreator("sohoa samples")
    c.setProducer("sohoa samples")
    c.setFillColorRGB(*_rgb(page.background))
    c.rect(0, 0, page.width * k, page.height * k, stroke=0, fill=1)
    for op in page.ops:
        if isinstance(op, Text):
            c.setFillColorRGB(*_rgb(op.color))
            c.setFont(_register_font(op.font), op.size * k)
            if op.stroke:  # fill and stroke: a broader pen
                c.setStrokeColorRGB(*_rgb(op.color))
                c.setLineWidth(2 * op.stroke * k)
                obj = c.beginText()
                obj.setTextRenderMode(2)
                obj.setFont(_register_font(op.font), op.size * k)
                shift = {"left": 0.0, "center": 0.5, "right": 1.0}[op.align]
                width = c.stringWidth(op.text, _register_font(op.font), op.size * k)
                obj.setTextOrigin(X(op.x) - shift * width, Y(op.y))
                obj.textOut(op.text)
                c.drawText(obj)
            else:
                draw = {
                    "left": c.drawString,
                    "center": c.drawCentredString,
                    "right": c.drawRightString,
                }[op.align]
                draw(X(op.x), Y(op.y), op.text)
        elif isinstance(op, Stamp):
            seal = stamp_rgba(op)
            side = seal.width
            c.drawImage(
                ImageReader(seal),
                X(op.cx - side / 2),
                Y(op.cy + side / 2),
                side * k,
                side * k,
                mask="auto",
            )
        elif isinstance(op, Rect):
            if op.fill is not None:
                c.setFillColorRGB(*_rgb(op.fill))
            if op.outline is not None:
                c.setStrokeColorRGB(*_rgb(op.outline))
                c.setLineWidth(op.width * k)
            args = (X(op.x0), Y(op.y1), (op.x1 - op.x0) * k, (op.y1 - op.y0) * k)
            stroke, fill = int(op.outline is not None), int(op.fill is not None)
            if op.radius:
                c.roundRect(*args, op.radius * k, stroke=stroke, fill=fill)
            else:
                c.rect(*args, stroke=stroke, fill=fill)
        elif isinstance(op, Line):
            c.setStrokeColorRGB(*_rgb(op.color))
            c.setLineWidth(op.width * k)
            c.line(X(op.x0), Y(op.y0), X(op.x1), Y(op.y1))
        elif isinstance(op, Ellipse):
            if op.fill is not None:
                c.setFillColorRGB(*_rgb(op.fill))
            if op.outline is not None:
                c.setStrokeColorRGB(*_rgb(op.outline))
                c.setLineWidth(op.width * k)
            c.ellipse(
                X(op.x0),
                Y(op.y1),
                X(op.x1),
                Y(op.y0),
                stroke=int(op.outline is not None),
                fill=int(op.fill is not None),
            )
        elif isinstance(op, Polyline):
            c.setStrokeColorRGB(*_rgb(op.color))
            c.setLineWidth(op.width * k)
            path = c.beginPath()
            x0, y0 = op.points[0]
            path.moveTo(X(x0), Y(y0))
            for x, y in op.points[1:]:
                path.lineTo(X(x), Y(y))
            if op.closed or op.fill is not None:
                path.close()
            if op.fill is not None:
                c.setFillColorRGB(*_rgb(op.fill))
            c.drawPath(path, stroke=1, fill=int(op.fill is not None))
    c.showPage()
    c.save()
    return buf.getvalue()


def to_scan_pdf(jpeg: bytes, width: int, height: int, dpi: int) -> bytes:
    """An image-only PDF: the scan (JPEG, embedded as is) filling a page of its physical size."""
    k = 72 / dpi
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(width * k, height * k), invariant=1)
    c.setCreator("sohoa samples")
    c.setProducer("sohoa samples")
    c.drawImage(ImageReader(io.BytesIO(jpeg)), 0, 0, width * k, height * k)
    c.showPage()
    c.save()
    return buf.getvalue()
