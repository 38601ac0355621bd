from __future__ import annotations

from datetime import date

from extractors.document import EXTRACTOR_VERSION, extract
from extractors.records import Box, Extraction, PageSource, PageText, Word


def _page(lines: list[str]) -> PageText:
    words = tuple(
        Word(w, Box(100 + j * 80, 100 + i * 50, 70, 40), 0.9, line=i)
        for i, line in enumerate(lines)
        for j, w in enumerate(line.split())
    )
    return PageText(1, 1654, 2339, PageSource.OCR, words)


def test_unknown_document_keeps_a_finding() -> None:
    result = extract([_page(["Hóa đơn bán lẻ", "Tổng cộng 120.000 đồng"])], sha256="a" * 64)
    assert result.doc_type == "unknown"
    assert [f.code for f in result.findings] == ["document.unknown_type"]
    assert "không nhận dạng được loại giấy tờ" in result.findings[0].message.lower()
    assert result.extractor_version == EXTRACTOR_VERSION and result.page_count == 1


def test_extraction_round_trips_through_json() -> None:
    page = _page(
        [
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Số: 05/QĐ-UBND",
            "Quảng Ngãi, ngày 05 tháng 01 năm 2024",
            "QUYẾT ĐỊNH",
            "Về việc thành lập tổ công tác",
        ]
    )
    result = extract([page], sha256="b" * 64, today=date(2025, 1, 1))
    assert result.doc_type == "admin_document"
    assert result.value("number_symbol") == "05/QĐ-UBND"
    assert result.value("issued_on") == "2024-01-05"
    assert result.value("subject") == "thành lập tổ công tác"  # the text after "Về việc"
    assert Extraction.from_dict(result.to_dict()) == result


def test_blank_pages_say_so() -> None:
    result = extract([PageText(1, 10, 10, PageSource.OCR)], sha256="c" * 64)
    assert "document.no_text" in {f.code for f in result.findings}


def _header(place_line: str) -> PageText:
    rows = [
        ("ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        ("TỈNH QUẢNG NGÃI", "Độc lập - Tự do - Hạnh phúc"),
        ("Số: 86/QĐ-UBND", place_line),
    ]
    words = []
    for i, (left, right) in enumerate(rows):
        for j, w in enumerate(left.split()):
            words.append(Word(w, Box(100 + j * 90, 100 + i * 50, 80, 40), 0.9, line=2 * i))
        for j, w in enumerate(right.split()):
            words.append(Word(w, Box(900 + j * 90, 100 + i * 50, 80, 40), 0.9, line=2 * i + 1))
    words += [
        Word("QUYẾT", Box(700, 300, 120, 40), 0.9, line=10),
        Word("ĐỊNH", Box(830, 300, 100, 40), 0.9, line=10),
    ]
    return PageText(1, 1654, 2339, PageSource.OCR, tuple(words))


def test_place_and_issuer_naming_the_same_listed_province_confirm_each_other() -> None:
    agreeing = extract([_header("Quảng Ngãi, ngày 16 tháng 01 năm 2025")], sha256="c" * 64)
    assert agreeing.value("place") == "Quảng Ngãi"
    assert agreeing.value("issuer") == "Ủy ban nhân dân tỉnh Quảng Ngãi"
    assert agreeing.field("place").confidence >= 0.9
    assert agreeing.field("issuer").confidence >= 0.9
    # A place that is not the issuer's province vouches for nothing: both stay for a steward.
    other = extract([_header("Quảng Nam, ngày 16 tháng 01 năm 2025")], sha256="d" * 64)
    assert other.value("place") == "Quảng Nam"
    assert other.field("place").confidence < 0.9 and other.field("issuer").confidence < 0.9
