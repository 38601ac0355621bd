from __future__ import annotations

import pytest

from extractors.classify import classify
from extractors.records import Box, DocType, PageSource, PageText, Word


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
            DocType.ID_CARD,
            {"variant": "cccd_chip", "side": "front"},
        ),
        # OCR lost and swapped marks
        (
            "CONG HOA XA HOI CHU NGHIA VIET NAM\nCAN CUOC CONG DAN\nCó gia trj đến: 01/01/2040",
            DocType.ID_CARD,
            {"variant": "cccd_chip", "side": "front"},
        ),
        (
            "CĂN CƯỚC\nIDENTITY CARD\nSố định danh cá nhân / Personal identification number:",
            DocType.ID_CARD,
            {"variant": "can_cuoc_2024", "side": "front"},
        ),
        (
            "Đặc điểm nhận dạng / Personal identification:\nCỤC TRƯỞNG CỤC CẢNH SÁT QUẢN LÝ HÀNH "
            "CHÍNH VỀ TRẬT TỰ XÃ HỘI",
            DocType.ID_CARD,
            {"variant": "cccd_chip", "side": "back"},
        ),
        (
            "Nơi cư trú / Place of residence:\nNơi đăng ký khai sinh / Place of birth:\nBỘ CÔNG AN",
            DocType.ID_CARD,
            {"variant": "can_cuoc_2024", "side": "back"},
        ),
        (QH + "GIẤY KHAI SINH\nHọ, chữ đệm, tên:\nNơi sinh:", DocType.BIRTH_CERTIFICATE, {}),
        (
            "GIẤY CHỨNG NHẬN ĐĂNG KÝ DOANH NGHIỆP\nMã số doanh nghiệp: 0100233488\nTên công ty",
            DocType.ENTERPRISE_REGISTRATION,
            {},
        ),
        (
            QH + "GIẤY CHỨNG NHẬN\nQUYỀN SỬ DỤNG ĐẤT\nThửa đất số: 12",
            DocType.LAND_USE_CERTIFICATE,
            {},
        ),
        (
            "ỦY BAN NHÂN DÂN " + QH + "Số: 86 /QĐ-UBND Quảng Ngãi, ngày 16 tháng 01 năm 2025\n"
            "QUYÉT ĐỊNH\nVề việc bổ nhiệm",
            DocType.ADMIN_DOCUMENT,
            {"kind": "quyet_dinh"},
        ),
        (
            "UBND TỈNH " + QH + "Số: 07/CT-UBND\nCHÍ THỊ\nVề việc",
            DocType.ADMIN_DOCUMENT,
            {"kind": "chi_thi"},
        ),
        (
            "THỦ TƯỚNG CHÍNH PHỦ " + QH + "Số: 464/TTg-CĐS\nV/v triển khai",
            DocType.ADMIN_DOCUMENT,
            {"kind": "cong_van"},
        ),
        (
            QH + "Số: 11/TB-UBND\nthe title line was lost",
            DocType.ADMIN_DOCUMENT,
            {"kind": "thong_bao"},
        ),
        (QH + "ĐƠN ĐỀ NGHỊ CẤP BẢN SAO\nKính gửi: UBND xã", DocType.APPLICATION_FORM, {}),
        (QH + "TỜ KHAI ĐĂNG KÝ KẾT HÔN\nSố:", DocType.APPLICATION_FORM, {}),
        ("Hóa đơn bán lẻ\ncảm ơn quý khách", DocType.UNKNOWN, {}),
    ],
)
def test_classify(text: str, doc_type: DocType, attributes: dict[str, str]) -> None:
    result = classify([page(text)])
    assert result.doc_type is doc_type
    assert result.attributes == attributes
    assert (result.confidence > 0) is (doc_type is not DocType.UNKNOWN)


def test_hint_wins() -> None:
    result = classify([page("nothing to see")], hint="birth_certificate")
    assert result.doc_type is DocType.BIRTH_CERTIFICATE and result.confidence == 1.0


def test_subject_line_starting_with_don_is_not_a_form() -> None:
    text = QH + "Số: 464/TTg-CĐS\nV/v triển khai các Nghị quyết cắt giảm,\nđơn giản hóa TTHC"
    assert classify([page(text)]).doc_type is DocType.ADMIN_DOCUMENT
