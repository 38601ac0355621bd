"""The real corpus's conditions in generated documents (sohoa/samples/conditions.py): each drawn as
real pages show it, with its ground truth right, and the ``real`` noise level drawing them."""

from __future__ import annotations

import ast
import json
import random
import re
from collections import Counter
from datetime import date
from pathlib import Path

import numpy as np
import pdfplumber
import pytest
from PIL import Image
from typer.testing import CliRunner

from sohoa.samples import generate
from sohoa.samples import hand as handwriting
from sohoa.samples.conditions import (
    CAPTURE_SHARES,
    HANDWRITTEN,
    REAL_FREQUENCIES,
    draw,
)
from sohoa.samples.identity import admin_date_words
from sohoa.samples.layout import FONTS, Polyline, Stamp, Text
from sohoa.samples.templates import admin_document

REPO = Path(__file__).resolve().parents[2]
N = 24  # documents built (not rendered) per content check: cheap


def _build(seed: int, *conditions: str):
    return admin_document.build(random.Random(f"test:{seed}"), frozenset(conditions))


def _hand_ops(doc) -> list[Text]:
    return [op for op in doc.page.ops if isinstance(op, Text) and op.font in handwriting.HAND_FONTS]


def _families(source: str) -> tuple[dict[str, list[str]], tuple[str, ...]]:
    """FAMILIES (family → font file names) and HELD_OUT of scripts/train_digits.py, evaluated from
    their literal expressions alone (importing the script would need its training setup)."""
    families: dict[str, list[str]] = {}
    held: tuple[str, ...] = ()
    for node in ast.parse(source).body:
        target = node.target if isinstance(node, ast.AnnAssign) else None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
        if not isinstance(target, ast.Name) or target.id not in ("FAMILIES", "HELD_OUT"):
            continue
        value = eval(compile(ast.Expression(node.value), "train_digits", "eval"), {})
        if target.id == "HELD_OUT":
            held = tuple(value)
        else:
            families = {fam: [Path(f).name for f in files] for fam, (_, files) in value.items()}
    return families, held


def test_handwriting_uses_only_fonts_the_digit_reader_held_out() -> None:
    families, held = _families((REPO / "scripts/train_digits.py").read_text("utf-8"))
    assert held, "scripts/train_digits.py names its held-out families"
    ours = {name: Path(FONTS[name]).name for name in handwriting.HAND_FONTS}
    trained = {f for fam, files in families.items() if fam not in held for f in files}
    held_files = {f for fam in held for f in families[fam]}
    for name, file in ours.items():
        assert file not in trained, f"{name}: {file} trained the digit reader"
        assert file in held_files, f"{name}: {file} is not a held-out font"
        assert handwriting.HAND_FONTS[name] in held
    sidecar = REPO / "extractors/handwriting/digits.json"
    if sidecar.is_file():  # the committed model's own record of its fonts
        training = json.dumps(json.loads(sidecar.read_text("utf-8"))["training_fonts"])
        assert not [f for f in ours.values() if f in training]


def test_handwritten_number_day_and_month_are_written_into_the_blanks() -> None:
    for seed in range(N):
        doc = _build(seed, "handwritten_number", "handwritten_day", "handwritten_month")
        f = doc.fields
        number, symbol = f["number_symbol"].split("/", 1)
        issued = date.fromisoformat(f["issued_on"])
        assert doc.handwritten == ["number", "day", "month"]
        assert {"handwritten_number", "handwritten_day", "handwritten_month"} <= set(doc.conditions)
        written = "".join(op.text for op in _hand_ops(doc))
        month = admin_date_words(issued).split()[3]
        days = (f"{issued.day:02d}", str(issued.day))
        assert written in {number + d + month for d in days}, (written, f)
        assert f"Số: {number} /{symbol}" in doc.page.lines
        printed = [op.text for op in doc.page.ops if isinstance(op, Text) and op.font in FONTS
                   and op.font not in handwriting.HAND_FONTS]  # fmt: skip
        assert "Số:" in printed and f"/{symbol}" in printed  # the number itself is not printed
        assert not any(t.startswith("Số:") and any(c.isdigit() for c in t) for t in printed)
        date_line = next(line for line in doc.page.lines if line.startswith(f"{f['place']}, ngày"))
        assert date_line in {
            f"{f['place']}, ngày {d} tháng {month} năm {issued.year}" for d in days
        }


def test_the_day_alone_leaves_number_and_month_printed() -> None:
    doc = _build(3, "handwritten_day")
    f = doc.fields
    assert doc.handwritten == ["day"]
    assert f"Số: {f['number_symbol']}" in doc.page.lines
    issued = date.fromisoformat(f["issued_on"])
    assert "".join(op.text for op in _hand_ops(doc)) in {f"{issued.day:02d}", str(issued.day)}


def test_a_red_seal_lies_over_the_blue_signature_and_can_cover_the_name() -> None:
    covered_name = 0
    for seed in range(N):
        doc = _build(seed, "stamp_over_signature")
        (seal,) = [op for op in doc.page.ops if isinstance(op, Stamp)]
        strokes = [op for op in doc.page.ops if isinstance(op, Polyline)]
        assert strokes and all(op.color[2] > 2 * op.color[0] for op in strokes)  # blue ink
        xs = [x for op in strokes for x, _ in op.points]
        ys = [y for op in strokes for _, y in op.points]
        # the seal's disc reaches into the signature's box
        nearest_x = min(max(seal.cx, min(xs)), max(xs))
        nearest_y = min(max(seal.cy, min(ys)), max(ys))
        assert (seal.cx - nearest_x) ** 2 + (seal.cy - nearest_y) ** 2 < seal.r**2
        assert seal.color[0] > 150 and seal.color[1] < 80  # red
        name = next(op for op in doc.page.ops if isinstance(op, Text)
                    and op.text.endswith(doc.fields["signer"]))  # fmt: skip
        covered_name += seal.cy + seal.r > name.y - 20
        assert "stamp_over_signature" in doc.conditions
    assert covered_name  # now and then the seal covers the name too
    plain = _build(1, "handwritten_day")
    assert not [op for op in plain.page.ops if isinstance(op, Stamp)]
    assert "stamp_over_signature" not in plain.conditions


def test_a_parent_body_above_the_issuer_is_the_issuer_parent() -> None:
    kinds = Counter()
    for seed in range(N):
        doc = _build(seed, "two_line_issuer")
        f = doc.fields
        header = [line for line in doc.page.lines[:6] if "CỘNG HÒA" not in line
                  and "Độc lập" not in line and not line.startswith("Số")]  # fmt: skip
        upper = doc.page.lines[0]
        assert f["issuer_parent"] and f["issuer_parent"].upper() == upper
        lower = " ".join(line for line in header[1:] if line.isupper())
        assert f["issuer"].upper() == lower, (f["issuer"], header)
        assert f["issuer"][0].isupper() and not f["issuer"].isupper()  # sentence case
        assert "two_line_issuer" in doc.conditions
        kinds[f["issuer"].split()[0]] += 1
    assert len(kinds) >= 3  # departments, universities, hospitals, offices, tax departments
    single = _build(2, "stamp_over_signature")
    assert single.fields["issuer_parent"] is None
    assert "two_line_issuer" not in single.conditions


def test_a_long_subject_runs_over_several_lines_and_the_truth_joins_them() -> None:
    for seed in range(N):
        doc = _build(seed, "multiline_subject")
        subject = doc.fields["subject"]
        lines = doc.page.lines
        start = next(
            i for i, line in enumerate(lines)
            if line.startswith(("Về việc", "V/v")) or (line and subject.startswith(line))
        )  # fmt: skip
        joined, used = "", 0
        for line in lines[start:]:
            joined = f"{joined} {line}".strip()
            used += 1
            if joined.endswith(subject):
                break
        assert re.sub(r"^(Về việc|V/v) ", "", joined) == subject
        assert used >= 2 and "multiline_subject" in doc.conditions


def test_body_citations_carry_other_dates_than_the_issue_date() -> None:
    cited = re.compile(r"số \S+ ngày (\d{1,2})(?: tháng (\d{1,2}) năm |/(\d{1,2})/)(\d{4})")
    for seed in range(N):
        doc = _build(seed, "body_citation")
        issued = date.fromisoformat(doc.fields["issued_on"])
        body = " ".join(doc.page.lines)
        dates = [date(int(y), int(m1 or m2), int(d)) for d, m1, m2, y in cited.findall(body)]
        assert dates, body
        assert all(d < issued for d in dates)
        assert "body_citation" in doc.conditions
        place_lines = [ln for ln in doc.page.lines if ln.startswith(f"{doc.fields['place']}, ngày")]
        assert len(place_lines) == 1  # the issue date is only in the header's date line


def test_signer_is_the_name_alone_and_signer_title_the_signing_lines() -> None:
    delegated = 0
    for seed in range(N):
        doc = _build(seed, "delegated_signing", "two_line_issuer")
        f = doc.fields
        title = f["signer_title"]
        assert title.startswith(("TL.", "TUQ.", "KT.")), title
        delegated += title.startswith(("TL.", "TUQ."))
        lines = doc.page.lines
        i = max(k for k, ln in enumerate(lines) if ln.endswith(f["signer"]))  # the name line
        assert any(" ".join(lines[i - k : i]) == title for k in (1, 2, 3)), (title, lines[-5:])
        assert "." not in f["signer"]  # academic titles are printed, not in the truth
    assert delegated


def test_real_level_draws_at_the_corpus_frequencies() -> None:
    draws = [draw(random.Random(f"f:{k}"), born_digital=False) for k in range(3000)]
    share = {c: sum(c in d for d in draws) / len(draws) for c in REAL_FREQUENCIES}
    for name, p in REAL_FREQUENCIES.items():
        assert abs(share[name] - p) < 0.04, (name, share[name])
    hand_number = sum("handwritten_number" in d for d in draws) / len(draws)
    assert 0.3 < hand_number < 0.46
    month = [d for d in draws if "handwritten_month" in d]
    assert month and all("handwritten_day" in d for d in month)
    photo = sum("phone_photo" in d for d in draws) / len(draws)
    assert abs(photo - CAPTURE_SHARES["phone_photo"]) < 0.03
    assert not any({"phone_photo", "screenshot"} <= d for d in draws)
    born = [draw(random.Random(f"b:{k}"), born_digital=True) for k in range(300)]
    assert not any(d & {*HANDWRITTEN, "phone_photo", "screenshot", "low_resolution"} for d in born)


def _truth(info) -> dict:
    return json.loads(info.truth_path.read_text("utf-8"))


def test_a_phone_photo_holds_the_whole_page_in_perspective(tmp_path: Path) -> None:
    infos = generate(tmp_path, count=2, seed=4, noise="none", types=["admin_document"],
                     formats=["png"],
                     conditions=["phone_photo", "stamp_over_signature"])  # fmt: skip
    for info in infos:
        t = _truth(info)
        img = Image.open(info.path)
        scan = t["scan"]
        assert t["capture"] == "phone_photo"
        assert {"perspective", "uneven_light", "stamp_over_signature"} <= set(t["conditions"])
        assert (img.width, img.height) == (scan["width"], scan["height"])
        assert 1200 <= img.width <= 1800
        corners = np.array(scan["corners"])
        assert (corners >= 0).all() and (corners[:, 0] <= img.width).all()
        assert (corners[:, 1] <= img.height).all()
        # not a rectangle: the page is seen at an angle
        top, bottom = corners[1] - corners[0], corners[2] - corners[3]
        assert abs(np.linalg.norm(top) - np.linalg.norm(bottom)) > 1 or abs(top[1]) > 1
        # the paper is brighter than most of what lies around it
        a = np.asarray(img.convert("L"), dtype=np.float32)
        cx, cy = corners.mean(axis=0)
        assert a[int(cy) - 20 : int(cy) + 20, int(cx) - 20 : int(cx) + 20].mean() > 120


def test_a_screenshot_shows_the_page_inside_an_interface(tmp_path: Path) -> None:
    infos = generate(tmp_path, count=2, seed=6, noise="light", types=["admin_document"],
                     formats=["png"], conditions=["screenshot", "low_resolution"])  # fmt: skip
    for info in infos:
        t = _truth(info)
        img = Image.open(info.path)
        x, y, w, h = t["scan"]["page_box"]
        assert t["capture"] == "screenshot" and "interface_around" in t["conditions"]
        assert 400 <= w <= 800 and "low_resolution" in t["conditions"]
        assert x >= 0 and x + w <= img.width and y >= 0 and y + h <= img.height
        assert img.width > w or img.height > h  # there is something around the page
        a = np.asarray(img.convert("L"), dtype=np.float32)
        outside = np.ones_like(a, dtype=bool)
        outside[y : y + h, x : x + w] = False
        assert (a[outside] < 100).sum() > 50  # the interface's bars, text and icons


def test_low_resolution_scans_and_show_through(tmp_path: Path) -> None:
    (info,) = generate(tmp_path / "low", count=1, seed=8, noise="light", types=["admin_document"],
                       formats=["jpg"], conditions=["low_resolution"])  # fmt: skip
    img, t = Image.open(info.path), _truth(info)
    assert 400 <= img.width <= 800 and t["capture"] == "flatbed_scan"
    assert t["conditions"][-1] == "low_resolution"
    clean = generate(tmp_path / "clean", count=1, seed=8, noise="none", types=["admin_document"],
                     formats=["png"], conditions=["multiline_subject"])[0]  # fmt: skip
    through = generate(tmp_path / "through", count=1, seed=8, noise="none",
                       types=["admin_document"], formats=["png"],
                       conditions=["multiline_subject", "show_through"])[0]  # fmt: skip
    a = np.asarray(Image.open(clean.path).convert("L"), dtype=np.float32)
    b = np.asarray(Image.open(through.path).convert("L"), dtype=np.float32)
    assert a.shape == b.shape
    blank = a > 250  # paper with nothing printed on it
    darker = (a - b)[blank]
    assert (darker > 1).mean() > 0.05  # the back's print shows through here and there …
    assert 5 < darker.max() < 60  # … faintly
    assert "show_through" in _truth(through)["conditions"]


def test_real_level_files_are_reproducible_and_born_digital_has_no_hand(tmp_path: Path) -> None:
    kw = dict(count=3, seed=21, noise="real", types=["admin_document"],
              formats=["png", "pdf_text", "jpg"])  # fmt: skip
    a = generate(tmp_path / "a", **kw)
    b = generate(tmp_path / "b", **kw)
    for x, y in zip(a, b, strict=True):
        assert x.path.read_bytes() == y.path.read_bytes()
        assert x.truth_path.read_bytes() == y.truth_path.read_bytes()
    text = _truth(a[1])
    assert text["capture"] == "born_digital" and text["handwritten"] == []
    assert text["noise"] == "none"


def test_a_born_digital_pdf_embeds_the_seal(tmp_path: Path) -> None:
    (info,) = generate(tmp_path, count=1, seed=2, noise="none", types=["admin_document"],
                       formats=["pdf_text"], conditions=["stamp_over_signature"])  # fmt: skip
    with pdfplumber.open(info.path) as pdf:
        page = pdf.pages[0]
        assert page.images  # the seal, as signed PDFs carry it
        assert _truth(info)["fields"]["signer"] in page.extract_text()


def test_handwritten_application_form_dates_use_held_out_fonts() -> None:
    from sohoa.samples.templates import application_form

    doc = application_form.build(random.Random("form"), frozenset({"handwritten_day"}))
    assert doc.handwritten == ["day"]
    fonts = {op.font for op in doc.page.ops if isinstance(op, Text) and op.color[2] > 100}
    assert fonts and fonts <= set(handwriting.HAND_FONTS)


def test_cli_turns_conditions_on_and_refuses_photo_with_screenshot(tmp_path: Path) -> None:
    from sohoa.cli import app

    runner = CliRunner()
    bad = runner.invoke(app, ["samples", str(tmp_path / "x"), "--condition", "phone_photo",
                              "--condition", "screenshot"])  # fmt: skip
    assert bad.exit_code == 1 and "phone photo or a screenshot" in bad.output
    assert not (tmp_path / "x").exists()
    ok = runner.invoke(app, ["samples", str(tmp_path / "y"), "--count", "1", "--seed", "3",
                             "--condition", "handwritten_day"])  # fmt: skip
    assert ok.exit_code == 0, ok.output
    index = json.loads((tmp_path / "y/index.json").read_text("utf-8"))
    truth = json.loads((tmp_path / "y" / index["samples"][0]["truth"]).read_text("utf-8"))
    assert truth["capture"] in {"flatbed_scan", "born_digital"}
    help_text = runner.invoke(app, ["samples", "--help"]).output
    assert "real" in help_text and "stamp_over_signature" in help_text


@pytest.mark.parametrize("level", ["none", "light", "heavy"])
def test_levels_without_conditions_draw_none(tmp_path: Path, level: str) -> None:
    (info,) = generate(tmp_path, count=1, seed=5, noise=level, types=["id_card_chip"],
                       formats=["png"])  # fmt: skip
    t = _truth(info)
    assert t["capture"] == "flatbed_scan" and t["conditions"] == []


def test_without_conditions_a_department_is_the_issuer_under_its_committee() -> None:
    """The plain template always printed "UBND TỈNH … / SỞ …": its truth follows the same rule."""
    seen = 0
    for seed in range(40):
        doc = admin_document.build(random.Random(f"plain:{seed}"))
        f = doc.fields
        if f["issuer"].startswith("Sở "):
            seen += 1
            assert f["issuer_parent"].startswith("UBND ")
            assert doc.page.lines[:2] == [f["issuer_parent"].upper(), f["issuer"].upper()]
            assert "two_line_issuer" in doc.conditions
        else:
            assert f["issuer_parent"] is None and f["issuer"].startswith("Ủy ban nhân dân ")
        assert f["signer_title"].split()[-1] in {"TỊCH", "ĐỐC"}
    assert seen


def test_land_and_birth_certificates_take_the_real_seal_and_handwritten_date() -> None:
    from sohoa.samples.templates import birth_certificate, land_use_certificate

    land = land_use_certificate.build(
        random.Random("land"), frozenset({"stamp_over_signature", "handwritten_day"})
    )
    f = land.fields
    issued = date.fromisoformat(f["issue_date"])
    assert (
        land.handwritten == ["day"] and len([o for o in land.page.ops if isinstance(o, Stamp)]) == 1
    )
    assert f"{f['place']}, {admin_date_words(issued)}" in land.page.lines
    assert "".join(op.text for op in _hand_ops(land)) == f"{issued.day:02d}"
    assert f["signer_title"] and "." not in f["signer"]
    birth = birth_certificate.build(random.Random("birth"), frozenset())
    assert not [o for o in birth.page.ops if isinstance(o, Stamp)] and birth.conditions == []
    sealed = birth_certificate.build(random.Random("birth"), frozenset({"stamp_over_signature"}))
    (seal,) = [o for o in sealed.page.ops if isinstance(o, Stamp)]
    assert seal.ring_text.startswith("ỦY BAN NHÂN DÂN")
