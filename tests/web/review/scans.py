"""Page images and OCR words for hand-made extractions, stored where the pipeline puts them
(`derived/<sha256>/pages/<n>.png`, `derived/<sha256>/ocr.json`), for the review page to draw."""

from __future__ import annotations

import io
import json

from PIL import Image, ImageDraw, ImageFont

from extractors.records import Extraction
from storage import ObjectStore, layout

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
WIDTH, HEIGHT = 1000, 640
LABELS = {
    "id_number": "Số định danh cá nhân",
    "full_name": "Họ, chữ đệm và tên",
    "date_of_birth": "Ngày sinh",
    "expiry_date": "Có giá trị đến",
    "issue_date": "Ngày cấp",
}


def store_scan(store: ObjectStore, extraction: Extraction) -> None:
    """Draw each field's raw text at its box, with a label above, and store words for them."""
    image = Image.new("RGB", (WIDTH, HEIGHT), (247, 244, 236))
    draw = ImageDraw.Draw(image)
    font, small = ImageFont.truetype(FONT, 26), ImageFont.truetype(FONT, 16)
    draw.rectangle((8, 8, WIDTH - 8, HEIGHT - 8), outline=(120, 90, 60), width=3)
    draw.text((300, 24), "CĂN CƯỚC CÔNG DÂN", font=ImageFont.truetype(FONT, 34), fill=(150, 30, 30))
    words = []
    for line, field in enumerate(extraction.fields):
        if field.box is None:
            continue
        x, y = field.box.left, field.box.top
        draw.text((x, y - 20), LABELS.get(field.name, field.name), font=small, fill=(90, 90, 90))
        cursor = x
        for token in field.raw.split():
            left, top, right, bottom = draw.textbbox((cursor, y), token, font=font)
            draw.text((cursor, y), token, font=font, fill=(20, 20, 20))
            words.append(
                {
                    "text": token,
                    "box": [left, top, right - left, bottom - top],
                    "confidence": field.confidence,
                    "line": line,
                    "block": 0,
                }
            )
            cursor = right + 10
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    store.put_bytes(
        layout.page_image(extraction.sha256, 1), buffer.getvalue(), content_type="image/png"
    )
    page = {
        "number": 1,
        "width": WIDTH,
        "height": HEIGHT,
        "source": "ocr",
        "engine": "test",
        "seconds": 0.0,
        "notes": [],
        "words": words,
    }
    ocr = {"sha256": extraction.sha256, "pages": [page]}
    store.put_bytes(
        layout.ocr_json(extraction.sha256), json.dumps(ocr, ensure_ascii=False).encode()
    )
