"""The labelled-field engine: a type's printed labels found on the page's lines (`find_hits`),
each value's words read by geometry beside or below its label (`value_words`) and parsed by the
field's kind (`parse_value`), the fields of a label table (`extract_labelled`), and the
warnings for required fields not found (`missing_findings`)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from extractors.declaration import FieldSpec
from extractors.fields.lines import GAP_BREAK, Line, page_lines, union_boxes, word_height
from extractors.fields.names import restore_name
from extractors.fields.values import (
    NATIONALITIES,
    OCR_DIGITS,
    clean_text,
    digits_repaired,
    make_field,
    normalize_sex,
    parse_date,
    title_case_name,
)
from extractors.records import Box, Field, Finding, PageText, Severity, Word
from extractors.text import fold, similarity

# --- label → value layout engine -----------------------------------------------------------------
#
# Every printed form here is "Label: value" with the value on the label's row (to its right) or,
# for names and addresses, on the rows below, in the label's column. The engine finds the labels of
# a type's table (data in the type's module), then reads each value by geometry: the words after
# the label on its row up to the next label or a wide gap, else the rows below whose words start in
# the label's column, until another label, a wide vertical gap, or the allowed number of rows.

ROW_GAP_BREAK = 2.6  # a vertical gap wider than this many row heights ends a multi-row value
MISREAD_LABEL = 0.6  # a run of words this close to a label is that label, misread


def find_label(
    line: Line, labels: Sequence[str], threshold: float = 0.82
) -> tuple[int, int] | None:
    """Character range of the best match of any (folded) label in `line`, tolerant to OCR noise.

    Matches word-aligned windows of the line's folded text, so "Ngay sinh" inside "Ngay sinh / Date"
    is found while "NAM" inside "VIET NAM" is not mistaken for a label.
    """
    folded_words = [fold(w.text) for w in line.words]
    best: tuple[float, int, int] | None = None
    for label in labels:
        k = len(label.split())
        for size in {k, k - 1, k + 1} - {0}:
            for i in range(0, len(folded_words) - size + 1):
                window = " ".join(folded_words[i : i + size]).rstrip(":.;")
                ratio = similarity(window, label)
                if ratio >= threshold and (best is None or ratio > best[0]):
                    best = (ratio, i, i + size)
    if best is None:
        return None
    _, first, last = best
    return line.spans[first][0], line.spans[last - 1][1]


@dataclass(frozen=True)
class LabelHit:
    line: int  # index into the lines handed to the engine
    first: int  # first word index of the label in that line
    last: int  # one past its last word
    name: str
    box: Box


def _label_word(text: str) -> str:
    """A word folded for label matching: Vietnamese has no "rn", so one is a misread "m"
    ("người rnẹ" is "người mẹ", which otherwise loses to the shorter "Họ, chữ đệm, tên")."""
    return fold(text).replace("RN", "M")


def _hits_in_line(li: int, line: Line, specs: Sequence[FieldSpec]) -> list[LabelHit]:
    found: list[tuple[float, int, int, str]] = []
    folded_words = [_label_word(w.text) for w in line.words]
    for spec in specs:
        for label in spec.labels:
            k = len(label.split())
            best: tuple[float, int, int] | None = None
            # A label of one short word ("Ông:", "Bà:", "Số:") only counts at the start of a line,
            # where it is printed; inside a value it is part of the value ("… Bà Triệu").
            last_start = 1 if len(label) <= 3 else len(folded_words)
            for size in {k, k - 1, k + 1} - {0}:
                for i in range(0, min(last_start, len(folded_words) - size + 1)):
                    window = " ".join(folded_words[i : i + size])
                    window = _FOOTNOTE.sub("", window).strip(":.;/|,")  # "Nơi cư trú(2):"
                    ratio = similarity(window, label)
                    # Fewer words than the label: only a near-exact match (a word lost to OCR),
                    # so "nội dung ghi" in a sentence is not "Nội dung đề nghị".
                    threshold = _label_threshold(label) + (0.06 if size < k else 0.0)
                    if ratio >= threshold and (best is None or ratio > best[0]):
                        best = (ratio, i, i + size)
            if best:
                # Near-equal matches: the label covering more words wins ("Số định danh cá nhân
                # của chủ hộ" over "Số định danh cá nhân").
                found.append((best[0] + 0.02 * (best[2] - best[1]), best[1], best[2], spec.name))
    # Longest, best matches first; a word belongs to one label only.
    found.sort(key=lambda h: -h[0])
    taken: list[LabelHit] = []
    for _, first, last, name in found:
        if any(h.first < last and first < h.last for h in taken):
            continue
        taken.append(LabelHit(li, first, last, name, union_boxes(line.words[first:last])))
    taken.sort(key=lambda h: h.first)
    merged: list[LabelHit] = []
    for hit in taken:  # "Ngày sinh / Date of birth": one label in two languages
        if merged and merged[-1].name == hit.name:
            between = line.words[merged[-1].last : hit.first]
            if all(not w.text.strip(_SEPARATORS_ALL) for w in between):
                prev = merged[-1]
                merged[-1] = LabelHit(li, prev.first, hit.last, hit.name, prev.box.union(hit.box))
                continue
        merged.append(hit)
    return merged


def _label_threshold(label: str) -> float:
    """Short labels must match almost exactly ("SO" must not match "SO:" of another field)."""
    return 0.95 if len(label) <= 6 else 0.86 if len(label) <= 12 else 0.82


_SEPARATORS_ALL = " :/.;,-_|"
_ITEM_NUMBER = re.compile(r"^(?:\d{1,2}|[a-zđ])[.)]$")
_FOOTNOTE = re.compile(r"\(\d\)")


def find_hits(lines: Sequence[Line], specs: Sequence[FieldSpec]) -> list[LabelHit]:
    hits: list[LabelHit] = []
    for li, line in enumerate(lines):
        hits.extend(_hits_in_line(li, line, specs))
    return hits


def _segment(words: Sequence[Word], height: float) -> list[Word]:
    """Words up to the first gap wider than GAP_BREAK word heights."""
    out: list[Word] = []
    for w in words:
        if out and w.box.left - out[-1].box.right > GAP_BREAK * height:
            break
        out.append(w)
    return out


def _skip_misread_label(words: Sequence[Word], spec: FieldSpec) -> list[Word]:
    """`words` without a leading second-language label that OCR misread too badly to be matched
    as part of the label ("Quốc tịch / Nauonaity: Việt Nam"): a run of the label's length that
    resembles one of the spec's labels and ends with ":" (or is followed by the value)."""
    for label in spec.labels:
        k = len(label.split())
        if len(words) < k:
            continue
        window = " ".join(fold(w.text) for w in words[:k]).strip(_SEPARATORS_ALL)
        if similarity(window, label) >= MISREAD_LABEL and words[k - 1].text.endswith(":"):
            return list(words[k:])
        if similarity(window, label) >= MISREAD_LABEL + 0.1:
            return list(words[k:])
    return list(words)


def value_words(
    lines: Sequence[Line], hits: Sequence[LabelHit], hit: LabelHit, spec: FieldSpec
) -> list[Word]:
    """The words of the value of `hit` (see the module notes above)."""
    line = lines[hit.line]
    height = word_height(line.words[hit.first : hit.last])
    same: list[Word] = []
    if spec.same_row:
        nxt = min(
            (h.first for h in hits if h.line == hit.line and h.first >= hit.last), default=None
        )
        after = [w for w in line.words[hit.last : nxt] if w.text.strip(_SEPARATORS_ALL)]
        # "Quốc tịch / Nauonaity: Việt Nam": after a slash the second-language label follows.
        slash = line.words[hit.last - 1].text.endswith("/") or (
            hit.last < len(line.words) and line.words[hit.last].text.startswith("/")
        )
        same = _segment(_skip_misread_label(after, spec) if slash else after, height)
    rows = spec.rows if (same or not spec.same_row) else max(1, spec.rows)
    if same and spec.rows == 0:
        return same
    words = list(same)
    if not rows:
        return words
    column_left = hit.box.left - 1.5 * height
    column_right = hit.box.right if not same else max(hit.box.right, same[-1].box.right)
    last_bottom = hit.box.bottom
    taken = 0
    labelled = {h.line: h for h in hits}
    # A line's position is its words' median top: one tall speck must not lift it above the label.
    tops = [sorted(w.box.top for w in ln.words)[len(ln.words) // 2] for ln in lines]
    below = sorted(
        (i for i in range(len(lines)) if i != hit.line and tops[i] > hit.box.top + 0.5 * height),
        key=tops.__getitem__,
    )
    for li in below:
        ln = lines[li]
        start = next(
            (k for k, w in enumerate(ln.words) if column_left <= w.box.left <= column_right), None
        )
        if start is None:
            continue
        if any(h.line == li and h.last > start for h in hits):
            break  # the next label in this column
        if any(_ITEM_NUMBER.match(w.text) for w in ln.words[:start]):
            break  # "11. Những thành viên …": the form's next numbered item
        segment = _segment([w for w in ln.words[start:] if w.text.strip(_SEPARATORS_ALL)], height)
        if not segment:
            continue
        top = min(w.box.top for w in segment)
        if top - last_bottom > ROW_GAP_BREAK * height:
            break
        words.extend(segment)
        last_bottom = max(w.box.bottom for w in segment)
        taken += 1
        if taken >= rows:
            break
    del labelled
    return words


def _sex_misread(text: str) -> str | None:
    """ "Nửứ" → female: a first word of at most four letters that starts like only one of "Nam"
    and "Nữ" (marks doubled or smeared by noise); sent to review as a repair."""
    token = re.sub(r"[^A-Z]", "", fold(text))
    if not 2 <= len(token) <= 4 or token[0] != "N":
        return None
    if token.startswith("NU") and "A" not in token:
        return "female"
    if token.startswith("NAM") and len(token) == 4:
        return "male"
    return None


def parse_value(spec: FieldSpec, words: Sequence[Word], page: int) -> Field | None:
    """The value of `spec` read from `words`, or None when it does not parse (never guessed)."""
    if not words:
        return None
    raw = " ".join(w.text for w in words)
    text = clean_text(raw)
    kind = spec.kind
    if not text or kind == "stop":
        return None
    if kind in ("date", "expiry_date"):
        parsed = parse_date(text)
        if parsed is None:
            return None
        return make_field(spec.name, parsed.iso, raw, words, page=page, repaired=parsed.repaired)
    if kind == "sex":  # the first word that reads as a sex ("/Sex:" glued to the label is skipped)
        for word in words[:3]:
            sex = normalize_sex(word.text)
            if sex is not None:
                return make_field(spec.name, sex, word.text, [word], page=page)
        sex = _sex_misread(words[0].text)
        if sex is not None:
            return make_field(spec.name, sex, words[0].text, words[:1], page=page, repaired=True)
        return None
    if kind == "nationality":
        key = re.sub(r"\s+", " ", re.sub(r"[^A-Z ]", "", fold(text))).strip()
        if key in NATIONALITIES:
            return make_field(spec.name, NATIONALITIES[key], raw, words, page=page, kind="text")
        for name, written in NATIONALITIES.items():  # "7 Natonaty Việt Nam": a misread label
            if key.endswith(" " + name):
                used = words[len(words) - len(name.split(" ")) :]
                return make_field(
                    spec.name, written, raw, used, page=page, kind="text", repaired=True
                )
        return make_field(spec.name, text, raw, words, page=page, kind="text")
    if kind == "year":
        m = re.search(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)", text)
        if m is None:
            return None
        used = [w for w in words if m.group(1) in w.text] or list(words)
        return make_field(spec.name, m.group(1), raw, used, page=page)
    if kind in ("id12", "digits", "cmnd9", "phone"):
        digits, repaired = digits_repaired(text.split(" ")[0] if kind == "id12" else text)
        if kind == "id12" and len(digits) != 12:
            digits, repaired = digits_repaired(text)
            if len(digits) not in (9, 12):
                return None
        if not digits:
            return None
        return make_field(spec.name, digits, raw, words, page=page, repaired=repaired)
    if kind == "tax_code":  # an enterprise code: 10 digits, or 13 as 0123456789-001
        first = re.match(r"[\dOoDIl|SB]{10}(?:\s*-\s*[\dOoDIl|SB]{3})?", text.replace(" ", ""))
        if first is None:
            return None
        fixed = first.group(0).translate(OCR_DIGITS)
        repaired = bool(re.search(r"[^\d-]", first.group(0)))
        return make_field(spec.name, fixed, raw, words, page=page, repaired=repaired)
    if kind == "money":  # "5.000.000.000 đồng" → "5000000000"
        m = re.match(r"(\d{1,3}(?:[.,:;\s]\d{3})+|\d+)", text)  # ":" a smudged "."
        if m is None:
            return None
        used = [w for w in words if re.search(r"\d", w.text)]
        smudged = bool(re.search(r"[:;]", m.group(1)))
        value = re.sub(r"\D", "", m.group(1))
        return make_field(spec.name, value, raw, used, page=page, repaired=smudged)
    if kind == "area":  # "754,5 m² (Bằng chữ: …)" → "754.5"
        m = re.match(r"(\d+(?:[.,]\d{1,2})?)\s*m", text)
        if m is None:
            return None
        return make_field(spec.name, m.group(1).replace(",", "."), raw, words[:2], page=page)
    if kind == "serial":  # "CT 50165768", "CS 06964"
        m = re.match(r"([A-ZĐ]{1,3})\s?(\d{4,8})\b", text)
        if m is None:
            return None
        value = f"{m.group(1)} {m.group(2)}"
        return make_field(spec.name, value, raw, words[:2], page=page)
    if kind == "name":
        letters = re.sub(r"[^\w\s]", "", text).strip()
        if not letters or any(ch.isdigit() for ch in letters) or len(letters.split()) < 2:
            return None
        name, repaired = restore_name(title_case_name(letters))
        return make_field(spec.name, name, raw, words, page=page, kind="name", repaired=repaired)
    return make_field(spec.name, text, raw, words, page=page, kind="text")


def extract_labelled(
    page: PageText, specs: Sequence[FieldSpec], lines: Sequence[Line] | None = None
) -> dict[str, Field]:
    """Fields of `specs` found in `lines` (default: the whole page); the first parse wins."""
    lines = list(page_lines(page) if lines is None else lines)
    by_name = {s.name: s for s in specs}
    hits = find_hits(lines, specs)
    fields: dict[str, Field] = {}
    for hit in hits:
        if hit.name in fields:
            continue
        spec = by_name[hit.name]
        parsed = parse_value(spec, value_words(lines, hits, hit, spec), page.number)
        if parsed is not None:
            fields[hit.name] = parsed
    return fields


def missing_findings(
    specs: Sequence[FieldSpec], fields: dict[str, Field], where: str = "trên giấy tờ"
) -> list[Finding]:
    """A `<field>.missing` warning for each required field not found (a field is never invented)."""
    return [
        missing_finding(s.name, s.vi or s.name, where)
        for s in specs
        if s.required and s.name not in fields
    ]


def missing_finding(name: str, vi: str, where: str = "trên giấy tờ") -> Finding:
    return Finding(
        f"{name}.missing",
        Severity.WARNING,
        f"Không tìm thấy hoặc không đọc được “{vi}” {where}: hãy nhập từ bản scan",
        name,
    )
