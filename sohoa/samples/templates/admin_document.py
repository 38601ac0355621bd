"""Individual administrative documents laid out per Decree 30/2020/NĐ-CP (Phụ lục I): quyết định,
chỉ
thị, thông báo, công văn, issued by a People's Committee (tỉnh / huyện / xã) or a provincial
department (Sở).

Number: the issuer's yearly sequence, zero-padded below 10, no year ("Số: 05/QĐ-UBND"); công văn
has no type abbreviation ("Số: 686/STTT-CNTT") and a "V/v …" line under the number. Date line:
"{place}, ngày DD tháng M năm YYYY" with months 1–2 zero-padded (DOMAIN.md §4)."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta

from sohoa.samples import data
from sohoa.samples.document import Document
from sohoa.samples.identity import admin_date_words, random_date
from sohoa.samples.layout import Ellipse, Page, Polyline, text_width, wrap

NAME = "admin_document"
DOC_TYPE = "admin_document"
WEIGHT = 3.0

W, H, DPI = 1654, 2339, 200  # A4 at 200 dpi
LEFT, RIGHT, TOP, BOTTOM = 236, 1654 - 130, 150, 2339 - 150
LCX, RCX = LEFT + 290, RIGHT - 380  # centres of the two header columns
LCOL, RCOL = 600, 760  # their widths
SERIF, BOLD, ITALIC, BOLD_ITALIC = "serif", "serif_bold", "serif_italic", "serif_bold_italic"
BODY = 36  # 13 pt at 200 dpi
HEAD = 34

KINDS = {  # kind: (title, type abbreviation in the symbol)
    "quyet_dinh": ("QUYẾT ĐỊNH", "QĐ"),
    "chi_thi": ("CHỈ THỊ", "CT"),
    "thong_bao": ("THÔNG BÁO", "TB"),
    "cong_van": ("", ""),
}
NEW_ERA = date(2025, 7, 1)


@dataclass(frozen=True)
class Issuer:
    header: tuple[tuple[str, bool], ...]  # printed lines (text, bold)
    name: str  # canonical: "Ủy ban nhân dân tỉnh Quảng Ngãi"
    abbr: str  # in the symbol: UBND, STC, …
    place: str  # the date line's place name
    unit_phrase: str  # "tỉnh Quảng Ngãi", "huyện Sơn Tịnh" (for body text)
    committee: bool  # a People's Committee (vs a department)
    head_title: str  # CHỦ TỊCH | GIÁM ĐỐC
    dept_name: str = ""


def _unit_lower(kind_word: str, name: str) -> str:
    return f"{kind_word} {name}"


def _issuer(rng: random.Random, issued: date) -> Issuer:
    new_era = issued >= NEW_ERA
    province = rng.choice(data.PROVINCES_34)[0] if new_era else rng.choice(data.PROVINCES_63)
    prov_word = "thành phố" if province.city else "tỉnh"
    prov_phrase = f"{prov_word} {province.name}"
    r = rng.random()
    if r < 0.35:  # provincial People's Committee
        return Issuer(
            header=(("ỦY BAN NHÂN DÂN", True), (prov_phrase.upper(), True)),
            name=f"Ủy ban nhân dân {prov_phrase}",
            abbr="UBND",
            place=province.place_name,
            unit_phrase=prov_phrase,
            committee=True,
            head_title="CHỦ TỊCH",
        )
    if r < 0.55:  # district (before 07/2025) or commune
        if not new_era and any(d.startswith("Huyện") for d in province.districts):
            unit = rng.choice([d for d in province.districts if d.startswith("Huyện")])
            word, short = "huyện", unit.split(" ", 1)[1]
        else:
            word, short = "xã", rng.choice(data.COMMUNE_NAMES)
        phrase = _unit_lower(word, short)
        return Issuer(
            header=(("ỦY BAN NHÂN DÂN", True), (phrase.upper(), True)),
            name=f"Ủy ban nhân dân {phrase}",
            abbr="UBND",
            place=short,
            unit_phrase=phrase,
            committee=True,
            head_title="CHỦ TỊCH",
        )
    depts = [d for d in data.DEPARTMENTS if (d[3] if new_era else d[2])]
    dept, abbr, _, _ = rng.choice(depts)
    return Issuer(
        header=((f"UBND {prov_phrase.upper()}", False), (dept.upper(), True)),
        name=f"{dept} {prov_phrase}",
        abbr=abbr,
        place=province.place_name,
        unit_phrase=prov_phrase,
        committee=False,
        head_title="GIÁM ĐỐC",
        dept_name=dept,
    )


def _number(rng: random.Random) -> str:
    n = rng.randint(1, 9) if rng.random() < 0.12 else 10 + int(rng.random() ** 2 * 3500)
    return f"{n:02d}"


def _fit(text: str, font_name: str, size: int, width: float) -> int:
    while size > 22 and text_width(text, font_name, size) > width:
        size -= 1
    return size


# --- content -------------------------------------------------------------------------------------

QD_SUBJECTS = (
    (
        "phê duyệt Kế hoạch chuyển đổi số năm {year}",
        "Phê duyệt Kế hoạch chuyển đổi số năm {year} của {unit} (có Kế hoạch kèm theo).",
    ),
    (
        "công bố danh mục thủ tục hành chính được số hóa kết quả giải quyết",
        "Công bố kèm theo Quyết định này danh mục thủ tục hành chính được số hóa kết quả giải "
        "quyết "
        "thuộc thẩm quyền tiếp nhận, giải quyết của {unit}.",
    ),
    (
        "thành lập Tổ công tác triển khai Đề án 06",
        "Thành lập Tổ công tác triển khai Đề án phát triển ứng dụng dữ liệu về dân cư, định "
        "danh và "
        "xác thực điện tử phục vụ chuyển đổi số quốc gia trên địa bàn {unit}.",
    ),
    (
        "kiện toàn Ban Chỉ đạo cải cách hành chính",
        "Kiện toàn Ban Chỉ đạo cải cách hành chính {unit}, gồm các thành viên có tên tại Phụ "
        "lục kèm theo.",
    ),
    (
        "phê duyệt danh sách hộ nghèo, hộ cận nghèo năm {year}",
        "Phê duyệt danh sách hộ nghèo, hộ cận nghèo năm {year} trên địa bàn {unit} (có danh "
        "sách kèm theo).",
    ),
    (
        "ban hành Quy chế tiếp nhận, giải quyết thủ tục hành chính theo cơ chế một cửa, một "
        "cửa liên thông",
        "Ban hành kèm theo Quyết định này Quy chế tiếp nhận, giải quyết thủ tục hành chính "
        "theo cơ chế "
        "một cửa, một cửa liên thông tại {unit}.",
    ),
)
CT_SUBJECTS = (
    (
        "tăng cường công tác số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
        "số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
    ),
    ("đẩy mạnh cải cách hành chính năm {year}", "cải cách hành chính"),
    ("tăng cường công tác phòng, chống thiên tai và tìm kiếm cứu nạn", "phòng, chống thiên tai"),
    ("tăng cường quản lý đất đai, trật tự xây dựng", "quản lý đất đai, trật tự xây dựng"),
)
TB_SUBJECTS = (
    "Kết luận của Chủ tịch Ủy ban nhân dân tại cuộc họp về công tác cải cách hành chính",
    "Lịch tiếp công dân định kỳ tháng {month} năm {year}",
    "Kết quả xét tuyển viên chức năm {year}",
    "Kết luận cuộc họp giao ban tháng {month} năm {year}",
)
CV_SUBJECTS = (
    "triển khai thực hiện Thông tư số 01/2023/TT-VPCP",
    "đôn đốc số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
    "báo cáo kết quả thực hiện Đề án 06 quý {quarter} năm {year}",
    "góp ý dự thảo Kế hoạch cải cách hành chính năm {year}",
    "tăng cường sử dụng dịch vụ công trực tuyến",
)
TASKS = (
    "Chủ động rà soát, cập nhật danh mục thủ tục hành chính thuộc phạm vi quản lý; công khai "
    "đầy đủ, "
    "kịp thời trên Cổng Dịch vụ công quốc gia.",
    "Thực hiện số hóa hồ sơ, kết quả giải quyết thủ tục hành chính theo quy định tại Nghị định số "
    "45/2020/NĐ-CP ngày 08 tháng 4 năm 2020 của Chính phủ; bảo đảm dữ liệu được tái sử dụng.",
    "Tăng cường kiểm tra, giám sát việc thực hiện; kịp thời chấn chỉnh, xử lý nghiêm các tổ "
    "chức, cá "
    "nhân vi phạm.",
    "Định kỳ hằng quý báo cáo kết quả thực hiện về Văn phòng Ủy ban nhân dân trước ngày 15 của "
    "tháng "
    "cuối quý để tổng hợp.",
    "Bố trí cán bộ có năng lực, trách nhiệm làm việc tại Bộ phận Một cửa; không yêu cầu người "
    "dân nộp "
    "lại giấy tờ đã có trong Kho quản lý dữ liệu điện tử của tổ chức, cá nhân.",
)


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _before(rng: random.Random, d: date, days: int = 40) -> date:
    return d - timedelta(days=rng.randint(3, days))


@dataclass
class Para:
    text: str
    font: str = SERIF
    align: str = "left"  # left (first line indented) | center
    optional: bool = False
    size: int = BODY
    space_after: float = 8


def _content(
    rng: random.Random, kind: str, iss: Issuer, issued: date
) -> tuple[str, str, list[Para]]:
    """(subject as printed after its prefix, subject prefix, body paragraphs)."""
    fmt = {
        "year": issued.year,
        "month": issued.month,
        "quarter": (issued.month - 1) // 3 + 1,
        "unit": iss.unit_phrase,
    }
    head = (
        f"{iss.head_title} {iss.name.upper()}"
        if iss.committee
        else f"GIÁM ĐỐC {iss.dept_name.upper()}"
    )
    paras: list[Para] = []
    if kind == "quyet_dinh":
        subj, art1 = rng.choice(QD_SUBJECTS)
        subj = subj.format(**fmt)
        paras.append(Para(head, BOLD, "center", space_after=20))
        law_year = "ngày 16 tháng 6 năm 2025" if issued >= NEW_ERA else "ngày 19 tháng 6 năm 2015"
        paras.append(Para(f"Căn cứ Luật Tổ chức chính quyền địa phương {law_year};", ITALIC))
        paras.append(
            Para(
                "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ "
                "về công tác văn thư;",
                ITALIC,
                optional=True,
            )
        )
        paras.append(
            Para(
                "Căn cứ Nghị định số 45/2020/NĐ-CP ngày 08 tháng 4 năm 2020 của Chính phủ "
                "về thực hiện thủ tục hành chính trên môi trường điện tử;",
                ITALIC,
                optional=True,
            )
        )
        proposer = rng.choice(
            (
                "Giám đốc Sở Nội vụ",
                "Chánh Văn phòng",
                "Trưởng phòng Nội vụ",
                "Trưởng phòng Tổ chức cán bộ",
            )
        )
        tt = _before(rng, issued)
        paras.append(
            Para(
                f"Theo đề nghị của {proposer} tại Tờ trình số {_number(rng)}/TTr-"
                f"{rng.choice(('SNV', 'VP', 'PNV', 'TCCB'))} {admin_date_words(tt)}.",
                ITALIC,
                space_after=20,
            )
        )
        paras.append(Para("QUYẾT ĐỊNH:", BOLD, "center", space_after=20))
        paras.append(Para(f"Điều 1. {art1.format(**fmt)}"))
        paras.append(Para("Điều 2. Quyết định này có hiệu lực thi hành kể từ ngày ký."))
        paras.append(
            Para(
                "Điều 3. Chánh Văn phòng, Thủ trưởng các cơ quan, đơn vị và các cá nhân có "
                "liên quan chịu trách nhiệm thi hành Quyết định này./."
            )
        )
        return subj, "Về việc", paras
    if kind == "chi_thi":
        subj, topic = rng.choice(CT_SUBJECTS)
        subj = subj.format(**fmt)
        paras.append(
            Para(
                f"Thời gian qua, công tác {topic} trên địa bàn {iss.unit_phrase} đã đạt được "
                "những kết quả nhất định. Tuy nhiên, vẫn còn một số tồn tại, hạn chế: việc "
                "triển khai ở một số cơ quan, đơn vị chưa quyết liệt; sự phối hợp chưa chặt "
                "chẽ.",
                optional=False,
            )
        )
        paras.append(
            Para(
                f"Để khắc phục những hạn chế nêu trên, Chủ tịch Ủy ban nhân dân "
                f"{iss.unit_phrase} yêu cầu:"
            )
        )
        for n, task in enumerate(rng.sample(TASKS, 3), 1):
            paras.append(Para(f"{n}. {task}", optional=n > 1))
        paras.append(
            Para(
                "Yêu cầu Thủ trưởng các cơ quan, đơn vị nghiêm túc triển khai thực hiện "
                "Chỉ thị này./."
            )
        )
        return subj, "Về việc", paras
    if kind == "thong_bao":
        subj = rng.choice(TB_SUBJECTS).format(**fmt)
        met = _before(rng, issued, 10)
        paras.append(
            Para(
                f"Ngày {met.day:02d}/{met.month:02d}/{met.year}, {_cap(iss.unit_phrase)} đã tổ "
                "chức cuộc họp để nghe báo cáo tình hình triển khai nhiệm vụ. Sau khi nghe "
                "báo cáo và ý kiến của các đại biểu dự họp, kết luận như sau:"
            )
        )
        for n, task in enumerate(rng.sample(TASKS, 3), 1):
            paras.append(Para(f"{n}. {task}", optional=n > 1))
        paras.append(Para("Thông báo để các cơ quan, đơn vị biết, thực hiện./."))
        return subj, "", paras
    subj = rng.choice(CV_SUBJECTS).format(**fmt)
    paras.append(
        Para(
            f"Thực hiện chỉ đạo của cấp trên về việc {subj}, {iss.name} đề nghị các cơ "
            "quan, đơn vị triển khai thực hiện một số nội dung sau:"
        )
    )
    for n, task in enumerate(rng.sample(TASKS, 2), 1):
        paras.append(Para(f"{n}. {task}", optional=n > 1))
    paras.append(Para("Đề nghị các cơ quan, đơn vị quan tâm, phối hợp thực hiện./."))
    return subj, "V/v", paras


def _signature(rng: random.Random, iss: Issuer) -> list[str]:
    deputy = rng.random() < 0.5
    lines = ["TM. ỦY BAN NHÂN DÂN"] if iss.committee else []
    if deputy:
        lines += [f"KT. {iss.head_title}", f"PHÓ {iss.head_title}"]
    else:
        lines.append(iss.head_title)
    return lines


def _scribble(rng: random.Random, cx: float, cy: float) -> Polyline:
    pts = []
    a, b, ph = rng.uniform(18, 30), rng.uniform(0.05, 0.09), rng.uniform(0, math.tau)
    for k in range(60):
        x = cx - 150 + k * 5
        pts.append((x, cy + a * math.sin(ph + k * 0.45) + b * (k - 30) ** 2 * 0.3 - 10))
    return Polyline(tuple(pts), color=(30, 50, 160), width=3)


# --- layout --------------------------------------------------------------------------------------


def build(rng: random.Random) -> Document:
    issued = random_date(rng, date(2020, 1, 2), date(2025, 12, 30))
    iss = _issuer(rng, issued)
    kinds = (
        ["quyet_dinh", "chi_thi", "thong_bao", "cong_van"]
        if iss.committee
        else ["quyet_dinh", "thong_bao", "cong_van"]
    )
    kind = rng.choice(kinds)
    title, abbr = KINDS[kind]
    if kind == "cong_van":
        unit = rng.choice(data.UBND_UNITS if iss.committee else data.DEPT_UNITS)
        symbol = f"{iss.abbr}-{unit}"
    else:
        symbol = f"{abbr}-{iss.abbr}"
    number_symbol = f"{_number(rng)}/{symbol}"
    subject, prefix, paras = _content(rng, kind, iss, issued)
    sig_lines = _signature(rng, iss)
    signer = data.person_name(rng, rng.choice(("male", "male", "female")))
    place_line = f"{iss.place}, {admin_date_words(issued)}"

    page = Page(W, H, DPI)
    # header: issuing body (left), Quốc hiệu (right)
    y = TOP + 40
    ly = y
    for text, bold in iss.header:
        size = _fit(text, BOLD if bold else SERIF, HEAD, LCOL)
        page.text(LCX, ly, text, BOLD if bold else SERIF, size, align="center")
        last_w = text_width(text, BOLD, size)
        ly += 44
    page.underline(LCX, ly - 44 + 14, min(last_w * 0.45, 220))
    qh1 = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    qh_size = _fit(qh1, BOLD, HEAD, RCOL)
    page.text(RCX, y, qh1, BOLD, qh_size, align="center")
    qh2 = "Độc lập - Tự do - Hạnh phúc"
    page.text(RCX, y + 46, qh2, BOLD, HEAD + 2, align="center")
    page.underline(RCX, y + 58, text_width(qh2, BOLD, HEAD + 2))

    y = max(ly, y + 46) + 40
    page.text(LCX, y, f"Số: {number_symbol}", SERIF, HEAD, align="center")
    page.text(RCX, y, place_line, ITALIC, _fit(place_line, ITALIC, HEAD + 2, RCOL), align="center")
    if kind == "cong_van":
        vy = y + 44
        for line in wrap(f"V/v {subject}", SERIF, 30, LCOL - 60):
            page.text(LCX, vy, line, SERIF, 30, align="center")
            vy += 38
        y = vy + 30
        recipients = (
            ["Ủy ban nhân dân " + iss.unit_phrase]
            if not iss.committee
            else ["Các sở, ban, ngành;", "Các cơ quan, đơn vị có liên quan."]
        )
        end = page.text(LEFT + 300, y, "Kính gửi:", SERIF, BODY)
        for i, r in enumerate(recipients):
            page.text(
                end + 14, y, ("- " if len(recipients) > 1 else "") + r, SERIF, BODY, join=i == 0
            )
            y += BODY * 1.4
        addressee = " ".join(recipients)
        y += 20
    else:
        addressee = None
        y += 110
        page.text(W / 2 + 40, y, title, BOLD, 40, align="center")
        y += 52
        subj_line = f"{prefix} {subject}".strip() if prefix else subject
        for line in wrap(subj_line, BOLD, BODY, RIGHT - LEFT - 200):
            page.text(W / 2 + 40, y, line, BOLD, BODY, align="center")
            y += BODY * 1.35
        page.underline(W / 2 + 40, y - BODY * 1.35 + 14, 260)
        y += 40

    # body: drop optional paragraphs (from the end) until it fits above the signature block
    sig_height = 80 + 46 * len(sig_lines) + 260
    width = RIGHT - LEFT

    def height(ps: list[Para]) -> float:
        total = 0.0
        for p in ps:
            ind = 0 if p.align == "center" else 70
            total += len(wrap(p.text, p.font, p.size, width - ind)) * p.size * 1.42 + p.space_after
        return total

    while y + height(paras) + sig_height > BOTTOM and any(p.optional for p in paras):
        idx = max(i for i, p in enumerate(paras) if p.optional)
        paras.pop(idx)
    for p in paras:
        if p.align == "center":
            y = page.paragraph(LEFT, y, p.text, width, p.font, p.size, align="center", leading=1.42)
        else:
            y = page.paragraph(LEFT, y, p.text, width, p.font, p.size, indent=70, leading=1.42)
        y += p.space_after

    # recipients (left) and signature (right)
    y += 40
    ny = y
    page.text(LEFT, ny, "Nơi nhận:", BOLD_ITALIC, 30)
    for item in (
        "- Như trên;"
        if kind == "cong_van"
        else "- Như Điều 3;"
        if kind == "quyet_dinh"
        else "- Các cơ quan, đơn vị liên quan;",
        "- Lưu: VT.",
    ):
        ny += 36
        page.text(LEFT, ny, item, SERIF, 28)
    sy = y
    for line in sig_lines:
        page.text(RCX, sy, line, BOLD, HEAD, align="center")
        sy += 46
    seal_cx, seal_cy = RCX - 90, sy + 100
    page.add(
        Ellipse(
            seal_cx - 105,
            seal_cy - 105,
            seal_cx + 105,
            seal_cy + 105,
            outline=(210, 40, 45),
            width=7,
        )
    )
    page.add(
        Ellipse(
            seal_cx - 80, seal_cy - 80, seal_cx + 80, seal_cy + 80, outline=(210, 40, 45), width=3
        )
    )
    page.add(_scribble(rng, RCX + 20, sy + 110))
    page.text(RCX, sy + 250, signer, BOLD, HEAD + 2, align="center")

    fields: dict[str, str | None] = {
        "number_symbol": number_symbol,
        "issued_on": issued.isoformat(),
        "place": iss.place,
        "issuer": iss.name,
        "subject": subject,
        "signer": signer,
        "signer_title": sig_lines[-1],
    }
    if addressee is not None:
        fields["addressee"] = addressee
    return Document(doc_type=DOC_TYPE, page=page, fields=fields, attributes={"kind": kind})
