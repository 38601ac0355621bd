"""Extraction accuracy: ours vs plain Tesseract vs baselines, on the real corpus, generated pages.

    .venv/bin/python bench/accuracy.py [--split dev] [--real-only] [--misses]
    .venv/bin/python bench/accuracy.py [--per-type 3] [--workers 2] [--seed 20260] [--no-ocrmypdf]

**The real corpus comes first** (tests/data/real/corpus, `bench/corpus.py`): per document type and
field, for one split (`--split dev` by default; `--split test` only when the extractors are frozen,
by the lead), three systems on the same files — ours, plain Tesseract with the same extraction, and
a naive Tesseract + regular-expression baseline — scored by how a person compares values
(`bench.corpus.canonical`): fields exact, auto-accept precision with counts, the auto-accept rate,
the straight-through rate (documents whose every labelled header field is right and at or above the
review threshold), seconds per page, and a reliability curve (confidence bucket → share right).
Page reads are cached in var/bench-cache (`--no-cache` reads again); `--misses` lists what ours got
wrong per document (use it on the dev half only).

Generated documents (sohoa.samples, every template, PNG scans, noise none / light / heavy / real, a
fixed seed; `--noise` picks levels) are read three ways on the same page images (`real` adds the
real corpus's conditions: handwritten numbers and days, seals over signatures, parent bodies, long
subjects, body citations, phone photos, screenshots; sohoa/samples/README.md):

- **ours**: `read_document` (clean-up, OCR, orientation) → `extract` → `finish_extraction`
  (handwritten re-read; signatures where the file has them);
- **plain**: the same engine with `preprocess=False` → the same `extract` (no clean-up, no re-read);
- **ocrmypdf**: `ocrmypdf --deskew --clean -l vie` on the image; its text for CER from `--sidecar`,
  and its words (the PDF text layer it writes, read with our pdfplumber reader) through the same
  `extract`, so fields are compared too.

Per document type and noise level: field exact match (NFC, spaces and case folded), order-aware CER
of the page text against the generator's printed `lines` (edit distance / reference length),
line CER (each printed line against its best-matching stretch of the page text: recognition errors
without the header's column order), word F1 (order-insensitive), seconds per page. Then calibration
for ours: auto-accept precision (right among fields at or above the review threshold 0.9), review
recall (wrong values that fell below it), auto-accept rate. Then OCR quality on real pages of the
chosen split only: born_digital pages rendered and OCRed against `pdftotext` of the same page, and
page_scans (copies of a test-half page: only with `--split test` or `all`) against 4_1_gt.txt.
Ground truth comes only from the generator, the labels, the transcription or pdftotext.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
REAL = REPO / "tests/data/real"
from extractors.confidence import REVIEW_THRESHOLD as THRESHOLD  # noqa: E402

TODAY = date(2026, 6, 1)
SYSTEMS = ("ours", "plain", "ocrmypdf")
NOISES = ("none", "light", "heavy", "real")  # generated levels (sohoa samples --noise)
# Truth keys that are not extraction targets (as tests/extractors/test_generated.py declares).
NOT_EXTRACTED = {
    "mrz", "signer_title", "date_of_birth_in_words", "addressee", "relationship",
    "enterprise_registration.issuer", "enterprise_registration.signer",
    "land_use_certificate.issuer", "land_use_certificate.co_owner_id_number",
}  # fmt: skip


# --- metrics ------------------------------------------------------------------------------------


def norm(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def same(got: str | None, want: str | None) -> bool:
    return norm(got).casefold() == norm(want).casefold()


def _codes(*texts: str) -> tuple[list[np.ndarray], dict[str, int]]:
    table: dict[str, int] = {}
    return [
        np.array([table.setdefault(c, len(table)) for c in t], dtype=np.int32) for t in texts
    ], table


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance, one numpy row at a time (insertions by a running minimum)."""
    if not a or not b:
        return len(a) + len(b)
    (x, y), _ = _codes(a, b)
    idx = np.arange(len(y) + 1, dtype=np.int32)
    row = idx.copy()
    for i, c in enumerate(x, 1):
        tmp = np.empty(len(y) + 1, dtype=np.int32)
        tmp[0] = i
        tmp[1:] = np.minimum(row[:-1] + (y != c), row[1:] + 1)
        row = np.minimum.accumulate(tmp - idx) + idx
    return int(row[-1])


def cer(hypothesis: str, reference: str) -> float:
    ref = norm(reference)
    return edit_distance(norm(hypothesis), ref) / max(1, len(ref))


def line_cer(hypothesis: str, lines: Iterable[str]) -> float:
    """Each reference line against its best-matching substring of the hypothesis."""
    hyp = norm(hypothesis)
    refs = [norm(line) for line in lines if norm(line)]
    total = sum(len(r) for r in refs)
    if not hyp:
        return 1.0
    errors = 0
    for ref in refs:
        (h, r), _ = _codes(hyp, ref)
        idx = np.arange(len(h) + 1, dtype=np.int32)
        row = np.zeros(len(h) + 1, dtype=np.int32)  # free start anywhere in the hypothesis
        for i, c in enumerate(r, 1):
            tmp = np.empty(len(h) + 1, dtype=np.int32)
            tmp[0] = i
            tmp[1:] = np.minimum(row[:-1] + (h != c), row[1:] + 1)
            row = np.minimum.accumulate(tmp - idx) + idx
        errors += int(row.min())  # free end
    return errors / max(1, total)


def _tokens(text: str) -> Counter[str]:
    words = (re.sub(r"^\W+|\W+$", "", w) for w in norm(text).lower().split())
    return Counter(w for w in words if w)


def word_f1(hypothesis: str, reference: str) -> float:
    hyp, ref = _tokens(hypothesis), _tokens(reference)
    common = sum((hyp & ref).values())
    if not common:
        return 0.0
    precision, recall = common / sum(hyp.values()), common / sum(ref.values())
    return 2 * precision * recall / (precision + recall)


# --- one page, three ways -----------------------------------------------------------------------


@dataclass
class Outcome:
    """One system on one document."""

    text: str = ""
    seconds: float = 0.0
    fields: dict[str, tuple[str, float]] = field(default_factory=dict)  # name → (value, conf)
    kind: str | None = None
    cleanup_seconds: float = 0.0
    ocr_seconds: float = 0.0
    error: str = ""


def _fields(extraction: Any) -> tuple[dict[str, tuple[str, float]], str | None]:
    return (
        {f.name: (f.value, f.confidence) for f in extraction.fields},
        extraction.attributes.get("kind"),
    )


def run_ours(path: Path, *, preprocess: bool = True, refine: bool = True) -> Outcome:
    from extractors.document import extract
    from extractors.ocr import get_engine
    from extractors.options import ReadOptions
    from extractors.preprocess import prepare_for_ocr
    from extractors.reading import read_document
    from extractors.refine import finish_extraction
    from extractors.signatures import read_signatures

    engine = get_engine("tesseract")
    options = ReadOptions(preprocess=preprocess)
    started = time.perf_counter()
    pages, images = [], {}
    for page, image in read_document(path, options, engine):
        pages.append(page)
        if page.number == 1:
            images[1] = image
    extraction = extract(pages, sha256="bench", today=TODAY)
    if refine:
        extraction = finish_extraction(
            extraction, pages, images, engine, read_signatures(path), today=TODAY
        )
    seconds = time.perf_counter() - started
    out = Outcome("\n".join(p.text for p in pages), seconds / max(1, len(pages)))
    out.fields, out.kind = _fields(extraction)
    out.ocr_seconds = sum(p.seconds for p in pages if p.source.value == "ocr")
    if preprocess and 1 in images and pages[0].source.value == "ocr":
        t = time.perf_counter()  # the same clean-up again, timed alone
        prepare_for_ocr(images[1], options)
        out.cleanup_seconds = time.perf_counter() - t
    return out


def run_ocrmypdf(image_path: Path, dpi: int, work: Path) -> Outcome:
    """OCRmyPDF --deskew --clean on one image; text from --sidecar, words from its text layer."""
    from extractors.document import extract
    from extractors.options import ReadOptions
    from extractors.pages import open_document
    from extractors.records import PageSource, PageText
    from extractors.sniff import MediaType

    out_pdf, sidecar = work / f"{image_path.stem}.ocr.pdf", work / f"{image_path.stem}.txt"
    cmd = [
        str(Path(sys.executable).parent / "ocrmypdf"), "--deskew", "--clean", "-l", "vie",
        "--image-dpi", str(dpi), "--output-type", "pdf", "--optimize", "0", "--jobs", "1",
        "--sidecar", str(sidecar), "--quiet", str(image_path), str(out_pdf),
    ]  # fmt: skip
    started = time.perf_counter()
    proc = subprocess.run(
        cmd, capture_output=True, text=True, env={**os.environ, "OMP_THREAD_LIMIT": "1"}
    )
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        return Outcome(error=(proc.stderr or proc.stdout)[-300:], seconds=seconds)
    text = sidecar.read_text("utf-8")
    pages = []
    with open_document(out_pdf, MediaType.PDF, ReadOptions(render_dpi=dpi)) as source:
        for page in source.iter_pages():
            pages.append(
                PageText(
                    page.number,
                    page.image.width,
                    page.image.height,
                    PageSource.OCR,  # its words are OCR, whatever container they come in
                    tuple(page.text_words or ()),
                )
            )
    extraction = extract(pages, sha256="bench", today=TODAY)
    out = Outcome(text, seconds)
    out.fields, out.kind = _fields(extraction)
    return out


def bench_generated(task: tuple[str, str, str, bool]) -> dict[str, Any]:
    """One generated page through every system (run in a worker process)."""
    image, truth_path, work, with_ocrmypdf = task
    truth = json.loads(Path(truth_path).read_text("utf-8"))
    result: dict[str, Any] = {"truth": truth}
    result["ours"] = run_ours(Path(image)).__dict__
    result["plain"] = run_ours(Path(image), preprocess=False, refine=False).__dict__
    if with_ocrmypdf:
        dpi = int(truth.get("page", {}).get("dpi", 200))
        result["ocrmypdf"] = run_ocrmypdf(Path(image), dpi, Path(work)).__dict__
    return result


# --- scoring ------------------------------------------------------------------------------------


@dataclass
class Tally:
    right: int = 0
    total: int = 0
    accepted: int = 0
    accepted_right: int = 0
    wrong: int = 0
    wrong_below: int = 0
    cers: list[float] = field(default_factory=list)
    lcers: list[float] = field(default_factory=list)
    f1s: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    cleanup: float = 0.0
    ocr: float = 0.0

    def add_field(self, got: tuple[str, float] | None, want: str) -> None:
        self.total += 1
        ok = got is not None and same(got[0], want)
        self.right += ok
        if got is None or got[1] is None:
            return
        if got[1] >= THRESHOLD:
            self.accepted += 1
            self.accepted_right += ok
        if not ok:
            self.wrong += 1
            self.wrong_below += got[1] < THRESHOLD


def score_generated(result: dict[str, Any], system: str, tally: Tally) -> None:
    out, truth = result[system], result["truth"]
    doc_type = truth["doc_type"]
    for name, want in truth["fields"].items():
        if want is None or name in NOT_EXTRACTED or f"{doc_type}.{name}" in NOT_EXTRACTED:
            continue
        got = out["fields"].get(name)
        tally.add_field(tuple(got) if got else None, str(want))
    reference = "\n".join(truth["lines"])
    tally.cers.append(cer(out["text"], reference))
    tally.lcers.append(line_cer(out["text"], truth["lines"]))
    tally.f1s.append(word_f1(out["text"], reference))
    tally.seconds.append(out["seconds"])
    tally.cleanup += out.get("cleanup_seconds", 0.0)
    tally.ocr += out.get("ocr_seconds", 0.0)


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}% ({part}/{whole})" if whole else "–"


def mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else float("nan")


def generated_header(generated: list[dict[str, Any]], systems: tuple[str, ...]) -> list[str]:
    """Generated admin documents scored as the real corpus's table scores them (its header fields,
    compared by `bench.corpus.same`), so the two figures sit side by side."""
    from bench import corpus

    names = corpus.ADMIN_HEADER
    out = ["\n### Generated admin documents, header fields as the real corpus counts them\n",
           f"| noise | system | pages | header fields exact | {' | '.join(names)} |",
           "|---|---|---|---|" + "---|" * len(names)]  # fmt: skip
    for noise in NOISES:
        for system in systems:
            per: dict[str, list[int]] = {n: [0, 0] for n in names}
            pages = 0
            for result in generated:
                truth, got = result["truth"], result.get(system)
                if truth["template"] != "admin_document" or truth["noise"] != noise:
                    continue
                if not got or got.get("error"):
                    continue
                pages += 1
                want = {**truth["fields"], "kind": truth["attributes"].get("kind")}
                for name in names:
                    field_ = got["fields"].get(name)
                    value = got["kind"] if name == "kind" else field_[0] if field_ else None
                    per[name][0] += corpus.same(name, value, want.get(name))
                    per[name][1] += 1
            if pages:
                right, total = sum(r for r, _ in per.values()), sum(t for _, t in per.values())
                cells = " | ".join(pct(*per[n]) for n in names)
                out.append(f"| {noise} | {system} | {pages} | {pct(right, total)} | {cells} |")
    return out


# --- real documents -----------------------------------------------------------------------------


def bench_page_scans(with_ocrmypdf: bool, work: Path) -> list[dict[str, Any]]:
    reference = (REAL / "page_scans/4_1_gt.txt").read_text("utf-8")
    rows = []
    for image in sorted((REAL / "page_scans").glob("*.jpg")):
        row: dict[str, Any] = {"name": image.name}
        for system in SYSTEMS:
            if system == "ocrmypdf" and not with_ocrmypdf:
                continue
            if system == "ocrmypdf":
                out = run_ocrmypdf(image, 70, work)
            else:
                out = run_ours(image, preprocess=system == "ours", refine=False)
            row[system] = {
                "cer": cer(out.text, reference),
                "f1": word_f1(out.text, reference),
                "seconds": out.seconds,
                "error": out.error,
            }
        rows.append(row)
    return rows


def bench_born_digital(work: Path, split: str = "dev") -> list[dict[str, Any]]:
    """First page of each born-digital PDF of `split`, rendered as the pipeline does, OCRed vs
    pdftotext."""
    from bench import corpus
    from extractors.options import ReadOptions
    from extractors.pages import open_document
    from extractors.sniff import MediaType

    allowed = {corpus.file_of(e) for e in corpus.entries(split)}
    rows = []
    for pdf in sorted((REAL / "born_digital").glob("*.pdf")):
        if pdf.resolve() not in allowed:
            continue
        reference = subprocess.run(
            ["pdftotext", "-f", "1", "-l", "1", "-layout", str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        with open_document(pdf, MediaType.PDF, ReadOptions()) as source:
            page = next(iter(source.iter_pages()))
            png = work / f"{pdf.stem}.p1.png"
            page.image.save(png)
        row: dict[str, Any] = {"name": pdf.name}
        for system in ("ours", "plain"):
            out = run_ours(png, preprocess=system == "ours", refine=False)
            row[system] = {
                "cer": cer(out.text, reference),
                "f1": word_f1(out.text, reference),
                "seconds": out.seconds,
            }
        rows.append(row)
    return rows


# --- report -------------------------------------------------------------------------------------


def report(
    generated: list[dict[str, Any]],
    scans: list[dict[str, Any]],
    born: list[dict[str, Any]],
    systems: tuple[str, ...],
) -> str:
    lines: list[str] = []
    add = lines.append
    by: dict[tuple[str, str, str], Tally] = defaultdict(Tally)
    for result in generated:
        key_type, noise = result["truth"]["template"], result["truth"]["noise"]
        for system in systems:
            if result.get(system, {}).get("error") or system not in result:
                continue
            score_generated(result, system, by[(system, noise, key_type)])
            score_generated(result, system, by[(system, noise, "*all*")])
    add("### Generated scans, per template and noise\n")
    add("| template | noise | system | fields exact | CER | line CER | word F1 | s/page |")
    add("|---|---|---|---|---|---|---|---|")
    templates = [*sorted({k[2] for k in by if k[2] != "*all*"}), "*all*"]
    for template in templates:
        for noise in NOISES:
            for system in systems:
                t = by.get((system, noise, template))
                if t is None:
                    continue
                add(
                    f"| {template} | {noise} | {system} | {pct(t.right, t.total)} | "
                    f"{mean(t.cers):.3f} | {mean(t.lcers):.3f} | {mean(t.f1s):.3f} | "
                    f"{mean(t.seconds):.1f} |"
                )
    add("\n### Calibration (review threshold 0.9), generated scans\n")
    add("| noise | system | auto-accept precision | review recall | auto-accept rate |")
    add("|---|---|---|---|---|")
    for noise in NOISES:
        for system in systems:
            t = by.get((system, noise, "*all*"))
            if t is None or system == "ocrmypdf":  # its text layer has no confidences
                continue
            add(
                f"| {noise} | {system} | {pct(t.accepted_right, t.accepted)} | "
                f"{pct(t.wrong_below, t.wrong)} | {pct(t.accepted, t.total)} |"
            )
    lines += generated_header(generated, systems)
    ours_all = [by[k] for k in by if k[0] == "ours" and k[2] == "*all*"]
    cleanup = sum(t.cleanup for t in ours_all)
    ocr = sum(t.ocr for t in ours_all)
    if ocr:
        add(
            f"\nClean-up time as a share of OCR time (ours, generated): "
            f"{100 * cleanup / max(1e-9, ocr - cleanup):.1f}% "
            f"({cleanup:.1f} s of clean-up, {ocr - cleanup:.1f} s of recognition)"
        )

    if scans:
        add("\n### Real page_scans (vs 4_1_gt.txt)\n")
        add("| image | " + " | ".join(f"{s} CER / word F1 / s" for s in systems) + " |")
        add("|---|" + "---|" * len(systems))
        for row in scans:
            cells = []
            for s in systems:
                r = row.get(s)
                cells.append(
                    "–" if not r or r.get("error") else
                    f"{r['cer']:.3f} / {r['f1']:.3f} / {r['seconds']:.1f}"
                )  # fmt: skip
            add(f"| {row['name']} | {' | '.join(cells)} |")
    if born:
        add("\n### Real born_digital, page 1 rendered at 200 dpi and OCRed (vs pdftotext)\n")
        add("| pdf | ours CER / word F1 / s | plain CER / word F1 / s |")
        add("|---|---|---|")
        for row in born:
            cells = [
                f"{row[s]['cer']:.3f} / {row[s]['f1']:.3f} / {row[s]['seconds']:.1f}"
                for s in ("ours", "plain")
            ]
            add(f"| {row['name']} | {' | '.join(cells)} |")
    return "\n".join(lines)


def real_rows(split: str, workers: int, cache: bool) -> list[tuple[dict[str, Any], Any]]:
    """Every corpus document of `split` through the three systems (bench/corpus.py)."""
    from bench import corpus

    docs = corpus.entries(split)
    where = corpus.CACHE if cache else None
    with ProcessPoolExecutor(workers) as pool:
        runs = list(pool.map(_run_entry, docs, [where] * len(docs)))
    return list(zip(docs, runs, strict=True))


def _run_entry(entry: dict[str, Any], cache: Path | None) -> Any:
    from bench import corpus

    return corpus.run_document(entry, corpus.SYSTEMS, cache)


def real_report(rows: list[tuple[dict[str, Any], Any]], split: str, misses: bool) -> str:
    """The real-corpus tables (see the module notes)."""
    from bench import corpus

    scored = corpus.score(rows, corpus.SYSTEMS)
    tallies, through = scored["tallies"], scored["through"]
    empty = corpus.Tally()

    def t(*key: str) -> Any:
        return tallies.get(key, empty)

    lines: list[str] = []
    add = lines.append
    types = Counter(e["doc_type"] for e, _ in rows)
    what = ", ".join(f"{n} {k}" for k, n in sorted(types.items()))
    note = " (dev-half figures)" if split == "dev" else ""
    add(f"### Real corpus, split `{split}`{note}: {len(rows)} documents ({what})\n")
    admin = "admin_document"
    if types.get(admin):
        add("Administrative documents, per field (ours: exact · auto-accept precision · "
            "auto-accept rate; plain: exact · auto-accept precision; naive: exact):\n")  # fmt: skip
        add("| field | ours exact | ours ≥0.9 right | ours auto-accept | plain exact | "
            "plain ≥0.9 right | naive exact |")  # fmt: skip
        add("|---|---|---|---|---|---|---|")
        names = [*corpus.ADMIN_HEADER, "*header*", *corpus.ADMIN_EXTRA]
        for name in names:
            o, p, n = t("ours", admin, name), t("plain", admin, name), t("naive", admin, name)
            label = "**header fields (7)**" if name == "*header*" else name
            naive_cell = pct(n.right, n.total) if name in corpus.NAIVE_FIELDS else "–"
            add(
                f"| {label} | {pct(o.right, o.total)} | {pct(o.accepted_right, o.accepted)} | "
                f"{pct(o.accepted, o.total)} | {pct(p.right, p.total)} | "
                f"{pct(p.accepted_right, p.accepted)} | {naive_cell} |"
            )
        for name in ("number_symbol", "issued_on"):
            o, p = t("ours", admin, "*handwritten*", name), t("plain", admin, "*handwritten*", name)
            n = t("naive", admin, "*handwritten*", name)
            add(
                f"| {name}, handwritten | {pct(o.right, o.total)} | "
                f"{pct(o.accepted_right, o.accepted)} | {pct(o.accepted, o.total)} | "
                f"{pct(p.right, p.total)} | {pct(p.accepted_right, p.accepted)} | "
                f"{pct(n.right, n.total)} |"
            )
        add("\n| system | header exact | number, date, subject exact | auto-accept precision | "
            "wrong at ≥0.9 | auto-accept rate | straight through | s/page |")  # fmt: skip
        add("|---|---|---|---|---|---|---|---|")
        for system in corpus.SYSTEMS:
            h, three = t(system, admin, "*header*"), t(system, admin, "*naive-fields*")
            st = through.get((system, admin), [0, 0])
            secs = t(system, admin, "*seconds*").seconds
            confident = system != "naive"
            add(
                f"| {system} | {pct(h.right, h.total) if confident else '–'} | "
                f"{pct(three.right, three.total)} | "
                f"{pct(h.accepted_right, h.accepted) if confident else '–'} | "
                f"{h.accepted_wrong if confident else '–'} | "
                f"{pct(h.accepted, h.total) if confident else '–'} | "
                f"{pct(st[0], st[1]) if confident else '–'} | {mean(secs):.2f} |"
            )
        captures = sorted({k[3] for k in tallies if k[1] == admin and k[2] == "*capture*"})
        add("\n| capture | ours header exact | ours ≥0.9 right | plain header exact |")
        add("|---|---|---|---|")
        for capture in captures:
            o, p = t("ours", admin, "*capture*", capture), t("plain", admin, "*capture*", capture)
            add(
                f"| {capture} | {pct(o.right, o.total)} | {pct(o.accepted_right, o.accepted)} | "
                f"{pct(p.right, p.total)} |"
            )
    for doc_type in sorted(k for k in types if k != admin):
        add(f"\n{doc_type}, per field:\n")
        add("| field | ours exact | ours ≥0.9 right | ours auto-accept | plain exact |")
        add("|---|---|---|---|---|")
        names = sorted({k[2] for k in tallies if k[1] == doc_type and not k[2].startswith("*")})
        for name in [*names, "*all*"]:
            o, p = t("ours", doc_type, name), t("plain", doc_type, name)
            add(
                f"| {name} | {pct(o.right, o.total)} | {pct(o.accepted_right, o.accepted)} | "
                f"{pct(o.accepted, o.total)} | {pct(p.right, p.total)} |"
            )
        st = through.get(("ours", doc_type), [0, 0])
        secs = t("ours", doc_type, "*seconds*").seconds
        add(f"\nStraight through (ours): {pct(st[0], st[1])}; {mean(secs):.2f} s/page")
    everything = corpus.Tally()
    for key, tally in tallies.items():
        if key[0] == "ours" and key[2] == "*all*":
            everything.merge(tally)
    add("\nReliability (ours, every scored field of every type; confidence → share right):\n")
    add("| confidence | right / values | share right |")
    add("|---|---|---|")
    for label, right, total in corpus.reliability(everything.confidences):
        add(f"| {label} | {right}/{total} | {100 * right / total:.0f}% |" if total else
            f"| {label} | 0/0 | – |")  # fmt: skip
    if misses:
        add("\nMisses of ours, per document:\n")
        for entry, runs in rows:
            found = corpus.misses(entry, runs["ours"])
            if found:
                add(f"- {entry['id']} ({entry['capture']})")
                lines.extend(found)
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--split",
        choices=("dev", "test", "all"),
        default="dev",
        help="the real corpus half to score (test: only when code is frozen)",
    )
    parser.add_argument("--real-only", action="store_true", help="only the real-corpus tables")
    parser.add_argument("--misses", action="store_true", help="list ours' misses per document")
    parser.add_argument("--no-cache", action="store_true", help="read real pages again")
    parser.add_argument("--per-type", type=int, default=3, help="documents per template and noise")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=20260)
    parser.add_argument("--no-ocrmypdf", action="store_true")
    parser.add_argument("--no-real", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the generated measurements here")
    parser.add_argument("--templates", nargs="*", help="only these templates (a quick look)")
    parser.add_argument("--noise", nargs="*", choices=NOISES, default=list(NOISES),
                        help="generated noise levels to read (default: all)")  # fmt: skip
    parser.add_argument("--report", type=Path, help="only print the tables of a saved --json")
    args = parser.parse_args()
    os.environ["OMP_THREAD_LIMIT"] = "1"
    if args.report:
        saved = json.loads(args.report.read_text("utf-8"))
        systems = SYSTEMS if any("ocrmypdf" in g for g in saved["generated"]) else SYSTEMS[:2]
        print(report(saved["generated"], saved["scans"], saved["born"], systems))
        return
    from extractors.document import EXTRACTOR_VERSION
    from extractors.ocr import get_engine

    version = f"extractor {EXTRACTOR_VERSION}, {get_engine('tesseract').version()}"
    started = time.perf_counter()
    if not args.no_real:
        rows = real_rows(args.split, args.workers, not args.no_cache)
        print(f"{version}, {time.perf_counter() - started:.0f} s\n")
        print(real_report(rows, args.split, args.misses) + "\n", flush=True)
    if args.real_only:
        return
    from sohoa.samples import generate, template_names

    with_ocrmypdf = not args.no_ocrmypdf
    systems = SYSTEMS if with_ocrmypdf else SYSTEMS[:2]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="sohoa-bench-acc-") as tmp:
        root = Path(tmp)
        tasks = []
        templates = args.templates or template_names()
        for noise in args.noise:
            infos = generate(
                root / noise,
                count=args.per_type * len(templates),
                seed=args.seed,
                noise=noise,  # type: ignore[arg-type]
                types=templates,
                formats=["png"],
            )
            tasks += [
                (str(i.path), str(i.truth_path), str(root / noise), with_ocrmypdf) for i in infos
            ]
        with ProcessPoolExecutor(args.workers) as pool:
            generated = list(pool.map(bench_generated, tasks))
        scans: list[dict[str, Any]] = []
        born: list[dict[str, Any]] = []
        if not args.no_real and REAL.is_dir():
            with ProcessPoolExecutor(args.workers) as pool:
                born_f = pool.submit(bench_born_digital, root, args.split)
                if args.split != "dev":  # page_scans are copies of a test-half page
                    scans = pool.submit(bench_page_scans, with_ocrmypdf, root).result()
                born = born_f.result()
        table = report(generated, scans, born, systems)
    header = (
        f"{version}, seed {args.seed}, "
        f"{args.per_type} per template × noise ({len(tasks)} pages), {args.workers} workers, "
        f"{time.perf_counter() - started:.0f} s in all"
    )
    print(header + "\n\n" + table)
    if args.json:
        args.json.write_text(
            json.dumps(
                {"generated": generated, "scans": scans, "born": born},
                ensure_ascii=False,
                default=str,
            )
        )


if __name__ == "__main__":
    main()
