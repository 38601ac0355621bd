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


# The back of a chip ID card as OCR reads it: the extractors take it for an ID card when told.
CARD_BACK_LINES = [
    "Đặc điểm nhận dạng / Personal identification:",
    "Sẹo chấm C:3cm dưới trước mép trái",
    "Ngày, tháng, năm / Date, month, year: 17/06/2024",
    "CỤC TRƯỞNG CỤC CẢNH SÁT",
    "QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI",
    "Phan Mạnh Quốc Lộc",
    "IDVNM0894791042036089479104<<<",
    "8902281M2902289VNM<<<<<<<<<<<9",
    "HOANG<<MINH<DUY<LONG<<<<<<<<<<",
]


def store_text_page(store: ObjectStore, sha256: str, lines: list[str]) -> None:
    """A one-page `ocr.json` holding `lines` (one OCR line each, words 90 px apart) and a blank
    page image of its size: a document whose text was read and cached, as `sohoa run` leaves it."""
    words = [
        {"text": w, "box": [60 + j * 90, 60 + i * 50, 80, 36], "confidence": 0.95, "line": i}
        for i, line in enumerate(lines)
        for j, w in enumerate(line.split())
    ]
    page = {"number": 1, "width": WIDTH, "height": HEIGHT, "source": "ocr", "engine": "test",
            "seconds": 0.0, "notes": [], "words": words}  # fmt: skip
    ocr = {"sha256": sha256, "pages": [page], "page_images": {"stored": [1]}}
    store.put_bytes(layout.ocr_json(sha256), json.dumps(ocr, ensure_ascii=False).encode())
    buffer = io.BytesIO()
    Image.new("RGB", (WIDTH, HEIGHT), (247, 244, 236)).save(buffer, format="PNG")
    store.put_bytes(layout.page_image(sha256, 1), buffer.getvalue(), content_type="image/png")
