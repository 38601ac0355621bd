"""Wording real administrative documents carry and the plain template did not: subjects long
enough to run over two or three lines, citations of other documents with their dates in the body
(written like the date line: "ngày 16 tháng 4 năm 2021", or "16/4/2021"), and delegated signing
chains (TL./TUQ./KT.)."""

from __future__ import annotations

import random
from datetime import date, timedelta

# {unit}: the issuer's unit phrase ("tỉnh Quảng Ngãi"); {year}: the issue year.
LONG_QD = (
    "phê duyệt điều chỉnh Kế hoạch sử dụng đất năm {year} và danh mục các công trình, dự án "
    "thu hồi đất, chuyển mục đích sử dụng đất trên địa bàn {unit}",
    "ban hành Quy chế phối hợp giữa các cơ quan, đơn vị trong việc tiếp nhận, giải quyết thủ tục "
    "hành chính theo cơ chế một cửa, một cửa liên thông",
    "công bố danh mục thủ tục hành chính mới ban hành, thủ tục hành chính được sửa đổi, bổ sung "
    "trong lĩnh vực hộ tịch thuộc phạm vi chức năng quản lý của {unit}",
    "phê duyệt danh sách cán bộ, công chức, viên chức được cử đi đào tạo, bồi dưỡng kiến thức "
    "quản lý nhà nước năm {year}",
    "kiện toàn Ban Chỉ đạo thực hiện Đề án phát triển ứng dụng dữ liệu về dân cư, định danh và "
    "xác thực điện tử phục vụ chuyển đổi số quốc gia",
    "giao chỉ tiêu kế hoạch phát triển kinh tế - xã hội và dự toán ngân sách nhà nước năm {year} "
    "cho các cơ quan, đơn vị",
)
LONG_CT = (
    "tăng cường công tác quản lý, sử dụng hiệu quả Hệ thống thông tin giải quyết thủ tục hành "
    "chính và đẩy mạnh thanh toán trực tuyến trên địa bàn {unit}",
    "đẩy mạnh thực hiện các giải pháp phòng, chống dịch bệnh, bảo đảm an toàn cho người dân "
    "trong tình hình mới",
)
LONG_TB = (
    "Kết luận của Chủ tịch Ủy ban nhân dân tại cuộc họp nghe báo cáo tiến độ thực hiện các dự "
    "án đầu tư công trọng điểm năm {year}",
    "Kết quả kiểm tra, rà soát việc thực hiện số hóa hồ sơ, kết quả giải quyết thủ tục hành "
    "chính tại Bộ phận Một cửa các cấp năm {year}",
)
LONG_CV = (
    "triển khai thực hiện Kế hoạch số hóa hồ sơ, kết quả giải quyết thủ tục hành chính còn hiệu "
    "lực năm {year}",
    "đề nghị rà soát, cung cấp thông tin phục vụ xây dựng cơ sở dữ liệu cán bộ, công chức, "
    "viên chức",
    "tăng cường công tác phòng cháy, chữa cháy và cứu nạn, cứu hộ tại các khu dân cư, cơ sở "
    "sản xuất, kinh doanh",
)
LONG = {"quyet_dinh": LONG_QD, "chi_thi": LONG_CT, "thong_bao": LONG_TB, "cong_van": LONG_CV}

# (kind of document, symbol pattern, issuer); {n} number, {y} year
CITED = (
    ("Chỉ thị", "{n}/CT-TTg", "Thủ tướng Chính phủ"),
    ("Quyết định", "{n}/QĐ-TTg", "Thủ tướng Chính phủ"),
    ("Nghị quyết", "{n}/NQ-CP", "Chính phủ"),
    ("Nghị định", "{n}/{y}/NĐ-CP", "Chính phủ"),
    ("Thông tư", "{n}/{y}/TT-BNV", "Bộ trưởng Bộ Nội vụ"),
    ("Công văn", "{n}/VPCP-KSTT", "Văn phòng Chính phủ"),
    ("Kế hoạch", "{n}/KH-UBND", "Ủy ban nhân dân {unit}"),
)
CITED_TOPICS = (
    "về tăng cường công tác cải cách hành chính",
    "về đẩy mạnh chuyển đổi số trong cơ quan nhà nước",
    "về thực hiện Đề án 06 của Chính phủ",
    "về tăng cường phòng, chống dịch bệnh",
    "về công tác văn thư",
    "về nâng cao chất lượng phục vụ người dân, doanh nghiệp",
)


def long_subject(rng: random.Random, kind: str, fmt: dict[str, object]) -> str:
    return rng.choice(LONG[kind]).format(**fmt)


def cited_date_words(rng: random.Random, d: date) -> str:
    """How a body writes another document's date: in words like a date line (with or without the
    padding), or in figures."""
    r = rng.random()
    if r < 0.45:
        month = f"{d.month:02d}" if d.month <= 2 else str(d.month)
        return f"ngày {d.day:02d} tháng {month} năm {d.year}"
    if r < 0.75:
        return f"ngày {d.day} tháng {d.month} năm {d.year}"
    return f"ngày {d.day}/{d.month}/{d.year}"


def citation(rng: random.Random, issued: date, unit: str) -> str:
    """ "Chỉ thị số 11/CT-TTg ngày 16 tháng 4 năm 2021 của Thủ tướng Chính phủ về …": a document
    dated before this one (never on its day)."""
    kind, symbol, body = rng.choice(CITED)
    cited = issued - timedelta(days=rng.randint(3, 700))
    top = 200 if "{y}" in symbol else 350 if "TTg" in symbol else 2500  # decrees run to ~200 a year
    number = symbol.format(n=rng.randint(1, top), y=cited.year)
    return (
        f"{kind} số {number} {cited_date_words(rng, cited)} của {body.format(unit=unit)} "
        f"{rng.choice(CITED_TOPICS)}"
    )


def delegated_chain(rng: random.Random, committee: bool, head_title: str) -> list[str]:
    """Signing for the head by someone else: "TL. CHỦ TỊCH / KT. CHÁNH VĂN PHÒNG / PHÓ CHÁNH VĂN
    PHÒNG", "TUQ. CHỦ TỊCH / CHÁNH VĂN PHÒNG", "TL. GIÁM ĐỐC / CHÁNH VĂN PHÒNG"."""
    if committee:
        return rng.choice(
            (
                ["TL. CHỦ TỊCH", "KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG"],
                ["TUQ. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"],
                ["TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"],
            )
        )
    return rng.choice(
        (
            [f"TL. {head_title}", "CHÁNH VĂN PHÒNG"],
            [f"TL. {head_title}", "TRƯỞNG PHÒNG TỔ CHỨC CÁN BỘ"],
            [f"KT. {head_title}", f"PHÓ {head_title}"],
        )
    )
