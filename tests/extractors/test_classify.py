from __future__ import annotations

import pytest

from extractors.classify import classify
from extractors.records import Box, PageSource, PageText, Word


def page(text: str) -> PageText:
    words = [
        Word(w, Box(20 + j * 60, 20 + i * 40, 55, 30), 0.9, line=i)
        for i, line in enumerate(text.splitlines())
        for j, w in enumerate(line.split())
    ]
    return PageText(1, 1654, 2339, PageSource.OCR, tuple(words))


QH = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"


@pytest.mark.parametrize(
    ("text", "doc_type", "attributes"),
    [
        (
            QH + "CĂN CƯỚC CÔNG DÂN\nCitizen Identity Card\nSố / No.: 079085001234\n"
            "Có giá trị đến: 01/01/2040",
            "id_card",
            {"variant": "cccd_chip", "side": "front"},
        ),
        # OCR lost and swapped marks
        (
            "CONG HOA XA HOI CHU NGHIA VIET NAM\nCAN CUOC CONG DAN\nCó gia trj đến: 01/01/2040",
            "id_card",
            {"variant": "cccd_chip", "side": "front"},
        ),
        (
            "CĂN CƯỚC\nIDENTITY CARD\nSố định danh cá nhân / Personal identification number:",
            "id_card",
            {"variant": "can_cuoc_2024", "side": "front"},
        ),
        (
            "Đặc điểm nhận dạng / Personal identification:\nCỤC TRƯỞNG CỤC CẢNH SÁT QUẢN LÝ HÀNH "
            "CHÍNH VỀ TRẬT TỰ XÃ HỘI",
            "id_card",
            {"variant": "cccd_chip", "side": "back"},
        ),
        (
            "Nơi cư trú / Place of residence:\nNơi đăng ký khai sinh / Place of birth:\nBỘ CÔNG AN",
            "id_card",
            {"variant": "can_cuoc_2024", "side": "back"},
        ),
        (QH + "GIẤY KHAI SINH\nHọ, chữ đệm, tên:\nNơi sinh:", "birth_certificate", {}),
        (
            "GIẤY CHỨNG NHẬN ĐĂNG KÝ DOANH NGHIỆP\nMã số doanh nghiệp: 0100233488\nTên công ty",
            "enterprise_registration",
            {},
        ),
        (
            QH + "GIẤY CHỨNG NHẬN\nQUYỀN SỬ DỤNG ĐẤT\nThửa đất số: 12",
            "land_use_certificate",
            {},
        ),
        (
            "ỦY BAN NHÂN DÂN " + QH + "Số: 86 /QĐ-UBND Quảng Ngãi, ngày 16 tháng 01 năm 2025\n"
            "QUYÉT ĐỊNH\nVề việc bổ nhiệm",
            "admin_document",
            {"kind": "quyet_dinh"},
        ),
        (
            "UBND TỈNH " + QH + "Số: 07/CT-UBND\nCHÍ THỊ\nVề việc",
            "admin_document",
            {"kind": "chi_thi"},
        ),
        (
            "THỦ TƯỚNG CHÍNH PHỦ " + QH + "Số: 464/TTg-CĐS\nV/v triển khai",
            "admin_document",
            {"kind": "cong_van"},
        ),
        (
            QH + "Số: 11/TB-UBND\nthe title line was lost",
            "admin_document",
            {"kind": "thong_bao"},
        ),
        (QH + "ĐƠN ĐỀ NGHỊ CẤP BẢN SAO\nKính gửi: UBND xã", "application_form", {}),
        (QH + "TỜ KHAI ĐĂNG KÝ KẾT HÔN\nSố:", "application_form", {}),
        ("Hóa đơn bán lẻ\ncảm ơn quý khách", "unknown", {}),
    ],
)
def test_classify(text: str, doc_type: str, attributes: dict[str, str]) -> None:
    result = classify([page(text)])
    assert result.doc_type == doc_type
    assert result.attributes == attributes
    assert (result.confidence > 0) is (doc_type != "unknown")


def test_hint_wins() -> None:
    result = classify([page("nothing to see")], hint="birth_certificate")
    assert result.doc_type == "birth_certificate" and result.confidence == 1.0


def test_subject_line_starting_with_don_is_not_a_form() -> None:
    text = QH + "Số: 464/TTg-CĐS\nV/v triển khai các Nghị quyết cắt giảm,\nđơn giản hóa TTHC"
    assert classify([page(text)]).doc_type == "admin_document"
