"""Individual administrative documents laid out per Decree 30/2020/NĐ-CP (Phụ lục I): quyết định,
chỉ
thị, thông báo, công văn, issued by a People's Committee (tỉnh / huyện / xã) or a provincial
department (Sở).

Number: the issuer's yearly sequence, zero-padded below 10, no year ("Số: 05/QĐ-UBND"); công văn
has no type abbreviation ("Số: 686/STTT-CNTT") and a "V/v …" line under the number. Date line:
"{place}, ngày DD tháng M năm YYYY" with months 1–2 zero-padded (docs/DOMAIN.md §4).

With conditions (sohoa/samples/conditions.py, the ``real`` noise level) the page shows what real
ones do: the number, day and month written by hand into blanks (held-out handwriting fonts), a red
round seal over a blue signature (sometimes over the title or the name), a parent body above the
issuer (a department, a district office, a university, a hospital, a tax department), subjects
over two or three lines, other documents' dates cited in the body in the date line's own words,
and delegated signing chains (TL./TUQ./KT.). Truth: ``issuer`` is the lower block of the header in
sentence case, ``issuer_parent`` the upper line as printed (sentence case, "UBND" kept), null for a
single body; ``signer`` the name alone (no academic title); ``signer_title`` the signing lines
joined by one space. The layout without conditions is unchanged."""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass
from datetime import date, timedelta

from sohoa.samples import data, hand
from sohoa.samples.conditions import CONTENT
from sohoa.samples.document import Document
from sohoa.samples.identity import admin_date_words, random_date
from sohoa.samples.layout import Ellipse, Page, Polyline, Stamp, text_width, wrap, wrap_balanced
from sohoa.samples.templates import _admin_real
from sohoa.samples.templates._admin_issuers import (
    HEADER_WIDTH,
    NEW_ERA,
    Issuer,
    any_issuer,
    real_issuer,
)

NAME = "admin_document"
DOC_TYPE = "admin_document"
WEIGHT = 3.0
CONDITIONS = frozenset(CONTENT)

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
    head = iss.head_line or (
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
            f"Thực hiện chỉ đạo của cấp trên về việc {subj}, {iss.body_name} đề nghị các cơ "
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


def build(rng: random.Random, conditions: frozenset[str] | None = None) -> Document:
    """One document. With `conditions` (a subset of CONDITIONS, maybe empty) the page is drawn as
    real ones are, those conditions on; without, as the template always drew it."""
    real = conditions is not None
    conditions = conditions or frozenset()
    issued = random_date(rng, date(2020, 1, 2), date(2025, 12, 30))
    if real:
        iss = real_issuer(rng, issued, two_line="two_line_issuer" in conditions)
    else:
        iss = any_issuer(rng, issued)
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
    number = _number(rng)
    number_symbol = f"{number}/{symbol}"
    subject, prefix, paras = _content(rng, kind, iss, issued)
    sig_lines = _signature(rng, iss)
    signer = data.person_name(rng, rng.choice(("male", "male", "female")))
    place_line = f"{iss.place}, {admin_date_words(issued)}"
    printed_name = signer
    written: tuple[str, ...] = ()
    pen: hand.Hand | None = None
    if real:
        subject, paras = _real_wording(rng, conditions, kind, iss, issued, subject, paras)
        if "delegated_signing" in conditions:
            sig_lines = _admin_real.delegated_chain(rng, iss.committee, iss.head_title)
        if iss.academic and rng.random() < 0.6:
            printed_name = f"{rng.choice(iss.academic)} {signer}"  # the truth keeps the name alone
        written = tuple(p for p in ("number", "day", "month") if f"handwritten_{p}" in conditions)
        if written:
            pen = hand.pick_hand(rng)

    page = Page(W, H, DPI)
    # header: issuing body (left), Quốc hiệu (right)
    y = TOP + 40
    ly = y
    for text, bold in iss.header:
        size = _fit(text, BOLD if bold else SERIF, HEAD, HEADER_WIDTH if real else LCOL)
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
    if pen is not None and "number" in written:
        _mixed_line(page, rng, pen, LCX, y, [("Số:", False), (number, True), (f"/{symbol}", False)],
                    SERIF, HEAD, dotted=rng.random() < 0.3)  # fmt: skip
    else:
        page.text(LCX, y, f"Số: {number_symbol}", SERIF, HEAD, align="center")
    if pen is not None and ("day" in written or "month" in written):
        day_text, month_text = admin_date_words(issued).split()[1::2][:2]
        if rng.random() < 0.3:  # a hand does not always pad
            day_text = str(issued.day)
        parts = [(f"{iss.place}, ngày", False), (day_text, "day" in written), ("tháng", False),
                 (month_text, "month" in written), (f"năm {issued.year}", False)]  # fmt: skip
        size = _fit(place_line, ITALIC, HEAD + 2, RCOL - 60)
        _mixed_line(page, rng, pen, RCX, y, parts, ITALIC, size, dotted=rng.random() < 0.3)
    else:
        page.text(
            RCX, y, place_line, ITALIC, _fit(place_line, ITALIC, HEAD + 2, RCOL), align="center"
        )
    subject_lines = 0
    if kind == "cong_van":
        vy = y + 44
        for line in wrap(f"V/v {subject}", SERIF, 30, LCOL - 60):
            page.text(LCX, vy, line, SERIF, 30, align="center")
            vy += 38
            subject_lines += 1
        y = vy + 30
        recipients = (
            list(iss.recipients)
            if iss.recipients
            else ["Ủy ban nhân dân " + iss.unit_phrase]
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
        wrapped = (
            wrap_balanced(subj_line, BOLD, BODY, 900)
            if real
            else wrap(subj_line, BOLD, BODY, RIGHT - LEFT - 200)
        )
        for line in wrapped:
            page.text(W / 2 + 40, y, line, BOLD, BODY, align="center")
            y += BODY * 1.35
            subject_lines += 1
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
    stamped = not real
    if real:
        hand.signature(page, rng, RCX + rng.uniform(-10, 40), sy + 110, rng.uniform(220, 320))
        page.text(RCX, sy + 250, printed_name, BOLD, HEAD + 2, align="center")
        if "stamp_over_signature" in conditions:
            page.add(_seal(rng, iss, sy))
            stamped = True
    else:
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
                seal_cx - 80,
                seal_cy - 80,
                seal_cx + 80,
                seal_cy + 80,
                outline=(210, 40, 45),
                width=3,
            )
        )
        page.add(_scribble(rng, RCX + 20, sy + 110))
        page.text(RCX, sy + 250, signer, BOLD, HEAD + 2, align="center")

    fields: dict[str, str | None] = {
        "number_symbol": number_symbol,
        "issued_on": issued.isoformat(),
        "place": iss.place,
        "issuer": iss.name,
        "issuer_parent": iss.parent,
        "subject": subject,
        "signer": signer,
        "signer_title": " ".join(sig_lines),
    }
    if addressee is not None:
        fields["addressee"] = addressee
    shown = [f"handwritten_{p}" for p in written]
    shown += ["stamp_over_signature"] if stamped else []
    shown += ["two_line_issuer"] if iss.parent else []
    shown += ["multiline_subject"] if subject_lines > 1 else []
    shown += ["body_citation"] if any(CITES.search(p.text) for p in paras) else []
    shown += ["delegated_signing"] if sig_lines[0].startswith(("TL.", "TUQ.")) else []
    return Document(
        doc_type=DOC_TYPE,
        page=page,
        fields=fields,
        attributes={"kind": kind},
        handwritten=list(written),
        conditions=shown,
    )


# A paragraph citing a document with its date: "… số 45/2020/NĐ-CP ngày 08 tháng 4 năm 2020".
CITES = re.compile(r"số \S+ ngày \d{1,2}(?: tháng \d{1,2} năm \d{4}|/\d{1,2}/\d{4})")


def _real_wording(
    rng: random.Random,
    conditions: frozenset[str],
    kind: str,
    iss: Issuer,
    issued: date,
    subject: str,
    paras: list[Para],
) -> tuple[str, list[Para]]:
    """A long subject (the body's wording follows it) and citations of other documents. A real
    document cites only what came before it: a paragraph citing a later date is dropped (or, a
    first task, exchanged for one citing nothing)."""
    fmt = {"year": issued.year, "unit": iss.unit_phrase}
    kept: list[Para] = []
    for p in paras:
        if not any(d >= issued for d in _cited_dates(p.text)):
            kept.append(p)
        elif not p.optional:
            m = re.match(r"(\d+)\. ", p.text)
            plain = [
                t for t in TASKS if not _cited_dates(t) and t not in " ".join(q.text for q in paras)
            ]
            if m and plain:
                kept.append(Para(f"{m.group(1)}. {plain[0]}"))
    paras = kept
    if "multiline_subject" in conditions:
        subject = _admin_real.long_subject(rng, kind, fmt)
        for i, p in enumerate(paras):
            if p.text.startswith("Điều 1."):
                paras[i] = Para(f"Điều 1. {_cap(subject)} (có văn bản kèm theo).")
            elif p.text.startswith("Thực hiện chỉ đạo của cấp trên về việc"):
                paras[i] = Para(
                    f"Thực hiện chỉ đạo của cấp trên về việc {subject}, {iss.body_name} đề "
                    "nghị các cơ quan, đơn vị triển khai thực hiện một số nội dung sau:"
                )
    if "body_citation" in conditions:
        cite = _admin_real.citation(rng, issued, iss.unit_phrase)
        if kind == "quyet_dinh":
            paras.insert(2, Para(f"Căn cứ {cite};", ITALIC))
        elif kind == "cong_van":
            second = (
                f"; {_admin_real.citation(rng, issued, iss.unit_phrase)}"
                if rng.random() < 0.4
                else ""
            )
            paras[0] = Para(
                f"Thực hiện {cite}{second}, {iss.body_name} đề nghị các cơ quan, đơn vị triển "
                "khai thực hiện một số nội dung sau:"
            )
        else:
            paras.insert(0, Para(f"Thực hiện {cite}, {iss.body_name} thông tin như sau:"))
    return subject, paras


def _cited_dates(text: str) -> list[date]:
    dates = []
    for m in CITED_DATE.finditer(text):
        day, month1, month2, year = m.groups()
        try:
            dates.append(date(int(year), int(month1 or month2), int(day)))
        except ValueError:
            continue
    return dates


CITED_DATE = re.compile(r"ngày (\d{1,2})(?: tháng (\d{1,2}) năm |/(\d{1,2})/)(\d{4})")


def _seal(rng: random.Random, iss: Issuer, sy: float) -> Stamp:
    """The issuer's seal over the left of the signature; now and then low enough to cover the
    name or high enough to cover the title's last line."""
    r = rng.uniform(125, 150)
    where = rng.random()
    cy = (
        sy + rng.uniform(80, 120)
        if where < 0.6
        else sy + rng.uniform(150, 190)
        if where < 0.85
        else sy + rng.uniform(10, 50)
    )
    return Stamp(
        RCX - rng.uniform(60, 120),
        cy,
        r,
        iss.ring,
        iss.seal_centre,
        angle=rng.uniform(-40, 40),
        ink=rng.uniform(0.8, 1.0),
        seed=rng.randrange(1 << 30),
    )


def _mixed_line(
    page: Page,
    rng: random.Random,
    pen: hand.Hand,
    cx: float,
    y: float,
    parts: list[tuple[str, bool]],
    font_name: str,
    size: int,
    *,
    dotted: bool,
) -> None:
    """A printed line with blanks the pen filled, centred on `cx`: print parts in `font_name`,
    hand parts in the pen's font over a blank (dotted or just space). Recorded as one line."""
    space = text_width(" ", font_name, size)
    gap = 0.8 * size  # the blank is wider than what fills it
    widths = [
        hand.width_of(pen, t, size) + gap if by_hand else text_width(t, font_name, size)
        for t, by_hand in parts
    ]
    total = sum(widths) + space * (len(parts) - 1)
    x = cx - total / 2
    for (text, by_hand), w in zip(parts, widths, strict=True):
        if by_hand:
            if dotted:
                for k in range(int(w // 9)):
                    dx = x + k * 9
                    page.add(Ellipse(dx, y + 4, dx + 3, y + 7, fill=(60, 60, 60)))
            hand.write(page, rng, pen, x + gap / 2, y, text, size)
        else:
            page.text(x, y, text, font_name, size, record=False)
        x += w + space
    words = [t for t, _ in parts]
    line = " ".join(words)
    if parts[-1][0].startswith("/"):  # "Số: 86 /QĐ-UBND": the blank ends before the slash
        line = " ".join(words[:-1]) + " " + words[-1]
    page.lines.append(line)
